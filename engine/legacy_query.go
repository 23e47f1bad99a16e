package engine

import "dynalab/engine/expr"

// keyCondition binds the request's KeyConditionExpression; with legacy
// KeyConditions instead it binds nothing (keyTerms translates them).
func (l *legacy) keyCondition(ex *exprContext, text *string) (*expr.Condition, error) {
	if text == nil {
		return nil, nil
	}
	return ex.keyCondition(*text)
}

// keyTerms splits the bound KeyConditionExpression into terms, or turns
// KeyConditions into the same terms after their own checks, which the
// service applies once the expressions are validated (dynalite
// validations/query.js): each condition's operands, one or two conditions
// (dynalite validations/query.js), and only the operators a key can serve.
//
// A Query on an index may have up to expr.MaxMultiKeyTerms conditions here
// (a multi-attribute GSI key); the index's own count is checked once it is
// known (indexRead.resolveKeyCondition).
func (l *legacy) keyTerms(bound *expr.Condition, index bool) ([]expr.KeyTerm, error) {
	most := 2
	if index {
		most = expr.MaxMultiKeyTerms
	}
	if !l.hasKeyConds || l.in.keyCondition {
		terms, err := expr.KeyTermsUpTo(bound, most)
		return terms, exprError(err)
	}
	if err := checkConds(l.keyConditions, false); err != nil {
		return nil, err
	}
	if n := len(l.keyConditions); n < 1 || n > most {
		return nil, validationError("Conditions can be of length 1 or 2 only")
	}
	terms := make([]expr.KeyTerm, len(l.keyConditions))
	for i := range l.keyConditions {
		c := &l.keyConditions[i]
		op, ok := legacyKeyOps[c.op]
		if !ok {
			// dynalite actions/query.js; the service's text for NE, IN,
			// NULL, NOT_NULL, CONTAINS and NOT_CONTAINS on a key.
			return nil, validationError("Attempted conditional constraint is not an indexable operation")
		}
		terms[i] = expr.KeyTerm{Name: c.name, Op: op, Values: c.list}
	}
	return terms, nil
}

var legacyKeyOps = map[string]expr.KeyOp{
	"EQ": expr.KeyEQ, "LT": expr.KeyLT, "LE": expr.KeyLE, "GT": expr.KeyGT, "GE": expr.KeyGE,
	"BETWEEN": expr.KeyBetween, "BEGINS_WITH": expr.KeyBeginsWith,
}

package partiql

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"dynalab/engine"
	"dynalab/engine/attr"
)

// The request and response shapes of the three PartiQL operations. Field
// and JSON names are the service's, so the JSON form is the wire form.

// ExecuteStatementInput is the ExecuteStatement request.
type ExecuteStatementInput struct {
	Statement                           string       `json:"Statement"`
	Parameters                          []attr.Value `json:"Parameters,omitempty"`
	ConsistentRead                      bool         `json:"ConsistentRead,omitempty"`
	NextToken                           *string      `json:"NextToken,omitempty"`
	Limit                               *int64       `json:"Limit,omitempty"`
	ReturnConsumedCapacity              string       `json:"ReturnConsumedCapacity,omitempty"`
	ReturnValuesOnConditionCheckFailure string       `json:"ReturnValuesOnConditionCheckFailure,omitempty"`
}

// ExecuteStatementOutput is the ExecuteStatement response. Items is
// present (possibly empty) for every statement.
type ExecuteStatementOutput struct {
	Items            []attr.Item              `json:"Items"`
	NextToken        *string                  `json:"NextToken,omitempty"`
	ConsumedCapacity *engine.ConsumedCapacity `json:"ConsumedCapacity,omitempty"`
	// Operation and ScannedCount are workbench extensions, never sent on
	// the wire: the DynamoDB operation the statement ran as, and how many
	// items its reads examined, filtered or not.
	Operation    Operation `json:"-"`
	ScannedCount int       `json:"-"`
}

// BatchExecuteStatementInput is the BatchExecuteStatement request.
type BatchExecuteStatementInput struct {
	Statements             []BatchStatementRequest `json:"Statements"`
	ReturnConsumedCapacity string                  `json:"ReturnConsumedCapacity,omitempty"`
}

// BatchStatementRequest is one statement of a BatchExecuteStatement.
type BatchStatementRequest struct {
	Statement                           string       `json:"Statement"`
	Parameters                          []attr.Value `json:"Parameters,omitempty"`
	ConsistentRead                      bool         `json:"ConsistentRead,omitempty"`
	ReturnValuesOnConditionCheckFailure string       `json:"ReturnValuesOnConditionCheckFailure,omitempty"`
}

// BatchExecuteStatementOutput is the BatchExecuteStatement response:
// one response per statement, in request order.
type BatchExecuteStatementOutput struct {
	Responses        []BatchStatementResponse  `json:"Responses"`
	ConsumedCapacity []engine.ConsumedCapacity `json:"ConsumedCapacity,omitempty"`
}

// BatchStatementResponse is the outcome of one statement of a batch.
type BatchStatementResponse struct {
	TableName string               `json:"TableName,omitempty"`
	Item      attr.Item            `json:"Item,omitzero"`
	Error     *BatchStatementError `json:"Error,omitempty"`
}

// BatchStatementError is a statement of a batch that failed.
type BatchStatementError struct {
	Code    string    `json:"Code"`
	Message string    `json:"Message,omitempty"`
	Item    attr.Item `json:"Item,omitempty"`
}

// ExecuteTransactionInput is the ExecuteTransaction request.
type ExecuteTransactionInput struct {
	TransactStatements     []ParameterizedStatement `json:"TransactStatements"`
	ClientRequestToken     *string                  `json:"ClientRequestToken,omitempty"`
	ReturnConsumedCapacity string                   `json:"ReturnConsumedCapacity,omitempty"`
}

// ParameterizedStatement is one statement of a transaction.
type ParameterizedStatement struct {
	Statement                           string       `json:"Statement"`
	Parameters                          []attr.Value `json:"Parameters,omitempty"`
	ReturnValuesOnConditionCheckFailure string       `json:"ReturnValuesOnConditionCheckFailure,omitempty"`
}

// ExecuteTransactionOutput is the ExecuteTransaction response. A read
// transaction has one response per statement ({} when the item does not
// exist); a write transaction an empty list.
type ExecuteTransactionOutput struct {
	Responses        []engine.ItemResponse     `json:"Responses"`
	ConsumedCapacity []engine.ConsumedCapacity `json:"ConsumedCapacity,omitempty"`
}

// The service's limits on the PartiQL operations.
const (
	maxStatementChars     = 8192
	maxNextTokenChars     = 32768
	maxBatchStatements    = 25
	maxTransactStatements = 100
	maxClientTokenChars   = 36
)

// constraints gathers the request-level constraint failures the service's
// framework reports before anything else, as "N validation error(s)
// detected: ...".
type constraints struct{ errs []string }

func (c *constraints) add(value, path, constraint string) {
	c.errs = append(c.errs, fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: %s", value, path, constraint))
}

func (c *constraints) length(s, path string, lo, hi int) {
	n := utf8.RuneCountInString(s)
	switch {
	case n < lo:
		c.add("'"+s+"'", path, "Member must have length greater than or equal to "+strconv.Itoa(lo))
	case n > hi:
		c.add("'"+s+"'", path, "Member must have length less than or equal to "+strconv.Itoa(hi))
	}
}

func (c *constraints) enum(v, path string, allowed ...string) {
	if v == "" {
		return
	}
	for _, a := range allowed {
		if v == a {
			return
		}
	}
	c.add("'"+v+"'", path, "Member must satisfy enum value set: ["+strings.Join(allowed, ", ")+"]")
}

func (c *constraints) params(p []attr.Value, path string) {
	if p != nil && len(p) == 0 {
		c.add("'[]'", path, "Member must have length greater than or equal to 1")
	}
}

func (c *constraints) capacity(v string) {
	c.enum(v, "returnConsumedCapacity", engine.CapacityIndexes, engine.CapacityTotal, engine.CapacityNone)
}

func (c *constraints) onFailure(v, path string) {
	c.enum(v, path, engine.ReturnAllOld, engine.ReturnNone)
}

func (c *constraints) err() error {
	if len(c.errs) == 0 {
		return nil
	}
	errs := c.errs
	if len(errs) > 10 {
		errs = errs[:10]
	}
	noun := "error"
	if len(errs) > 1 {
		noun = "errors"
	}
	return engine.Validationf("%d validation %s detected: %s", len(errs), noun, strings.Join(errs, "; "))
}

func (in *ExecuteStatementInput) validate() error {
	var c constraints
	c.length(in.Statement, "statement", 1, maxStatementChars)
	c.params(in.Parameters, "parameters")
	if in.NextToken != nil {
		c.length(*in.NextToken, "nextToken", 1, maxNextTokenChars)
	}
	if in.Limit != nil && *in.Limit < 1 {
		c.add("'"+strconv.FormatInt(*in.Limit, 10)+"'", "limit", "Member must have value greater than or equal to 1")
	}
	c.capacity(in.ReturnConsumedCapacity)
	c.onFailure(in.ReturnValuesOnConditionCheckFailure, "returnValuesOnConditionCheckFailure")
	return c.err()
}

func (in *BatchExecuteStatementInput) validate() error {
	var c constraints
	switch {
	case in.Statements == nil:
		c.add("null", "statements", "Member must not be null")
	case len(in.Statements) < 1:
		c.add("'[]'", "statements", "Member must have length greater than or equal to 1")
	case len(in.Statements) > maxBatchStatements:
		c.add("'[...]'", "statements", "Member must have length less than or equal to 25")
	}
	for i, s := range in.Statements {
		p := "statements." + strconv.Itoa(i+1) + ".member."
		c.length(s.Statement, p+"statement", 1, maxStatementChars)
		c.params(s.Parameters, p+"parameters")
		c.onFailure(s.ReturnValuesOnConditionCheckFailure, p+"returnValuesOnConditionCheckFailure")
	}
	c.capacity(in.ReturnConsumedCapacity)
	return c.err()
}

func (in *ExecuteTransactionInput) validate() error {
	var c constraints
	switch {
	case in.TransactStatements == nil:
		c.add("null", "transactStatements", "Member must not be null")
	case len(in.TransactStatements) < 1:
		c.add("'[]'", "transactStatements", "Member must have length greater than or equal to 1")
	case len(in.TransactStatements) > maxTransactStatements:
		c.add("'[...]'", "transactStatements", "Member must have length less than or equal to 100")
	}
	for i, s := range in.TransactStatements {
		p := "transactStatements." + strconv.Itoa(i+1) + ".member."
		c.length(s.Statement, p+"statement", 1, maxStatementChars)
		c.params(s.Parameters, p+"parameters")
		c.onFailure(s.ReturnValuesOnConditionCheckFailure, p+"returnValuesOnConditionCheckFailure")
	}
	if t := in.ClientRequestToken; t != nil {
		c.length(*t, "clientRequestToken", 1, maxClientTokenChars)
	}
	c.capacity(in.ReturnConsumedCapacity)
	return c.err()
}

// statementError turns a statement's parse error into the ValidationException
// the service sends.
func statementError(err error) error {
	if perr, ok := err.(*Error); ok {
		return engine.Validationf("%s", perr.ServiceMessage())
	}
	return err
}

// engineCapacity is the ReturnConsumedCapacity the executor asks the engine
// for: always at least TOTAL, so that the request log sees the units even
// when the client did not ask for them.
func engineCapacity(mode string) string {
	if mode == engine.CapacityIndexes {
		return mode
	}
	return engine.CapacityTotal
}

// wantCapacity reports whether a client asked for ConsumedCapacity.
func wantCapacity(mode string) bool {
	return mode == engine.CapacityTotal || mode == engine.CapacityIndexes
}

// addCapacity adds c to *sum (creating it), for requests that run several
// operations on one table.
func addCapacity(sum **engine.ConsumedCapacity, c *engine.ConsumedCapacity) {
	if c == nil {
		return
	}
	if *sum == nil {
		cp := *c
		if c.Table != nil {
			t := *c.Table
			cp.Table = &t
		}
		*sum = &cp
		return
	}
	s := *sum
	s.CapacityUnits += c.CapacityUnits
	s.ReadCapacityUnits += c.ReadCapacityUnits
	s.WriteCapacityUnits += c.WriteCapacityUnits
	if c.Table != nil {
		if s.Table == nil {
			s.Table = &engine.Capacity{}
		}
		s.Table.CapacityUnits += c.Table.CapacityUnits
		s.Table.ReadCapacityUnits += c.Table.ReadCapacityUnits
		s.Table.WriteCapacityUnits += c.Table.WriteCapacityUnits
	}
}

// capacityList merges per-table capacities in first-seen table order.
type capacityList struct {
	order []string
	by    map[string]*engine.ConsumedCapacity
}

func (l *capacityList) add(c *engine.ConsumedCapacity) {
	if c == nil {
		return
	}
	if l.by == nil {
		l.by = map[string]*engine.ConsumedCapacity{}
	}
	s := l.by[c.TableName]
	if s == nil {
		l.order = append(l.order, c.TableName)
	}
	addCapacity(&s, c)
	l.by[c.TableName] = s
}

func (l *capacityList) units() float64 {
	u := 0.0
	for _, c := range l.by {
		u += c.CapacityUnits
	}
	return u
}

func (l *capacityList) list() []engine.ConsumedCapacity {
	out := make([]engine.ConsumedCapacity, 0, len(l.order))
	for _, n := range l.order {
		out = append(out, *l.by[n])
	}
	return out
}

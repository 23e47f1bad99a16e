package engine

import (
	"errors"

	"dynalab/engine/attr"
	"dynalab/engine/expr"
)

// This file adapts engine/expr to the operations: one exprContext per
// request binds all of its expressions against the request's placeholder
// maps, so that unused placeholders can be reported at the end.

// exprPresence says which expressions of a request may use names and
// values, for the service's "can only be specified when using expressions"
// rules; valuesNull completes that message ("ConditionExpression is null").
type exprPresence struct {
	names, values bool
	valuesNull    string
}

type exprContext struct {
	cache *expr.Cache
	p     expr.Params
}

// newExprContext checks the placeholder maps as the service does before it
// parses any expression.
func (db *DB) newExprContext(names map[string]string, values Values, pres exprPresence) (*exprContext, error) {
	if names != nil {
		if len(names) == 0 {
			return nil, validationError("ExpressionAttributeNames must not be empty")
		}
		if !pres.names {
			return nil, validationError("ExpressionAttributeNames can only be specified when using expressions")
		}
	}
	if values != nil {
		if len(values) == 0 {
			return nil, validationError("ExpressionAttributeValues must not be empty")
		}
		if !pres.values {
			return nil, validationError("ExpressionAttributeValues can only be specified when using expressions: " + pres.valuesNull)
		}
	}
	if err := expr.CheckPlaceholders(names, attr.Item(values)); err != nil {
		return nil, exprError(err)
	}
	return &exprContext{cache: db.exprs, p: expr.Params{Names: names, Values: attr.Item(values)}}, nil
}

// exprError turns an expression error into the client's ValidationException.
func exprError(err error) error {
	if err == nil {
		return nil
	}
	var e *expr.Error
	if errors.As(err, &e) {
		return validationError(e.Message)
	}
	return err
}

// done reports placeholders that no expression used.
func (c *exprContext) done() error { return exprError(c.p.Unused()) }

// condition is a bound condition or filter; the zero value accepts everything.
// legacyName is "QueryFilter" for a translated legacy filter, which names
// itself in the key-attribute error.
type condition struct {
	c          *expr.Condition
	legacyName string
}

func (c condition) eval(item attr.Item) bool { return c.c == nil || c.c.Eval(item) }

// rejectKeyAttributes applies Query's rule that a filter may not use the
// key attributes of what is queried.
func (c condition) rejectKeyAttributes(t *table) error {
	if c.c == nil {
		return nil
	}
	for _, name := range c.c.TopLevelNames() {
		if t.isKeyAttr(name) {
			if c.legacyName != "" {
				return validationError(c.legacyName + " can only contain non-primary key attributes: Primary key attribute: " + name)
			}
			return validationError("Filter Expression can only contain non-primary key attributes: Primary key attribute: " + name)
		}
	}
	return nil
}

func (c *exprContext) condition(param string, text *string) (condition, error) {
	if text == nil {
		return condition{}, nil
	}
	ast, err := c.cache.Condition(param, *text)
	if err != nil {
		return condition{}, exprError(err)
	}
	bound, err := ast.Bind(&c.p)
	if err != nil {
		return condition{}, exprError(err)
	}
	return condition{c: bound}, nil
}

// projector applies a projection; the zero value keeps whole items.
type projector struct{ p *expr.Projection }

func (p projector) apply(item attr.Item) attr.Item {
	if p.p == nil {
		return item
	}
	return p.p.Apply(item)
}

// projection binds a ProjectionExpression, or turns AttributesToGet into
// the equivalent projection of top-level names.
func (c *exprContext) projection(text *string, attributesToGet []string) (projector, error) {
	if attributesToGet != nil {
		paths := make([]expr.Path, len(attributesToGet))
		for i, a := range attributesToGet {
			paths[i] = expr.NewPath(a)
		}
		return projector{expr.NewProjection(paths)}, nil
	}
	if text == nil {
		return projector{}, nil
	}
	ast, err := c.cache.Projection(*text)
	if err != nil {
		return projector{}, exprError(err)
	}
	bound, err := ast.Bind(&c.p)
	if err != nil {
		return projector{}, exprError(err)
	}
	return projector{bound}, nil
}

// updater applies an UpdateExpression; with none, UpdateItem creates a
// key-only item or leaves an existing one as it is. legacy marks translated
// AttributeUpdates, whose type clashes have their own message.
type updater struct {
	u      *expr.Update
	legacy bool
}

func (c *exprContext) update(text *string) (updater, error) {
	if text == nil {
		return updater{}, nil
	}
	ast, err := c.cache.Update(*text)
	if err != nil {
		return updater{}, exprError(err)
	}
	bound, err := ast.Bind(&c.p)
	if err != nil {
		return updater{}, exprError(err)
	}
	return updater{u: bound}, nil
}

// checkKeyTargets refuses updates of the table's key attributes.
func (u updater) checkKeyTargets(t *table) error {
	if u.u == nil {
		return nil
	}
	for _, p := range u.u.Paths() {
		if len(p) == 0 || p[0].Kind != expr.ElemName || !t.isKeyAttr(p[0].Name) {
			continue
		}
		if len(p) == 1 {
			return invalidParam("Cannot update attribute %s. This attribute is part of the key", p[0].Name)
		}
		return validationError("Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: Key: " + p[0].Name)
	}
	return nil
}

// apply returns the item after the update, or nil when nothing is to be
// written (no item, and the update would create none).
func (u updater) apply(old, key attr.Item) (attr.Item, error) {
	switch {
	case u.u == nil && old == nil:
		return key, nil
	case u.u == nil:
		return old, nil
	case old == nil && !u.u.Writes():
		return nil, nil
	case old == nil:
		item, err := u.u.ApplyAbsent(key)
		if u.legacy {
			return item, legacyApplyError(err)
		}
		return item, exprError(err)
	}
	item, err := u.u.Apply(old)
	if u.legacy {
		return item, legacyApplyError(err)
	}
	return item, exprError(err)
}

// returnValues picks UpdateItem's Attributes for a ReturnValues mode.
func (u updater) returnValues(mode string, old, item attr.Item) attr.Item {
	var out attr.Item
	switch mode {
	case ReturnAllOld:
		out = old
	case ReturnAllNew:
		out = item
	case ReturnUpdatedOld:
		if u.u != nil && old != nil {
			out = u.u.Project(old)
		}
	case ReturnUpdatedNew:
		if u.u != nil && item != nil {
			out = u.u.Project(item)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// keyConditionTerms parses and binds a KeyConditionExpression and splits it
// into terms; the schema check comes once the table is known, after unused
// placeholders are reported, in the service's order.
func (c *exprContext) keyCondition(text string) (*expr.Condition, error) {
	ast, err := c.cache.KeyCondition(text)
	if err != nil {
		return nil, exprError(err)
	}
	bound, err := ast.Bind(&c.p)
	return bound, exprError(err)
}

// resolveKeyCondition checks key-condition terms against the table's key.
func (t *table) resolveKeyCondition(terms []expr.KeyTerm) (*expr.KeyCondition, error) {
	kc, err := expr.ResolveKeyCondition(terms, expr.KeySchema{
		HashName: t.hashName, HashType: t.hashType, RangeName: t.rangeName, RangeType: t.rangeType,
	})
	if err != nil {
		return nil, exprError(err)
	}
	return kc, checkKeyConditionSizes(kc)
}

// checkKeyConditionSizes refuses a Query whose key values could never
// match a stored key, with GetItem's words for a Key over the limits
// (checkKeyValue): a partition value over 2048 bytes, a sort value (with
// the sort attributes pinned before it, for a multi-attribute key) over
// 1024.
func checkKeyConditionSizes(kc *expr.KeyCondition) error {
	hashes := kc.Hashes
	if hashes == nil {
		hashes = []expr.NamedValue{{Name: kc.HashName, Value: kc.HashValue}}
	}
	for _, h := range hashes {
		if h.Value.Len() > maxHashKeyBytes {
			return invalidParam("Size of hashkey has exceeded the maximum size limit of2048 bytes")
		}
	}
	prefix := 0
	for _, nv := range kc.SortPrefix {
		prefix += nv.Value.Len()
	}
	if prefix > maxRangeKeyBytes {
		return invalidParam("Aggregated size of all range keys has exceeded the size limit of 1024 bytes")
	}
	if kc.RangeOp == expr.KeyNone {
		return nil
	}
	for _, v := range kc.RangeValues {
		if prefix+v.Len() > maxRangeKeyBytes {
			return invalidParam("Aggregated size of all range keys has exceeded the size limit of 1024 bytes")
		}
	}
	return nil
}

package partiql

import (
	"context"
	"slices"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/engine/expr"
)

// Operation names the DynamoDB operation a statement runs as.
type Operation string

// The operations statements translate into.
const (
	OperationGetItem        Operation = "GetItem"
	OperationQuery          Operation = "Query"
	OperationScan           Operation = "Scan"
	OperationPutItem        Operation = "PutItem"
	OperationUpdateItem     Operation = "UpdateItem"
	OperationDeleteItem     Operation = "DeleteItem"
	OperationConditionCheck Operation = "ConditionCheck"
)

// Plan is how a statement runs: the DynamoDB operation the service would
// choose for it, on which table or index, with which key condition and
// filter. EXPLAIN shows it; the executor runs it.
type Plan struct {
	Statement   Statement
	Operation   Operation
	Table       string
	Index       string // "" for the table itself
	GlobalIndex bool   // Index is a GSI
	// KeyAttributes are the key attributes of what is read or written,
	// partition key first, then (for an index) the table's own.
	KeyAttributes []string
	// Key is the primary key of the item a GetItem or a write addresses.
	Key attr.Item
	// KeyCondition holds the WHERE conjuncts that became a Query's key
	// condition (the partition key's =, IN or ORs, and the sort key's).
	KeyCondition []Expr
	// Partitions are the partition key values a Query reads, one Query
	// each, in the order they run; more than one when the statement names
	// several (pk IN [...], pk = a OR pk = b).
	Partitions []attr.Value
	// Filter holds the WHERE conjuncts applied to the items read (Query,
	// Scan) or checked on the item (writes' condition).
	Filter []Expr
	// LocalFilter says the filter reads a key attribute, which a Query's
	// FilterExpression may not: the executor applies it to the Query's
	// items itself, with the same evaluator.
	LocalFilter bool
	// Projection is the projected paths; nil for whole items.
	Projection []*Path
	// ScanIndexForward is the Query's direction (ORDER BY ... DESC: false).
	ScanIndexForward bool
	// WholeTable says the operation reads every item (a Scan).
	WholeTable bool
	// ConsistentRead is the request's ConsistentRead.
	ConsistentRead bool
	// Returning is an UPDATE's or DELETE's RETURNING choice.
	Returning ReturnValues
	// Expressions are the generated DynamoDB expressions of the (first)
	// request.
	Expressions Expressions

	// the executable requests
	get      *engine.GetItemInput
	query    *engine.QueryInput
	scan     *engine.ScanInput
	put      *engine.PutItemInput
	update   *engine.UpdateItemInput
	del      *engine.DeleteItemInput
	check    *engine.TransactCondition
	hashPH   string           // the :placeholder of the partition key value in query
	filter   *expr.Condition  // LocalFilter: the bound filter
	project  *expr.Projection // LocalFilter: the bound projection
	keyNames []string         // the table's own key attributes
	flatten  *projectionTree  // un-nests projected paths (nil for *)
	params   []attr.Value     // the statement's parameters
}

// Expressions are the DynamoDB expressions a statement translates into,
// with their placeholders.
type Expressions struct {
	KeyCondition string
	Filter       string // Query and Scan FilterExpression
	Condition    string // writes' ConditionExpression
	Update       string
	Projection   string
	Names        map[string]string
	Values       map[string]attr.Value
}

// selectUse says where a SELECT runs, which decides its rules.
type selectUse uint8

const (
	useStatement   selectUse = iota // ExecuteStatement: GetItem, Query or Scan
	useBatch                        // BatchExecuteStatement: one item
	useTransaction                  // ExecuteTransaction: one item
)

// Plan returns the plan of a statement with its parameters: what EXPLAIN
// shows. An *Explain is planned as the statement it explains.
func (x *Executor) Plan(ctx context.Context, stmt Statement, params []attr.Value) (*Plan, error) {
	if e, ok := stmt.(*Explain); ok {
		stmt = e.Statement
	}
	if ParamCount(stmt) != len(params) {
		return nil, engine.Validationf(msgParamCount)
	}
	switch s := stmt.(type) {
	case *Select:
		return x.planSelect(ctx, s, params, false, useStatement)
	case *Exists:
		return x.planExists(ctx, s, params)
	}
	return x.planWrite(ctx, stmt, params, "")
}

// planSelect plans a SELECT as the Developer Guide's PartiQL SELECT page
// says the service does.
func (x *Executor) planSelect(ctx context.Context, s *Select, params []attr.Value, consistent bool, use selectUse) (*Plan, error) {
	if use == useTransaction && s.From.Index != "" {
		return nil, engine.Validationf(msgTxIndexRead)
	}
	schema, err := x.Schema(ctx, s.From.Table, s.From.Index != "")
	if err != nil {
		return nil, err
	}
	p := &Plan{Statement: s, Operation: OperationScan, Table: schema.Table, Index: s.From.Index,
		Projection: s.Projection, ConsistentRead: consistent, ScanIndexForward: true,
		keyNames: schema.Key.Names(), params: params}
	ks := schema.Key
	if s.From.Index != "" {
		ix := schema.Index(s.From.Index)
		if ix == nil {
			return nil, engine.Validationf(msgNoIndex, s.From.Index)
		}
		// The service's PartiQL does not read a GSI whose key has several
		// HASH or RANGE attributes, whatever the statement; the table, its
		// other indexes and writes to the table run (paritysuite's
		// tests/tier2/partiql/multiAttributeIndex.test.ts and
		// tests/tier3/error-messages/partiqlMultiAttributeIndex.test.ts,
		// run against AWS: parse and parameter errors come first, key
		// types, the WHERE rules and the batch's key-only rule after).
		if ix.Key.Multi() {
			return nil, engine.Validationf(msgMultiKeyIndex)
		}
		ks, p.GlobalIndex = ix.Key, ix.Global
		if ix.Global && consistent {
			return nil, engine.Validationf(msgGSIConsistent)
		}
	}
	p.KeyAttributes = ks.Names()
	for _, n := range p.keyNames {
		if !slices.Contains(p.KeyAttributes, n) {
			p.KeyAttributes = append(p.KeyAttributes, n)
		}
	}
	if use != useStatement {
		return x.planItemSelect(p, s, ks, params, use)
	}
	if len(s.OrderBy) > 0 {
		if s.Where == nil {
			return nil, engine.Validationf(msgOrderByWhere)
		}
		if !hashRequired(s.Where, ks) {
			return nil, engine.Validationf(msgOrderByHash)
		}
		for _, o := range s.OrderBy {
			if !ks.Has(o.Name) {
				return nil, engine.Validationf(msgOrderByKey, o.Name)
			}
		}
	}
	keys, err := extractSelectKeys(s.Where, ks, params)
	if err != nil {
		return nil, err
	}
	if err := planOrder(p, s, ks, keys); err != nil {
		return nil, err
	}
	if err := checkKeyConditionTypes(keys, ks); err != nil {
		return nil, err
	}
	p.Filter = keys.rest
	switch {
	case !keys.query():
		p.WholeTable = true
	case p.Index == "" && keys.fanout == nil && len(keys.rest) == 0 &&
		((ks.Range.Name == "" && keys.rng == nil) || (keys.rng != nil && keys.rng.op == keyEq)):
		p.Operation = OperationGetItem
		p.Key = attr.Item{ks.Hash.Name: keys.hash}
		p.KeyCondition = []Expr{keys.hashExpr}
		if keys.rng != nil {
			p.Key[ks.Range.Name] = keys.rng.values[0]
			p.KeyCondition = append(p.KeyCondition, keys.rngExpr)
		}
	default:
		p.Operation = OperationQuery
		if keys.fanout != nil {
			p.KeyCondition = []Expr{keys.fanoutExpr}
		} else {
			p.KeyCondition = []Expr{keys.hashExpr}
			p.Partitions = []attr.Value{keys.hash}
		}
		if keys.rng != nil {
			p.KeyCondition = append(p.KeyCondition, keys.rngExpr)
		}
		p.LocalFilter = readsKey(keys.rest, ks)
	}
	if err := p.buildRead(ks, keys.rng); err != nil {
		return nil, err
	}
	return p, nil
}

// planOrder applies ORDER BY: the Query's direction, the order of the
// partitions of a fan-out, and the service's rules.
func planOrder(p *Plan, s *Select, ks KeySchema, keys *selectKeys) error {
	if keys.fanout != nil {
		if len(keys.fanout) > maxDecomposedQueries {
			return engine.Validationf(msgTooManyReads)
		}
		p.Partitions = keys.fanout
	}
	if len(s.OrderBy) == 0 {
		return nil
	}
	if !keys.query() {
		return engine.Validationf(msgOrderByHash)
	}
	if keys.fanout != nil && s.OrderBy[0].Name != ks.Hash.Name {
		return engine.Validationf(msgOrderByFanout)
	}
	hashDesc := false
	for _, o := range s.OrderBy {
		switch o.Name {
		case ks.Hash.Name:
			hashDesc = o.Desc
		case ks.Range.Name:
			p.ScanIndexForward = !o.Desc
		}
	}
	if keys.fanout != nil {
		sorted := slices.Clone(keys.fanout)
		slices.SortStableFunc(sorted, func(a, b attr.Value) int {
			c, _ := attr.Compare(a, b)
			if hashDesc {
				return -c
			}
			return c
		})
		p.Partitions = sorted
	}
	return nil
}

// checkKeyConditionTypes checks key condition values against the schema,
// as the service does before it runs the Query.
func checkKeyConditionTypes(keys *selectKeys, ks KeySchema) error {
	hashes := keys.fanout
	if !keys.hash.IsZero() {
		hashes = []attr.Value{keys.hash}
	}
	for _, v := range hashes {
		if v.Type() != ks.Hash.Type {
			return engine.Validationf(msgKeySchemaType, ks.Hash.Name)
		}
	}
	if keys.rng != nil && keys.query() && keys.rng.values[0].Type() != ks.Range.Type {
		return engine.Validationf(msgKeySchemaType, ks.Range.Name)
	}
	return nil
}

// readsKey reports whether a filter reads a key attribute.
func readsKey(conds []Expr, ks KeySchema) bool {
	found := false
	for _, c := range conds {
		Walk(c, func(n Node) bool {
			if p, ok := n.(*Path); ok && ks.Has(p.Name) {
				found = true
			}
			return !found
		})
	}
	return found
}

// buildRead generates the GetItem, Query or Scan request of a read plan.
func (p *Plan) buildRead(ks KeySchema, rng *terminal) error {
	b := newBuilder(p.params)
	capacity := engine.CapacityTotal
	switch p.Operation {
	case OperationGetItem:
		proj := b.projection(p.Projection)
		names, _ := b.placeholders()
		p.get = &engine.GetItemInput{TableName: p.Table, Key: p.Key, ProjectionExpression: proj,
			ExpressionAttributeNames: names, ConsistentRead: p.ConsistentRead, ReturnConsumedCapacity: capacity}
		p.Expressions = Expressions{Projection: deref(proj), Names: names}
	case OperationQuery:
		b.str(b.name(ks.Hash.Name))
		b.str(" = ")
		p.hashPH = b.value(p.Partitions[0])
		b.str(p.hashPH)
		if rng != nil {
			b.str(" AND ")
			b.rangeCondition(ks.Range.Name, rng)
		}
		kc := b.take()
		q := &engine.QueryInput{TableName: p.Table, IndexName: p.Index, KeyConditionExpression: &kc,
			ConsistentRead: p.ConsistentRead, ReturnConsumedCapacity: capacity}
		if !p.ScanIndexForward {
			q.ScanIndexForward = new(bool)
		}
		filter, err := b.conjunction(p.Filter)
		if err != nil {
			return err
		}
		proj := b.projection(p.Projection)
		names, values := b.placeholders()
		if p.LocalFilter {
			if err := p.bindLocalFilter(*filter, proj, names, values); err != nil {
				return err
			}
			q.ExpressionAttributeNames = usedNames(names, &kc)
			q.ExpressionAttributeValues = usedValues(values, &kc)
		} else {
			q.FilterExpression, q.ProjectionExpression = filter, proj
			q.ExpressionAttributeNames, q.ExpressionAttributeValues = names, values
		}
		p.query = q
		p.Expressions = Expressions{KeyCondition: kc, Filter: deref(filter), Projection: deref(proj), Names: names, Values: values}
	default:
		filter, err := b.conjunction(p.Filter)
		if err != nil {
			return err
		}
		sc := &engine.ScanInput{TableName: p.Table, IndexName: p.Index, FilterExpression: filter,
			ProjectionExpression: b.projection(p.Projection), ConsistentRead: p.ConsistentRead, ReturnConsumedCapacity: capacity}
		sc.ExpressionAttributeNames, sc.ExpressionAttributeValues = b.placeholders()
		p.scan = sc
		p.Expressions = Expressions{Filter: deref(filter), Projection: deref(sc.ProjectionExpression),
			Names: sc.ExpressionAttributeNames, Values: sc.ExpressionAttributeValues}
	}
	if p.Projection != nil {
		p.flatten = newProjectionTree(p.Projection)
	}
	return nil
}

// bindLocalFilter binds the filter and projection of a LocalFilter Query
// for the executor to apply with engine/expr, the engine's own evaluator.
func (p *Plan) bindLocalFilter(filter string, proj *string, names map[string]string, values engine.Values) error {
	params := &expr.Params{Names: names, Values: attr.Item(values)}
	ce, err := expr.ParseCondition(expr.ParamFilter, filter)
	if err == nil {
		p.filter, err = ce.Bind(params)
	}
	if err == nil && proj != nil {
		var pe *expr.ProjectionExpr
		if pe, err = expr.ParseProjection(*proj); err == nil {
			p.project, err = pe.Bind(params)
		}
	}
	return exprError(err)
}

// usedValues keeps the ExpressionAttributeValues the given expressions use.
func usedValues(values engine.Values, exprs ...*string) engine.Values {
	var out engine.Values
	for ph, v := range values {
		for _, e := range exprs {
			if e != nil && containsPlaceholder(*e, ph) {
				if out == nil {
					out = engine.Values{}
				}
				out[ph] = v
				break
			}
		}
	}
	return out
}

// rangeCondition writes a sort key condition.
func (x *exprBuilder) rangeCondition(name string, t *terminal) {
	n := x.name(name)
	switch t.op {
	case keyBetween:
		x.str(n + " BETWEEN " + x.value(t.values[0]) + " AND " + x.value(t.values[1]))
	case keyBeginsWith:
		x.str("begins_with(" + n + ", " + x.value(t.values[0]) + ")")
	default:
		op := map[keyOp]string{keyEq: " = ", keyLt: " < ", keyLe: " <= ", keyGt: " > ", keyGe: " >= "}[t.op]
		x.str(n + op + x.value(t.values[0]))
	}
}

// planItemSelect plans a SELECT of BatchExecuteStatement or
// ExecuteTransaction: a GetItem of the item whose full key the WHERE
// clause pins with equalities, and nothing else.
func (x *Executor) planItemSelect(p *Plan, s *Select, ks KeySchema, params []attr.Value, use selectUse) (*Plan, error) {
	msg := msgBatchSelect
	if use == useTransaction {
		msg = msgTxSelectKey
	}
	key, rest, err := extractItemKey(s.Where, ks, params, extractDML)
	if _, isAPI := err.(*engine.APIError); err != nil && !isAPI {
		return nil, err
	}
	if s.From.Index != "" && use == useBatch {
		// An index has no item to get: the service answers its
		// transaction-like sentence (paritysuite's
		// partiqlMultiAttributeIndex.test.ts, a batch SELECT on a GSI
		// with its whole key), where DynamoDB Local says msgBatchSelect.
		return nil, engine.Validationf(msgBatchIndexSelect)
	}
	if err != nil || len(rest) > 0 {
		return nil, engine.Validationf("%s", msg)
	}
	if err := checkKeyTypes(key, ks, true); err != nil {
		return nil, err
	}
	p.Operation, p.Key = OperationGetItem, key
	p.KeyCondition = Conjuncts(s.Where)
	if err := p.buildRead(ks, nil); err != nil {
		return nil, err
	}
	return p, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// exprError turns an engine/expr error into the client's
// ValidationException.
func exprError(err error) error {
	if err == nil {
		return nil
	}
	if e, ok := err.(*expr.Error); ok {
		return engine.Validationf("%s", e.Message)
	}
	return err
}

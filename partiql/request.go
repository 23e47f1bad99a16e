package partiql

// Request returns the DynamoDB request the plan runs as: an
// *engine.GetItemInput, *engine.QueryInput, *engine.ScanInput,
// *engine.PutItemInput, *engine.UpdateItemInput, *engine.DeleteItemInput
// or (EXISTS in a transaction) *engine.TransactCondition; nil for none.
// A Query over several partitions returns the first partition's, and a
// LocalFilter Query's request has no FilterExpression (the executor
// filters its items): a caller writing the request out as code
// (sessions/codegen) checks Partitions and LocalFilter. The request is
// the plan's own: callers must not modify it.
func (p *Plan) Request() any {
	switch {
	case p.get != nil:
		return p.get
	case p.query != nil:
		return p.query
	case p.scan != nil:
		return p.scan
	case p.put != nil:
		return p.put
	case p.update != nil:
		return p.update
	case p.del != nil:
		return p.del
	case p.check != nil:
		return p.check
	}
	return nil
}

package auth

import (
	"encoding/base64"
	"errors"
	"sort"
	"strings"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/engine/expr"
)

// The condition keys derived from a request (lower-cased, as stored in
// Check.Keys; policies may spell them in any case).
const (
	KeyLeadingKeys            = "dynamodb:leadingkeys"
	KeyAttributes             = "dynamodb:attributes"
	KeySelect                 = "dynamodb:select"
	KeyReturnValues           = "dynamodb:returnvalues"
	KeyReturnConsumedCapacity = "dynamodb:returnconsumedcapacity"
)

// KeySchemas tells the partition key attribute of a table, or of one of
// its indexes, so that dynamodb:LeadingKeys can be derived from request
// keys. ok is false for an unknown table or index. *engine.DB implements
// it.
type KeySchemas interface {
	PartitionKey(table, index string) (name string, ok bool)
}

// Statements tells what a PartiQL statement does: verb is "Select",
// "Insert", "Update" or "Delete" (EXISTS checks are Select, EXPLAIN the
// statement explained), table and index what it addresses. An error means
// the statement does not parse; the executor then refuses it too. main
// implements it with the partiql parser.
type Statements interface {
	Describe(statement string) (verb, table, index string, err error)
}

// Env is what deriving checks from a request needs besides the request.
type Env struct {
	Region, Account string
	Keys            KeySchemas // nil: LeadingKeys is never derived
	Statements      Statements // nil: PartiQL statements address no table
}

// tableARN returns the ARN of a table named by its name or its ARN.
func (e *Env) tableARN(name string) string {
	if strings.HasPrefix(name, "arn:") {
		return name
	}
	return "arn:aws:dynamodb:" + e.Region + ":" + e.Account + ":table/" + name
}

// tableName returns the name of a table named by its name or its ARN.
func tableName(s string) string {
	if !strings.HasPrefix(s, "arn:") {
		return s
	}
	if i := strings.Index(s, ":table/"); i >= 0 {
		name := s[i+len(":table/"):]
		if j := strings.IndexByte(name, '/'); j >= 0 {
			name = name[:j]
		}
		return name
	}
	return s
}

// Checks derives the authorization checks of one request from its target
// and body: one per table, index or stream it touches, each with the
// action IAM would check and the condition keys:
//
//   - dynamodb:LeadingKeys: the partition key values of the keys and items
//     a request names (GetItem/PutItem/UpdateItem/DeleteItem, each key of
//     a batch or transaction, the partition key equality of a Query's key
//     condition on the table or index queried); absent for Scan,
//     control-plane and PartiQL requests.
//   - dynamodb:Attributes: the top-level attribute names a request reads
//     or writes: ProjectionExpression / AttributesToGet names, PutItem's
//     item names, UpdateItem's update targets (UpdateExpression, or
//     AttributeUpdates names); absent when the request names none.
//   - dynamodb:Select, dynamodb:ReturnValues, dynamodb:ReturnConsumedCapacity:
//     the request's member, when present.
//
// TransactWriteItems and TransactGetItems are checked as their parts
// (PutItem, UpdateItem, DeleteItem, ConditionCheckItem, GetItem), as IAM
// does; ExecuteStatement and its batch and transaction forms as
// PartiQLSelect/Insert/Update/Delete per statement.
//
// A body whose members have the wrong JSON types is refused with
// SerializationException. So are two members of one object that differ
// only in case, or a member spelled in another case than the API's: the
// engine decodes some requests case-insensitively, and authorization must
// see exactly what the operation will do.
func Checks(target string, body []byte, env *Env) ([]Check, error) {
	service, op, _ := strings.Cut(target, ".")
	if service == "DynamoDBStreams_20120810" {
		return streamChecks(op, body, env)
	}
	r := attr.NewReader(body)
	var req request
	if err := req.decode(r, op); err != nil {
		return nil, wireError(err)
	}
	d := deriver{env: env, action: "dynamodb:" + op}
	switch op {
	case "GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan":
		d.single(&req, op)
	case "BatchGetItem":
		d.batchGet(&req)
	case "BatchWriteItem":
		d.batchWrite(&req)
	case "TransactGetItems", "TransactWriteItems":
		d.transact(&req)
	case "ExecuteStatement":
		d.statement(req.Statement, &req)
	case "BatchExecuteStatement", "ExecuteTransaction":
		for _, s := range req.Statements {
			d.statement(s, &req)
		}
	case "ListTables", "DescribeLimits", "DescribeEndpoints", "ListBackups", "ListGlobalTables",
		"ListExports", "ListImports", "ListContributorInsights":
		d.add(d.action, "*", d.common(&req))
	default:
		// Control-plane operations on one table (CreateTable, DescribeTable,
		// UpdateTimeToLive, tag operations by ResourceArn, ...).
		res := "*"
		switch {
		case req.TableName != "":
			res = env.tableARN(req.TableName)
		case req.ResourceArn != "":
			res = req.ResourceArn
		}
		d.add(d.action, res, d.common(&req))
	}
	return d.checks, nil
}

// wireError turns a decoding failure into the client's error.
func wireError(err error) error {
	var ae *attr.Error
	if errors.As(err, &ae) {
		if ae.Kind != attr.Serialization {
			return engine.Validationf("%s", ae.Message)
		}
		return &engine.APIError{Code: engine.CodeSerialization, Message: ae.Message}
	}
	var api *engine.APIError
	if errors.As(err, &api) {
		return api
	}
	return &engine.APIError{Code: engine.CodeSerialization}
}

// deriver accumulates the checks of one request.
type deriver struct {
	env    *Env
	action string
	checks []Check
}

func (d *deriver) add(action, resource string, keys map[string][]string) {
	d.checks = append(d.checks, Check{Action: action, Resource: resource, Keys: keys})
}

// common returns the keys every request may set.
func (d *deriver) common(req *request) map[string][]string {
	keys := map[string][]string{}
	if req.Select != "" {
		keys[KeySelect] = []string{req.Select}
	}
	if req.ReturnValues != "" {
		keys[KeyReturnValues] = []string{req.ReturnValues}
	}
	if req.ReturnConsumedCapacity != "" {
		keys[KeyReturnConsumedCapacity] = []string{req.ReturnConsumedCapacity}
	}
	return keys
}

// single derives the check of a one-table request.
func (d *deriver) single(req *request, op string) {
	keys := d.common(req)
	res := d.env.tableARN(req.TableName)
	if req.IndexName != "" {
		res += "/index/" + req.IndexName
	}
	hash, known := d.partitionKey(req.TableName, req.IndexName)
	var leading []string
	switch op {
	case "GetItem", "DeleteItem", "UpdateItem":
		leading = keyValue(req.Key, hash, known)
	case "PutItem":
		leading = keyValue(req.Item, hash, known)
	case "Query":
		if known {
			leading = queryLeadingKey(req, hash)
		}
	}
	if leading != nil {
		keys[KeyLeadingKeys] = leading
	}
	if names := req.attributes(op); names != nil {
		keys[KeyAttributes] = names
	}
	d.add(d.action, res, keys)
}

func (d *deriver) partitionKey(table, index string) (string, bool) {
	if d.env.Keys == nil || table == "" {
		return "", false
	}
	return d.env.Keys.PartitionKey(tableName(table), index)
}

// batchGet derives one check per table of a BatchGetItem.
func (d *deriver) batchGet(req *request) {
	for _, t := range req.tables() {
		keys := d.common(req)
		for _, tr := range req.Tables[t] {
			hash, known := d.partitionKey(t, "")
			var leading []string
			for _, k := range tr.Keys {
				leading = append(leading, keyValue(k, hash, known)...)
			}
			if leading != nil {
				keys[KeyLeadingKeys] = appendUnique(keys[KeyLeadingKeys], leading...)
			}
			if names := projectionNames(tr.Projection, tr.AttributesToGet, tr.Names); names != nil {
				keys[KeyAttributes] = appendUnique(keys[KeyAttributes], names...)
			}
		}
		d.add(d.action, d.env.tableARN(t), keys)
	}
}

// batchWrite derives one check per table of a BatchWriteItem.
func (d *deriver) batchWrite(req *request) {
	for _, t := range req.tables() {
		keys := d.common(req)
		hash, known := d.partitionKey(t, "")
		for _, tr := range req.Tables[t] {
			for _, w := range tr.Writes {
				if w.Item != nil {
					keys[KeyLeadingKeys] = appendUnique(keys[KeyLeadingKeys], keyValue(w.Item, hash, known)...)
					keys[KeyAttributes] = appendUnique(keys[KeyAttributes], w.Item.Names()...)
				}
				if w.Key != nil {
					keys[KeyLeadingKeys] = appendUnique(keys[KeyLeadingKeys], keyValue(w.Key, hash, known)...)
				}
			}
		}
		dropEmpty(keys)
		d.add(d.action, d.env.tableARN(t), keys)
	}
}

// transact derives one check per action of a transaction, each as the
// single-item operation it is.
func (d *deriver) transact(req *request) {
	for i := range req.Transact {
		a := &req.Transact[i]
		sub := deriver{env: d.env, action: "dynamodb:" + a.Op}
		op := a.Op
		if op == "ConditionCheckItem" {
			op = "GetItem" // keyed like GetItem; no attributes derived
			a.Req.ProjectionExpression, a.Req.AttributesToGet = "", nil
		}
		a.Req.ReturnConsumedCapacity = req.ReturnConsumedCapacity
		sub.single(&a.Req, op)
		d.checks = append(d.checks, sub.checks...)
	}
}

// statement derives the check of one PartiQL statement.
func (d *deriver) statement(stmt string, req *request) {
	keys := d.common(req)
	if d.env.Statements == nil {
		d.add("dynamodb:PartiQLSelect", d.env.tableARN(""), keys)
		return
	}
	verb, table, index, err := d.env.Statements.Describe(stmt)
	if err != nil {
		return // refused by the executor with the parse error
	}
	res := d.env.tableARN(table)
	if index != "" {
		res += "/index/" + index
	}
	d.add("dynamodb:PartiQL"+verb, res, keys)
}

// streamChecks derives the check of a DynamoDB Streams request: the stream
// ARN it names (GetRecords: the one its shard iterator was issued for).
func streamChecks(op string, body []byte, env *Env) ([]Check, error) {
	var req request
	if err := req.decode(attr.NewReader(body), op); err != nil {
		return nil, wireError(err)
	}
	res := "*"
	switch {
	case req.StreamArn != "":
		res = req.StreamArn
	case req.ShardIterator != "":
		// The engine's iterators start with the stream ARN and a '|'.
		arn, _, _ := strings.Cut(req.ShardIterator, "|")
		res = arn
	case req.TableName != "": // ListStreams for one table
		res = env.tableARN(req.TableName) + "/stream/*"
	}
	return []Check{{Action: "dynamodb:" + op, Resource: res, Keys: map[string][]string{}}}, nil
}

// queryLeadingKey returns the partition key value of a Query's key
// condition (expression or legacy KeyConditions), or nil when it has none
// the engine would accept, in which case the engine refuses the request.
func queryLeadingKey(req *request, hash string) []string {
	if req.KeyConditionExpression != "" {
		ce, err := expr.ParseKeyCondition(req.KeyConditionExpression)
		if err != nil {
			return nil
		}
		c, err := ce.Bind(&expr.Params{Names: req.Names, Values: req.Values})
		if err != nil {
			return nil
		}
		terms, err := expr.KeyTermsUpTo(c, 8) // multi-attribute GSI keys: up to 8 terms
		if err != nil {
			return nil
		}
		for _, t := range terms {
			if t.Name == hash && t.Op == expr.KeyEQ && len(t.Values) == 1 {
				return []string{valueText(t.Values[0])}
			}
		}
		return nil
	}
	if kc, ok := req.KeyConditions[hash]; ok && kc.Op == "EQ" && len(kc.Values) == 1 {
		return []string{valueText(kc.Values[0])}
	}
	return nil
}

// keyValue returns the partition key value of a key or item, as a list of
// one, or nil when it has none.
func keyValue(it attr.Item, hash string, known bool) []string {
	if !known {
		return nil
	}
	v, ok := it[hash]
	if !ok {
		return nil
	}
	return []string{valueText(v)}
}

// valueText is a key value as condition keys see it: the string, the
// number's canonical decimal, or the binary's base64.
func valueText(v attr.Value) string {
	if v.Type() == attr.TypeB {
		return base64.StdEncoding.EncodeToString(v.Bytes())
	}
	return v.Str()
}

// projectionNames returns the top-level attribute names a projection
// names, or nil when it names none (or does not parse: the engine then
// refuses the request).
func projectionNames(projection string, toGet []string, names map[string]string) []string {
	if projection == "" {
		if len(toGet) == 0 {
			return nil
		}
		return appendUnique(nil, toGet...)
	}
	pe, err := expr.ParseProjection(projection)
	if err != nil {
		return nil
	}
	p, err := pe.Bind(&expr.Params{Names: names})
	if err != nil {
		return nil
	}
	var out []string
	for _, path := range p.Paths {
		if len(path) > 0 && path[0].Kind == expr.ElemName {
			out = appendUnique(out, path[0].Name)
		}
	}
	return out
}

// attributes returns the top-level names a single-item request or a
// Query/Scan reads or writes, or nil.
func (req *request) attributes(op string) []string {
	switch op {
	case "GetItem", "Query", "Scan":
		return projectionNames(req.ProjectionExpression, req.AttributesToGet, req.Names)
	case "PutItem":
		if req.Item == nil {
			return nil
		}
		return req.Item.Names()
	case "UpdateItem":
		var out []string
		if req.UpdateExpression != "" {
			if ue, err := expr.ParseUpdate(req.UpdateExpression); err == nil {
				if u, err := ue.Bind(&expr.Params{Names: req.Names, Values: req.Values}); err == nil {
					for _, path := range u.Paths() {
						if len(path) > 0 && path[0].Kind == expr.ElemName {
							out = appendUnique(out, path[0].Name)
						}
					}
				}
			}
		}
		return appendUnique(out, req.AttributeUpdates...)
	}
	return nil
}

// appendUnique appends the values of vs not yet in list, keeping it sorted.
func appendUnique(list []string, vs ...string) []string {
	for _, v := range vs {
		i := sort.SearchStrings(list, v)
		if i < len(list) && list[i] == v {
			continue
		}
		list = append(list, "")
		copy(list[i+1:], list[i:])
		list[i] = v
	}
	return list
}

// dropEmpty removes keys whose list stayed empty, so that they are absent.
func dropEmpty(keys map[string][]string) {
	for k, v := range keys {
		if len(v) == 0 {
			delete(keys, k)
		}
	}
}

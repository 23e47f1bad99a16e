package codegen

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/partiql"
	"dynalab/sessions/model"
)

// The operations a Request can be.
const (
	GetItem          = "GetItem"
	Query            = "Query"
	Scan             = "Scan"
	PutItem          = "PutItem"
	UpdateItem       = "UpdateItem"
	DeleteItem       = "DeleteItem"
	ExecuteStatement = "ExecuteStatement"
)

// Request is one DynamoDB request to write as code: the members of the
// operation's request that the programs set.
type Request struct {
	Operation string // GetItem, Query, Scan, PutItem, UpdateItem, DeleteItem or ExecuteStatement
	Table     string
	Index     string    // Query, Scan: "" for the table itself
	Key       attr.Item // GetItem, UpdateItem, DeleteItem
	Item      attr.Item // PutItem

	KeyCondition string
	Filter       string
	Projection   string
	Condition    string
	Update       string
	Names        map[string]string
	Values       map[string]attr.Value

	Descending     bool   // Query: ScanIndexForward false
	ConsistentRead bool   // reads
	ReturnValues   string // writes: ALL_NEW, ALL_OLD, UPDATED_NEW, UPDATED_OLD
	// Limit is the number of items each call reads (Query, Scan): the
	// page size the paginator asks for; 0 leaves it to the service (1 MB
	// pages).
	Limit int64

	// Statement and Parameters are the PartiQL statement the request was
	// planned from (the comment at the top of the program), and for
	// ExecuteStatement what is sent.
	Statement  string
	Parameters []attr.Value
	// Note says why a statement is sent as ExecuteStatement.
	Note string
}

// Plan plans a PartiQL statement with its parameters against db (which
// supplies the key schemas, as EXPLAIN does) and returns the request it
// runs as. An EXPLAIN is planned as the statement it explains.
func Plan(ctx context.Context, db partiql.DB, statement string, params []attr.Value) (*Request, error) {
	stmt, err := partiql.Parse(statement)
	if err != nil {
		return nil, err
	}
	// The text as written is what a program sends (ExecuteStatement) and
	// shows; an EXPLAIN's is the statement it explains.
	text := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(statement), ";"))
	if e, ok := stmt.(*partiql.Explain); ok {
		stmt, text = e.Statement, partiql.Format(e.Statement)
	}
	p, err := partiql.New(db, partiql.Options{}).Plan(ctx, stmt, params)
	if err != nil {
		return nil, fmt.Errorf("plan %s: %w", text, err)
	}
	return FromPlan(p, text, params)
}

// FromPlan returns the request of a statement's plan; statement and
// params are the statement's text and parameters.
func FromPlan(p *partiql.Plan, statement string, params []attr.Value) (*Request, error) {
	switch {
	case p.Operation == partiql.OperationQuery && len(p.Partitions) > 1:
		return statementRequest(p, statement, params,
			fmt.Sprintf("the statement reads %d partitions, one Query each, so it is sent as the statement", len(p.Partitions))), nil
	case p.LocalFilter:
		return statementRequest(p, statement, params,
			"a Query's FilterExpression may not read a key attribute, so the statement is sent as is"), nil
	case p.Operation == partiql.OperationConditionCheck:
		return nil, fmt.Errorf("EXISTS is a condition check of a transaction, not a request of its own")
	}
	r, err := fromInput(p.Request())
	if err != nil {
		return nil, err
	}
	r.Statement, r.Parameters = statement, params
	for _, path := range p.Projection {
		if len(path.Steps) > 0 {
			// partiql/project.go: the statement's rows are un-nested.
			r.Note = "ProjectionExpression returns nested attributes in place; the statement returns them un-nested (SELECT a.b gives {\"b\": ...})"
			break
		}
	}
	return r, nil
}

func statementRequest(p *partiql.Plan, statement string, params []attr.Value, note string) *Request {
	return &Request{Operation: ExecuteStatement, Table: p.Table, Index: p.Index,
		Statement: statement, Parameters: params, Note: note}
}

// FromAPI returns the request of an API request given as the operation's
// name and its request body in the service's JSON (a model's access
// pattern given as a request).
func FromAPI(operation string, input []byte) (*Request, error) {
	var in any
	switch operation {
	case GetItem:
		in = &engine.GetItemInput{}
	case Query:
		in = &engine.QueryInput{}
	case Scan:
		in = &engine.ScanInput{}
	case PutItem:
		in = &engine.PutItemInput{}
	case UpdateItem:
		in = &engine.UpdateItemInput{}
	case DeleteItem:
		in = &engine.DeleteItemInput{}
	default:
		return nil, fmt.Errorf("code for %s: the operation is not one of GetItem, Query, Scan, PutItem, UpdateItem, DeleteItem", operation)
	}
	if err := json.Unmarshal(input, in); err != nil {
		return nil, fmt.Errorf("%s request: %w", operation, err)
	}
	return fromInput(in)
}

// ForPattern returns the request of a model's access pattern: its API
// request, or its statement planned against db.
func ForPattern(ctx context.Context, db partiql.DB, ap model.AccessPattern) (*Request, error) {
	if ap.Request != nil {
		r, err := FromAPI(ap.Request.Operation, ap.Request.Input)
		if err != nil {
			return nil, fmt.Errorf("access pattern %s: %w", ap.Name, err)
		}
		return r, nil
	}
	if ap.Statement == "" {
		return nil, fmt.Errorf("access pattern %s has no statement or request", ap.Name)
	}
	r, err := Plan(ctx, db, ap.Statement, ap.Parameters)
	if err != nil {
		return nil, fmt.Errorf("access pattern %s: %w", ap.Name, err)
	}
	return r, nil
}

// fromInput copies the members a program sets from an engine request.
// The legacy parameters (KeyConditions, QueryFilter, Expected,
// AttributesToGet, AttributeUpdates) are refused: programs should use
// expressions. ReturnValues must be one the service knows: Java writes it
// as an enum constant, not a string.
func fromInput(in any) (*Request, error) {
	r, err := requestOf(in)
	if err == nil {
		switch r.ReturnValues {
		case "", engine.ReturnAllOld, engine.ReturnAllNew, engine.ReturnUpdatedOld, engine.ReturnUpdatedNew:
		default:
			return nil, fmt.Errorf("ReturnValues %q is none of NONE, ALL_OLD, UPDATED_OLD, ALL_NEW, UPDATED_NEW", r.ReturnValues)
		}
	}
	return r, err
}

func requestOf(in any) (*Request, error) {
	switch in := in.(type) {
	case *engine.GetItemInput:
		if len(in.AttributesToGet) > 0 {
			return nil, legacy("GetItem", "AttributesToGet")
		}
		return &Request{Operation: GetItem, Table: in.TableName, Key: in.Key, Projection: deref(in.ProjectionExpression),
			Names: in.ExpressionAttributeNames, ConsistentRead: in.ConsistentRead}, nil
	case *engine.QueryInput:
		if len(in.KeyConditions) > 0 || len(in.QueryFilter) > 0 || len(in.AttributesToGet) > 0 {
			return nil, legacy("Query", "KeyConditions, QueryFilter or AttributesToGet")
		}
		return &Request{Operation: Query, Table: in.TableName, Index: in.IndexName,
			KeyCondition: deref(in.KeyConditionExpression), Filter: deref(in.FilterExpression), Projection: deref(in.ProjectionExpression),
			Names: in.ExpressionAttributeNames, Values: in.ExpressionAttributeValues,
			Descending: in.ScanIndexForward != nil && !*in.ScanIndexForward, ConsistentRead: in.ConsistentRead, Limit: deref64(in.Limit)}, nil
	case *engine.ScanInput:
		if len(in.ScanFilter) > 0 || len(in.AttributesToGet) > 0 {
			return nil, legacy("Scan", "ScanFilter or AttributesToGet")
		}
		return &Request{Operation: Scan, Table: in.TableName, Index: in.IndexName,
			Filter: deref(in.FilterExpression), Projection: deref(in.ProjectionExpression),
			Names: in.ExpressionAttributeNames, Values: in.ExpressionAttributeValues,
			ConsistentRead: in.ConsistentRead, Limit: deref64(in.Limit)}, nil
	case *engine.PutItemInput:
		if len(in.Expected) > 0 {
			return nil, legacy("PutItem", "Expected")
		}
		return &Request{Operation: PutItem, Table: in.TableName, Item: in.Item, Condition: deref(in.ConditionExpression),
			Names: in.ExpressionAttributeNames, Values: in.ExpressionAttributeValues, ReturnValues: returnValues(in.ReturnValues)}, nil
	case *engine.UpdateItemInput:
		if len(in.Expected) > 0 || len(in.AttributeUpdates) > 0 {
			return nil, legacy("UpdateItem", "Expected or AttributeUpdates")
		}
		return &Request{Operation: UpdateItem, Table: in.TableName, Key: in.Key, Update: deref(in.UpdateExpression),
			Condition: deref(in.ConditionExpression), Names: in.ExpressionAttributeNames, Values: in.ExpressionAttributeValues,
			ReturnValues: returnValues(in.ReturnValues)}, nil
	case *engine.DeleteItemInput:
		if len(in.Expected) > 0 {
			return nil, legacy("DeleteItem", "Expected")
		}
		return &Request{Operation: DeleteItem, Table: in.TableName, Key: in.Key, Condition: deref(in.ConditionExpression),
			Names: in.ExpressionAttributeNames, Values: in.ExpressionAttributeValues, ReturnValues: returnValues(in.ReturnValues)}, nil
	}
	return nil, fmt.Errorf("code for a %T request is not supported", in)
}

func legacy(op, what string) error {
	return fmt.Errorf("code for %s with the legacy %s parameters is not supported: use expressions", op, what)
}

// returnValues drops NONE, the default.
func returnValues(v string) string {
	if v == engine.ReturnNone {
		return ""
	}
	return v
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func deref64(n *int64) int64 {
	if n == nil {
		return 0
	}
	return *n
}

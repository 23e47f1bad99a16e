package auth

import (
	"fmt"
	"sort"
	"strings"

	"dynalab/engine/attr"
)

// request holds the members of any request that authorization looks at.
type request struct {
	TableName, IndexName   string
	Key, Item              attr.Item
	ProjectionExpression   string
	AttributesToGet        []string
	Names                  map[string]string // ExpressionAttributeNames
	Values                 attr.Item         // ExpressionAttributeValues
	KeyConditionExpression string
	KeyConditions          map[string]keyCondition
	UpdateExpression       string
	AttributeUpdates       []string // names only
	Select, ReturnValues   string
	ReturnConsumedCapacity string

	Tables   map[string][]tableRequest // BatchGetItem/BatchWriteItem RequestItems
	Transact []transactAction          // TransactItems

	Statement  string   // ExecuteStatement
	Statements []string // BatchExecuteStatement, ExecuteTransaction

	StreamArn, ShardIterator, ResourceArn string
}

type keyCondition struct {
	Op     string
	Values []attr.Value
}

// tableRequest is one table's entry of a batch request. A table named twice
// in RequestItems (a duplicate JSON key) has two entries.
type tableRequest struct {
	Keys            []attr.Item // BatchGetItem
	Projection      string
	AttributesToGet []string
	Names           map[string]string
	Writes          []writeRequest // BatchWriteItem
}

type writeRequest struct{ Item, Key attr.Item }

type transactAction struct {
	Op  string // GetItem, PutItem, UpdateItem, DeleteItem, ConditionCheckItem
	Req request
}

// tables returns the table names of a batch, sorted.
func (req *request) tables() []string {
	names := make([]string, 0, len(req.Tables))
	for t := range req.Tables {
		names = append(names, t)
	}
	sort.Strings(names)
	return names
}

// object reads an object whose members are named by the API, refusing
// a member spelled in another case than one of known, and any key twice.
func object(r *attr.Reader, known []string, member func(k string) error) error {
	seen := make(map[string]bool, 8)
	return r.Object(func(k string) error {
		fold := strings.ToLower(k)
		if seen[fold] {
			return serializationf("Duplicate field '%s'", k)
		}
		seen[fold] = true
		for _, m := range known {
			if m != k && strings.EqualFold(m, k) {
				return serializationf("Unrecognized field '%s'", k)
			}
		}
		return member(k)
	})
}

// itemMembers are the members of a single-item request, its transaction
// form and Query/Scan.
var itemMembers = []string{"TableName", "IndexName", "Key", "Item", "ProjectionExpression", "AttributesToGet",
	"ExpressionAttributeNames", "ExpressionAttributeValues", "KeyConditionExpression", "KeyConditions",
	"UpdateExpression", "AttributeUpdates", "Select", "ReturnValues", "ReturnConsumedCapacity",
	"RequestItems", "TransactItems", "Statement", "Statements", "TransactStatements",
	"StreamArn", "ShardIterator", "ResourceArn"}

// decode reads a request body.
func (req *request) decode(r *attr.Reader, op string) error {
	err := object(r, itemMembers, func(k string) (err error) {
		switch k {
		case "TableName":
			req.TableName, err = r.String()
		case "IndexName":
			req.IndexName, err = r.String()
		case "Key":
			req.Key, err = r.Item()
		case "Item":
			req.Item, err = r.Item()
		case "ProjectionExpression":
			req.ProjectionExpression, err = r.String()
		case "AttributesToGet":
			req.AttributesToGet, err = r.StringList()
		case "ExpressionAttributeNames":
			req.Names, err = r.StringMap()
		case "ExpressionAttributeValues":
			req.Values, err = r.Values()
		case "KeyConditionExpression":
			req.KeyConditionExpression, err = r.String()
		case "KeyConditions":
			req.KeyConditions, err = decodeKeyConditions(r)
		case "UpdateExpression":
			req.UpdateExpression, err = r.String()
		case "AttributeUpdates":
			err = object(r, nil, func(name string) error {
				req.AttributeUpdates = append(req.AttributeUpdates, name)
				return r.Skip()
			})
		case "Select":
			req.Select, err = r.String()
		case "ReturnValues":
			req.ReturnValues, err = r.String()
		case "ReturnConsumedCapacity":
			req.ReturnConsumedCapacity, err = r.String()
		case "RequestItems":
			err = req.decodeRequestItems(r, op)
		case "TransactItems":
			err = req.decodeTransactItems(r)
		case "Statement":
			req.Statement, err = r.String()
		case "Statements", "TransactStatements":
			err = r.List(func() error {
				return object(r, []string{"Statement"}, func(k string) error {
					if k != "Statement" {
						return r.Skip()
					}
					s, err := r.String()
					req.Statements = append(req.Statements, s)
					return err
				})
			})
		case "StreamArn":
			req.StreamArn, err = r.String()
		case "ShardIterator":
			req.ShardIterator, err = r.String()
		case "ResourceArn":
			req.ResourceArn, err = r.String()
		default:
			err = r.Skip()
		}
		return err
	})
	// Trailing data after the object is the engine's to report.
	return err
}

func decodeKeyConditions(r *attr.Reader) (map[string]keyCondition, error) {
	out := map[string]keyCondition{}
	err := object(r, nil, func(name string) error {
		var kc keyCondition
		err := object(r, []string{"ComparisonOperator", "AttributeValueList"}, func(k string) (err error) {
			switch k {
			case "ComparisonOperator":
				kc.Op, err = r.String()
			case "AttributeValueList":
				err = r.List(func() error {
					raw, err := r.Raw()
					if err != nil {
						return err
					}
					if v, err := attr.ParseValue(raw); err == nil {
						kc.Values = append(kc.Values, v)
					} // else the engine refuses the request with its own words
					return nil
				})
			default:
				err = r.Skip()
			}
			return err
		})
		out[name] = kc
		return err
	})
	return out, err
}

func (req *request) decodeRequestItems(r *attr.Reader, op string) error {
	req.Tables = map[string][]tableRequest{}
	return object(r, nil, func(table string) error {
		var tr tableRequest
		var err error
		if op == "BatchWriteItem" {
			err = r.List(func() error {
				return object(r, []string{"PutRequest", "DeleteRequest"}, func(k string) error {
					var w writeRequest
					var err error
					switch k {
					case "PutRequest":
						err = object(r, []string{"Item"}, func(k string) (err error) {
							if k != "Item" {
								return r.Skip()
							}
							w.Item, err = r.Item()
							return err
						})
					case "DeleteRequest":
						err = object(r, []string{"Key"}, func(k string) (err error) {
							if k != "Key" {
								return r.Skip()
							}
							w.Key, err = r.Item()
							return err
						})
					default:
						return r.Skip()
					}
					tr.Writes = append(tr.Writes, w)
					return err
				})
			})
		} else {
			err = object(r, []string{"Keys", "ProjectionExpression", "AttributesToGet", "ExpressionAttributeNames"}, func(k string) (err error) {
				switch k {
				case "Keys":
					err = r.List(func() error {
						it, err := r.Item()
						tr.Keys = append(tr.Keys, it)
						return err
					})
				case "ProjectionExpression":
					tr.Projection, err = r.String()
				case "AttributesToGet":
					tr.AttributesToGet, err = r.StringList()
				case "ExpressionAttributeNames":
					tr.Names, err = r.StringMap()
				default:
					err = r.Skip()
				}
				return err
			})
		}
		req.Tables[table] = append(req.Tables[table], tr)
		return err
	})
}

// transactOps maps TransactItems members to the actions IAM checks.
var transactOps = map[string]string{
	"Get": "GetItem", "Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem",
	"ConditionCheck": "ConditionCheckItem",
}

func (req *request) decodeTransactItems(r *attr.Reader) error {
	return r.List(func() error {
		return object(r, []string{"Get", "Put", "Update", "Delete", "ConditionCheck"}, func(k string) error {
			op, ok := transactOps[k]
			if !ok {
				return r.Skip()
			}
			a := transactAction{Op: op}
			err := a.Req.decode(r, op)
			req.Transact = append(req.Transact, a)
			return err
		})
	})
}

func serializationf(format string, args ...any) error {
	return &attr.Error{Kind: attr.Serialization, Message: fmt.Sprintf(format, args...)}
}

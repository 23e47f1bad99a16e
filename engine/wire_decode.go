package engine

import (
	"encoding/json"

	"dynalab/engine/attr"
)

// Reflection-free request decoders for the data-plane operations, which run
// on every request: encoding/json spent a third of the wire path's time on
// them. Other operations decode with encoding/json. Unknown members are
// skipped, as the service ignores them.

// wireDecoder is a request type with its own decoder.
type wireDecoder interface {
	decodeWire(r *attr.Reader) error
}

func (in *GetItemInput) decodeWire(r *attr.Reader) error {
	return r.Object(func(k string) (err error) {
		switch k {
		case "TableName":
			in.TableName, err = r.String()
		case "Key":
			in.Key, err = r.Item()
		case "ProjectionExpression":
			in.ProjectionExpression, err = r.StringPtr()
		case "ExpressionAttributeNames":
			in.ExpressionAttributeNames, err = r.StringMap()
		case "AttributesToGet":
			in.AttributesToGet, err = r.StringList()
		case "ConsistentRead":
			in.ConsistentRead, err = r.Bool()
		case "ReturnConsumedCapacity":
			in.ReturnConsumedCapacity, err = r.String()
		default:
			err = r.Skip()
		}
		return err
	})
}

// writeMembers points at the members PutItem, UpdateItem and DeleteItem
// share, so that one decoder serves all three.
type writeMembers struct {
	table, condOp, returnValues, onFailure, capacity, metrics *string
	condition                                                 **string
	names                                                     *map[string]string
	values                                                    *Values
	expected                                                  *json.RawMessage
}

// decodeWriteRequest decodes a write request: the shared members, then
// the operation's own through own (which reports whether it knew k).
func decodeWriteRequest(r *attr.Reader, m writeMembers, own func(k string) (bool, error)) error {
	return r.Object(func(k string) (err error) {
		switch k {
		case "TableName":
			*m.table, err = r.String()
		case "ConditionExpression":
			*m.condition, err = r.StringPtr()
		case "ExpressionAttributeNames":
			*m.names, err = r.StringMap()
		case "ExpressionAttributeValues":
			var v attr.Item
			if v, err = r.Values(); v != nil {
				*m.values = Values(v)
			}
		case "ReturnValues":
			*m.returnValues, err = r.String()
		case "ReturnValuesOnConditionCheckFailure":
			*m.onFailure, err = r.String()
		case "ReturnConsumedCapacity":
			*m.capacity, err = r.String()
		case "ReturnItemCollectionMetrics":
			*m.metrics, err = r.String()
		case "ConditionalOperator":
			*m.condOp, err = r.String()
		case "Expected":
			*m.expected, err = r.Raw()
		default:
			var known bool
			if known, err = own(k); !known {
				err = r.Skip()
			}
		}
		return err
	})
}

func (in *PutItemInput) decodeWire(r *attr.Reader) error {
	return decodeWriteRequest(r, writeMembers{&in.TableName, &in.ConditionalOperator, &in.ReturnValues,
		&in.ReturnValuesOnConditionCheckFailure, &in.ReturnConsumedCapacity, &in.ReturnItemCollectionMetrics,
		&in.ConditionExpression, &in.ExpressionAttributeNames, &in.ExpressionAttributeValues, &in.Expected},
		func(k string) (known bool, err error) {
			if k == "Item" {
				in.Item, err = r.Item()
				return true, err
			}
			return false, nil
		})
}

func (in *DeleteItemInput) decodeWire(r *attr.Reader) error {
	return decodeWriteRequest(r, writeMembers{&in.TableName, &in.ConditionalOperator, &in.ReturnValues,
		&in.ReturnValuesOnConditionCheckFailure, &in.ReturnConsumedCapacity, &in.ReturnItemCollectionMetrics,
		&in.ConditionExpression, &in.ExpressionAttributeNames, &in.ExpressionAttributeValues, &in.Expected},
		func(k string) (known bool, err error) {
			if k == "Key" {
				in.Key, err = r.Item()
				return true, err
			}
			return false, nil
		})
}

func (in *UpdateItemInput) decodeWire(r *attr.Reader) error {
	return decodeWriteRequest(r, writeMembers{&in.TableName, &in.ConditionalOperator, &in.ReturnValues,
		&in.ReturnValuesOnConditionCheckFailure, &in.ReturnConsumedCapacity, &in.ReturnItemCollectionMetrics,
		&in.ConditionExpression, &in.ExpressionAttributeNames, &in.ExpressionAttributeValues, &in.Expected},
		func(k string) (known bool, err error) {
			switch k {
			case "Key":
				in.Key, err = r.Item()
			case "UpdateExpression":
				in.UpdateExpression, err = r.StringPtr()
			case "AttributeUpdates":
				in.AttributeUpdates, err = r.Raw()
			default:
				return false, nil
			}
			return true, err
		})
}

// readMembers points at the members Query and Scan share.
type readMembers struct {
	table, index, sel, capacity, condOp *string
	filter, projection                  **string
	names                               *map[string]string
	values                              *Values
	limit                               **int64
	start                               *attr.Item
	consistent                          *bool
	attrsToGet                          *[]string
}

// decodeReadRequest decodes a Query or Scan: the shared members through m,
// the operation's own through own (which reports whether it knew k).
func decodeReadRequest(r *attr.Reader, m readMembers, own func(k string) (bool, error)) error {
	return r.Object(func(k string) (err error) {
		switch k {
		case "TableName":
			*m.table, err = r.String()
		case "IndexName":
			*m.index, err = r.String()
		case "FilterExpression":
			*m.filter, err = r.StringPtr()
		case "ProjectionExpression":
			*m.projection, err = r.StringPtr()
		case "ExpressionAttributeNames":
			*m.names, err = r.StringMap()
		case "ExpressionAttributeValues":
			var v attr.Item
			if v, err = r.Values(); v != nil {
				*m.values = Values(v)
			}
		case "Select":
			*m.sel, err = r.String()
		case "Limit":
			*m.limit, err = r.Int64Ptr()
		case "ExclusiveStartKey":
			*m.start, err = r.Item()
		case "ConsistentRead":
			*m.consistent, err = r.Bool()
		case "ReturnConsumedCapacity":
			*m.capacity, err = r.String()
		case "AttributesToGet":
			*m.attrsToGet, err = r.StringList()
		case "ConditionalOperator":
			*m.condOp, err = r.String()
		default:
			var known bool
			if known, err = own(k); !known {
				err = r.Skip()
			}
		}
		return err
	})
}

func (in *QueryInput) decodeWire(r *attr.Reader) error {
	m := readMembers{&in.TableName, &in.IndexName, &in.Select, &in.ReturnConsumedCapacity, &in.ConditionalOperator,
		&in.FilterExpression, &in.ProjectionExpression, &in.ExpressionAttributeNames, &in.ExpressionAttributeValues,
		&in.Limit, &in.ExclusiveStartKey, &in.ConsistentRead, &in.AttributesToGet}
	return decodeReadRequest(r, m, func(k string) (known bool, err error) {
		switch k {
		case "KeyConditionExpression":
			in.KeyConditionExpression, err = r.StringPtr()
		case "ScanIndexForward":
			var v, present bool
			if v, present, err = r.BoolPtr(); present {
				in.ScanIndexForward = &v
			}
		case "KeyConditions":
			in.KeyConditions, err = r.Raw()
		case "QueryFilter":
			in.QueryFilter, err = r.Raw()
		default:
			return false, nil
		}
		return true, err
	})
}

func (in *ScanInput) decodeWire(r *attr.Reader) error {
	m := readMembers{&in.TableName, &in.IndexName, &in.Select, &in.ReturnConsumedCapacity, &in.ConditionalOperator,
		&in.FilterExpression, &in.ProjectionExpression, &in.ExpressionAttributeNames, &in.ExpressionAttributeValues,
		&in.Limit, &in.ExclusiveStartKey, &in.ConsistentRead, &in.AttributesToGet}
	return decodeReadRequest(r, m, func(k string) (known bool, err error) {
		switch k {
		case "Segment":
			in.Segment, err = r.Int64Ptr()
		case "TotalSegments":
			in.TotalSegments, err = r.Int64Ptr()
		case "ScanFilter":
			in.ScanFilter, err = r.Raw()
		default:
			return false, nil
		}
		return true, err
	})
}

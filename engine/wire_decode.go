package engine

import "dynalab/engine/attr"

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

// decodeWriteCommon decodes the members PutItem, UpdateItem and DeleteItem
// share; it reports whether k was one of them.
func decodeWriteCommon(r *attr.Reader, k string, table, cond, rv, onFail, cap, metrics *string, cexpr **string, names *map[string]string, values *Values) (bool, error) {
	var err error
	switch k {
	case "TableName":
		*table, err = r.String()
	case "ConditionExpression":
		*cexpr, err = r.StringPtr()
	case "ExpressionAttributeNames":
		*names, err = r.StringMap()
	case "ExpressionAttributeValues":
		var v attr.Item
		v, err = r.Values()
		if v != nil {
			*values = Values(v)
		}
	case "ReturnValues":
		*rv, err = r.String()
	case "ReturnValuesOnConditionCheckFailure":
		*onFail, err = r.String()
	case "ReturnConsumedCapacity":
		*cap, err = r.String()
	case "ReturnItemCollectionMetrics":
		*metrics, err = r.String()
	case "ConditionalOperator":
		*cond, err = r.String()
	default:
		return false, nil
	}
	return true, err
}

func (in *PutItemInput) decodeWire(r *attr.Reader) error {
	return r.Object(func(k string) (err error) {
		if ok, err := decodeWriteCommon(r, k, &in.TableName, &in.ConditionalOperator, &in.ReturnValues,
			&in.ReturnValuesOnConditionCheckFailure, &in.ReturnConsumedCapacity, &in.ReturnItemCollectionMetrics,
			&in.ConditionExpression, &in.ExpressionAttributeNames, &in.ExpressionAttributeValues); ok {
			return err
		}
		switch k {
		case "Item":
			in.Item, err = r.Item()
		case "Expected":
			in.Expected, err = r.Raw()
		default:
			err = r.Skip()
		}
		return err
	})
}

func (in *DeleteItemInput) decodeWire(r *attr.Reader) error {
	return r.Object(func(k string) (err error) {
		if ok, err := decodeWriteCommon(r, k, &in.TableName, &in.ConditionalOperator, &in.ReturnValues,
			&in.ReturnValuesOnConditionCheckFailure, &in.ReturnConsumedCapacity, &in.ReturnItemCollectionMetrics,
			&in.ConditionExpression, &in.ExpressionAttributeNames, &in.ExpressionAttributeValues); ok {
			return err
		}
		switch k {
		case "Key":
			in.Key, err = r.Item()
		case "Expected":
			in.Expected, err = r.Raw()
		default:
			err = r.Skip()
		}
		return err
	})
}

func (in *UpdateItemInput) decodeWire(r *attr.Reader) error {
	return r.Object(func(k string) (err error) {
		if ok, err := decodeWriteCommon(r, k, &in.TableName, &in.ConditionalOperator, &in.ReturnValues,
			&in.ReturnValuesOnConditionCheckFailure, &in.ReturnConsumedCapacity, &in.ReturnItemCollectionMetrics,
			&in.ConditionExpression, &in.ExpressionAttributeNames, &in.ExpressionAttributeValues); ok {
			return err
		}
		switch k {
		case "Key":
			in.Key, err = r.Item()
		case "UpdateExpression":
			in.UpdateExpression, err = r.StringPtr()
		case "AttributeUpdates":
			in.AttributeUpdates, err = r.Raw()
		case "Expected":
			in.Expected, err = r.Raw()
		default:
			err = r.Skip()
		}
		return err
	})
}

// decodeReadCommon decodes the members Query and Scan share.
func decodeReadCommon(r *attr.Reader, k string, q *QueryInput) (bool, error) {
	var err error
	switch k {
	case "TableName":
		q.TableName, err = r.String()
	case "IndexName":
		q.IndexName, err = r.String()
	case "FilterExpression":
		q.FilterExpression, err = r.StringPtr()
	case "ProjectionExpression":
		q.ProjectionExpression, err = r.StringPtr()
	case "ExpressionAttributeNames":
		q.ExpressionAttributeNames, err = r.StringMap()
	case "ExpressionAttributeValues":
		var v attr.Item
		v, err = r.Values()
		if v != nil {
			q.ExpressionAttributeValues = Values(v)
		}
	case "Select":
		q.Select, err = r.String()
	case "Limit":
		q.Limit, err = r.Int64Ptr()
	case "ExclusiveStartKey":
		q.ExclusiveStartKey, err = r.Item()
	case "ConsistentRead":
		q.ConsistentRead, err = r.Bool()
	case "ReturnConsumedCapacity":
		q.ReturnConsumedCapacity, err = r.String()
	case "AttributesToGet":
		q.AttributesToGet, err = r.StringList()
	case "ConditionalOperator":
		q.ConditionalOperator, err = r.String()
	default:
		return false, nil
	}
	return true, err
}

func (in *QueryInput) decodeWire(r *attr.Reader) error {
	return r.Object(func(k string) (err error) {
		if ok, err := decodeReadCommon(r, k, in); ok {
			return err
		}
		switch k {
		case "KeyConditionExpression":
			in.KeyConditionExpression, err = r.StringPtr()
		case "ScanIndexForward":
			var v, present bool
			v, present, err = r.BoolPtr()
			if present {
				in.ScanIndexForward = &v
			}
		case "KeyConditions":
			in.KeyConditions, err = r.Raw()
		case "QueryFilter":
			in.QueryFilter, err = r.Raw()
		default:
			err = r.Skip()
		}
		return err
	})
}

func (in *ScanInput) decodeWire(r *attr.Reader) error {
	var q QueryInput
	err := r.Object(func(k string) (err error) {
		if ok, err := decodeReadCommon(r, k, &q); ok {
			return err
		}
		switch k {
		case "Segment":
			in.Segment, err = r.Int64Ptr()
		case "TotalSegments":
			in.TotalSegments, err = r.Int64Ptr()
		case "ScanFilter":
			in.ScanFilter, err = r.Raw()
		default:
			err = r.Skip()
		}
		return err
	})
	in.TableName, in.IndexName, in.FilterExpression, in.ProjectionExpression = q.TableName, q.IndexName, q.FilterExpression, q.ProjectionExpression
	in.ExpressionAttributeNames, in.ExpressionAttributeValues, in.Select, in.Limit = q.ExpressionAttributeNames, q.ExpressionAttributeValues, q.Select, q.Limit
	in.ExclusiveStartKey, in.ConsistentRead, in.ReturnConsumedCapacity = q.ExclusiveStartKey, q.ConsistentRead, q.ReturnConsumedCapacity
	in.AttributesToGet, in.ConditionalOperator = q.AttributesToGet, q.ConditionalOperator
	return err
}

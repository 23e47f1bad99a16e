package engine

import "dynalab/engine/attr"

// Reflection-free decoders for the batch and transaction operations, whose
// bodies carry up to 100 items: encoding/json took half their time.

func (in *BatchWriteItemInput) decodeWire(r *attr.Reader) error {
	return r.Object(func(k string) (err error) {
		switch k {
		case "RequestItems":
			if r.Null() {
				return nil
			}
			in.RequestItems = map[string][]WriteRequest{}
			err = r.Object(func(table string) error {
				if r.Null() {
					return nil
				}
				reqs := []WriteRequest{}
				err := r.List(func() error {
					var w WriteRequest
					err := r.Object(func(k string) error {
						switch k {
						case "PutRequest":
							w.PutRequest = &PutRequest{}
							return r.Object(func(k string) (err error) {
								if k == "Item" {
									w.PutRequest.Item, err = r.Item()
									return err
								}
								return r.Skip()
							})
						case "DeleteRequest":
							w.DeleteRequest = &DeleteRequest{}
							return r.Object(func(k string) (err error) {
								if k == "Key" {
									w.DeleteRequest.Key, err = r.Item()
									return err
								}
								return r.Skip()
							})
						}
						return r.Skip()
					})
					reqs = append(reqs, w)
					return err
				})
				in.RequestItems[table] = reqs
				return err
			})
		case "ReturnConsumedCapacity":
			in.ReturnConsumedCapacity, err = r.String()
		case "ReturnItemCollectionMetrics":
			in.ReturnItemCollectionMetrics, err = r.String()
		default:
			err = r.Skip()
		}
		return err
	})
}

// decodeTransactMember decodes the members every transaction action shares;
// it reports whether k was one of them.
func decodeTransactMember(r *attr.Reader, k string, table *string, key *attr.Item, cond **string, names *map[string]string, values *Values, onFail *string) (bool, error) {
	var err error
	switch k {
	case "TableName":
		*table, err = r.String()
	case "Key":
		*key, err = r.Item()
	case "ConditionExpression":
		*cond, err = r.StringPtr()
	case "ExpressionAttributeNames":
		*names, err = r.StringMap()
	case "ExpressionAttributeValues":
		var v attr.Item
		v, err = r.Values()
		if v != nil {
			*values = Values(v)
		}
	case "ReturnValuesOnConditionCheckFailure":
		*onFail, err = r.String()
	default:
		return false, nil
	}
	return true, err
}

func (in *TransactWriteItemsInput) decodeWire(r *attr.Reader) error {
	return r.Object(func(k string) (err error) {
		switch k {
		case "TransactItems":
			if r.Null() {
				return nil
			}
			in.TransactItems = []TransactWriteItem{}
			err = r.List(func() error {
				var it TransactWriteItem
				err := r.Object(func(kind string) error {
					switch kind {
					case "ConditionCheck":
						x := &TransactCondition{}
						it.ConditionCheck = x
						return r.Object(func(k string) error {
							ok, err := decodeTransactMember(r, k, &x.TableName, &x.Key, &x.ConditionExpression, &x.ExpressionAttributeNames, &x.ExpressionAttributeValues, &x.ReturnValuesOnConditionCheckFailure)
							if !ok {
								return r.Skip()
							}
							return err
						})
					case "Put":
						x := &TransactPut{}
						it.Put = x
						return r.Object(func(k string) (err error) {
							if k == "Item" {
								x.Item, err = r.Item()
								return err
							}
							var key attr.Item
							ok, err := decodeTransactMember(r, k, &x.TableName, &key, &x.ConditionExpression, &x.ExpressionAttributeNames, &x.ExpressionAttributeValues, &x.ReturnValuesOnConditionCheckFailure)
							if !ok {
								return r.Skip()
							}
							return err
						})
					case "Delete":
						x := &TransactDelete{}
						it.Delete = x
						return r.Object(func(k string) error {
							ok, err := decodeTransactMember(r, k, &x.TableName, &x.Key, &x.ConditionExpression, &x.ExpressionAttributeNames, &x.ExpressionAttributeValues, &x.ReturnValuesOnConditionCheckFailure)
							if !ok {
								return r.Skip()
							}
							return err
						})
					case "Update":
						x := &TransactUpdate{}
						it.Update = x
						return r.Object(func(k string) (err error) {
							if k == "UpdateExpression" {
								x.UpdateExpression, err = r.StringPtr()
								return err
							}
							ok, err := decodeTransactMember(r, k, &x.TableName, &x.Key, &x.ConditionExpression, &x.ExpressionAttributeNames, &x.ExpressionAttributeValues, &x.ReturnValuesOnConditionCheckFailure)
							if !ok {
								return r.Skip()
							}
							return err
						})
					}
					return r.Skip()
				})
				in.TransactItems = append(in.TransactItems, it)
				return err
			})
		case "ClientRequestToken":
			in.ClientRequestToken, err = r.StringPtr()
		case "ReturnConsumedCapacity":
			in.ReturnConsumedCapacity, err = r.String()
		case "ReturnItemCollectionMetrics":
			in.ReturnItemCollectionMetrics, err = r.String()
		default:
			err = r.Skip()
		}
		return err
	})
}

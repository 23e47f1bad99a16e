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

// decodeTransactAction decodes one transaction action's members: the
// shared ones through m, the action's own through own (which reports
// whether it knew k).
func decodeTransactAction(r *attr.Reader, m txMembers, own func(k string) (bool, error)) error {
	return r.Object(func(k string) (err error) {
		switch {
		case k == "TableName":
			*m.table, err = r.String()
		case k == "Key" && m.key != nil:
			*m.key, err = r.Item()
		case k == "ConditionExpression":
			*m.condition, err = r.StringPtr()
		case k == "ExpressionAttributeNames":
			*m.names, err = r.StringMap()
		case k == "ExpressionAttributeValues":
			var v attr.Item
			if v, err = r.Values(); v != nil {
				*m.values = Values(v)
			}
		case k == "ReturnValuesOnConditionCheckFailure":
			*m.onFailure, err = r.String()
		default:
			var known bool
			if known, err = own(k); !known {
				err = r.Skip()
			}
		}
		return err
	})
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
					none := func(string) (bool, error) { return false, nil }
					switch kind {
					case "ConditionCheck":
						it.ConditionCheck = &TransactCondition{}
						return decodeTransactAction(r, it.ConditionCheck.members(), none)
					case "Delete":
						it.Delete = &TransactDelete{}
						return decodeTransactAction(r, it.Delete.members(), none)
					case "Put":
						x := &TransactPut{}
						it.Put = x
						return decodeTransactAction(r, x.members(), func(k string) (known bool, err error) {
							if k == "Item" {
								x.Item, err = r.Item()
								return true, err
							}
							return false, nil
						})
					case "Update":
						x := &TransactUpdate{}
						it.Update = x
						return decodeTransactAction(r, x.members(), func(k string) (known bool, err error) {
							if k == "UpdateExpression" {
								x.UpdateExpression, err = r.StringPtr()
								return true, err
							}
							return false, nil
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

package engine

import "errors"

// constraintsFirst keeps the service's validation order for a request body
// that decoded with an invalid attribute value (an empty set, a bad number,
// NULL false): the wire decoder reports those at the end of decoding, but
// the service checks the model constraints first (dynalite's order, whose
// tests were checked against the service), so a request with both faults
// reports the constraints.
// It applies the same constraints, in the same order, as the operation
// does; TestConstraintsFirstMatchesOperations keeps the two in step.
// Serialization errors pass through: they come before everything.
func constraintsFirst(in any, err error) error {
	var api *APIError
	if !errors.As(err, &api) || api.Code != CodeValidation {
		return err
	}
	var c constraints
	switch in := in.(type) {
	case *GetItemInput:
		c.tableName(in.TableName, "tableName")
		c.notNull(in.Key != nil, "key")
		c.enum(in.ReturnConsumedCapacity, "returnConsumedCapacity", CapacityIndexes, CapacityTotal, CapacityNone)
		attributesToGetConstraint(&c, in.AttributesToGet, "attributesToGet")
	case *PutItemInput:
		c.notNull(in.Item != nil, "item")
		writeCommon{in.TableName, in.ReturnValues, in.ReturnValuesOnConditionCheckFailure, in.ReturnConsumedCapacity, in.ReturnItemCollectionMetrics}.check(&c)
		legacyConstraints(&c, legacyIn{expected: in.Expected, condOp: in.ConditionalOperator})
	case *UpdateItemInput:
		c.notNull(in.Key != nil, "key")
		writeCommon{in.TableName, in.ReturnValues, in.ReturnValuesOnConditionCheckFailure, in.ReturnConsumedCapacity, in.ReturnItemCollectionMetrics}.check(&c)
		legacyConstraints(&c, legacyIn{attributeUpdates: in.AttributeUpdates, expected: in.Expected, condOp: in.ConditionalOperator})
	case *DeleteItemInput:
		c.notNull(in.Key != nil, "key")
		writeCommon{in.TableName, in.ReturnValues, in.ReturnValuesOnConditionCheckFailure, in.ReturnConsumedCapacity, in.ReturnItemCollectionMetrics}.check(&c)
		legacyConstraints(&c, legacyIn{expected: in.Expected, condOp: in.ConditionalOperator})
	case *QueryInput:
		readConstraints(&c, in.TableName, in.IndexName, in.Select, in.Limit)
		c.enum(in.ReturnConsumedCapacity, "returnConsumedCapacity", CapacityIndexes, CapacityTotal, CapacityNone)
		legacyConstraints(&c, legacyIn{attributesToGet: in.AttributesToGet, queryFilter: in.QueryFilter,
			condOp: in.ConditionalOperator, keyConditions: in.KeyConditions})
	case *ScanInput:
		readConstraints(&c, in.TableName, in.IndexName, in.Select, in.Limit)
		c.minInt(in.Segment, "segment", 0)
		c.maxInt(in.Segment, "segment", 999999)
		c.minInt(in.TotalSegments, "totalSegments", 1)
		c.maxInt(in.TotalSegments, "totalSegments", 1000000)
		c.enum(in.ReturnConsumedCapacity, "returnConsumedCapacity", CapacityIndexes, CapacityTotal, CapacityNone)
		legacyConstraints(&c, legacyIn{attributesToGet: in.AttributesToGet, scanFilter: in.ScanFilter, condOp: in.ConditionalOperator})
	}
	if cerr := c.err(); cerr != nil {
		return cerr
	}
	return err
}

func readConstraints(c *constraints, table, index, sel string, limit *int64) {
	c.tableName(table, "tableName")
	if index != "" {
		c.nameRules(index, "indexName")
	}
	c.enum(sel, "select", SelectSpecificAttributes, SelectCount, SelectAllAttributes, SelectAllProjected)
	c.minInt(limit, "limit", 1)
}

// legacyConstraints adds the legacy members' constraints; a legacy member
// that does not even parse adds none (its serialization error is reported
// by the operation).
func legacyConstraints(c *constraints, in legacyIn) {
	_, _ = parseLegacy(c, in)
}

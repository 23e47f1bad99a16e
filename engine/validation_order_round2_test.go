package engine_test

import "strings"

// round2Requests are the validation-order rows of issue #24 (fidelity
// round 2). "PS" cites paritysuite/dynamodb-conformance, whose tests were
// captured against the service (tests/tier3/...); other citations as in
// TestValidationOrder.
func round2Requests() []invalidRequest {
	deep := strings.Repeat(`{"M":{"n":`, 32) + `{"S":"leaf"}` + strings.Repeat(`}}`, 32)
	const nest = "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit"
	const canceledVE = "Transaction cancelled, please refer cancellation reasons for specific reasons [ValidationError]"
	syntax := `Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "("`
	badCond := `{"ConditionCheck":{` + kTab + `,"ConditionExpression":"attribute_not_exists("}}`
	big := strings.Repeat("x", 400*1024)
	const tabARN = "arn:aws:dynamodb:us-east-1:000000000000:table/Tab"
	const missingARN = "arn:aws:dynamodb:us-east-1:000000000000:table/Missing"
	rows := []invalidRequest{
		// Section 3: one action's key or item (PS error-messages/transactWriteItems, transactGetItems,
		// limits/itemSizeBySurface, limits/nestingDepth, validation-ordering/transactions).
		{"TransactWriteItems", `{"TransactItems":[{"Put":{"TableName":"Tab","Item":{"PK":{"N":"5"},"SK":{"N":"1"}}}}]}`, typeTxCanceled, canceledVE, "PS Put wrong-typed key: ValidationError reason", false},
		{"TransactWriteItems", `{"TransactItems":[{"Delete":{"TableName":"Tab","Key":{"PK":{"L":[{"S":"x"}]},"SK":{"N":"1"}}}}]}`, typeTxCanceled, canceledVE, "PS Delete non-scalar Key: ValidationError reason", false},
		{"TransactWriteItems", `{"TransactItems":[{"Update":{"TableName":"Tab","Key":{"PK":{"S":""},"SK":{"N":"1"}},"UpdateExpression":"SET a = :v","ExpressionAttributeValues":{":v":{"S":"x"}}}}]}`, typeValidation, "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: PK", "PS Update empty-string Key: whole request, item wording", false},
		{"TransactWriteItems", `{"TransactItems":[{"Update":{` + kTab + `,"UpdateExpression":"SET p = :p","ExpressionAttributeValues":{":p":{"S":"` + big + `"}}}}]}`, typeTxCanceled, canceledVE, "PS Update past 400 KB: ValidationError reason", false},
		{"TransactWriteItems", `{"TransactItems":[{"Put":{` + iTab + `,"p":{"S":"` + big + `"}}}}]}`, typeValidation, "Item size has exceeded the maximum allowed size", "PS Put past 400 KB: whole request", false},
		{"TransactWriteItems", `{"TransactItems":[{"Put":{` + iTab + `,"d":` + deep + `}}},` + badCond + `]}`, typeValidation, nest, "PS too deep item first beats a malformed condition second", false},
		{"TransactWriteItems", `{"TransactItems":[{"Put":{"TableName":"Missing","Item":{"PK":{"S":"a"}}}},` + badCond + `]}`, typeValidation, syntax, "PS malformed condition beats a missing table", false},
		{"TransactGetItems", `{"TransactItems":[{"Get":{"TableName":"Tab","Key":{}}}]}`, typeTxCanceled, canceledVE, "PS TransactGetItems missing key attribute", false},

		// Section 5: control plane ("ACK" is the ack-api-quirks lab's ValidationException
		// catalogue, DDB-TABLE-442, verified 2026-10-09; "XDB227" ExtendDB pull request 227).
		{"CreateTable", `{"TableName":"New","AttributeDefinitions":[{"AttributeName":"k","AttributeType":"S"},{"AttributeName":"k","AttributeType":"S"}],"KeySchema":[{"AttributeName":"k","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}`, typeValidation, "Attribute Name is duplicated: k", "ACK duplicate definition before the count rule", false},
		{"ListTagsOfResource", `{"ResourceArn":"` + tabARN + `/index/byX"}`, typeValidation, inv + "Invalid resource arn provided, only table or stream is accepted. Provided resource arn: " + tabARN + "/index/byX", "ACK index ARN", false},
		{"TagResource", `{"ResourceArn":"` + tabARN + `/index/byX","Tags":[{"Key":"a","Value":"b"}]}`, typeValidation, inv + "Invalid resource arn provided, only table or stream is accepted. Provided resource arn: " + tabARN + "/index/byX", "ACK index ARN", false},
		// Section 6: multi-attribute GSI key schemas (ACK).
		{"CreateTable", `{"TableName":"New","AttributeDefinitions":[{"AttributeName":"k","AttributeType":"S"},{"AttributeName":"a","AttributeType":"S"},{"AttributeName":"b","AttributeType":"S"},{"AttributeName":"c","AttributeType":"S"}],"KeySchema":[{"AttributeName":"k","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST","GlobalSecondaryIndexes":[{"IndexName":"GSI","KeySchema":[{"AttributeName":"a","KeyType":"HASH"},{"AttributeName":"b","KeyType":"RANGE"},{"AttributeName":"c","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}}]}`, typeValidation, inv + "All HASH key attributes must precede RANGE key attributes in the KeySchema", "ACK multi-attribute GSI: HASH after RANGE", false},
		{"CreateTable", `{"TableName":"New","AttributeDefinitions":[{"AttributeName":"k","AttributeType":"S"},{"AttributeName":"a","AttributeType":"S"},{"AttributeName":"b","AttributeType":"S"}],"KeySchema":[{"AttributeName":"k","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST","GlobalSecondaryIndexes":[{"IndexName":"GSI","KeySchema":[{"AttributeName":"a","KeyType":"HASH"},{"AttributeName":"b","KeyType":"HASH"},{"AttributeName":"a","KeyType":"RANGE"}],"Projection":{"ProjectionType":"ALL"}}]}`, typeValidation, "The KeySchema contains multiple key attributes with the same name", "ACK multi-attribute GSI: an attribute twice", false},
		{"ListTagsOfResource", `{"ResourceArn":"` + missingARN + `"}`, typeNotFound, "Requested resource not found: ResourceArn: " + missingARN + " not found", "XDB227 missing table", false},
	}
	return append(rows, section6Requests()...)
}

// section6Requests are the rows of #24 section 6 (limits and validation
// texts). "ACK457" is the ack-api-quirks catalogue DDB-TABLE-457 (captured
// 2026-10-09), "SA" ScyllaDB Alternator's test files run against the
// service, "PS" paritysuite as above, "boto1584" the service's answer
// quoted in boto/boto pull request 1584, "SA9270" the one quoted in
// scylladb/scylladb pull request 9270.
func section6Requests() []invalidRequest {
	long := strings.Repeat("z", 256)
	tooLong := func(path string) string {
		return at(long, path, "Member must have length less than or equal to 255")
	}
	const limit0 = "Member must have value greater than or equal to 1"
	const min1 = "Member must have length greater than or equal to 1"
	const updEmpty = "One or more parameter values are not valid. The update expression attempted to update a secondary index key to a value that is not supported. The AttributeValue for a key attribute cannot contain an empty string value."
	const canceledVE = "Transaction cancelled, please refer cancellation reasons for specific reasons [ValidationError]"
	const rangeEq = "RANGE key attributes r1 must have equality conditions specified in the query because a condition is present on key attribute r2"
	return []invalidRequest{
		// Key attribute names: model constraints, reported before the
		// schema's own rules (SA test_limits.py _incoherent_names).
		{"CreateTable", `{"TableName":"New","AttributeDefinitions":[{"AttributeName":"k","AttributeType":"S"}],"KeySchema":[{"AttributeName":"` + long + `","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}`, typeValidation, one(tooLong("keySchema.1.member.attributeName")), "SA key name over 255 beats a missing definition", false},
		{"CreateTable", `{"TableName":"New","AttributeDefinitions":[{"AttributeName":"k","AttributeType":"S"}],"KeySchema":[{"AttributeName":"k","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST","GlobalSecondaryIndexes":[{"IndexName":"GSI","KeySchema":[{"AttributeName":"` + long + `","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}}]}`, typeValidation, one(tooLong("globalSecondaryIndexes.1.member.keySchema.1.member.attributeName")), "SA GSI key name over 255 beats a missing definition", false},
		{"CreateTable", `{"TableName":"New","AttributeDefinitions":[{}],"KeySchema":[{"AttributeName":"k","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}`, typeValidation, "2 validation errors detected: " + nullAt("attributeDefinitions.1.member.attributeType") + "; " + nullAt("attributeDefinitions.1.member.attributeName"), "ACK457 ct_attrdefs_empty_entry: type before name", false},
		{"UpdateTable", `{"TableName":"Tab","AttributeDefinitions":[{}],"DeletionProtectionEnabled":true}`, typeValidation, "2 validation errors detected: " + nullAt("attributeDefinitions.1.member.attributeType") + "; " + nullAt("attributeDefinitions.1.member.attributeName"), "ACK457 ut_attrdefs_empty_entry_plus_dp", false},

		// Empty names ("" sent) break the model's minimum length of 1
		// (KeySchemaAttributeName 1..255, botocore's service-2.json), in
		// the form PS validation-ordering/updateItem.test.ts records for
		// an empty tableName; absent or null names are "must not be
		// null". Both are model constraints, so before the schema's rules.
		{"CreateTable", `{"TableName":"New","AttributeDefinitions":[{"AttributeName":"k","AttributeType":"S"}],"KeySchema":[{"AttributeName":"","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}`, typeValidation, one(at("", "keySchema.1.member.attributeName", min1)), "model: empty key name beats a missing definition", false},
		{"CreateTable", `{"TableName":"New","AttributeDefinitions":[{"AttributeName":"k","AttributeType":"S"}],"KeySchema":[{"KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}`, typeValidation, one(nullAt("keySchema.1.member.attributeName")), "dynalite test/createTable.js: absent key name", false},
		{"CreateTable", `{"TableName":"New","AttributeDefinitions":[{"AttributeName":"k","AttributeType":"S"}],"KeySchema":[{"AttributeName":null,"KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}`, typeValidation, one(nullAt("keySchema.1.member.attributeName")), "null is absent", false},
		{"CreateTable", `{"TableName":"New","AttributeDefinitions":[{"AttributeName":"","AttributeType":"S"}],"KeySchema":[{"AttributeName":"","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}`, typeValidation, "2 validation errors detected: " + at("", "attributeDefinitions.1.member.attributeName", min1) + "; " + at("", "keySchema.1.member.attributeName", min1), "model: empty definition and key", false},
		{"CreateTable", `{"TableName":"New","AttributeDefinitions":[{"AttributeName":"","AttributeType":"X"}],"KeySchema":[{"KeyType":"HASH"}]}`, typeValidation, "3 validation errors detected: " + at("X", "attributeDefinitions.1.member.attributeType", "Member must satisfy enum value set: [B, N, S]") + "; " + at("", "attributeDefinitions.1.member.attributeName", min1) + "; " + nullAt("keySchema.1.member.attributeName"), "empty and absent side by side, type before name (ACK457)", false},
		{"CreateTable", `{"TableName":"New","AttributeDefinitions":[{"AttributeName":"k","AttributeType":"S"},{"AttributeName":"g","AttributeType":"S"}],"KeySchema":[{"AttributeName":"k","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST","GlobalSecondaryIndexes":[{"IndexName":"GSI","KeySchema":[{"AttributeName":"g","KeyType":"HASH"},{"AttributeName":"","KeyType":"RANGE"}],"Projection":{"ProjectionType":"ALL"}}]}`, typeValidation, one(at("", "globalSecondaryIndexes.1.member.keySchema.2.member.attributeName", min1)), "model: empty GSI key name", false},
		{"CreateTable", `{"TableName":"New","AttributeDefinitions":[{"AttributeName":"k","AttributeType":"S"},{"AttributeName":"s","AttributeType":"S"}],"KeySchema":[{"AttributeName":"k","KeyType":"HASH"},{"AttributeName":"s","KeyType":"RANGE"}],"BillingMode":"PAY_PER_REQUEST","LocalSecondaryIndexes":[{"IndexName":"LSI","KeySchema":[{"AttributeName":"k","KeyType":"HASH"},{"AttributeName":"","KeyType":"RANGE"}],"Projection":{"ProjectionType":"ALL"}}]}`, typeValidation, one(at("", "localSecondaryIndexes.1.member.keySchema.2.member.attributeName", min1)), "model: empty LSI key name", false},
		{"CreateTable", `{"TableName":"New","AttributeDefinitions":[{"AttributeName":"k","AttributeType":"S"},{"AttributeName":"s","AttributeType":"S"}],"KeySchema":[{"AttributeName":"k","KeyType":"HASH"},{"AttributeName":"s","KeyType":"RANGE"}],"BillingMode":"PAY_PER_REQUEST","LocalSecondaryIndexes":[{"IndexName":"LSI","KeySchema":[{"AttributeName":"k","KeyType":"HASH"},{"KeyType":"RANGE"}],"Projection":{"ProjectionType":"ALL"}}]}`, typeValidation, one(nullAt("localSecondaryIndexes.1.member.keySchema.2.member.attributeName")), "absent LSI key name", false},
		{"CreateTable", `{"TableName":"New","AttributeDefinitions":[{"AttributeName":"k","AttributeType":"S"},{"AttributeName":"g","AttributeType":"S"}],"KeySchema":[{"AttributeName":"k","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST","GlobalSecondaryIndexes":[{"IndexName":"GSI","KeySchema":[{"AttributeName":"g","KeyType":"HASH"}],"Projection":{"ProjectionType":"INCLUDE","NonKeyAttributes":["a",""]}}]}`, typeValidation, one(at("[a, ]", "globalSecondaryIndexes.1.member.projection.nonKeyAttributes", "Member must satisfy constraint: [Member must have length less than or equal to 255, Member must have length greater than or equal to 1]")), "model: empty projected name (list member form)", false},
		{"UpdateTable", `{"TableName":"Tab","AttributeDefinitions":[{"AttributeName":"","AttributeType":"S"}],"GlobalSecondaryIndexUpdates":[{"Create":{"IndexName":"GSI","KeySchema":[{"AttributeName":"","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}}}]}`, typeValidation, "2 validation errors detected: " + at("", "attributeDefinitions.1.member.attributeName", min1) + "; " + at("", "globalSecondaryIndexUpdates.1.member.create.keySchema.1.member.attributeName", min1), "model: empty names in UpdateTable", false},
		{"UpdateTable", `{"TableName":"Tab","AttributeDefinitions":[{"AttributeName":"g","AttributeType":"S"}],"GlobalSecondaryIndexUpdates":[{"Create":{"IndexName":"GSI","KeySchema":[{"KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}}}]}`, typeValidation, one(nullAt("globalSecondaryIndexUpdates.1.member.create.keySchema.1.member.attributeName")), "absent GSI key name in UpdateTable", false},

		// An empty TableName: the model's minimum (TableName takes an ARN
		// too, 1..1024), reported alone by CreateTable (PS
		// validation-ordering/createTable.test.ts: only tableName), among
		// the others by UpdateTable as by UpdateItem (PS updateItem.test.ts);
		// an absent one keeps dynalite's sentence.
		{"CreateTable", `{"TableName":"","AttributeDefinitions":[],"KeySchema":[]}`, typeValidation, one(at("", "tableName", min1)), "PS empty TableName reports only tableName", false},
		{"CreateTable", `{"TableName":null,"AttributeDefinitions":[],"KeySchema":[]}`, typeValidation, "The parameter 'TableName' is required but was not present in the request", "dynalite test/createTable.js: null is absent", false},
		{"UpdateTable", `{"TableName":"","BillingMode":"BOGUS"}`, typeValidation, "2 validation errors detected: " + at("", "tableName", min1) + "; " + at("BOGUS", "billingMode", "Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]"), "PS updateItem.test.ts form, gathered", false},
		{"UpdateTable", `{"BillingMode":"PAY_PER_REQUEST"}`, typeValidation, "The parameter 'TableName' is required but was not present in the request", "dynalite validations/updateTable.js: required", false},

		// Table names: the pattern alone, whatever else fails (PS
		// validation-ordering/createTable.test.ts); the data plane's
		// members as before (E§4).
		{"CreateTable", `{"TableName":"x!","AttributeDefinitions":[],"KeySchema":[]}`, typeValidation, one(at("x!", "tableName", "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")), "PS bad pattern reports only tableName", false},
		{"CreateTable", `{"TableName":"abc!","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[],"BillingMode":"BOGUS"}`, typeValidation, one(at("abc!", "tableName", "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")), "PS bad pattern beats other constraints", false},
		{"GetItem", `{"TableName":"a$b","Key":{"PK":{"S":"a"}}}`, typeValidation, one(at("a$b", "tableName", "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")), "E§4 pattern alone", false},

		// Limit 0: a model constraint, so before the table lookup, the
		// index lookup and the start key (boto1584's text; ACK442: the
		// shape validator "fires BEFORE existence checks").
		{"Query", `{"TableName":"Missing","Limit":0,` + kcPK + `}`, typeValidation, one(at("0", "limit", limit0)), "boto1584 Limit 0 beats a missing table", false},
		{"Query", `{"TableName":"Tab","IndexName":"nope","Limit":0,` + kcPK + `}`, typeValidation, one(at("0", "limit", limit0)), "Limit 0 beats E77", false},
		{"Scan", `{"TableName":"Tab","Limit":0,"ExclusiveStartKey":{"PK":{"S":"a"}}}`, typeValidation, one(at("0", "limit", limit0)), "Limit 0 beats E79", false},
		{"Scan", `{"TableName":"Missing","Limit":0}`, typeValidation, one(at("0", "limit", limit0)), "boto1584 Limit 0 on Scan", false},

		// Start keys.
		{"Query", `{"TableName":"Tab",` + kcPK + `,"ExclusiveStartKey":{"PK":{"S":"a"}}}`, typeValidation, "The provided starting key is invalid", "E79 Query: no detail (dynalite test/query.js)", false},
		{"Query", `{"TableName":"Tab",` + kcPK + `,"ExclusiveStartKey":{"PK":{"S":"a"},"SK":{"S":"1"}}}`, typeValidation, "The provided starting key is invalid", "E79 Query wrong type", false},
		{"Scan", `{"TableName":"Tab","Segment":0,"TotalSegments":1000000,"ExclusiveStartKey":{"PK":{"S":"a"},"SK":{"N":"1"}}}`, typeValidation, "The provided starting key is invalid: Invalid ExclusiveStartKey. Please use ExclusiveStartKey with correct Segment. TotalSegments: 1000000 Segment: 0", "SA9270 start key outside its segment", false},
		{"Scan", `{"TableName":"Tab","Segment":0,"TotalSegments":1000000,"ExclusiveStartKey":{"PK":{"S":"a"}}}`, typeValidation, "The provided starting key is invalid: The provided key element does not match the schema", "E79 schema before the segment", false},

		// An index key set by an update (PS error-messages/transactWriteItems.test.ts, four regions).
		{"UpdateItem", `{"TableName":"Idx","Key":{"PK":{"S":"a"}},"UpdateExpression":"SET G = :v","ExpressionAttributeValues":{":v":{"NULL":true}}}`, typeValidation, inv + "Type mismatch for Index Key G Expected: S Actual: NULL IndexName: ByG", "PS index key set to NULL", false},
		{"UpdateItem", `{"TableName":"Idx","Key":{"PK":{"S":"a"}},"UpdateExpression":"SET G = :v","ExpressionAttributeValues":{":v":{"M":{}}}}`, typeValidation, inv + "Type mismatch for Index Key G Expected: S Actual: M IndexName: ByG", "PS index key set to a map", false},
		{"UpdateItem", `{"TableName":"Idx","Key":{"PK":{"S":"a"}},"UpdateExpression":"SET G = :v","ExpressionAttributeValues":{":v":{"S":""}}}`, typeValidation, updEmpty, "PS index key set to empty", false},
		{"TransactWriteItems", `{"TransactItems":[{"Update":{"TableName":"Idx","Key":{"PK":{"S":"a"}},"UpdateExpression":"SET G = :v","ExpressionAttributeValues":{":v":{"S":""}}}}]}`, typeValidation, updEmpty, "PS index key set to empty: whole transaction", false},
		{"TransactWriteItems", `{"TransactItems":[{"Update":{"TableName":"Idx","Key":{"PK":{"S":"a"}},"UpdateExpression":"SET G = :v","ExpressionAttributeValues":{":v":{"N":"1"}}}}]}`, typeTxCanceled, canceledVE, "PS index key of another type: ValidationError reason", false},

		// Multi-attribute GSI key conditions (PS tier1 multiAttributeGsiKey.test.ts).
		{"Query", `{"TableName":"Multi","IndexName":"GSI","KeyConditionExpression":"h = :h AND r2 = :b","ExpressionAttributeValues":{":h":{"S":"a"},":b":{"S":"b"}}}`, typeValidation, rangeEq, "PS multi-attribute gap", false},
		{"Query", `{"TableName":"Multi","IndexName":"GSI","KeyConditionExpression":"h = :h AND r1 > :a AND r2 = :b","ExpressionAttributeValues":{":h":{"S":"a"},":a":{"S":"a"},":b":{"S":"b"}}}`, typeValidation, rangeEq, "PS multi-attribute range before the last", false},
		{"Query", `{"TableName":"Multi","IndexName":"GSI","KeyConditions":{"h":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"a"}]},"r2":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"b"}]}}}`, typeValidation, rangeEq, "moto test_key_conditions_error_skip_range_key", false},
		{"Query", `{"TableName":"Multi","IndexName":"GSI","Limit":0,"KeyConditionExpression":"h = :h AND r2 = :b","ExpressionAttributeValues":{":h":{"S":"a"},":b":{"S":"b"}}}`, typeValidation, one(at("0", "limit", limit0)), "Limit 0 beats the key condition", false},
	}
}

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
	return []invalidRequest{
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
}

package engine_test

// TestValidationOrder sends invalid requests as raw JSON over HTTP and checks
// the exact __type, HTTP status and message of each answer, including
// requests with two or more faults (which one the service reports first:
// serialization, then model constraints, then the operation's own rules,
// then the table lookup, then key and item checks, then conditions — the
// order of dynalite's index.js and validations). Every row cites where its
// text comes from: "dynalite" is architect/dynalite (validations/, db/,
// actions/, whose test/ assertions were checked against the service; "older
// dynalite" its checkTypes before 2018), "Alternator" ScyllaDB's
// test/alternator suite (run against DynamoDB), "LocalStack" LocalStack's
// AWS-recorded snapshots, "API model" botocore's dynamodb service-2.json,
// "legacy docs" the Developer Guide's legacy conditional parameters pages,
// "AWS" a behaviour captured from the service by ExtendDB's dual-target
// tests (test_conditional_operator.py, test_validation_precedence.py), and
// "guess" a text no source gives (the row says what it follows).

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"dynalab/engine"
	"dynalab/engine/enginetest"
	"dynalab/engine/server"
)

const (
	typeValidation    = "com.amazon.coral.validate#ValidationException"
	typeSerialization = "com.amazon.coral.service#SerializationException"
	typeNotFound      = "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"
	typeInUse         = "com.amazonaws.dynamodb.v20120810#ResourceInUseException"
	typeCondFailed    = "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException"
	typeTxCanceled    = "com.amazonaws.dynamodb.v20120810#TransactionCanceledException"
	typeUnknownOp     = "com.amazon.coral.service#UnknownOperationException"

	inv    = "One or more parameter values were invalid: "
	mixing = "Can not use both expression and non-expression parameters in the same request: "
	kTab   = `"TableName":"Tab","Key":{"PK":{"S":"a"},"SK":{"N":"1"}}`
	iTab   = `"TableName":"Tab","Item":{"PK":{"S":"a"},"SK":{"N":"1"}`
	kcPK   = `"KeyConditions":{"PK":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"a"}]}}`
	cEQx   = `{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"x"}]}`
)

func one(constraint string) string { return "1 validation error detected: " + constraint }
func nullAt(path string) string {
	return "Value null at '" + path + "' failed to satisfy constraint: Member must not be null"
}
func at(v, path, rule string) string {
	return "Value '" + v + "' at '" + path + "' failed to satisfy constraint: " + rule
}

type invalidRequest struct {
	op, body  string
	typ, msg  string
	cite      string
	noMessage bool // the service sends no message member
}

func invalidRequests() []invalidRequest {
	long := strings.Repeat("t", 256)
	bigHash := strings.Repeat("h", 2049)
	bigSort := strings.Repeat("s", 1025)
	deep := strings.Repeat(`{"L":[`, 33) + `{"S":"x"}` + strings.Repeat(`]}`, 33)
	// 51 + 50 keys: each table's list is within its own limit of 100, the
	// request is not (the API Reference's BatchGetItem limit counts the
	// whole request).
	var keysTab, keysStr []string
	for i := 0; i < 51; i++ {
		keysTab = append(keysTab, fmt.Sprintf(`{"PK":{"S":"k%d"},"SK":{"N":"1"}}`, i))
	}
	for i := 0; i < 50; i++ {
		keysStr = append(keysStr, fmt.Sprintf(`{"PK":{"S":"k%d"},"SK":{"S":"1"}}`, i))
	}
	big := strings.Repeat("x", 400*1024)
	enumRV := "Member must satisfy enum value set: [NONE, ALL_OLD, UPDATED_OLD, ALL_NEW, UPDATED_NEW]"
	rows := []invalidRequest{
		// Serialization: the body, then each member's JSON type.
		{"PutItem", `{`, typeSerialization, "", "dynalite index.js: malformed JSON, no message", true},
		{"GetItem", `{"TableName":"Tab","Key":`, typeSerialization, "", "dynalite index.js: truncated JSON", true},
		{"PutItem", `{"TableName":5,"Item":{}}`, typeSerialization, "NUMBER_VALUE cannot be converted to String", "dynalite checkTypes String", false},
		{"GetItem", `{"TableName":"Tab","Key":[]}`, typeSerialization, "Start of list found where not expected", "older dynalite checkTypes Map", false},
		{"PutItem", `{"TableName":"Tab","Item":"x"}`, typeSerialization, "Expected map or null", "older dynalite checkTypes Map", false},
		{"PutItem", `{"TableName":"Tab","Item":{"PK":{"S":{}}}}`, typeSerialization, "Start of structure or map found where not expected", "dynalite checkTypes String", false},
		{"PutItem", `{` + iTab + `,"b":{"B":"abc"}}}`, typeSerialization, "Base64 encoded length is expected a multiple of 4 bytes but found: 3", "dynalite checkTypes Blob", false},
		{"PutItem", `{` + iTab + `,"b":{"B":"ab=c"}}}`, typeSerialization, "Invalid last non-pad Base64 character dectected", "dynalite checkTypes Blob (sic)", false},
		{"Query", `{"TableName":"Tab","Limit":"x"}`, typeSerialization, "STRING_VALUE cannot be converted to Long", "dynalite checkTypes Long", false},
		{"PutItem", `{"TableName":"ab","Item":{"PK":{"B":"a"}}}`, typeSerialization, "Base64 encoded length is expected a multiple of 4 bytes but found: 1", "dynalite order: serialization beats constraints", false},
		{"PutItem", `{` + iTab + `},"Expected":{"a":{"Exists":"yes"}}}`, typeSerialization, "STRING_VALUE cannot be converted to Boolean", "guess: checkTypes pattern, legacy member (dynalite takes yes as true)", false},
		{"Scan", `{"TableName":"Tab","ScanFilter":{"a":{"ComparisonOperator":"EQ","AttributeValueList":{}}}}`, typeSerialization, "Start of structure or map found where not expected", "dynalite checkTypes List, legacy member", false},
		{"UpdateItem", `{` + kTab + `,"AttributeUpdates":{"a":{"Action":1}}}`, typeSerialization, "NUMBER_VALUE cannot be converted to String", "dynalite checkTypes String, legacy member", false},
		{"Scan", `{"TableName":"ab","ScanFilter":[]}`, typeSerialization, "Start of list found where not expected", "dynalite order: serialization beats constraints", false},

		// Model constraints, gathered into one message. Member order when
		// several fail is the engine's (the service's order is not documented).
		{"GetItem", `{}`, typeValidation, "2 validation errors detected: " + nullAt("tableName") + "; " + nullAt("key"), "dynalite constraint format", false},
		{"GetItem", `{"Key":{"PK":{"S":"a"},"SK":{"N":"1"}}}`, typeValidation, one(nullAt("tableName")), "dynalite constraint format", false},
		{"GetItem", `{"TableName":"ab","Key":{"PK":{"S":"a"}}}`, typeValidation, one(at("ab", "tableName", "Member must have length greater than or equal to 3")), "dynalite constraint format", false},
		{"GetItem", `{"TableName":"a$","Key":{"PK":{"S":"a"}}}`, typeValidation, "2 validation errors detected: " + at("a$", "tableName", "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+") + "; " + at("a$", "tableName", "Member must have length greater than or equal to 3"), "dynalite constraint format", false},
		{"GetItem", `{"TableName":"` + long + `","Key":{"PK":{"S":"a"}}}`, typeValidation, one(at(long, "tableName", "Member must have length less than or equal to 255")), "dynalite constraint format", false},
		{"GetItem", `{` + kTab + `,"ReturnConsumedCapacity":"ALL"}`, typeValidation, one(at("ALL", "returnConsumedCapacity", "Member must satisfy enum value set: [INDEXES, TOTAL, NONE]")), "dynalite constraint format", false},
		{"GetItem", `{` + kTab + `,"AttributesToGet":[]}`, typeValidation, one(at("[]", "attributesToGet", "Member must have length greater than or equal to 1")), "API model: AttributesToGet 1..∞", false},
		{"PutItem", `{"TableName":"Tab"}`, typeValidation, one(nullAt("item")), "dynalite constraint format", false},
		{"PutItem", `{}`, typeValidation, "2 validation errors detected: " + nullAt("item") + "; " + nullAt("tableName"), "dynalite constraint format", false},
		{"PutItem", `{` + iTab + `},"ReturnValues":"BOGUS"}`, typeValidation, one(at("BOGUS", "returnValues", enumRV)), "dynalite constraint format (API model enum order)", false},
		{"PutItem", `{` + iTab + `},"ConditionalOperator":"XOR"}`, typeValidation, one(at("XOR", "conditionalOperator", "Member must satisfy enum value set: [OR, AND]")), "guess: enum order of dynalite validations/putItem.js", false},
		{"PutItem", `{` + iTab + `},"Expected":{"a":{"ComparisonOperator":"FOO","AttributeValueList":[{"S":"x"}]}}}`, typeValidation, one(at("FOO", "expected.a.member.comparisonOperator", "Member must satisfy enum value set: [IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]")), "guess: dynalite enum order", false},
		{"UpdateItem", `{"TableName":"Tab"}`, typeValidation, one(nullAt("key")), "dynalite constraint format", false},
		{"UpdateItem", `{` + kTab + `,"ReturnValues":"ALL"}`, typeValidation, one(at("ALL", "returnValues", enumRV)), "dynalite constraint format", false},
		{"UpdateItem", `{` + kTab + `,"AttributeUpdates":{"a":{"Action":"REPLACE","Value":{"S":"x"}}}}`, typeValidation, one(at("REPLACE", "attributeUpdates.a.member.action", "Member must satisfy enum value set: [ADD, PUT, DELETE]")), "guess: API model enum order", false},
		{"DeleteItem", `{"TableName":"Tab"}`, typeValidation, one(nullAt("key")), "dynalite constraint format", false},
		{"Query", `{"TableName":"Tab","Limit":0,` + kcPK + `}`, typeValidation, one(at("0", "limit", "Member must have value greater than or equal to 1")), "dynalite constraint format", false},
		{"Query", `{"TableName":"Tab","KeyConditions":{"PK":{"AttributeValueList":[{"S":"a"}]}}}`, typeValidation, one(nullAt("keyConditions.PK.member.comparisonOperator")), "dynalite constraint path format; validations/query.js notNull", false},
		{"Query", `{"TableName":"Tab","Select":"SOME",` + kcPK + `}`, typeValidation, one(at("SOME", "select", "Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]")), "dynalite constraint format", false},
		{"Scan", `{"TableName":"Tab","TotalSegments":0,"Segment":0}`, typeValidation, one(at("0", "totalSegments", "Member must have value greater than or equal to 1")), "dynalite constraint format", false},
		{"Scan", `{"TableName":"Tab","Segment":-1,"TotalSegments":2}`, typeValidation, one(at("-1", "segment", "Member must have value greater than or equal to 0")), "dynalite constraint format", false},
		{"Scan", `{"TableName":"Tab","ScanFilter":{"a":{}}}`, typeValidation, one(nullAt("scanFilter.a.member.comparisonOperator")), "dynalite constraint path format", false},
		{"Scan", `{"TableName":"Tab","Limit":0,"Segment":0,"TotalSegments":0}`, typeValidation, "2 validation errors detected: " + at("0", "limit", "Member must have value greater than or equal to 1") + "; " + at("0", "totalSegments", "Member must have value greater than or equal to 1"), "dynalite constraint format, N errors", false},
		{"BatchGetItem", `{}`, typeValidation, one(nullAt("requestItems")), "dynalite constraint format", false},
		{"TransactWriteItems", `{"TransactItems":[{"Update":{"TableName":"Tab","UpdateExpression":"SET a = :v"}}]}`, typeValidation, one(nullAt("transactItems.1.member.update.key")), "dynalite constraint path format", false},
		{"TransactWriteItems", `{"TransactItems":[{"ConditionCheck":{` + kTab + `}}]}`, typeValidation, one(nullAt("transactItems.1.member.conditionCheck.conditionExpression")), "dynalite constraint path format; API model: ConditionExpression required", false},
		{"CreateTable", `{"AttributeDefinitions":[{"AttributeName":"k","AttributeType":"S"}],"KeySchema":[{"AttributeName":"k","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}`, typeValidation, "The parameter 'TableName' is required but was not present in the request", "dynalite test/createTable.js", false},
		{"CreateTable", `{"TableName":"ab","AttributeDefinitions":[{"AttributeName":"k","AttributeType":"S"}],"KeySchema":[{"AttributeName":"k","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}`, typeValidation, "TableName must be at least 3 characters long and at most 255 characters long", "dynalite test/createTable.js", false},

		// Attribute values, keys and items.
		{"GetItem", `{"TableName":"Tab","Key":{"PK":{},"SK":{"N":"1"}}}`, typeValidation, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes", "dynalite validations, test/putItem.js", false},
		{"GetItem", `{"TableName":"Tab","Key":{"PK":{"S":"a","N":"1"},"SK":{"N":"1"}}}`, typeValidation, "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes", "dynalite validations", false},
		{"PutItem", `{` + iTab + `,"x":{"NULL":false}}}`, typeValidation, inv + "Null attribute value types must have the value of true", "dynalite validations, test/batchWriteItem.js", false},
		{"PutItem", `{` + iTab + `,"x":{"SS":[]}}}`, typeValidation, inv + "An string set  may not be empty", "dynalite validations and tests (sic)", false},
		{"PutItem", `{` + iTab + `,"x":{"NS":[]}}}`, typeValidation, inv + "An number set  may not be empty", "dynalite validations (sic)", false},
		{"PutItem", `{` + iTab + `,"x":{"BS":[]}}}`, typeValidation, inv + "Binary sets should not be empty", "dynalite validations", false},
		{"PutItem", `{` + iTab + `,"x":{"SS":["a","a"]}}}`, typeValidation, inv + "Input collection [a, a] contains duplicates.", "dynalite validations and tests", false},
		{"PutItem", `{` + iTab + `,"x":{"NS":["1","1.0"]}}}`, typeValidation, "Input collection contains duplicates", "dynalite validations and tests", false},
		{"PutItem", `{` + iTab + `,"x":{"BS":["Yg==","Yg=="]}}}`, typeValidation, inv + "Input collection [Yg==, Yg==]of type BS contains duplicates.", "dynalite validations and tests (sic)", false},
		{"PutItem", `{` + iTab + `,"x":{"N":"abc"}}}`, typeValidation, "The parameter cannot be converted to a numeric value: abc", "dynalite validations and tests", false},
		{"PutItem", `{` + iTab + `,"x":{"N":""}}}`, typeValidation, "The parameter cannot be converted to a numeric value", "dynalite validations and tests (empty)", false},
		{"PutItem", `{` + iTab + `,"x":{"N":"1E+126"}}}`, typeValidation, "Number overflow. Attempting to store a number with magnitude larger than supported range", "dynalite validations; Alternator test_number.py", false},
		{"PutItem", `{` + iTab + `,"x":{"N":"1E-131"}}}`, typeValidation, "Number underflow. Attempting to store a number with magnitude smaller than supported range", "dynalite validations", false},
		{"PutItem", `{` + iTab + `,"x":{"N":"1.23456789012345678901234567890123456789"}}}`, typeValidation, "Attempting to store more than 38 significant digits in a Number", "dynalite validations", false},
		{"GetItem", `{"TableName":"Tab","Key":{"PK":{"N":"1"},"SK":{"N":"1"}}}`, typeValidation, "The provided key element does not match the schema", "dynalite db; LocalStack: wrong type", false},
		{"GetItem", `{"TableName":"Tab","Key":{"PK":{"S":"a"}}}`, typeValidation, "The provided key element does not match the schema", "dynalite db; LocalStack: missing", false},
		{"DeleteItem", `{"TableName":"Tab","Key":{"PK":{"S":"a"},"SK":{"N":"1"},"x":{"S":"y"}}}`, typeValidation, "The provided key element does not match the schema", "dynalite db; LocalStack: extra", false},
		{"PutItem", `{"TableName":"Tab","Item":{"PK":{"S":"a"}}}`, typeValidation, inv + "Missing the key SK in the item", "dynalite db", false},
		{"PutItem", `{"TableName":"Tab","Item":{"PK":{"S":"a"},"SK":{"S":"1"}}}`, typeValidation, inv + "Type mismatch for key SK expected: N actual: S", "dynalite db", false},
		{"PutItem", `{"TableName":"Tab","Item":{"PK":{"S":""},"SK":{"N":"1"}}}`, typeValidation, "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: PK", "dynalite db, test/putItem.js", false},
		{"GetItem", `{"TableName":"Tab","Key":{"PK":{"S":""},"SK":{"N":"1"}}}`, typeValidation, inv + "The AttributeValue for a key attribute cannot contain an empty string value. Key: PK", "dynalite db, test/getItem.js", false},
		{"GetItem", `{"TableName":"Tab","Key":{"PK":{"S":"` + bigHash + `"},"SK":{"N":"1"}}}`, typeValidation, inv + "Size of hashkey has exceeded the maximum size limit of2048 bytes", "dynalite db and tests (sic)", false},
		{"DeleteItem", `{"TableName":"Str","Key":{"PK":{"S":"a"},"SK":{"S":"` + bigSort + `"}}}`, typeValidation, inv + "Aggregated size of all range keys has exceeded the size limit of 1024 bytes", "dynalite db; Alternator test_limits.py", false},
		{"BatchGetItem", `{"RequestItems":{"Str":{"Keys":[{"PK":{"S":"a"},"SK":{"S":"` + bigSort + `"}}]}}}`, typeValidation, inv + "Aggregated size of all range keys has exceeded the size limit of 1024 bytes", "dynalite db; Alternator test_limits.py; in a batch", false},
		{"TransactGetItems", `{"TransactItems":[{"Get":{"TableName":"Tab","Key":{"PK":{"S":"` + bigHash + `"},"SK":{"N":"1"}}}}]}`, typeValidation, inv + "Size of hashkey has exceeded the maximum size limit of2048 bytes", "dynalite db and tests, in a transaction", false},
		{"PutItem", `{` + iTab + `,"d":{"S":"` + big + `"}}}`, typeValidation, "Item size has exceeded the maximum allowed size", "dynalite validations/putItem.js", false},
		{"PutItem", `{"TableName":"Missing","Item":{"PK":{"S":"a"},"d":{"S":"` + big + `"}}}`, typeNotFound, "Requested resource not found", "dynalite validations/putItem.js, after the table lookup (ExtendDB's AWS capture)", false},
		{"PutItem", `{` + iTab + `,"d":` + deep + `}}`, typeValidation, "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit", "Alternator test_manual_requests.py, as us-east-1 words it now (paritysuite transactions.test.ts NEST_BARE)", false},
		{"PutItem", `{` + iTab + `},"ReturnValues":"ALL_NEW"}`, typeValidation, "ReturnValues can only be ALL_OLD or NONE", "dynalite validations/putItem.js and tests", false},
		{"DeleteItem", `{` + kTab + `,"ReturnValues":"UPDATED_OLD"}`, typeValidation, "ReturnValues can only be ALL_OLD or NONE", "dynalite validations/putItem.js and tests", false},
		{"GetItem", `{` + kTab + `,"AttributesToGet":["a","b","a"]}`, typeValidation, inv + "Duplicate value in attribute name: a", "dynalite validations/getItem.js", false},
		{"Scan", `{"TableName":"Tab","AttributesToGet":["a","a"]}`, typeValidation, inv + "Duplicate value in attribute name: a", "dynalite validations/getItem.js", false},

		// Expression parameters.
		{"GetItem", `{` + kTab + `,"AttributesToGet":["a"],"ProjectionExpression":"a"}`, typeValidation, mixing + "Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}", "dynalite validations and tests", false},
		{"PutItem", `{` + iTab + `},"Expected":{"a":{"Exists":false}},"ConditionExpression":"attribute_exists(PK)"}`, typeValidation, mixing + "Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}", "dynalite validations and tests", false},
		{"UpdateItem", `{` + kTab + `,"AttributeUpdates":{"a":{"Value":{"S":"v"}}},"Expected":{"a":` + cEQx + `},"ConditionalOperator":"AND","UpdateExpression":"SET a = :v","ConditionExpression":"attribute_exists(PK)","ExpressionAttributeValues":{":v":{"S":"x"}}}`, typeValidation, mixing + "Non-expression parameters: {AttributeUpdates, Expected, ConditionalOperator} Expression parameters: {UpdateExpression, ConditionExpression}", "dynalite validations, list order AWS", false},
		{"Query", `{"TableName":"Tab",` + kcPK + `,"QueryFilter":{"a":` + cEQx + `},"ConditionalOperator":"AND","KeyConditionExpression":"PK = :p","FilterExpression":"a = :v","ProjectionExpression":"b","ExpressionAttributeValues":{":p":{"S":"a"},":v":{"S":"x"}}}`, typeValidation, mixing + "Non-expression parameters: {QueryFilter, ConditionalOperator, KeyConditions} Expression parameters: {ProjectionExpression, FilterExpression, KeyConditionExpression}", "dynalite validations, list order AWS", false},
		{"Query", `{"TableName":"Tab","AttributesToGet":["a"],"KeyConditionExpression":"PK = :p","ExpressionAttributeValues":{":p":{"S":"a"}}}`, typeValidation, mixing + "Non-expression parameters: {AttributesToGet} Expression parameters: {KeyConditionExpression}", "dynalite validations, AWS", false},
		{"Scan", `{"TableName":"Tab","ConditionalOperator":"AND","ProjectionExpression":"a"}`, typeValidation, mixing + "Non-expression parameters: {ConditionalOperator} Expression parameters: {ProjectionExpression}", "dynalite validations, AWS", false},
		{"Scan", `{"TableName":"Tab","ConditionalOperator":"AND","FilterExpression":"a = :v","ExpressionAttributeValues":{":v":{"S":"x"},":unused":{"S":"y"}}}`, typeValidation, mixing + "Non-expression parameters: {ConditionalOperator} Expression parameters: {FilterExpression}", "dynalite validations: mixing beats unused values, AWS", false},
		{"GetItem", `{` + kTab + `,"ExpressionAttributeNames":{"#a":"a"}}`, typeValidation, "ExpressionAttributeNames can only be specified when using expressions", "dynalite validations", false},
		{"Query", `{"TableName":"Tab",` + kcPK + `,"ExpressionAttributeNames":{"#a":"a"}}`, typeValidation, "ExpressionAttributeNames can only be specified when using expressions", "dynalite validations, with KeyConditions", false},
		{"PutItem", `{` + iTab + `},"ExpressionAttributeValues":{":v":{"S":"x"}}}`, typeValidation, "ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null", "dynalite validations and tests", false},
		{"UpdateItem", `{` + kTab + `,"ExpressionAttributeValues":{":v":{"S":"x"}}}`, typeValidation, "ExpressionAttributeValues can only be specified when using expressions: UpdateExpression and ConditionExpression are null", "dynalite validations and tests", false},
		{"Scan", `{"TableName":"Tab","ProjectionExpression":"a","ExpressionAttributeValues":{":v":{"S":"x"}}}`, typeValidation, "ExpressionAttributeValues can only be specified when using expressions: FilterExpression is null", "dynalite validations and tests", false},
		{"Query", `{"TableName":"Tab",` + kcPK + `,"ProjectionExpression":"a","ExpressionAttributeValues":{":v":{"S":"x"}}}`, typeValidation, "ExpressionAttributeValues can only be specified when using expressions: FilterExpression and KeyConditionExpression are null", "dynalite validations, with KeyConditions", false},
		{"GetItem", `{` + kTab + `,"ProjectionExpression":"a","ExpressionAttributeNames":{}}`, typeValidation, "ExpressionAttributeNames must not be empty", "dynalite validations", false},
		{"PutItem", `{` + iTab + `},"ConditionExpression":"a = :v","ExpressionAttributeValues":{}}`, typeValidation, "ExpressionAttributeValues must not be empty", "dynalite validations", false},
		{"GetItem", `{` + kTab + `,"ProjectionExpression":"a","ExpressionAttributeNames":{"n":"a"}}`, typeValidation, `ExpressionAttributeNames contains invalid key: Syntax error; key: "n"`, "dynalite validations and tests", false},
		{"PutItem", `{` + iTab + `},"ConditionExpression":"a = :v","ExpressionAttributeValues":{":v":{"NS":[]}}}`, typeValidation, "ExpressionAttributeValues contains invalid value: " + inv + "An number set  may not be empty for key :v", "dynalite validations and tests", false},
		{"GetItem", `{` + kTab + `,"ProjectionExpression":"a","ExpressionAttributeNames":{"#a":"a","#b":"b"}}`, typeValidation, "Value provided in ExpressionAttributeNames unused in expressions: keys: {#a, #b}", "dynalite validations and tests; Alternator", false},
		{"PutItem", `{` + iTab + `},"ConditionExpression":"a = :v","ExpressionAttributeValues":{":v":{"S":"x"},":val1":{"S":"y"}}}`, typeValidation, "Value provided in ExpressionAttributeValues unused in expressions: keys: {:val1}", "dynalite validations; Alternator", false},
		{"PutItem", `{` + iTab + `},"ConditionExpression":"#n = :v","ExpressionAttributeValues":{":v":{"S":"x"}}}`, typeValidation, "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #n", "dynalite condition parser and tests", false},
		{"PutItem", `{` + iTab + `},"ConditionExpression":"a = :v"}`, typeValidation, "Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :v", "dynalite tests; Alternator", false},
		{"UpdateItem", `{` + kTab + `,"UpdateExpression":"SET status = :v","ExpressionAttributeValues":{":v":{"S":"x"}}}`, typeValidation, "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: status", "dynalite tests", false},
		{"PutItem", `{` + iTab + `},"ConditionExpression":"((a < b))"}`, typeValidation, "Invalid ConditionExpression: The expression has redundant parentheses;", "dynalite tests; Alternator", false},
		{"UpdateItem", `{` + kTab + `,"UpdateExpression":""}`, typeValidation, "Invalid UpdateExpression: The expression can not be empty;", "dynalite tests: empty expression", false},
		{"UpdateItem", `{` + kTab + `,"UpdateExpression":"SET _123 = :v","ExpressionAttributeValues":{":v":{"S":"x"}}}`, typeValidation, `Invalid UpdateExpression: Syntax error; token: "_", near: "SET _123"`, "Alternator test_update_expression.py", false},
		{"UpdateItem", `{` + kTab + `,"UpdateExpression":"SET a = :v, a.b = :v","ExpressionAttributeValues":{":v":{"S":"x"}}}`, typeValidation, "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]", "dynalite tests; Alternator", false},
		{"PutItem", `{` + iTab + `},"ConditionExpression":"a BETWEEN :hi AND :lo","ExpressionAttributeValues":{":hi":{"N":"5"},":lo":{"N":"1"}}}`, typeValidation, "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:1}", "dynalite tests", false},

		// Legacy parameters (Developer Guide, legacy conditional parameters).
		{"PutItem", `{` + iTab + `},"ConditionalOperator":"AND"}`, typeValidation, "ConditionalOperator cannot be used without Filter or Expected", "AWS", false},
		{"PutItem", `{` + iTab + `},"ConditionalOperator":"AND","Expected":{}}`, typeValidation, "ConditionalOperator cannot be used without Filter or Expected", "AWS; an empty Expected map", false},
		{"DeleteItem", `{` + kTab + `,"ConditionalOperator":"OR","Expected":{"a":` + cEQx + `}}`, typeValidation, "ConditionalOperator can only be used when Filter or Expected has two or more elements", "AWS", false},
		{"Query", `{"TableName":"Tab","ConditionalOperator":"AND"}`, typeValidation, "ConditionalOperator cannot be used without Filter or Expected", "AWS: beats the missing key condition", false},
		{"UpdateItem", `{` + kTab + `,"ConditionalOperator":"AND","AttributeUpdates":{"a":{"Value":{"S":"v"}}}}`, typeValidation, "ConditionalOperator cannot be used without Filter or Expected", "AWS", false},
		{"PutItem", `{` + iTab + `},"Expected":{"a":{"ComparisonOperator":"EQ"}}}`, typeValidation, inv + "Value or AttributeValueList must be used with ComparisonOperator: EQ for Attribute: a", "dynalite tests (Expected); AWS prefix", false},
		{"PutItem", `{` + iTab + `},"Expected":{"a":{"Value":{"S":"x"},"AttributeValueList":[{"S":"x"}],"ComparisonOperator":"EQ"}}}`, typeValidation, inv + "Value and AttributeValueList cannot be used together for Attribute: a", "dynalite tests (Expected)", false},
		{"PutItem", `{` + iTab + `},"Expected":{"a":{"Exists":true,"ComparisonOperator":"NOT_NULL"}}}`, typeValidation, inv + "Exists and ComparisonOperator cannot be used together for Attribute: a", "dynalite tests (Expected)", false},
		{"PutItem", `{` + iTab + `},"Expected":{"a":{"Exists":true}}}`, typeValidation, inv + "Value must be provided when Exists is true for Attribute: a", "dynalite tests (Expected)", false},
		{"PutItem", `{` + iTab + `},"Expected":{"a":{}}}`, typeValidation, inv + "Value must be provided when Exists is null for Attribute: a", "dynalite tests (Expected)", false},
		{"PutItem", `{` + iTab + `},"Expected":{"a":{"Exists":false,"Value":{"S":"x"}}}}`, typeValidation, inv + "Value cannot be used when Exists is false for Attribute: a", "dynalite validations (Expected) text", false},
		{"PutItem", `{` + iTab + `},"Expected":{"a":{"AttributeValueList":[{"S":"x"}]}}}`, typeValidation, inv + "AttributeValueList can only be used with a ComparisonOperator for Attribute: a", "dynalite validations (Expected) text", false},
		{"PutItem", `{` + iTab + `},"Expected":{"a":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"x"},{"S":"y"}]}}}`, typeValidation, inv + "Invalid number of argument(s) for the EQ ComparisonOperator", "dynalite tests (legacy operators)", false},
		{"PutItem", `{` + iTab + `},"Expected":{"a":{"ComparisonOperator":"NULL","Value":{"S":"x"}}}}`, typeValidation, inv + "Invalid number of argument(s) for the NULL ComparisonOperator", "dynalite tests (legacy operators)", false},
		{"Scan", `{"TableName":"Tab","ScanFilter":{"a":{"ComparisonOperator":"BETWEEN","AttributeValueList":[{"N":"1"}]}}}`, typeValidation, inv + "Invalid number of argument(s) for the BETWEEN ComparisonOperator", "dynalite tests (legacy operators)", false},
		{"Scan", `{"TableName":"Tab","ScanFilter":{"a":{"ComparisonOperator":"IN","AttributeValueList":[]}}}`, typeValidation, inv + "Invalid number of argument(s) for the IN ComparisonOperator", "dynalite tests (legacy operators)", false},
		{"Scan", `{"TableName":"Tab","ScanFilter":{"a":{"ComparisonOperator":"IN","AttributeValueList":[{"S":"x"},{"N":"1"}]}}}`, typeValidation, inv + "AttributeValues inside AttributeValueList must be of same type", "dynalite tests (legacy operators)", false},
		{"Scan", `{"TableName":"Tab","ScanFilter":{"a":{"ComparisonOperator":"BETWEEN","AttributeValueList":[{"N":"9"},{"N":"1"}]}}}`, typeValidation, "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound", "dynalite tests (legacy operators)", false},
		{"Scan", `{"TableName":"Tab","ScanFilter":{"a":{"ComparisonOperator":"LT","AttributeValueList":[{"BOOL":true}]}}}`, typeValidation, inv + "ComparisonOperator LT is not valid for BOOL AttributeValue type", "dynalite tests (legacy operators)", false},
		{"Scan", `{"TableName":"Tab","ScanFilter":{"a":{"ComparisonOperator":"GT","AttributeValueList":[{"L":[]}]}}}`, typeValidation, inv + "ComparisonOperator GT is not valid for L AttributeValue type", "dynalite tests (legacy operators); EQ/NE take L (Alternator test_query_filter.py, AWS), GT does not", false},
		{"Query", `{"TableName":"Tab",` + kcPK + `,"QueryFilter":{"a":{"ComparisonOperator":"BEGINS_WITH","AttributeValueList":[{"N":"1"}]}}}`, typeValidation, inv + "ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type", "dynalite tests (legacy operators)", false},
		{"Scan", `{"TableName":"Tab","ScanFilter":{"a":{"ComparisonOperator":"EQ","AttributeValueList":[{"NULL":false}]}}}`, typeValidation, inv + "Null attribute value types must have the value of true", "dynalite validations, inside a legacy member", false},
		{"Scan", `{"TableName":"Tab","ScanFilter":{"a":` + cEQx + `},"ConditionalOperator":"OR"}`, typeValidation, "ConditionalOperator can only be used when Filter or Expected has two or more elements", "AWS", false},
		{"Query", `{"TableName":"Tab","KeyConditions":{"PK":` + cEQx + `,"SK":{"ComparisonOperator":"EQ","AttributeValueList":[{"N":"1"}]},"x":` + cEQx + `}}`, typeValidation, "Conditions can be of length 1 or 2 only", "dynalite validations/query.js", false},
		{"Query", `{"TableName":"Tab",` + kcPK + `,"KeyConditionExpression":"PK = :p","ExpressionAttributeValues":{":p":{"S":"a"}}}`, typeValidation, mixing + "Non-expression parameters: {KeyConditions} Expression parameters: {KeyConditionExpression}", "dynalite validations: KeyConditions mix only with Filter and ProjectionExpression", false},
		{"Query", `{"TableName":"Tab","KeyConditions":{"PK":{"ComparisonOperator":"NE","AttributeValueList":[{"S":"a"}]}}}`, typeValidation, "Attempted conditional constraint is not an indexable operation", "guess: dynalite actions/query.js", false},
		{"Query", `{"TableName":"Tab","KeyConditions":{"PK":{"ComparisonOperator":"GT","AttributeValueList":[{"S":"a"}]}}}`, typeValidation, "Query key condition not supported", "dynalite actions/query.js; Alternator test_gsi.py", false},
		{"Query", `{"TableName":"Tab","KeyConditions":{"SK":{"ComparisonOperator":"EQ","AttributeValueList":[{"N":"1"}]}}}`, typeValidation, "Query condition missed key schema element: PK", "dynalite actions/query.js; Alternator test_query.py", false},
		{"Query", `{"TableName":"Tab",` + kcPK + `,"QueryFilter":{"SK":{"ComparisonOperator":"EQ","AttributeValueList":[{"N":"1"}]}}}`, typeValidation, "QueryFilter can only contain non-primary key attributes: Primary key attribute: SK", "dynalite actions/query.js, legacy", false},
		{"UpdateItem", `{` + kTab + `,"AttributeUpdates":{"a":{"Action":"PUT"}}}`, typeValidation, inv + "Only DELETE action is allowed when no attribute value is specified", "dynalite validations/updateItem.js", false},
		{"UpdateItem", `{` + kTab + `,"AttributeUpdates":{"a":{"Action":"DELETE","Value":{"S":"x"}}}}`, typeValidation, inv + "DELETE action with value is not supported for the type S", "dynalite validations/updateItem.js", false},
		{"UpdateItem", `{` + kTab + `,"AttributeUpdates":{"a":{"Action":"ADD","Value":{"BOOL":true}}}}`, typeValidation, inv + "ADD action is not supported for the type BOOL", "dynalite validations/updateItem.js", false},
		{"UpdateItem", `{` + kTab + `,"AttributeUpdates":{"s":{"Action":"ADD","Value":{"N":"1"}}}}`, typeValidation, "Type mismatch for attribute to update", "dynalite actions/updateItem.js", false},
		{"UpdateItem", `{` + kTab + `,"AttributeUpdates":{"SK":{"Value":{"N":"2"}}}}`, typeValidation, inv + "Cannot update attribute SK. This attribute is part of the key", "dynalite db", false},
		{"PutItem", `{` + iTab + `},"Expected":{"s":{"ComparisonOperator":"NE","AttributeValueList":[{"S":"x"}]}}}`, typeCondFailed, "The conditional request failed", "legacy docs: NE; ConditionalCheckFailedException", false},

		// Operation rules.
		{"Query", `{"TableName":"Tab"}`, typeValidation, "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.", "dynalite validations/query.js", false},
		{"Query", `{"TableName":"Tab","KeyConditionExpression":"SK = :v","ExpressionAttributeValues":{":v":{"N":"1"}}}`, typeValidation, "Query condition missed key schema element: PK", "dynalite actions/query.js; Alternator test_query.py", false},
		{"Query", `{"TableName":"Tab","KeyConditionExpression":"PK = :v OR PK = :v","ExpressionAttributeValues":{":v":{"S":"a"}}}`, typeValidation, "Invalid operator used in KeyConditionExpression: OR", "dynalite validations", false},
		{"Query", `{"TableName":"Tab","KeyConditionExpression":"PK = :v","FilterExpression":"SK > :n","ExpressionAttributeValues":{":v":{"S":"a"},":n":{"N":"0"}}}`, typeValidation, "Filter Expression can only contain non-primary key attributes: Primary key attribute: SK", "dynalite actions/query.js", false},
		{"Query", `{"TableName":"Tab","IndexName":"nope",` + kcPK + `}`, typeValidation, "The table does not have the specified index: nope", "dynalite actions/query.js", false},
		{"Scan", `{"TableName":"Tab","ExclusiveStartKey":{"PK":{"S":"a"}}}`, typeValidation, "The provided starting key is invalid: The provided key element does not match the schema", "dynalite actions/scan.js; Alternator test_scan.py", false},
		{"Query", `{"TableName":"Tab","KeyConditionExpression":"PK = :v","ExpressionAttributeValues":{":v":{"S":"a"}},"ExclusiveStartKey":{"PK":{"S":"b"},"SK":{"N":"1"}}}`, typeValidation, "The provided starting key is outside query boundaries based on provided conditions", "dynalite actions/query.js; Alternator", false},
		{"Scan", `{"TableName":"Tab","Segment":1}`, typeValidation, "The TotalSegments parameter is required but was not present in the request when Segment parameter is present", "dynalite validations/scan.js", false},
		{"Scan", `{"TableName":"Tab","Segment":2,"TotalSegments":2}`, typeValidation, "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 2 is not less than TotalSegments: 2", "dynalite validations/scan.js", false},
		{"BatchGetItem", `{"RequestItems":{"Tab":{"Keys":[` + strings.Join(keysTab, ",") + `]},"Str":{"Keys":[` + strings.Join(keysStr, ",") + `]}}}`, typeValidation, "Too many items requested for the BatchGetItem call", "dynalite validations/batchGetItem.js; API Reference BatchGetItem", false},
		{"BatchGetItem", `{"RequestItems":{"Tab":{"Keys":[{"PK":{"S":"a"},"SK":{"N":"1"}},{"PK":{"S":"a"},"SK":{"N":"1.0"}}]}}}`, typeValidation, "Provided list of item keys contains duplicates", "dynalite validations; Alternator test_batch.py", false},
		{"BatchWriteItem", `{"RequestItems":{"Tab":[{"DeleteRequest":{"Key":{"PK":{"S":"a"},"SK":{"N":"1"}}}},{"PutRequest":{"Item":{"PK":{"S":"a"},"SK":{"N":"1"}}}}]}}`, typeValidation, "Provided list of item keys contains duplicates", "dynalite actions/batchWriteItem.js; Alternator test_batch.py", false},
		{"TransactWriteItems", `{"TransactItems":[{"Put":{` + iTab + `}}},{"Delete":{` + kTab + `}}]}`, typeValidation, "Transaction request cannot include multiple operations on one item", "DynamoDB Local; Alternator test_transact.py", false},
		{"TransactWriteItems", `{"TransactItems":[{"ConditionCheck":{` + kTab + `,"ConditionExpression":"attribute_not_exists(PK)"}}]}`, typeTxCanceled, "Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed]", "API Reference TransactWriteItems; text as DynamoDB Local and moto give it", false},
		{"CreateTable", `{"TableName":"New","AttributeDefinitions":[{"AttributeName":"k","AttributeType":"S"},{"AttributeName":"r","AttributeType":"S"}],"KeySchema":[{"AttributeName":"r","KeyType":"RANGE"},{"AttributeName":"k","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}`, typeValidation, "Invalid KeySchema: The first KeySchemaElement is not a HASH key type", "dynalite validations/createTable.js", false},
		{"CreateTable", `{"TableName":"New","AttributeDefinitions":[{"AttributeName":"k","AttributeType":"S"},{"AttributeName":"x","AttributeType":"S"}],"KeySchema":[{"AttributeName":"k","KeyType":"HASH"},{"AttributeName":"k","KeyType":"RANGE"}],"BillingMode":"PAY_PER_REQUEST"}`, typeValidation, "Both the Hash Key and the Range Key element in the KeySchema have the same name", "dynalite validations/createTable.js", false},
		{"CreateTable", `{"TableName":"New","AttributeDefinitions":[{"AttributeName":"b","AttributeType":"S"}],"KeySchema":[{"AttributeName":"a","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}`, typeValidation, inv + "Some index key attributes are not defined in AttributeDefinitions. Keys: [a], AttributeDefinitions: [b]", "dynalite validations/createTable.js", false},
		{"CreateTable", `{"TableName":"New","AttributeDefinitions":[{"AttributeName":"k","AttributeType":"S"},{"AttributeName":"x","AttributeType":"S"}],"KeySchema":[{"AttributeName":"k","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}`, typeValidation, inv + "Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions", "dynalite validations/createTable.js", false},
		{"CreateTable", `{"TableName":"New","AttributeDefinitions":[{"AttributeName":"k","AttributeType":"S"}],"KeySchema":[{"AttributeName":"k","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST","ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":1}}`, typeValidation, inv + "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST", "dynalite validations/createTable.js; LocalStack", false},
		{"CreateTable", `{"TableName":"New","AttributeDefinitions":[{"AttributeName":"k","AttributeType":"S"}],"KeySchema":[{"AttributeName":"k","KeyType":"HASH"}],"BillingMode":"PROVISIONED"}`, typeValidation, inv + "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED", "dynalite validations/createTable.js", false},
		{"UpdateTable", `{"TableName":"Tab"}`, typeValidation, "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required", "dynalite validations/updateTable.js", false},

		// Other exceptions.
		{"GetItem", `{"TableName":"Nope","Key":{"PK":{"S":"a"}}}`, typeNotFound, "Requested resource not found", "dynalite db: data plane", false},
		{"DescribeTable", `{"TableName":"Nope"}`, typeNotFound, "Requested resource not found: Table: Nope not found", "dynalite db: control plane", false},
		{"DeleteTable", `{"TableName":"Nope"}`, typeNotFound, "Requested resource not found: Table: Nope not found", "dynalite actions/deleteTable.js: control plane", false},
		{"CreateTable", `{"TableName":"Tab","AttributeDefinitions":[{"AttributeName":"k","AttributeType":"S"}],"KeySchema":[{"AttributeName":"k","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}`, typeInUse, "Table already exists: Tab", "observed on the service (no public source found)", false},
		{"NoSuchOperation", `{}`, typeUnknownOp, "", "dynalite index.js: no message", true},

		// Two or more faults: which one wins (dynalite's order).
		{"GetItem", `{"TableName":"ab","Key":{"PK":{}}}`, typeValidation, one(at("ab", "tableName", "Member must have length greater than or equal to 3")), "dynalite order: constraints beat an empty value", false},
		{"PutItem", `{"TableName":"ab","Item":{"PK":{"S":"a"},"x":{"NULL":false}}}`, typeValidation, one(at("ab", "tableName", "Member must have length greater than or equal to 3")), "dynalite order: constraints beat NULL false", false},
		{"PutItem", `{"Item":{"PK":{"S":"a"},"x":{"N":"1E+999"}}}`, typeValidation, one(nullAt("tableName")), "dynalite order: constraints beat number overflow", false},
		{"Query", `{"TableName":"Tab","Limit":0}`, typeValidation, one(at("0", "limit", "Member must have value greater than or equal to 1")), "dynalite order: constraints beat a missing key condition", false},
		{"GetItem", `{"TableName":"Nope","Key":{"PK":{"N":"1"}}}`, typeNotFound, "Requested resource not found", "dynalite order: table lookup before key checks", false},
		{"PutItem", `{"TableName":"Nope","Item":{"PK":{"S":"a"}},"Expected":{"a":{"ComparisonOperator":"EQ"}}}`, typeValidation, inv + "Value or AttributeValueList must be used with ComparisonOperator: EQ for Attribute: a", "AWS: Expected checked before the table", false},
		{"UpdateItem", `{"TableName":"Nope","Key":{"PK":{"S":"a"}},"UpdateExpression":"SET"}`, typeValidation, `Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "SET"`, "AWS: expressions checked before the table; <EOF> as in moto's tests", false},
		{"PutItem", `{"TableName":"Tab","Item":{"PK":{"S":"a"},"SK":{"N":"1"}},"ConditionalOperator":"XOR","Expected":{"a":{"ComparisonOperator":"EQ"}}}`, typeValidation, one(at("XOR", "conditionalOperator", "Member must satisfy enum value set: [OR, AND]")), "dynalite order: constraints beat the legacy rules", false},
		{"UpdateItem", `{` + kTab + `,"AttributeUpdates":{"a":{"Action":"PUT"}},"Expected":{"a":{"ComparisonOperator":"EQ"}}}`, typeValidation, inv + "Only DELETE action is allowed when no attribute value is specified", "dynalite validations/updateItem.js: AttributeUpdates before Expected", false},
		{"Scan", `{"TableName":"Tab","ScanFilter":{"a":` + cEQx + `},"ConditionalOperator":"AND","FilterExpression":"a = :v","ExpressionAttributeValues":{":v":{"S":"x"}}}`, typeValidation, mixing + "Non-expression parameters: {ScanFilter, ConditionalOperator} Expression parameters: {FilterExpression}", "AWS: mixing beats the ConditionalOperator rule", false},
		{"PutItem", `{"TableName":5,"Item":{"PK":{"S":"a"}},"ReturnValues":"X"}`, typeSerialization, "NUMBER_VALUE cannot be converted to String", "dynalite order: serialization beats constraints", false},
		{"DeleteItem", `{"TableName":"Tab","Key":{"PK":{"S":"a"},"SK":{"N":"1"}},"Expected":{"s":{"Value":{"S":"y"}}},"ReturnValues":"ALL_OLD"}`, typeCondFailed, "The conditional request failed", "dynalite order: condition last", false},
	}
	return append(rows, round2Requests()...)
}

func TestValidationOrder(t *testing.T) {
	db := enginetest.Open(t, engine.Options{})
	srv := httptest.NewServer(server.New(db, server.Options{}))
	t.Cleanup(srv.Close)
	post := func(op, body string) (int, map[string]any) {
		req, err := http.NewRequest("POST", srv.URL, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-amz-json-1.0")
		req.Header.Set("X-Amz-Target", engine.TargetPrefix+op)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		out := map[string]any{}
		if err := json.Unmarshal(data, &out); err != nil && len(data) > 0 {
			t.Fatalf("%s: response %q: %v", op, data, err)
		}
		return resp.StatusCode, out
	}
	setup := []struct{ op, body string }{
		{"CreateTable", `{"TableName":"Tab","AttributeDefinitions":[{"AttributeName":"PK","AttributeType":"S"},{"AttributeName":"SK","AttributeType":"N"}],"KeySchema":[{"AttributeName":"PK","KeyType":"HASH"},{"AttributeName":"SK","KeyType":"RANGE"}],"BillingMode":"PAY_PER_REQUEST"}`},
		{"CreateTable", `{"TableName":"Str","AttributeDefinitions":[{"AttributeName":"PK","AttributeType":"S"},{"AttributeName":"SK","AttributeType":"S"}],"KeySchema":[{"AttributeName":"PK","KeyType":"HASH"},{"AttributeName":"SK","KeyType":"RANGE"}],"BillingMode":"PAY_PER_REQUEST"}`},
		{"PutItem", `{` + iTab + `,"s":{"S":"x"}}}`},
		{"CreateTable", `{"TableName":"Idx","AttributeDefinitions":[{"AttributeName":"PK","AttributeType":"S"},{"AttributeName":"G","AttributeType":"S"}],"KeySchema":[{"AttributeName":"PK","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST","GlobalSecondaryIndexes":[{"IndexName":"ByG","KeySchema":[{"AttributeName":"G","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}}]}`},
		{"PutItem", `{"TableName":"Idx","Item":{"PK":{"S":"a"},"G":{"S":"g"}}}`},
		{"CreateTable", `{"TableName":"Multi","AttributeDefinitions":[{"AttributeName":"PK","AttributeType":"S"},{"AttributeName":"h","AttributeType":"S"},{"AttributeName":"r1","AttributeType":"S"},{"AttributeName":"r2","AttributeType":"S"}],"KeySchema":[{"AttributeName":"PK","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST","GlobalSecondaryIndexes":[{"IndexName":"GSI","KeySchema":[{"AttributeName":"h","KeyType":"HASH"},{"AttributeName":"r1","KeyType":"RANGE"},{"AttributeName":"r2","KeyType":"RANGE"}],"Projection":{"ProjectionType":"ALL"}}]}`},
	}
	for _, s := range setup {
		if status, out := post(s.op, s.body); status != 200 {
			t.Fatalf("setup %s: %d %v", s.op, status, out)
		}
	}
	rows := invalidRequests()
	if len(rows) < 100 {
		t.Fatalf("%d rows, want at least 100", len(rows))
	}
	for i, row := range rows {
		name := fmt.Sprintf("%03d_%s_%s", i, row.op, row.cite)
		t.Run(name, func(t *testing.T) {
			status, out := post(row.op, row.body)
			msg, hasMsg := out["message"]
			if m, ok := out["Message"]; ok {
				msg, hasMsg = m, true
			}
			if status != 400 || out["__type"] != row.typ {
				t.Fatalf("got %d %v %q\nwant 400 %s %q", status, out["__type"], msg, row.typ, row.msg)
			}
			if row.noMessage {
				if hasMsg && msg != "" {
					t.Fatalf("got message %q, want none", msg)
				}
				return
			}
			if msg != row.msg {
				t.Fatalf("message\n got %q\nwant %q", msg, row.msg)
			}
		})
	}
}

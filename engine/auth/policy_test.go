package auth

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"dynalab/engine"
)

func TestParsePolicyErrors(t *testing.T) {
	tests := []struct{ doc, want string }{
		{`[]`, "policy: json: cannot unmarshal array"},
		{`{"Statement":[]}`, "policy: no Statement"},
		{`{"Version":"2020-01-01","Statement":{}}`, `policy: Version must be "2012-10-17" or "2008-10-17"`},
		{`{"Statement":{"Effect":"Allow","Action":"*"}}`, "needs exactly one of Resource and NotResource"},
		{`{"Statement":{"Effect":"Allow","Resource":"*"}}`, "needs exactly one of Action and NotAction"},
		{`{"Statement":{"Effect":"Maybe","Action":"*","Resource":"*"}}`, `Effect must be "Allow" or "Deny"`},
		{`{"Statement":{"Effect":"Allow","Action":"*","NotAction":"x","Resource":"*"}}`, "needs exactly one of Action and NotAction"},
		{`{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Principal":"*"}}`, "Principal is not allowed"},
		{`{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericEquals":{"a":"1"}}}}`, `unsupported condition operator "NumericEquals"`},
		{`{"Statement":{"Effect":"Allow","Action":[],"Resource":"*"}}`, "Action is empty"},
		{`{"Statement":{"Effect":"Allow","Action":[1],"Resource":"*"}}`, "Action must be a string or a list of strings"},
		{`{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Null":{"a":"maybe"}}}}`, "values must be true or false"},
		{`{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}} x`, "trailing data"},
		{`{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Extra":1}}`, `unsupported element "Extra"`},
	}
	for _, tt := range tests {
		_, err := ParsePolicy([]byte(tt.doc))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParsePolicy(%s) = %v, want %q", tt.doc, err, tt.want)
		}
	}
}

// evalCase evaluates one request (target + body) against a policy.
type evalCase struct {
	name   string
	policy string
	target string
	body   string
	want   Outcome
	stmt   string // the deciding statement's name
}

func runEval(t *testing.T, tests []evalCase) {
	t.Helper()
	env := &Env{Region: "us-east-1", Account: "000000000000",
		Keys:       fakeSchemas{"T": "PK", "T/ByEmail": "email", "U": "id"},
		Statements: fakeStatements{}}
	pr := Principal{UserID: "u123", ARN: "arn:aws:iam::000000000000:user/u123"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePolicy([]byte(tt.policy))
			if err != nil {
				t.Fatal(err)
			}
			checks, err := Checks(tt.target, []byte(tt.body), env)
			if err != nil {
				t.Fatal(err)
			}
			if len(checks) == 0 {
				t.Fatal("no checks")
			}
			// The request's outcome is that of its first refused check.
			var d Decision
			for _, c := range checks {
				if d = p.Evaluate(pr, c); !d.Allowed() {
					break
				}
			}
			name := ""
			if d.Statement != nil {
				name = d.Statement.Name()
			}
			if d.Outcome != tt.want || name != tt.stmt {
				t.Errorf("= %v by %q, want %v by %q\nchecks %+v\ntrace %q", d.Outcome, name, tt.want, tt.stmt, checks, d.Trace)
			}
		})
	}
}

const (
	getT   = `{"TableName":"T","Key":{"PK":{"S":"USER#u123"},"SK":{"S":"A"}}}`
	tGet   = "DynamoDB_20120810.GetItem"
	tPut   = "DynamoDB_20120810.PutItem"
	tQuery = "DynamoDB_20120810.Query"
)

func TestEvaluate(t *testing.T) {
	allowGet := `{"Version":"2012-10-17","Statement":[{"Sid":"Get","Effect":"Allow","Action":"dynamodb:Get*","Resource":"arn:aws:dynamodb:*:*:table/T"}]}`
	runEval(t, []evalCase{
		{"allow by wildcard action", allowGet, tGet, getT, Allowed, "Get"},
		{"action case-insensitive", `{"Statement":{"Effect":"Allow","Action":"DynamoDB:getitem","Resource":"*"}}`, tGet, getT, Allowed, "#1"},
		{"implicit deny: other action", allowGet, tPut, `{"TableName":"T","Item":{"PK":{"S":"x"}}}`, ImplicitDeny, ""},
		{"implicit deny: other table", allowGet, tGet, `{"TableName":"U","Key":{"id":{"S":"x"}}}`, ImplicitDeny, ""},
		{"explicit deny wins", `{"Version":"2012-10-17","Statement":[
			{"Sid":"All","Effect":"Allow","Action":"dynamodb:*","Resource":"*"},
			{"Sid":"NoGets","Effect":"Deny","Action":"dynamodb:GetItem","Resource":"*"}]}`, tGet, getT, ExplicitDeny, "NoGets"},
		{"NotAction", `{"Statement":{"Sid":"AllButDelete","Effect":"Allow","NotAction":"dynamodb:Delete*","Resource":"*"}}`, tGet, getT, Allowed, "AllButDelete"},
		{"NotAction excludes", `{"Statement":{"Effect":"Allow","NotAction":["dynamodb:Delete*","dynamodb:Get*"],"Resource":"*"}}`, tGet, getT, ImplicitDeny, ""},
		{"NotResource", `{"Statement":{"Effect":"Allow","Action":"*","NotResource":"arn:aws:dynamodb:*:*:table/U"}}`, tGet, getT, Allowed, "#1"},
		{"table ARN in TableName", allowGet, tGet, `{"TableName":"arn:aws:dynamodb:us-east-1:000000000000:table/T","Key":{"PK":{"S":"a"}}}`, Allowed, "Get"},
		// Index ARNs: a table's statement does not cover its indexes.
		{"index not covered by table", `{"Statement":{"Effect":"Allow","Action":"dynamodb:Query","Resource":"arn:aws:dynamodb:*:*:table/T"}}`,
			tQuery, `{"TableName":"T","IndexName":"ByEmail","KeyConditionExpression":"email = :e","ExpressionAttributeValues":{":e":{"S":"a@b"}}}`, ImplicitDeny, ""},
		{"index allowed", `{"Statement":{"Effect":"Allow","Action":"dynamodb:Query","Resource":"arn:aws:dynamodb:*:*:table/T/index/*"}}`,
			tQuery, `{"TableName":"T","IndexName":"ByEmail","KeyConditionExpression":"email = :e","ExpressionAttributeValues":{":e":{"S":"a@b"}}}`, Allowed, "#1"},
		{"index LeadingKeys is the index's partition key", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:Query","Resource":"arn:aws:dynamodb:*:*:table/T/index/ByEmail",
			"Condition":{"ForAllValues:StringLike":{"dynamodb:LeadingKeys":["*@example.com"]}}}}`,
			tQuery, `{"TableName":"T","IndexName":"ByEmail","KeyConditionExpression":"email = :e","ExpressionAttributeValues":{":e":{"S":"a@evil.com"}}}`, ImplicitDeny, ""},
		{"legacy KeyConditions", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:Query","Resource":"*",
			"Condition":{"ForAllValues:StringEquals":{"dynamodb:LeadingKeys":["USER#${aws:userid}"]}}}}`,
			tQuery, `{"TableName":"T","KeyConditions":{"PK":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"USER#u999"}]}}}`, ImplicitDeny, ""},
		{"2008 policies keep ${} literal", `{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*",
			"Condition":{"ForAllValues:StringEquals":{"dynamodb:LeadingKeys":["USER#${aws:userid}"]}}}}`, tGet, getT, ImplicitDeny, ""},
		{"username variable", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*",
			"Condition":{"StringLike":{"dynamodb:LeadingKeys":["*#${aws:username}"]}}}}`, tGet, getT, Allowed, "#1"},
		{"unknown variable never matches", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*",
			"Condition":{"StringLike":{"dynamodb:LeadingKeys":["${aws:PrincipalTag/x}"]}}}}`, tGet, getT, ImplicitDeny, ""},
		{"variable in Resource", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:dynamodb:*:*:table/${aws:userid}-*"}}`,
			tGet, `{"TableName":"u123-notes","Key":{"PK":{"S":"a"}}}`, Allowed, "#1"},
	})
}

func TestConditionKeys(t *testing.T) {
	attrs := func(op, names string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:` + op + `","Resource":"*",
			"Condition":{"ForAllValues:StringEquals":{"dynamodb:Attributes":[` + names + `]},
			"StringEqualsIfExists":{"dynamodb:Select":"SPECIFIC_ATTRIBUTES","dynamodb:ReturnValues":["NONE","UPDATED_OLD","UPDATED_NEW"]}}}]}`
	}
	public := attrs("*", `"PK","SK","name","score"`)
	runEval(t, []evalCase{
		{"projection within the allowed attributes", public, tGet,
			`{"TableName":"T","Key":{"PK":{"S":"a"}},"ProjectionExpression":"#n, score","ExpressionAttributeNames":{"#n":"name"}}`, Allowed, "#1"},
		{"projection outside", public, tGet,
			`{"TableName":"T","Key":{"PK":{"S":"a"}},"ProjectionExpression":"#n, secret.part","ExpressionAttributeNames":{"#n":"name"}}`, ImplicitDeny, ""},
		{"AttributesToGet outside", public, tGet, `{"TableName":"T","Key":{"PK":{"S":"a"}},"AttributesToGet":["ssn"]}`, ImplicitDeny, ""},
		{"put's item names", public, tPut, `{"TableName":"T","Item":{"PK":{"S":"a"},"SK":{"S":"b"},"score":{"N":"1"}}}`, Allowed, "#1"},
		{"put with another attribute", public, tPut, `{"TableName":"T","Item":{"PK":{"S":"a"},"ssn":{"S":"x"}}}`, ImplicitDeny, ""},
		{"update targets", public, "DynamoDB_20120810.UpdateItem",
			`{"TableName":"T","Key":{"PK":{"S":"a"}},"UpdateExpression":"SET score = score + :one","ExpressionAttributeValues":{":one":{"N":"1"}},"ReturnValues":"UPDATED_NEW"}`, Allowed, "#1"},
		{"update of another attribute", public, "DynamoDB_20120810.UpdateItem",
			`{"TableName":"T","Key":{"PK":{"S":"a"}},"UpdateExpression":"SET score = :s REMOVE #x","ExpressionAttributeNames":{"#x":"ssn"},"ExpressionAttributeValues":{":s":{"N":"1"}}}`, ImplicitDeny, ""},
		{"legacy AttributeUpdates", public, "DynamoDB_20120810.UpdateItem",
			`{"TableName":"T","Key":{"PK":{"S":"a"}},"AttributeUpdates":{"ssn":{"Action":"DELETE"}}}`, ImplicitDeny, ""},
		{"ReturnValues refused", public, "DynamoDB_20120810.UpdateItem",
			`{"TableName":"T","Key":{"PK":{"S":"a"}},"UpdateExpression":"SET score = :s","ExpressionAttributeValues":{":s":{"N":"1"}},"ReturnValues":"ALL_OLD"}`, ImplicitDeny, ""},
		{"Select refused", public, "DynamoDB_20120810.Scan", `{"TableName":"T","Select":"ALL_ATTRIBUTES"}`, ImplicitDeny, ""},
		{"Select allowed", public, "DynamoDB_20120810.Scan", `{"TableName":"T","Select":"SPECIFIC_ATTRIBUTES","ProjectionExpression":"score"}`, Allowed, "#1"},
		{"ForAnyValue needs a value", `{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"dynamodb:Attributes":["score"]}}}}`,
			tGet, getT, ImplicitDeny, ""},
		{"ReturnConsumedCapacity", `{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"dynamodb:ReturnConsumedCapacity":"INDEXES"}}}}`,
			tGet, `{"TableName":"T","Key":{"PK":{"S":"a"}},"ReturnConsumedCapacity":"TOTAL"}`, Allowed, "#1"},
		{"Null condition", `{"Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Null":{"dynamodb:Select":"true"}}}}`,
			"DynamoDB_20120810.Scan", `{"TableName":"T"}`, ExplicitDeny, "#1"},
	})
}

// fakeStatements describes a statement as "VERB table[.index]".
type fakeStatements struct{}

func (fakeStatements) Describe(stmt string) (verb, table, index string, err error) {
	f := strings.Fields(stmt)
	if len(f) != 2 {
		return "", "", "", errors.New("syntax error")
	}
	table, index, _ = strings.Cut(f[1], ".")
	return f[0], table, index, nil
}

func TestPartiQLChecks(t *testing.T) {
	allowSelect := `{"Statement":{"Effect":"Allow","Action":"dynamodb:PartiQLSelect","Resource":["arn:aws:dynamodb:*:*:table/T","arn:aws:dynamodb:*:*:table/T/index/*"]}}`
	runEval(t, []evalCase{
		{"select", allowSelect, "DynamoDB_20120810.ExecuteStatement", `{"Statement":"Select T"}`, Allowed, "#1"},
		{"select on an index", allowSelect, "DynamoDB_20120810.ExecuteStatement", `{"Statement":"Select T.ByEmail"}`, Allowed, "#1"},
		{"insert", allowSelect, "DynamoDB_20120810.ExecuteStatement", `{"Statement":"Insert T"}`, ImplicitDeny, ""},
		{"batch, one refused", allowSelect, "DynamoDB_20120810.BatchExecuteStatement",
			`{"Statements":[{"Statement":"Select T"},{"Statement":"Select U"}]}`, ImplicitDeny, ""},
		{"transaction", allowSelect, "DynamoDB_20120810.ExecuteTransaction",
			`{"TransactStatements":[{"Statement":"Select T"},{"Statement":"Delete T"}]}`, ImplicitDeny, ""},
	})
}

func TestChecksDerivation(t *testing.T) {
	env := &Env{Region: "us-east-1", Account: "000000000000", Keys: fakeSchemas{"T": "PK", "U": "id"}}
	checks, err := Checks("DynamoDB_20120810.BatchGetItem", []byte(`{"RequestItems":{
		"U":{"Keys":[{"id":{"S":"b"}}],"AttributesToGet":["x"]},
		"T":{"Keys":[{"PK":{"S":"a"}},{"PK":{"S":"c"}},{"PK":{"S":"a"}}],"ProjectionExpression":"#a","ExpressionAttributeNames":{"#a":"y"}}},
		"ReturnConsumedCapacity":"TOTAL"}`), env)
	if err != nil {
		t.Fatal(err)
	}
	want := []Check{
		{Action: "dynamodb:BatchGetItem", Resource: "arn:aws:dynamodb:us-east-1:000000000000:table/T", Keys: map[string][]string{
			KeyLeadingKeys: {"a", "c"}, KeyAttributes: {"y"}, KeyReturnConsumedCapacity: {"TOTAL"}}},
		{Action: "dynamodb:BatchGetItem", Resource: "arn:aws:dynamodb:us-east-1:000000000000:table/U", Keys: map[string][]string{
			KeyLeadingKeys: {"b"}, KeyAttributes: {"x"}, KeyReturnConsumedCapacity: {"TOTAL"}}},
	}
	if !reflect.DeepEqual(checks, want) {
		t.Errorf("= %+v\nwant %+v", checks, want)
	}
	checks, err = Checks("DynamoDBStreams_20120810.GetRecords", []byte(`{"ShardIterator":"arn:aws:dynamodb:us-east-1:000000000000:table/T/stream/2024|1|abc"}`), env)
	if err != nil || len(checks) != 1 || checks[0].Resource != "arn:aws:dynamodb:us-east-1:000000000000:table/T/stream/2024" || checks[0].Action != "dynamodb:GetRecords" {
		t.Errorf("GetRecords = %+v, %v", checks, err)
	}
}

// TestChecksRefuseAmbiguity: members the engine might read differently
// than authorization does are refused.
func TestChecksRefuseAmbiguity(t *testing.T) {
	env := &Env{Region: "us-east-1", Account: "000000000000", Keys: fakeSchemas{"T": "PK"}}
	for _, tt := range []struct{ target, body, want string }{
		{tGet, `{"TableName":"T","TableName":"U"}`, "Duplicate field 'TableName'"},
		{tGet, `{"TableName":"T","tablename":"U"}`, "Duplicate field 'tablename'"},
		{tGet, `{"tableName":"U"}`, "Unrecognized field 'tableName'"},
		{"DynamoDB_20120810.BatchWriteItem", `{"RequestItems":{"T":[{"putrequest":{"Item":{}}}]}}`, "Unrecognized field 'putrequest'"},
		{tGet, `{"TableName":7}`, "NUMBER_VALUE cannot be converted to String"},
	} {
		_, err := Checks(tt.target, []byte(tt.body), env)
		var ae *engine.APIError
		if !errors.As(err, &ae) || ae.Code != engine.CodeSerialization || !strings.Contains(ae.Message, tt.want) {
			t.Errorf("%s: err = %v, want SerializationException %q", tt.body, err, tt.want)
		}
	}
}

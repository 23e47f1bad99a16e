package auth

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

// FuzzParsePolicy: no policy document panics the parser, and whatever
// parses evaluates without panicking.
func FuzzParsePolicy(f *testing.F) {
	f.Add([]byte(ownDataPolicy))
	f.Add([]byte(`{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotAction":"dynamodb:*","NotResource":["*"]}}`))
	f.Add([]byte(`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Null":{"dynamodb:Select":"true"},"ForAnyValue:StringNotLikeIfExists":{"dynamodb:Attributes":["${*}${?}${$}${aws:userid"]}}}]}`))
	f.Add([]byte(`{"Statement":{"Effect":"Allow","Action":["*"],"Resource":"*","Condition":{"StringEquals":{"k":[1,true,"x"]}}}}`))
	f.Add([]byte(`null`))
	f.Add([]byte(tablePolicy))
	f.Add([]byte(`{"Statement":{"Effect":"Deny","NotPrincipal":{"AWS":["000000000000"],"Service":"s"},"Action":"*","Resource":"*"}}`))
	checks := []Check{
		{Action: "dynamodb:GetItem", Resource: "arn:aws:dynamodb:us-east-1:000000000000:table/AppTable",
			Keys: map[string][]string{KeyLeadingKeys: {"USER#u123"}, KeyAttributes: {"a", "b"}}},
		{Action: "dynamodb:Scan", Resource: "*", Keys: map[string][]string{}},
	}
	pr := Principal{UserID: "u123", ARN: "arn:aws:iam::000000000000:user/u123"}
	f.Fuzz(func(t *testing.T, doc []byte) {
		for _, parse := range []func([]byte) (*Policy, error){ParsePolicy, ParseResourcePolicy} {
			p, err := parse(doc)
			if err != nil {
				continue
			}
			for _, c := range checks {
				d := p.Evaluate(pr, c)
				_ = d.Note()
			}
		}
	})
}

// FuzzParseAuthorization: no Authorization header panics the parser or
// the verifier.
func FuzzParseAuthorization(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AKIDALICE/20240131/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc", "20240131T120000Z")
	f.Add("AWS4-HMAC-SHA256 Credential=/////, SignedHeaders=;;, Signature=", "")
	f.Add("AWS4-HMAC-SHA256 ,,,=,=", "x")
	f.Add("Bearer", "20240131T120000Z")
	now := time.Date(2024, 1, 31, 12, 0, 0, 0, time.UTC)
	g, err := New(Config{Users: []User{alice}, Now: func() time.Time { return now }})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, header, date string) {
		_, _ = ParseAuthorization(header, date != "")
		r := &http.Request{Method: http.MethodPost, URL: &url.URL{Path: "/"}, Host: "localhost", Header: http.Header{}}
		r.Header.Set("Authorization", header)
		if date != "" {
			r.Header.Set("X-Amz-Date", date)
		}
		_, _, _ = g.v.verify(r, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
	})
}

// FuzzChecks: no request body panics the derivation of checks.
func FuzzChecks(f *testing.F) {
	f.Add("GetItem", []byte(getT))
	f.Add("BatchWriteItem", []byte(`{"RequestItems":{"T":[{"PutRequest":{"Item":{"PK":{"S":"a"}}}},{"DeleteRequest":{"Key":{"PK":{"N":"1"}}}}]}}`))
	f.Add("TransactWriteItems", []byte(`{"TransactItems":[{"Update":{"TableName":"T","Key":{"PK":{"S":"a"}},"UpdateExpression":"SET a = :a"}},{"ConditionCheck":{}}]}`))
	f.Add("Query", []byte(`{"TableName":"T","KeyConditionExpression":"PK = :p","ExpressionAttributeValues":{":p":{"B":"AA=="}},"KeyConditions":{"PK":{"AttributeValueList":[{"S":"x"},7]}}}`))
	f.Add("ExecuteTransaction", []byte(`{"TransactStatements":[{"Statement":"Select T"}]}`))
	env := &Env{Region: "us-east-1", Account: "000000000000", Keys: fakeSchemas{"T": "PK"}, Statements: fakeStatements{}}
	f.Fuzz(func(t *testing.T, op string, body []byte) {
		_, _ = Checks("DynamoDB_20120810."+op, body, env)
		_, _ = Checks("DynamoDBStreams_20120810."+op, body, env)
	})
}

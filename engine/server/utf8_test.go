package server_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"dynalab/engine"
	"dynalab/engine/enginetest"
	"dynalab/engine/server"
	"dynalab/partiql"
)

const bodySerialization = `{"__type":"com.amazon.coral.service#SerializationException"}`

// rawPost sends body to url as target and returns the status and body.
func rawPost(t *testing.T, url, target string, body []byte) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", target)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(got)
}

// TestInvalidUTF8Refused: invalid UTF-8 (and a \u escape of a lone
// surrogate) anywhere in a request is refused with the bare
// SerializationException the service answers a body its JSON parser
// cannot read (aws/aws-sdk-js#46, aws/aws-sdk-php#1536), never coerced to
// U+FFFD: "k\xff" and "k\xfe" must not become one item.
func TestInvalidUTF8Refused(t *testing.T) {
	db := enginetest.Open(t, engine.Options{})
	d := server.Chain{db, partiql.NewDispatcher(partiql.New(db, partiql.Options{}))}
	for _, authOn := range []bool{false, true} {
		opts := server.Options{}
		if authOn {
			// With a hook the server checks the JSON itself before it.
			opts.Authenticate = func(*server.AuthRequest) (string, error) { return "", nil }
		}
		ts := httptest.NewServer(server.New(d, opts))
		post := func(op, body string) (int, string) { return rawPost(t, ts.URL, "DynamoDB_20120810."+op, []byte(body)) }
		if st, got := post("CreateTable", `{"TableName":"Tbl","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}`); st != 200 && !strings.Contains(got, "ResourceInUse") {
			t.Fatalf("CreateTable: %d %s", st, got)
		}
		// The case: two raw-byte keys that U+FFFD would merge.
		for _, key := range []string{"k\xff", "k\xfe", `k\ud800`, `k\udc00`} {
			if st, got := post("PutItem", `{"TableName":"Tbl","Item":{"pk":{"S":"`+key+`"},"v":{"S":"`+key+`"}}}`); st != 400 || got != bodySerialization {
				t.Errorf("auth %v: PutItem key %q: %d %s, want 400 %s", authOn, key, st, got, bodySerialization)
			}
		}
		if st, got := post("Scan", `{"TableName":"Tbl","Select":"COUNT"}`); st != 200 || !strings.Contains(got, `"Count":0`) {
			t.Errorf("auth %v: after refused puts: %d %s, want no items", authOn, st, got)
		}

		const bad = "\xff"
		for _, tc := range []struct{ op, body string }{
			{"PutItem", `{"TableName":"Tbl` + bad + `","Item":{"pk":{"S":"a"}}}`},
			{"PutItem", `{"TableName":"Tbl","Item":{"pk":{"S":"a"},"n` + bad + `":{"S":"v"}}}`},
			{"PutItem", `{"TableName":"Tbl","Item":{"pk":{"S":"a"},"v":{"SS":["x","` + bad + `"]}}}`},
			{"PutItem", `{"TableName":"Tbl","Item":{"pk":{"S":"a"},"v":{"M":{"k` + bad + `":{"S":"v"}}}}}`},
			{"PutItem", `{"TableName":"Tbl","Item":{"pk":{"S":"a"},"v":{"L":[{"S":"` + bad + `"}]}}}`},
			{"PutItem", `{"TableName":"Tbl","Item":{"pk":{"S":"a"},"v":{"N":"1` + bad + `"}}}`},
			{"PutItem", `{"TableName":"Tbl","Item":{"pk":{"S":"a"},"v":{"B":"` + bad + `AAA"}}}`},
			{"PutItem", `{"TableName":"Tbl","Item":{"pk":{"S":"a"}},"ConditionExpression":"attribute_not_exists(#n` + bad + `)","ExpressionAttributeNames":{"#n` + bad + `":"pk"}}`},
			{"PutItem", `{"TableName":"Tbl","Item":{"pk":{"S":"a"}},"ConditionExpression":"#n <> :v","ExpressionAttributeNames":{"#n":"p` + bad + `"},"ExpressionAttributeValues":{":v":{"S":"x"}}}`},
			{"PutItem", `{"TableName":"Tbl","Item":{"pk":{"S":"a"}},"ConditionExpression":"pk <> :v","ExpressionAttributeValues":{":v":{"S":"` + bad + `"}}}`},
			{"PutItem", `{"TableName":"Tbl","Item":{"pk":{"S":"a"}},"ReturnValues":"NONE` + bad + `"}`},
			{"PutItem", `{"TableName":"Tbl","Item":{"pk":{"S":"a"}},"Unknown` + bad + `":"x"}`},
			{"PutItem", `{"TableName":"Tbl","Item":{"pk":{"S":"a"}},"Unknown":["` + bad + `"]}`},
			{"UpdateItem", `{"TableName":"Tbl","Key":{"pk":{"S":"a"}},"UpdateExpression":"SET v = :v` + bad + `","ExpressionAttributeValues":{":v":{"S":"x"}}}`},
			{"GetItem", `{"TableName":"Tbl","Key":{"pk":{"S":"a` + bad + `"}}}`},
			{"GetItem", `{"TableName":"Tbl","Key":{"pk":{"S":"a"}},"ProjectionExpression":"v` + bad + `"}`},
			{"DeleteItem", `{"TableName":"Tbl","Key":{"pk":{"S":"a` + bad + `"}}}`},
			{"Query", `{"TableName":"Tbl","KeyConditionExpression":"pk = :v","ExpressionAttributeValues":{":v":{"S":"` + bad + `"}}}`},
			{"Query", `{"TableName":"Tbl","KeyConditionExpression":"pk = :v","FilterExpression":"v` + bad + ` = :v","ExpressionAttributeValues":{":v":{"S":"a"}}}`},
			{"Scan", `{"TableName":"Tbl","ExclusiveStartKey":{"pk":{"S":"` + bad + `"}}}`},
			{"BatchWriteItem", `{"RequestItems":{"Tbl":[{"PutRequest":{"Item":{"pk":{"S":"` + bad + `"}}}}]}}`},
			{"BatchGetItem", `{"RequestItems":{"Tbl":{"Keys":[{"pk":{"S":"` + bad + `"}}]}}}`},
			{"TransactWriteItems", `{"TransactItems":[{"Put":{"TableName":"Tbl","Item":{"pk":{"S":"` + bad + `"}}}}]}`},
			{"TransactWriteItems", `{"TransactItems":[{"Put":{"TableName":"Tbl","Item":{"pk":{"S":"a"}}}}],"ClientRequestToken":"t` + bad + `"}`},
			{"TagResource", `{"ResourceArn":"arn:aws:dynamodb:us-east-1:000000000000:table/Tbl","Tags":[{"Key":"k","Value":"` + bad + `"}]}`},
			{"CreateTable", `{"TableName":"Ubl","AttributeDefinitions":[{"AttributeName":"pk` + bad + `","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk` + bad + `","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}`},
			{"ExecuteStatement", `{"Statement":"INSERT INTO Tbl VALUE {'pk': '` + bad + `'}"}`},
			{"ExecuteStatement", `{"Statement":"INSERT INTO Tbl VALUE {'pk': ?}","Parameters":[{"S":"` + bad + `"}]}`},
			{"NoSuchOperation", `{"x":"` + bad + `"}`}, // parsed before the target is looked at
		} {
			if st, got := post(tc.op, tc.body); st != 400 || got != bodySerialization {
				t.Errorf("auth %v: %s %q: %d %s, want 400 %s", authOn, tc.op, tc.body, st, got, bodySerialization)
			}
		}
		if st, got := post("Scan", `{"TableName":"Tbl","Select":"COUNT"}`); st != 200 || !strings.Contains(got, `"Count":0`) {
			t.Errorf("auth %v: after refused requests: %d %s, want no items", authOn, st, got)
		}
		// Valid UTF-8, escaped or not, still goes through.
		for _, key := range []string{"é", `\u00e9`, `\ud83d\ude00`, "😀"} {
			if st, got := post("PutItem", `{"TableName":"Tbl","Item":{"pk":{"S":"`+key+`"}}}`); st != 200 {
				t.Errorf("auth %v: PutItem %q: %d %s", authOn, key, st, got)
			}
		}
		if st, got := post("Scan", `{"TableName":"Tbl","Select":"COUNT"}`); st != 200 || !strings.Contains(got, `"Count":2`) {
			t.Errorf("auth %v: é, \\u00e9, 😀 twice: %d %s, want 2 items", authOn, st, got)
		}
		ts.Close()
		if _, err := db.DeleteTable(t.Context(), &engine.DeleteTableInput{TableName: "Tbl"}); err != nil {
			t.Fatal(err)
		}
	}
}

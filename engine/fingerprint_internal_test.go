package engine

import (
	"testing"

	"dynalab/engine/attr"
)

// TestRequestFingerprint: requests that differ in any member differ in
// fingerprint; equal requests (maps built in another order) agree.
func TestRequestFingerprint(t *testing.T) {
	str := func(s string) *string { return &s }
	base := func() *TransactWriteItemsInput {
		return &TransactWriteItemsInput{ClientRequestToken: str("tok"), TransactItems: []TransactWriteItem{
			{Put: &TransactPut{TableName: "T", Item: attr.Item{"PK": attr.S("a"), "n": attr.Int(1)}, ConditionExpression: str("attribute_not_exists(PK)")}},
			{Update: &TransactUpdate{TableName: "T", Key: attr.Item{"PK": attr.S("b")}, UpdateExpression: str("SET #n = :v"),
				ExpressionAttributeNames: map[string]string{"#n": "n", "#m": "m"}, ExpressionAttributeValues: Values{":v": attr.Int(2)}}},
			{ConditionCheck: &TransactCondition{TableName: "U", Key: attr.Item{"PK": attr.S("c")}, ConditionExpression: str("attribute_exists(PK)")}},
			{Delete: &TransactDelete{TableName: "T", Key: attr.Item{"PK": attr.S("d")}}},
		}}
	}
	want := requestFingerprint(base())
	same := base()
	same.TransactItems[1].Update.ExpressionAttributeNames = map[string]string{"#m": "m", "#n": "n"}
	same.ClientRequestToken = str("another token")
	if requestFingerprint(same) != want {
		t.Error("an equal request has another fingerprint")
	}
	changes := map[string]func(in *TransactWriteItemsInput){
		"ReturnConsumedCapacity":      func(in *TransactWriteItemsInput) { in.ReturnConsumedCapacity = "TOTAL" },
		"ReturnItemCollectionMetrics": func(in *TransactWriteItemsInput) { in.ReturnItemCollectionMetrics = "SIZE" },
		"put item":                    func(in *TransactWriteItemsInput) { in.TransactItems[0].Put.Item["n"] = attr.Int(3) },
		"put condition":               func(in *TransactWriteItemsInput) { in.TransactItems[0].Put.ConditionExpression = nil },
		"put table":                   func(in *TransactWriteItemsInput) { in.TransactItems[0].Put.TableName = "U" },
		"update expression":           func(in *TransactWriteItemsInput) { in.TransactItems[1].Update.UpdateExpression = str("SET #n = :w") },
		"update name":                 func(in *TransactWriteItemsInput) { in.TransactItems[1].Update.ExpressionAttributeNames["#m"] = "x" },
		"update value": func(in *TransactWriteItemsInput) {
			in.TransactItems[1].Update.ExpressionAttributeValues[":v"] = attr.S("2")
		},
		"check key": func(in *TransactWriteItemsInput) { in.TransactItems[2].ConditionCheck.Key["PK"] = attr.S("C") },
		"on failure": func(in *TransactWriteItemsInput) {
			in.TransactItems[3].Delete.ReturnValuesOnConditionCheckFailure = "ALL_OLD"
		},
		"delete becomes check": func(in *TransactWriteItemsInput) {
			d := in.TransactItems[3].Delete
			in.TransactItems[3] = TransactWriteItem{ConditionCheck: &TransactCondition{TableName: d.TableName, Key: d.Key}}
		},
		"order": func(in *TransactWriteItemsInput) {
			in.TransactItems[0], in.TransactItems[3] = in.TransactItems[3], in.TransactItems[0]
		},
	}
	for name, change := range changes {
		in := base()
		change(in)
		if requestFingerprint(in) == want {
			t.Errorf("%s: same fingerprint", name)
		}
	}
}

// TestRequestFingerprintIgnoresEscaping: the same string sent escaped or
// not is the same request.
func TestRequestFingerprintIgnoresEscaping(t *testing.T) {
	var a, b TransactWriteItemsInput
	if err := decodeRequest([]byte(`{"TransactItems":[{"Put":{"TableName":"T","Item":{"PK":{"S":"abc"}}}}]}`), &a); err != nil {
		t.Fatal(err)
	}
	if err := decodeRequest([]byte(`{"TransactItems":[{"Put":{"TableName":"T","Item":{"PK":{"S":"\u0061bc"}}}}]}`), &b); err != nil {
		t.Fatal(err)
	}
	if requestFingerprint(&a) != requestFingerprint(&b) {
		t.Fatal("an escaped string changed the fingerprint")
	}
}

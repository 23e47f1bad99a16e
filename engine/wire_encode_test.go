package engine

import (
	"encoding/json"
	"testing"

	"dynalab/engine/attr"
)

// TestWireEncodersMatchJSON checks that the hand-written response encoders
// write exactly what encoding/json writes for the same values.
func TestWireEncodersMatchJSON(t *testing.T) {
	item := attr.Item{"PK": attr.S("a\"b"), "n": attr.MustN("1.5"), "m": attr.M(map[string]attr.Value{"x": attr.Null()})}
	cc := &ConsumedCapacity{TableName: "T", CapacityUnits: 0.5, ReadCapacityUnits: 0.5}
	outputs := []wireEncoder{
		&GetItemOutput{},
		&GetItemOutput{Item: attr.Item{}},
		&GetItemOutput{Item: item, ConsumedCapacity: cc},
		&PutItemOutput{},
		&PutItemOutput{Attributes: item, ConsumedCapacity: cc},
		&UpdateItemOutput{Attributes: attr.Item{}},
		&DeleteItemOutput{Attributes: item},
		&QueryOutput{},
		&QueryOutput{Items: []attr.Item{}},
		&QueryOutput{Items: []attr.Item{item, item}, Count: 2, ScannedCount: 7, LastEvaluatedKey: attr.Item{"PK": attr.S("z")}, ConsumedCapacity: cc},
	}
	for _, out := range outputs {
		want, err := json.Marshal(out)
		if err != nil {
			t.Fatal(err)
		}
		if got := out.appendWire(nil); string(got) != string(want) {
			t.Errorf("%T:\n got %s\nwant %s", out, got, want)
		}
	}
}

// TestTransactDecoderKeepsEveryAction checks that an action naming two
// kinds keeps both, so that validation refuses it as the service does.
func TestTransactDecoderKeepsEveryAction(t *testing.T) {
	body := `{"TransactItems":[{"Put":{"TableName":"Tab","Item":{"k":{"S":"a"}}},"Delete":{"TableName":"Tab","Key":{"k":{"S":"a"}}}}]}`
	var in TransactWriteItemsInput
	if err := decodeRequest([]byte(body), &in); err != nil {
		t.Fatal(err)
	}
	it := in.TransactItems[0]
	if it.Put == nil || it.Delete == nil || it.Put.Item["k"].Str() != "a" || it.Delete.Key["k"].Str() != "a" {
		t.Fatalf("decoded %+v", it)
	}
	if err := validateTransactWrite(&in); err == nil || err.Error() != "ValidationException: TransactItems can only contain one of Check, Put, Update or Delete" {
		t.Fatalf("validation: %v", err)
	}
}

// TestValuesUnmarshalJSON checks the encoding/json path of Values names
// the placeholder of an invalid value, like the request decoder.
func TestValuesUnmarshalJSON(t *testing.T) {
	var v Values
	if err := json.Unmarshal([]byte(`{":a":{"S":"x"},":b":{"N":"2"}}`), &v); err != nil || v[":b"].Str() != "2" {
		t.Fatalf("%v %v", v, err)
	}
	err := json.Unmarshal([]byte(`{":a":{"SS":[]}}`), &v)
	want := "ValidationException: ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: An string set  may not be empty for key :a"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
}

package engine_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"dynalab/engine"
)

// TestDispatchCopiesWhatItKeeps: Dispatch decodes without copying the body,
// so whatever the engine keeps past a request must be copied out of it. A
// caller breaking the contract by scribbling over old bodies shows whether
// a view leaked into the idempotency tokens (expr's TestCacheKeepsACopy
// checks the expression cache).
func TestDispatchCopiesWhatItKeeps(t *testing.T) {
	db := benchMemDB(t)
	ctx := context.Background()
	call := func(op, body string) string {
		t.Helper()
		b := []byte(body)
		out, _, err := db.Dispatch(ctx, engine.TargetPrefix+op, b)
		for i := range b { // what a reused buffer would do to a view
			b[i] = '#'
		}
		if err != nil {
			return err.Error()
		}
		return string(out)
	}
	put := `{"TableName":"Bench","Item":{"PK":{"S":"a"},"SK":{"S":"b"},"n":{"N":"1"}},"ConditionExpression":"attribute_not_exists(n)"}`
	if got := call("PutItem", put); got != "{}" {
		t.Fatalf("first put: %s", got)
	}
	// The same condition text again is a cache hit; it must still read as
	// attribute_not_exists(n), which now fails.
	if got := call("PutItem", put); !strings.Contains(got, "conditional request failed") {
		t.Fatalf("second put: %s, want a failed condition", got)
	}
	txn := func(v string) string {
		return `{"ClientRequestToken":"token-1","TransactItems":[{"Put":{"TableName":"Bench","Item":{"PK":{"S":"t"},"SK":{"S":"b"},"v":{"S":"` + v + `"}}}}]}`
	}
	if got := call("TransactWriteItems", txn("x")); got != "{}" {
		t.Fatalf("transaction: %s", got)
	}
	if got := call("TransactWriteItems", txn("y")); !strings.Contains(got, "idempotent token was used with different request parameters") {
		t.Fatalf("same token, other request: %s", got)
	}
}

// TestDispatchRefusesInvalidUTF8: an in-process Dispatch (no HTTP server in
// front) refuses invalid UTF-8 in every decoder, the engine's own and the
// encoding/json one of the control plane, instead of storing U+FFFD.
func TestDispatchRefusesInvalidUTF8(t *testing.T) {
	db := benchMemDB(t)
	ctx := context.Background()
	for _, tc := range []struct{ op, body string }{
		{"PutItem", "{\"TableName\":\"Bench\",\"Item\":{\"PK\":{\"S\":\"k\xff\"},\"SK\":{\"S\":\"b\"}}}"},
		{"PutItem", `{"TableName":"Bench","Item":{"PK":{"S":"k\ud800"},"SK":{"S":"b"}}}`},
		{"TagResource", "{\"ResourceArn\":\"arn:aws:dynamodb:us-east-1:000000000000:table/Bench\",\"Tags\":[{\"Key\":\"k\",\"Value\":\"\xfe\"}]}"},
		{"TagResource", `{"ResourceArn":"arn:aws:dynamodb:us-east-1:000000000000:table/Bench","Tags":[{"Key":"k","Value":"\udc00"}]}`},
	} {
		_, _, err := db.Dispatch(ctx, engine.TargetPrefix+tc.op, []byte(tc.body))
		var ae *engine.APIError
		if !errors.As(err, &ae) || ae.Code != engine.CodeSerialization {
			t.Errorf("%s %q: %v, want SerializationException", tc.op, tc.body, err)
		}
	}
}

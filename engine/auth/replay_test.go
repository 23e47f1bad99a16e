package auth

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"dynalab/engine"
	"dynalab/engine/enginetest"
	"dynalab/engine/server"
)

// TestSignatureReplayAcrossOperations: SigV4 itself only requires host and
// x-amz-date to be signed, so a captured GetItem signed with
// SignedHeaders=host;x-amz-date could be resent with X-Amz-Target DeleteItem
// (the body, whose hash is signed, is a valid DeleteItem too). dynalab
// refuses any API call that does not sign X-Amz-Target, with the
// InvalidSignatureException the SDKs report for a bad signature; the item
// survives.
func TestSignatureReplayAcrossOperations(t *testing.T) {
	now := time.Date(2024, 1, 31, 12, 0, 0, 0, time.UTC)
	db := enginetest.Open(t, engine.Options{})
	g, err := New(Config{Users: []User{alice}, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(server.New(db, server.Options{Authenticate: g.Authenticate}))
	t.Cleanup(ts.Close)

	send := func(target string, body []byte, signedHeaders map[string]string) (int, string) {
		t.Helper()
		r, err := http.NewRequest(http.MethodPost, ts.URL+"/", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		// The signer signs the headers present when it runs.
		for k, v := range signedHeaders {
			r.Header.Set(k, v)
		}
		signRaw(t, r, body, now, "")
		r.Header.Set("Content-Type", "application/x-amz-json-1.0")
		r.Header.Set("X-Amz-Target", target)
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		got, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(got)
	}
	full := func(target string) map[string]string {
		return map[string]string{"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": target}
	}
	const ddb = "DynamoDB_20120810."
	if st, got := send(ddb+"CreateTable", []byte(`{"TableName":"Pets","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}`), full(ddb+"CreateTable")); st != 200 {
		t.Fatalf("CreateTable: %d %s", st, got)
	}
	if st, got := send(ddb+"PutItem", []byte(`{"TableName":"Pets","Item":{"pk":{"S":"fido"}}}`), full(ddb+"PutItem")); st != 200 {
		t.Fatalf("PutItem: %d %s", st, got)
	}

	key := []byte(`{"TableName":"Pets","Key":{"pk":{"S":"fido"}}}`)
	const refused = `{"__type":"com.amazon.coral.service#InvalidSignatureException","message":"'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization."}`
	// The captured request (host;x-amz-date only), as sent and as replayed.
	for _, target := range []string{ddb + "GetItem", ddb + "DeleteItem"} {
		if st, got := send(target, key, nil); st != 400 || got != refused {
			t.Errorf("%s signed with host;x-amz-date: %d %s, want 400 %s", target, st, got, refused)
		}
	}
	// Signing X-Amz-Target ties the signature to its operation.
	if st, got := send(ddb+"DeleteItem", key, map[string]string{"X-Amz-Target": ddb + "GetItem"}); st != 400 || !strings.Contains(got, "InvalidSignatureException") || !strings.Contains(got, "does not match") {
		t.Errorf("GetItem's signature replayed as DeleteItem: %d %s, want a signature mismatch", st, got)
	}
	if st, got := send(ddb+"GetItem", key, full(ddb+"GetItem")); st != 200 || !strings.Contains(got, `"fido"`) {
		t.Errorf("after the replays the item must remain: %d %s", st, got)
	}
}

// TestMetricsNeedSignature: under --auth, GET /metrics (the server's Extra
// handler) answers only a signed request, with the same errors as the API,
// unless ExtraPublic (serve --metrics-public).
func TestMetricsNeedSignature(t *testing.T) {
	now := time.Date(2024, 1, 31, 12, 0, 0, 0, time.UTC)
	g, err := New(Config{Users: []User{alice}, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	var seen []*Result
	g.onResult = func(r *Result) { seen = append(seen, r) }
	metrics := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "dynalab_requests_total 1\n") })
	get := func(ts *httptest.Server, sign func(*http.Request)) (int, string) {
		t.Helper()
		r, err := http.NewRequest(http.MethodGet, ts.URL+"/metrics", nil)
		if err != nil {
			t.Fatal(err)
		}
		if sign != nil {
			sign(r)
		}
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		got, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(got)
	}
	signed := func(r *http.Request) { signRaw(t, r, nil, now, "") }
	wrongSecret := func(r *http.Request) {
		signRaw(t, r, nil, now, "")
		auth := r.Header.Get("Authorization")
		r.Header.Set("Authorization", auth[:len(auth)-4]+"0000")
	}

	ts := httptest.NewServer(server.New(&okDispatcher{}, server.Options{Authenticate: g.Authenticate, Extra: metrics}))
	defer ts.Close()
	const coral = `{"__type":"com.amazon.coral.service#`
	for _, tc := range []struct {
		name   string
		sign   func(*http.Request)
		status int
		body   string
	}{
		{"unsigned", nil, 400, coral + `MissingAuthenticationTokenException","message":"Request is missing Authentication Token"}`},
		{"wrong signature", wrongSecret, 400, coral + `InvalidSignatureException","message":"` + msgSignatureWrong + `"}`},
		{"signed", signed, 200, "dynalab_requests_total 1\n"},
	} {
		if st, got := get(ts, tc.sign); st != tc.status || got != tc.body {
			t.Errorf("%s: %d %q, want %d %q", tc.name, st, got, tc.status, tc.body)
		}
	}
	if len(seen) != 3 || seen[2].Target != "GET /metrics" || !seen[2].Allowed() || seen[0].Allowed() {
		t.Errorf("decisions: %+v", seen)
	}

	public := httptest.NewServer(server.New(&okDispatcher{}, server.Options{Authenticate: g.Authenticate, Extra: metrics, ExtraPublic: true}))
	defer public.Close()
	if st, got := get(public, nil); st != 200 || got != "dynalab_requests_total 1\n" {
		t.Errorf("ExtraPublic, unsigned: %d %q", st, got)
	}
}

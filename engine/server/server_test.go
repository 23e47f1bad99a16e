package server

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"dynalab/engine"
	"dynalab/engine/attr"
)

const (
	targetGetItem = TargetPrefixDynamoDB + "GetItem"
	typeUnknownOp = `{"__type":"com.amazon.coral.service#UnknownOperationException"}`
	typeSerial    = `{"__type":"com.amazon.coral.service#SerializationException"}`
	bodyInternal  = `{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"Internal server error"}`
)

// fake is a Dispatcher serving GetItem: like the engine, it reports
// malformed JSON as a message-less SerializationException and answers
// {"Item":...}; every other target is ErrUnknownOperation.
type fake struct {
	calls atomic.Int64
	mu    sync.Mutex
	body  []byte // copy of the last body dispatched
}

func (f *fake) Dispatch(_ context.Context, target string, body []byte) ([]byte, engine.CallInfo, error) {
	if target != targetGetItem {
		return nil, engine.CallInfo{}, engine.ErrUnknownOperation
	}
	f.calls.Add(1)
	f.mu.Lock()
	f.body = append(f.body[:0], body...)
	f.mu.Unlock()
	info := engine.CallInfo{Op: "GetItem", Table: "Pets", Capacity: 0.5}
	if !jsonObject(body) {
		return nil, info, &engine.APIError{Code: engine.CodeSerialization}
	}
	return []byte(`{"Item":{"pk":{"S":"a"}}}`), info, nil
}

func (f *fake) lastBody() []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]byte(nil), f.body...)
}

func jsonObject(b []byte) bool {
	b = bytes.TrimSpace(b)
	return len(b) > 0 && b[0] == '{' && jsonValid(b)
}

// answer is one response, read whole.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// request describes one call; zero fields mean a well-formed GetItem.
type request struct {
	method, path, contentType, target string
	body                              []byte
	header                            map[string]string
	noTarget, noContentType           bool
}

func newTestServer(t testing.TB, d Dispatcher, opt Options) *httptest.Server {
	t.Helper()
	if opt.ErrorLog == nil {
		opt.ErrorLog = log.New(io.Discard, "", 0)
	}
	ts := httptest.NewServer(New(d, opt))
	t.Cleanup(ts.Close)
	return ts
}

func call(t testing.TB, url string, rq request) answer {
	t.Helper()
	if rq.method == "" {
		rq.method = http.MethodPost
	}
	var body io.Reader
	if rq.body != nil {
		body = bytes.NewReader(rq.body)
	}
	req, err := http.NewRequest(rq.method, url+rq.path, body)
	if err != nil {
		t.Fatal(err)
	}
	if !rq.noContentType {
		ct := rq.contentType
		if ct == "" {
			ct = "application/x-amz-json-1.0"
		}
		req.Header.Set("Content-Type", ct)
	}
	if !rq.noTarget {
		tg := rq.target
		if tg == "" {
			tg = targetGetItem
		}
		req.Header.Set("X-Amz-Target", tg)
	}
	// An explicit Accept-Encoding keeps net/http from decompressing, so the
	// test sees the bytes the CRC covers.
	req.Header.Set("Accept-Encoding", "identity")
	for k, v := range rq.header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: raw}
}

var requestIDPattern = regexp.MustCompile(`^[0-9A-Z]{52}$`)

// checkHeaders checks what every answer carries: a well-formed request id,
// the CRC-32 and length of the body as sent.
func checkHeaders(t testing.TB, a answer) {
	t.Helper()
	if id := a.header.Get("X-Amzn-Requestid"); !requestIDPattern.MatchString(id) {
		t.Errorf("x-amzn-RequestId = %q, want 52 [0-9A-Z]", id)
	}
	if got, want := a.header.Get("X-Amz-Crc32"), strconv.FormatUint(uint64(crc32.ChecksumIEEE(a.body)), 10); got != want {
		t.Errorf("x-amz-crc32 = %q, want %q", got, want)
	}
	if got, want := a.header.Get("Content-Length"), strconv.Itoa(len(a.body)); got != want {
		t.Errorf("Content-Length = %q, want %q", got, want)
	}
}

// TestHealth: GET / answers "healthy: " and the host the request
// addressed, as the service does with its own endpoint name (Alternator's
// test_health_works, run against DynamoDB); without a Host header, the
// region's endpoint name.
func TestHealth(t *testing.T) {
	for region, want := range map[string]string{
		"":          "healthy: dynamodb.us-east-1.amazonaws.com ",
		"eu-west-3": "healthy: dynamodb.eu-west-3.amazonaws.com ",
	} {
		ts := newTestServer(t, &fake{}, Options{Region: region})
		a := call(t, ts.URL, request{method: http.MethodGet, path: "/", noContentType: true, noTarget: true})
		if host := strings.TrimPrefix(ts.URL, "http://"); a.status != 200 || string(a.body) != "healthy: "+host+" " {
			t.Errorf("region %q: GET / = %d %q, want 200 %q", region, a.status, a.body, "healthy: "+host+" ")
		}
		checkHeaders(t, a)
		// HTTP/1.0 without a Host header.
		conn, err := net.Dial("tcp", strings.TrimPrefix(ts.URL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(conn, "GET / HTTP/1.0\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		conn.Close()
		if resp.StatusCode != 200 || string(body) != want {
			t.Errorf("region %q, no Host: GET / = %d %q, want 200 %q", region, resp.StatusCode, body, want)
		}
	}
}

func TestNotFound(t *testing.T) {
	f := &fake{}
	ts := newTestServer(t, f, Options{})
	tests := []struct {
		name string
		rq   request
	}{
		{"GET other path", request{method: http.MethodGet, path: "/metrics"}},
		{"PUT", request{method: http.MethodPut, path: "/", body: []byte(`{}`)}},
		{"DELETE", request{method: http.MethodDelete, path: "/"}},
		{"OPTIONS", request{method: http.MethodOptions, path: "/"}},
		{"GET with target", request{method: http.MethodGet, path: "/x", body: []byte(`{}`)}},
		{"text/plain", request{contentType: "text/plain", body: []byte(`{}`)}},
		{"json 1.1", request{contentType: "application/x-amz-json-1.1", body: []byte(`{}`)}},
		{"no content type", request{noContentType: true, body: []byte(`{}`)}},
		{"bad content type, bad JSON", request{contentType: "text/xml", body: []byte(`{`)}},
		{"content type prefix", request{contentType: "application/jsonx", body: []byte(`{}`)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := call(t, ts.URL, tt.rq)
			if a.status != 404 || string(a.body) != "<UnknownOperationException/>\n" {
				t.Errorf("= %d %q, want 404 <UnknownOperationException/>", a.status, a.body)
			}
			if ct, ok := a.header["Content-Type"]; ok {
				t.Errorf("Content-Type = %q, want none", ct)
			}
			checkHeaders(t, a)
		})
	}
	if n := f.calls.Load(); n != 0 {
		t.Errorf("dispatcher called %d times", n)
	}
}

func TestExtraHandler(t *testing.T) {
	extra := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "metrics at "+r.URL.Path)
	})
	ts := newTestServer(t, &fake{}, Options{Extra: extra})
	if a := call(t, ts.URL, request{method: http.MethodGet, path: "/metrics"}); a.status != 200 || string(a.body) != "metrics at /metrics" {
		t.Errorf("GET /metrics = %d %q", a.status, a.body)
	}
	if a := call(t, ts.URL, request{method: http.MethodGet, path: "/"}); !strings.HasPrefix(string(a.body), "healthy: ") {
		t.Errorf("GET / = %d %q, want the health line", a.status, a.body)
	}
	// The service ignores the path of an API call.
	if a := call(t, ts.URL, request{path: "/metrics", body: []byte(`{}`)}); a.status != 200 {
		t.Errorf("POST /metrics = %d %q, want the API", a.status, a.body)
	}
	if a := call(t, ts.URL, request{method: http.MethodPut, path: "/metrics"}); a.status != 404 {
		t.Errorf("PUT /metrics = %d, want 404", a.status)
	}
}

func TestContentType(t *testing.T) {
	f := &fake{}
	ts := newTestServer(t, f, Options{})
	tests := []struct{ send, echo string }{
		{"application/x-amz-json-1.0", "application/x-amz-json-1.0"},
		{"application/json", "application/json"},
		{"application/x-amz-json-1.0; charset=utf-8", "application/x-amz-json-1.0"},
		{"application/json;charset=UTF-8", "application/json"},
		{" Application/X-Amz-JSON-1.0 ", "application/x-amz-json-1.0"},
	}
	for _, tt := range tests {
		a := call(t, ts.URL, request{contentType: tt.send, body: []byte(`{"TableName":"Pets"}`)})
		if a.status != 200 || a.header.Get("Content-Type") != tt.echo {
			t.Errorf("Content-Type %q: %d, Content-Type %q, want 200 %q", tt.send, a.status, a.header.Get("Content-Type"), tt.echo)
		}
		if string(a.body) != `{"Item":{"pk":{"S":"a"}}}` {
			t.Errorf("body %q", a.body)
		}
		checkHeaders(t, a)
	}
	if got := string(f.lastBody()); got != `{"TableName":"Pets"}` {
		t.Errorf("dispatcher saw body %q", got)
	}
}

// TestCheckOrder: method/content type → JSON → target → dispatch, with an
// empty body checked after the target, as dynalite (mirroring the service).
func TestCheckOrder(t *testing.T) {
	tests := []struct {
		name       string
		rq         request
		status     int
		body       string
		ct         string
		dispatched bool
	}{
		{"valid", request{body: []byte(`{}`)}, 200, `{"Item":{"pk":{"S":"a"}}}`, "application/x-amz-json-1.0", true},
		{"valid, unknown target", request{target: TargetPrefixDynamoDB + "Bogus", body: []byte(`{}`)}, 400, typeUnknownOp, "application/x-amz-json-1.0", false},
		{"valid, foreign target", request{target: "DynamoDB_20111205.GetItem", body: []byte(`{}`)}, 400, typeUnknownOp, "application/x-amz-json-1.0", false},
		{"valid, no target", request{noTarget: true, body: []byte(` [1] `)}, 400, typeUnknownOp, "application/x-amz-json-1.0", false},
		{"malformed, no target", request{noTarget: true, body: []byte(`{"a":`)}, 400, typeSerial, "application/x-amz-json-1.0", false},
		{"malformed, unknown target", request{target: "Nope", body: []byte(`nope`)}, 400, typeSerial, "application/x-amz-json-1.0", false},
		{"malformed, served target", request{body: []byte(`{"a":}`)}, 400, typeSerial, "application/x-amz-json-1.0", true},
		{"empty, no target", request{noTarget: true}, 400, typeUnknownOp, "application/x-amz-json-1.0", false},
		{"empty, foreign target", request{target: "Foo.GetItem"}, 400, typeUnknownOp, "application/x-amz-json-1.0", false},
		{"empty, served target", request{}, 400, typeSerial, "application/x-amz-json-1.0", false},
		{"empty, streams target", request{target: TargetPrefixStreams + "GetRecords"}, 400, typeSerial, "application/x-amz-json-1.0", false},
		{"empty, bad content type", request{contentType: "text/plain"}, 400, typeSerial, "application/json", false},
		{"empty, no content type", request{noContentType: true, noTarget: true}, 400, typeUnknownOp, "application/json", false},
		{"json, malformed", request{contentType: "application/json", noTarget: true, body: []byte(`}`)}, 400, typeSerial, "application/json", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fake{}
			ts := newTestServer(t, f, Options{})
			a := call(t, ts.URL, tt.rq)
			if a.status != tt.status || string(a.body) != tt.body {
				t.Errorf("= %d %s, want %d %s", a.status, a.body, tt.status, tt.body)
			}
			if got := a.header.Get("Content-Type"); got != tt.ct {
				t.Errorf("Content-Type = %q, want %q", got, tt.ct)
			}
			if got := f.calls.Load() > 0; got != tt.dispatched {
				t.Errorf("dispatched = %v, want %v", got, tt.dispatched)
			}
			checkHeaders(t, a)
		})
	}
}

func TestErrorBodies(t *testing.T) {
	item := attr.Item{"pk": attr.S("a"), "n": attr.MustN("1.50"), "tags": attr.L([]attr.Value{attr.Bool(true), attr.Null()})}
	tests := []struct {
		name   string
		err    error
		status int
		body   string
	}{
		{"validation", engine.Validationf("One or more parameter values were invalid: %s", `Missing the key "pk"`), 400,
			`{"__type":"com.amazon.coral.validate#ValidationException","message":"One or more parameter values were invalid: Missing the key \"pk\""}`},
		{"not found", &engine.APIError{Code: engine.CodeResourceNotFound, Message: "Requested resource not found"}, 400,
			`{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found"}`},
		{"serialization with message", &engine.APIError{Code: engine.CodeSerialization, Message: "NUMBER_VALUE cannot be converted to String"}, 400,
			`{"__type":"com.amazon.coral.service#SerializationException","Message":"NUMBER_VALUE cannot be converted to String"}`},
		{"serialization without message", &engine.APIError{Code: engine.CodeSerialization}, 400, typeSerial},
		{"missing auth", &engine.APIError{Code: engine.CodeMissingAuthToken, Message: "Request is missing Authentication Token"}, 400,
			`{"__type":"com.amazon.coral.service#MissingAuthenticationTokenException","message":"Request is missing Authentication Token"}`},
		{"conditional check with item", &engine.APIError{Code: engine.CodeConditionalCheckFailed, Message: "The conditional request failed", Item: item}, 400,
			`{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","message":"The conditional request failed",` +
				`"Item":{"n":{"N":"1.5"},"pk":{"S":"a"},"tags":{"L":[{"BOOL":true},{"NULL":true}]}}}`},
		{"conditional check, empty item", &engine.APIError{Code: engine.CodeConditionalCheckFailed, Message: "The conditional request failed", Item: attr.Item{}}, 400,
			`{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","message":"The conditional request failed"}`},
		{"transaction canceled", &engine.APIError{
			Code:    engine.CodeTransactionCanceled,
			Message: "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]",
			CancellationReasons: []engine.CancellationReason{
				{Code: "None"},
				{Code: "ConditionalCheckFailed", Message: "The conditional request failed", Item: attr.Item{"pk": attr.S("a")}},
			},
		}, 400,
			`{"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException",` +
				`"Message":"Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]",` +
				`"CancellationReasons":[{"Code":"None"},{"Code":"ConditionalCheckFailed","Message":"The conditional request failed","Item":{"pk":{"S":"a"}}}]}`},
		{"idempotent mismatch", &engine.APIError{Code: engine.CodeIdempotentMismatch, Message: "Specified idempotent token was used with different request parameters within the idempotency window"}, 400,
			`{"__type":"com.amazonaws.dynamodb.v20120810#IdempotentParameterMismatchException","Message":"Specified idempotent token was used with different request parameters within the idempotency window"}`},
		{"escaping", &engine.APIError{Code: engine.CodeValidation, Message: "a\"b\\c\nd\x01"}, 400,
			`{"__type":"com.amazon.coral.validate#ValidationException","message":"a\"b\\c\nd\u0001"}`},
		{"internal API error", &engine.APIError{Code: engine.CodeInternalServerError, Message: "Internal server error"}, 500, bodyInternal},
		{"wrapped API error", fmt.Errorf("put: %w", &engine.APIError{Code: engine.CodeResourceInUse, Message: "Table already exists: T"}), 400,
			`{"__type":"com.amazonaws.dynamodb.v20120810#ResourceInUseException","message":"Table already exists: T"}`},
		// The cause of an internal failure reaches the client (#19 item 8).
		{"plain error", errors.New("disk on fire"), 500,
			`{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"disk on fire"}`},
		{"nil API error", (*engine.APIError)(nil), 500, bodyInternal},
		{"API error without code", &engine.APIError{Message: "?"}, 500,
			`{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"?"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logged bytes.Buffer
			d := DispatcherFunc(func(context.Context, string, []byte) ([]byte, engine.CallInfo, error) {
				return []byte(`{"ignored":true}`), engine.CallInfo{}, tt.err
			})
			ts := newTestServer(t, d, Options{ErrorLog: log.New(&logged, "", 0)})
			a := call(t, ts.URL, request{body: []byte(`{}`)})
			if a.status != tt.status || string(a.body) != tt.body {
				t.Errorf("= %d %s\nwant %d %s", a.status, a.body, tt.status, tt.body)
			}
			if !jsonValid(a.body) {
				t.Errorf("body is not JSON: %s", a.body)
			}
			checkHeaders(t, a)
			var ae *engine.APIError
			internal := !errors.As(tt.err, &ae) || ae == nil || ae.Code == ""
			if internal != (logged.Len() > 0) {
				t.Errorf("internal = %v, logged %q", internal, logged.String())
			}
		})
	}
}

func TestPanicIsInternalError(t *testing.T) {
	var logged bytes.Buffer
	var mu sync.Mutex
	d := DispatcherFunc(func(context.Context, string, []byte) ([]byte, engine.CallInfo, error) {
		panic("index out of range")
	})
	ts := newTestServer(t, d, Options{ErrorLog: log.New(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return logged.Write(p)
	}), "", 0)})
	for range 2 { // the server keeps serving
		a := call(t, ts.URL, request{body: []byte(`{}`)})
		if a.status != 500 || string(a.body) != bodyInternal {
			t.Errorf("= %d %s, want 500 InternalServerError", a.status, a.body)
		}
		checkHeaders(t, a)
	}
	mu.Lock()
	defer mu.Unlock()
	if s := logged.String(); !strings.Contains(s, "index out of range") || !strings.Contains(s, "goroutine") {
		t.Errorf("log = %q, want the panic and its stack", s)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func TestRequestIDs(t *testing.T) {
	ts := newTestServer(t, &fake{}, Options{})
	seen := map[string]bool{}
	for i := range 300 {
		rq := request{body: []byte(`{}`)}
		if i%3 == 1 {
			rq = request{noTarget: true, body: []byte(`{}`)}
		}
		a := call(t, ts.URL, rq)
		checkHeaders(t, a)
		id := a.header.Get("X-Amzn-Requestid")
		if seen[id] {
			t.Fatalf("request id %s repeated", id)
		}
		seen[id] = true
	}
	// Two servers (two processes, in practice) do not share ids.
	other := newTestServer(t, &fake{}, Options{})
	if id := call(t, other.URL, request{body: []byte(`{}`)}).header.Get("X-Amzn-Requestid"); seen[id] {
		t.Errorf("second server repeated id %s", id)
	}
}

// TestCRC checks x-amz-crc32 against known values and over bodies of every size class.
func TestCRC(t *testing.T) {
	var resp []byte
	d := DispatcherFunc(func(context.Context, string, []byte) ([]byte, engine.CallInfo, error) {
		return resp, engine.CallInfo{}, nil
	})
	ts := newTestServer(t, d, Options{})
	// {} is 2745614147 (the CRC-32 of its two bytes); the empty body
	// (TagResource) is 0.
	for body, want := range map[string]string{"{}": "2745614147", "": "0"} {
		resp = []byte(body)
		a := call(t, ts.URL, request{body: []byte(`{}`)})
		if got := a.header.Get("X-Amz-Crc32"); got != want || string(a.body) != body {
			t.Errorf("body %q: crc %s, want %s", a.body, got, want)
		}
	}
	for _, n := range []int{1, 100, 4096, 4097, 1 << 20} {
		resp = bytes.Repeat([]byte("x"), n)
		a := call(t, ts.URL, request{body: []byte(`{}`)})
		if len(a.body) != n {
			t.Errorf("len %d, want %d", len(a.body), n)
		}
		checkHeaders(t, a)
	}
}

func gzipBytes(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func inflateBytes(t testing.TB, b []byte) []byte {
	t.Helper()
	zr, err := zlib.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func gunzipBytes(t testing.TB, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestGzipRequest(t *testing.T) {
	f := &fake{}
	ts := newTestServer(t, f, Options{})
	body := []byte(`{"TableName":"Pets","Key":{"pk":{"S":"` + strings.Repeat("a", 5000) + `"}}}`)
	for _, enc := range []string{"gzip", "GZIP", "x-gzip"} {
		a := call(t, ts.URL, request{body: gzipBytes(t, body), header: map[string]string{"Content-Encoding": enc}})
		if a.status != 200 {
			t.Errorf("%s: %d %s", enc, a.status, a.body)
		}
		if got := f.lastBody(); !bytes.Equal(got, body) {
			t.Errorf("%s: dispatcher saw %d bytes, want the decoded %d", enc, len(got), len(body))
		}
		checkHeaders(t, a)
	}
	// A body its Content-Encoding does not describe is a 500 and is not
	// dispatched (Alternator's test_broken_gzip_content and
	// test_gzip_request_with_missing_character, run against DynamoDB).
	calls := f.calls.Load()
	a := call(t, ts.URL, request{body: []byte(`{}`), header: map[string]string{"Content-Encoding": "gzip"}})
	if a.status != 500 || string(a.body) != bodyInternal {
		t.Errorf("not gzip: %d %s, want 500 InternalServerError", a.status, a.body)
	}
	truncated := gzipBytes(t, body)
	a = call(t, ts.URL, request{body: truncated[:len(truncated)-10], header: map[string]string{"Content-Encoding": "gzip"}})
	if a.status != 500 || string(a.body) != bodyInternal {
		t.Errorf("truncated gzip: %d %s, want 500 InternalServerError", a.status, a.body)
	}
	if f.calls.Load() != calls {
		t.Errorf("an undecodable body was dispatched")
	}
	// A gzip body is still subject to the Content-Type check.
	a = call(t, ts.URL, request{contentType: "text/plain", body: []byte(`{}`), header: map[string]string{"Content-Encoding": "gzip"}})
	if a.status != 404 {
		t.Errorf("bad gzip, bad Content-Type: %d %s, want 404", a.status, a.body)
	}
	// An empty body is not a gzip stream either (test_gzip_request_empty).
	a = call(t, ts.URL, request{header: map[string]string{"Content-Encoding": "gzip"}})
	if a.status != 500 || string(a.body) != bodyInternal {
		t.Errorf("empty gzip: %d %s, want 500 InternalServerError", a.status, a.body)
	}
	// A small compressed body that decodes past the limit.
	bomb := gzipBytes(t, make([]byte, MaxBodyBytes+1))
	a = call(t, ts.URL, request{body: bomb, header: map[string]string{"Content-Encoding": "gzip"}})
	if a.status != 413 {
		t.Errorf("gzip bomb: %d, want 413", a.status)
	}
	checkHeaders(t, a)
}

func TestGzipResponse(t *testing.T) {
	large := []byte(`{"Items":[{"s":{"S":"` + strings.Repeat("abc", 2000) + `"}}]}`)
	small := []byte(`{"Items":[]}`)
	var resp []byte
	var fail error
	d := DispatcherFunc(func(context.Context, string, []byte) ([]byte, engine.CallInfo, error) {
		return resp, engine.CallInfo{}, fail
	})
	ts := newTestServer(t, d, Options{})
	tests := []struct {
		name, accept string
		resp         []byte
		coding       string
	}{
		{"large, gzip", "gzip", large, "gzip"},
		{"large, deflate", "deflate", large, "deflate"},
		{"large, list", "deflate, gzip;q=0.8, br", large, "deflate"},
		{"large, x-gzip", "x-gzip", large, ""},
		{"large, identity", "identity", large, ""},
		{"large, gzip refused", "gzip;q=0, identity", large, ""},
		{"large, gzip refused 0.0", "GZIP; q=0.000", large, ""},
		{"small, gzip", "gzip", small, ""},
		{"exactly 4096", "gzip", bytes.Repeat([]byte(" "), 4096), ""},
		{"4097", "gzip", bytes.Repeat([]byte(" "), 4097), "gzip"},
		{"4097, deflate", "deflate", bytes.Repeat([]byte(" "), 4097), "deflate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp = tt.resp
			a := call(t, ts.URL, request{body: []byte(`{}`), header: map[string]string{"Accept-Encoding": tt.accept}})
			checkHeaders(t, a) // the CRC is of the bytes sent
			coding := a.header.Get("Content-Encoding")
			if coding != tt.coding {
				t.Fatalf("Content-Encoding %q, want %q", coding, tt.coding)
			}
			got := a.body
			switch coding {
			case "gzip":
				got = gunzipBytes(t, got)
			case "deflate":
				got = inflateBytes(t, got)
			}
			if !bytes.Equal(got, tt.resp) {
				t.Errorf("body differs: %d bytes, want %d", len(got), len(tt.resp))
			}
		})
	}
	t.Run("large error", func(t *testing.T) {
		fail = &engine.APIError{Code: engine.CodeConditionalCheckFailed, Message: "The conditional request failed",
			Item: attr.Item{"pk": attr.S(strings.Repeat("k", 8000))}}
		defer func() { fail = nil }()
		a := call(t, ts.URL, request{body: []byte(`{}`), header: map[string]string{"Accept-Encoding": "gzip"}})
		checkHeaders(t, a)
		if a.status != 400 || a.header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("= %d, Content-Encoding %q", a.status, a.header.Get("Content-Encoding"))
		}
		if got := gunzipBytes(t, a.body); !bytes.Contains(got, []byte(`"Item":{"pk":{"S":"kkk`)) {
			t.Errorf("body %.100s", got)
		}
	})
}

func TestBodyLimit(t *testing.T) {
	f := &fake{}
	ts := newTestServer(t, f, Options{})
	// The largest body accepted: padding inside a JSON object.
	exact := append(append([]byte(`{"p":"`), bytes.Repeat([]byte("a"), MaxBodyBytes-8)...), '"', '}')
	if a := call(t, ts.URL, request{body: exact}); a.status != 200 {
		t.Errorf("%d bytes: %d %s, want 200", len(exact), a.status, a.body)
	}
	over := append(exact, ' ')
	a := call(t, ts.URL, request{body: over})
	if a.status != 413 || len(a.body) != 0 {
		t.Errorf("%d bytes: %d %q, want 413", len(over), a.status, a.body)
	}
	checkHeaders(t, a)
	// Without Content-Length (chunked) the limit holds while reading.
	req, _ := http.NewRequest(http.MethodPost, ts.URL, io.MultiReader(bytes.NewReader(over)))
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", targetGetItem)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 413 || resp.ContentLength > 0 {
		t.Errorf("chunked %d bytes: %d, want 413", len(over), resp.StatusCode)
	}
	if n := f.calls.Load(); n != 1 {
		t.Errorf("dispatcher called %d times, want 1", n)
	}
}

func TestChain(t *testing.T) {
	serve := func(name string) Dispatcher {
		return DispatcherFunc(func(_ context.Context, target string, _ []byte) ([]byte, engine.CallInfo, error) {
			if target != TargetPrefixDynamoDB+name {
				return nil, engine.CallInfo{}, fmt.Errorf("%s: %w", name, engine.ErrUnknownOperation)
			}
			return []byte(`{"by":"` + name + `"}`), engine.CallInfo{Op: name}, nil
		})
	}
	refuse := DispatcherFunc(func(context.Context, string, []byte) ([]byte, engine.CallInfo, error) {
		return nil, engine.CallInfo{}, engine.Validationf("refused")
	})
	tests := []struct {
		name   string
		chain  Chain
		op     string
		status int
		body   string
	}{
		{"first serves", Chain{serve("GetItem"), serve("ExecuteStatement")}, "GetItem", 200, `{"by":"GetItem"}`},
		{"second serves", Chain{serve("GetItem"), serve("ExecuteStatement")}, "ExecuteStatement", 200, `{"by":"ExecuteStatement"}`},
		{"none serves", Chain{serve("GetItem"), serve("ExecuteStatement")}, "Scan", 400, typeUnknownOp},
		{"error stops", Chain{refuse, serve("GetItem")}, "GetItem", 400, `{"__type":"com.amazon.coral.validate#ValidationException","message":"refused"}`},
		{"empty", Chain{}, "GetItem", 400, typeUnknownOp},
		{"nested", Chain{Chain{serve("Query")}, serve("GetItem")}, "Query", 200, `{"by":"Query"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t, tt.chain, Options{})
			a := call(t, ts.URL, request{target: TargetPrefixDynamoDB + tt.op, body: []byte(`{}`)})
			if a.status != tt.status || string(a.body) != tt.body {
				t.Errorf("= %d %s, want %d %s", a.status, a.body, tt.status, tt.body)
			}
		})
	}
}

func TestAuthenticate(t *testing.T) {
	missing := &engine.APIError{Code: engine.CodeMissingAuthToken, Message: "Request is missing Authentication Token"}
	const missingBody = `{"__type":"com.amazon.coral.service#MissingAuthenticationTokenException","message":"Request is missing Authentication Token"}`
	auth := func(req *AuthRequest) (string, error) {
		switch a := req.HTTP.Header.Get("Authorization"); {
		case a == "":
			return "", missing
		case a == "broken":
			return "", errors.New("broken")
		case !strings.HasPrefix(a, "AWS4-"):
			return "", &engine.APIError{Code: "IncompleteSignatureException", Message: "bad " + string(req.Body)}
		}
		return "ok", nil
	}
	f := &fake{}
	ts := newTestServer(t, f, Options{Authenticate: auth})
	signed := map[string]string{"Authorization": "AWS4-HMAC-SHA256 Credential=x"}
	tests := []struct {
		name   string
		rq     request
		status int
		body   string
	}{
		{"signed", request{body: []byte(`{}`), header: signed}, 200, `{"Item":{"pk":{"S":"a"}}}`},
		{"unsigned", request{body: []byte(`{}`)}, 400, missingBody},
		{"hook sees body", request{body: []byte(`{"a":1}`), header: map[string]string{"Authorization": "x"}}, 400,
			`{"__type":"com.amazon.coral.service#IncompleteSignatureException","message":"bad {\"a\":1}"}`},
		{"hook fails", request{body: []byte(`{}`), header: map[string]string{"Authorization": "broken"}}, 500,
			`{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"broken"}`},
		{"malformed first", request{body: []byte(`{`)}, 400, typeSerial},
		{"unknown service first", request{target: "Foo.GetItem", body: []byte(`{}`)}, 400, typeUnknownOp},
		{"no target first", request{noTarget: true, body: []byte(`{}`)}, 400, typeUnknownOp},
		{"empty body after auth", request{}, 400, missingBody},
		{"empty body, signed", request{header: signed}, 400, typeSerial},
		{"unknown op after auth", request{target: TargetPrefixDynamoDB + "Bogus", body: []byte(`{}`)}, 400, missingBody},
		{"unknown op, signed", request{target: TargetPrefixDynamoDB + "Bogus", body: []byte(`{}`), header: signed}, 400, typeUnknownOp},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := f.calls.Load()
			a := call(t, ts.URL, tt.rq)
			if a.status != tt.status || string(a.body) != tt.body {
				t.Errorf("= %d %s, want %d %s", a.status, a.body, tt.status, tt.body)
			}
			if dispatched := f.calls.Load() > before; dispatched != (tt.status == 200) {
				t.Errorf("dispatched = %v", dispatched)
			}
		})
	}
}

// fakeClock starts at 2024-01-31T12:00:00Z and advances 1.5 ms per reading.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.t.IsZero() {
		c.t = time.Date(2024, 1, 31, 12, 0, 0, 0, time.UTC)
	}
	t := c.t
	c.t = c.t.Add(1500 * time.Microsecond)
	return t
}

func TestRequestLog(t *testing.T) {
	var logBuf bytes.Buffer
	clock := &fakeClock{}
	d := Chain{&fake{}, DispatcherFunc(func(_ context.Context, target string, _ []byte) ([]byte, engine.CallInfo, error) {
		if target != TargetPrefixDynamoDB+"PutItem" {
			return nil, engine.CallInfo{Op: "ignored"}, engine.ErrUnknownOperation
		}
		return nil, engine.CallInfo{Op: "PutItem", Table: "Pets", Capacity: 1}, &engine.APIError{Code: engine.CodeConditionalCheckFailed, Message: "The conditional request failed"}
	})}
	ts := newTestServer(t, d, Options{Log: &logBuf, Now: clock.now})
	call(t, ts.URL, request{body: []byte(`{}`)})
	call(t, ts.URL, request{target: TargetPrefixDynamoDB + "PutItem", body: []byte(`{}`)})
	call(t, ts.URL, request{target: TargetPrefixDynamoDB + "Bad Name\t\u00e9", body: []byte(`{}`)})
	call(t, ts.URL, request{noTarget: true})
	call(t, ts.URL, request{method: http.MethodGet, path: "/"}) // health checks are not logged
	call(t, ts.URL, request{method: http.MethodDelete, path: "/"})
	call(t, ts.URL, request{body: bytes.Repeat([]byte(" "), MaxBodyBytes+1)})
	want := "2024-01-31T12:00:00.000Z GetItem table=Pets 1.500ms cu=0.5 200\n" +
		"2024-01-31T12:00:00.003Z PutItem table=Pets 1.500ms cu=1 400 ConditionalCheckFailedException\n" +
		"2024-01-31T12:00:00.006Z Bad?Name??? table=- 1.500ms cu=0 400 UnknownOperationException\n" +
		"2024-01-31T12:00:00.009Z - table=- 1.500ms cu=0 400 UnknownOperationException\n" +
		"2024-01-31T12:00:00.012Z DELETE table=- 1.500ms cu=0 404 UnknownOperationException\n" +
		"2024-01-31T12:00:00.015Z GetItem table=- 1.500ms cu=0 413 RequestEntityTooLarge\n"
	if got := logBuf.String(); got != want {
		t.Errorf("log:\n%s\nwant:\n%s", got, want)
	}
}

func TestAppendLogField(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "-"},
		{"Pets", "Pets"},
		{"a b\tc\nd\x7fé", "a?b?c?d???"},
		{strings.Repeat("x", 100), strings.Repeat("x", maxLogField)},
	}
	for _, tt := range tests {
		if got := string(appendLogField(nil, tt.in)); got != tt.want {
			t.Errorf("appendLogField(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func jsonValid(b []byte) bool { return json.Valid(b) }

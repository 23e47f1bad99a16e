package server_test

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"dynalab/engine"
	"dynalab/engine/enginetest"
	"dynalab/engine/server"
)

// The HTTP layer's facts below are ScyllaDB's Alternator tests, which are
// run against DynamoDB itself (test/alternator/test_compressed_request.py,
// test_compressed_response.py, test_cors.py, test_http_headers.py,
// test_manual_requests.py).

// httpCall is one raw request; its answer is read whole.
type httpCall struct {
	method, target string
	body           []byte
	header         map[string]string
}

type httpAnswer struct {
	status int
	header http.Header
	body   []byte
}

func do(t *testing.T, url string, c httpCall) httpAnswer {
	t.Helper()
	if c.method == "" {
		c.method = http.MethodPost
	}
	req, err := http.NewRequest(c.method, url, bytes.NewReader(c.body))
	if err != nil {
		t.Fatal(err)
	}
	if c.method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-amz-json-1.0")
		req.Header.Set("X-Amz-Target", "DynamoDB_20120810."+c.target)
	}
	req.Header.Set("Accept-Encoding", "identity") // else net/http decompresses gzip itself
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return httpAnswer{resp.StatusCode, resp.Header, body}
}

func gz(b ...[]byte) []byte {
	var out bytes.Buffer
	for _, part := range b {
		zw := gzip.NewWriter(&out)
		zw.Write(part)
		zw.Close()
	}
	return out.Bytes()
}

func zl(b ...[]byte) []byte {
	var out bytes.Buffer
	for _, part := range b {
		zw := zlib.NewWriter(&out)
		zw.Write(part)
		zw.Close()
	}
	return out.Bytes()
}

func engineServer(t *testing.T, opt server.Options) (*engine.DB, string) {
	t.Helper()
	db := enginetest.Open(t, engine.Options{})
	ts := httptest.NewServer(server.New(db, opt))
	t.Cleanup(ts.Close)
	a := do(t, ts.URL, httpCall{target: "CreateTable", body: []byte(`{"TableName":"Pets","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}`)})
	if a.status != 200 {
		t.Fatalf("CreateTable: %d %s", a.status, a.body)
	}
	return db, ts.URL
}

const bodyInternalServerError = `{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"Internal server error"}`

// TestCompressedRequests: gzip and deflate (zlib) request bodies are
// decoded; a body its Content-Encoding does not describe (not compressed,
// truncated, empty, two deflate streams) or an unknown Content-Encoding is
// answered 500 InternalServerError and nothing is written.
func TestCompressedRequests(t *testing.T) {
	_, url := engineServer(t, server.Options{})
	put := func(pk string) []byte {
		return []byte(`{"TableName":"Pets","Item":{"pk":{"S":"` + pk + `"},"v":{"S":"` + strings.Repeat("x", 100) + `"}}}`)
	}
	split := func(b []byte) ([]byte, []byte) { return b[:10], b[10:] }
	for _, tc := range []struct {
		name, enc, pk string
		body          func(plain []byte) []byte
		ok            bool
	}{
		{"gzip", "gzip", "g1", func(p []byte) []byte { return gz(p) }, true},
		{"GZIP", "GZIP", "g2", func(p []byte) []byte { return gz(p) }, true},
		{"two gzip members", "gzip", "g3", func(p []byte) []byte { return gz(split(p)) }, true},
		{"deflate", "deflate", "d1", func(p []byte) []byte { return zl(p) }, true},
		{"identity", "identity", "i1", func(p []byte) []byte { return p }, true},
		{"gzip, then deflate", "gzip, deflate", "gd", func(p []byte) []byte { return zl(gz(p)) }, true},
		{"garbage encoding", "garbage", "x1", func(p []byte) []byte { return p }, false},
		{"br", "br", "x2", func(p []byte) []byte { return p }, false},
		{"gzip, not compressed", "gzip", "x3", func(p []byte) []byte { return p }, false},
		{"gzip, missing its last byte", "gzip", "x4", func(p []byte) []byte { z := gz(p); return z[:len(z)-1] }, false},
		{"gzip, empty", "gzip", "x5", func([]byte) []byte { return nil }, false},
		{"deflate, not compressed", "deflate", "x6", func(p []byte) []byte { return p }, false},
		{"deflate, empty", "deflate", "x7", func([]byte) []byte { return nil }, false},
		{"two deflate streams", "deflate", "x8", func(p []byte) []byte { return zl(split(p)) }, false},
		{"deflate, gzip-compressed", "deflate", "x9", func(p []byte) []byte { return gz(p) }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := do(t, url, httpCall{target: "PutItem", body: tc.body(put(tc.pk)), header: map[string]string{"Content-Encoding": tc.enc}})
			if tc.ok && a.status != 200 {
				t.Fatalf("= %d %s, want 200", a.status, a.body)
			}
			if !tc.ok && (a.status != 500 || string(a.body) != bodyInternalServerError) {
				t.Fatalf("= %d %s, want 500 %s", a.status, a.body, bodyInternalServerError)
			}
			g := do(t, url, httpCall{target: "GetItem", body: []byte(`{"TableName":"Pets","Key":{"pk":{"S":"` + tc.pk + `"}}}`)})
			if written := bytes.Contains(g.body, []byte(`"Item"`)); written != tc.ok {
				t.Errorf("item written: %v, want %v (%s)", written, tc.ok, g.body)
			}
		})
	}
}

// TestCompressedResponses: a response over 4 KB is compressed as the first
// Accept-Encoding asks, with gzip or deflate; a smaller one never is.
func TestCompressedResponses(t *testing.T) {
	_, url := engineServer(t, server.Options{})
	big := strings.Repeat("x", 2048)
	if a := do(t, url, httpCall{target: "PutItem", body: []byte(`{"TableName":"Pets","Item":{"pk":{"S":"big"},"a":{"S":"` + big + `"},"b":{"S":"` + big + `"},"c":{"S":"` + big + `"}}}`)}); a.status != 200 {
		t.Fatalf("PutItem: %d %s", a.status, a.body)
	}
	plain := do(t, url, httpCall{target: "GetItem", body: []byte(`{"TableName":"Pets","Key":{"pk":{"S":"big"}}}`)})
	small := do(t, url, httpCall{target: "GetItem", body: []byte(`{"TableName":"Pets","Key":{"pk":{"S":"big"}},"ProjectionExpression":"a"}`),
		header: map[string]string{"Accept-Encoding": "gzip"}})
	if plain.header.Get("Content-Encoding") != "" || small.header.Get("Content-Encoding") != "" {
		t.Fatalf("compressed without being asked, or under 4 KB")
	}
	for accept, want := range map[string]string{"gzip": "gzip", "deflate": "deflate", "*": "gzip", "x-gzip": "", "identity": "", "br, deflate;q=0.9, gzip;q=0.5": "deflate"} {
		a := do(t, url, httpCall{target: "GetItem", body: []byte(`{"TableName":"Pets","Key":{"pk":{"S":"big"}}}`), header: map[string]string{"Accept-Encoding": accept}})
		if got := a.header.Get("Content-Encoding"); got != want {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", accept, got, want)
			continue
		}
		body := a.body
		var err error
		var zr io.ReadCloser
		switch want {
		case "gzip":
			zr, err = gzip.NewReader(bytes.NewReader(body))
		case "deflate":
			zr, err = zlib.NewReader(bytes.NewReader(body))
		}
		if zr != nil {
			body, err = io.ReadAll(zr)
		}
		if err != nil || !bytes.Equal(body, plain.body) {
			t.Errorf("Accept-Encoding %q: decoded body differs (%v)", accept, err)
		}
	}
}

// TestCORS: a request with an Origin header gets the CORS headers (every
// method; a preflight also its Max-Age and its requested method and headers
// echoed), one without gets none; --cors restricts the origins or turns
// CORS off.
func TestCORS(t *testing.T) {
	corsHeaders := []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Expose-Headers",
		"Access-Control-Max-Age", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers"}
	listTables := []byte(`{}`)
	preflight := map[string]string{"Origin": "http://example.com", "Access-Control-Request-Method": "POST",
		"Access-Control-Request-Headers": "content-type, x-amz-target, authorization"}
	t.Run("default", func(t *testing.T) {
		_, url := engineServer(t, server.Options{})
		for _, method := range []string{http.MethodOptions, http.MethodGet, http.MethodPost} {
			a := do(t, url, httpCall{method: method, target: "ListTables", body: listTables})
			for _, h := range corsHeaders {
				if a.header.Get(h) != "" {
					t.Errorf("%s without Origin: %s present", method, h)
				}
			}
			a = do(t, url, httpCall{method: method, target: "ListTables", body: listTables, header: preflight})
			if a.header.Get("Access-Control-Allow-Origin") != "*" || a.header.Get("Access-Control-Expose-Headers") != "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date" {
				t.Errorf("%s with Origin: headers %v", method, a.header)
			}
			if method == http.MethodOptions {
				if a.status != 200 || a.header.Get("Access-Control-Max-Age") == "" ||
					a.header.Get("Access-Control-Allow-Methods") != "POST" ||
					a.header.Get("Access-Control-Allow-Headers") != "content-type, x-amz-target, authorization" {
					t.Errorf("preflight: %d %v", a.status, a.header)
				}
				continue
			}
			for _, h := range []string{"Access-Control-Max-Age", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers"} {
				if a.header.Get(h) != "" {
					t.Errorf("%s (not a preflight): %s present", method, h)
				}
			}
		}
		// The API answer itself is unchanged.
		if a := do(t, url, httpCall{target: "ListTables", body: listTables, header: preflight}); a.status != 200 || !bytes.Contains(a.body, []byte(`"Pets"`)) {
			t.Errorf("ListTables with Origin: %d %s", a.status, a.body)
		}
	})
	t.Run("restricted", func(t *testing.T) {
		_, url := engineServer(t, server.Options{CORS: "http://localhost:8001, https://admin.example"})
		a := do(t, url, httpCall{method: http.MethodOptions, header: map[string]string{"Origin": "https://admin.example", "Access-Control-Request-Method": "POST"}})
		if a.status != 200 || a.header.Get("Access-Control-Allow-Origin") != "https://admin.example" || a.header.Get("Vary") != "Origin" {
			t.Errorf("allowed origin: %d %v", a.status, a.header)
		}
		a = do(t, url, httpCall{target: "ListTables", body: listTables, header: map[string]string{"Origin": "https://evil.example"}})
		if a.status != 200 || a.header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("other origin: %d %v", a.status, a.header)
		}
	})
	t.Run("off", func(t *testing.T) {
		_, url := engineServer(t, server.Options{CORS: "off"})
		a := do(t, url, httpCall{target: "ListTables", body: listTables, header: preflight})
		for _, h := range corsHeaders {
			if a.header.Get(h) != "" {
				t.Errorf("--cors off: %s present", h)
			}
		}
	})
}

// TestServerHeaderAndLimits: every answer carries the service's "Server:
// Server" header (success, error, health check, 404); a request line or
// headers over 16 KB are answered 400, not served; TagResource and
// UntagResource answer an empty body, as their API model has no output.
func TestServerHeaderAndLimits(t *testing.T) {
	_, url := engineServer(t, server.Options{})
	for name, c := range map[string]httpCall{
		"success": {target: "ListTables", body: []byte(`{}`)},
		"error":   {target: "DescribeTable", body: []byte(`{"TableName":"Nope"}`)},
		"health":  {method: http.MethodGet},
		"404":     {method: http.MethodPut},
	} {
		if a := do(t, url, c); a.header.Get("Server") != "Server" {
			t.Errorf("%s (%d): Server %q", name, a.status, a.header.Get("Server"))
		}
	}

	put := []byte(`{"TableName":"Pets","Item":{"pk":{"S":"h"}}}`)
	if a := do(t, url, httpCall{target: "PutItem", body: put, header: map[string]string{"Header1": "dog", "Header2": "cat"}}); a.status != 200 {
		t.Fatalf("short extra headers: %d %s", a.status, a.body)
	}
	a := do(t, url, httpCall{target: "PutItem", body: []byte(`{"TableName":"Pets","Item":{"pk":{"S":"big-headers"}}}`),
		header: map[string]string{"Header1": strings.Repeat("x", 8192), "Header2": strings.Repeat("y", 8192)}})
	if a.status != 400 {
		t.Errorf("16 KB of headers: %d %s, want 400", a.status, a.body)
	}
	if g := do(t, url, httpCall{target: "GetItem", body: []byte(`{"TableName":"Pets","Key":{"pk":{"S":"big-headers"}}}`)}); bytes.Contains(g.body, []byte(`"Item"`)) {
		t.Errorf("the refused request was served")
	}
	if a := do(t, url+"/"+strings.Repeat("g", 17<<10), httpCall{target: "PutItem", body: put}); a.status != 400 {
		t.Errorf("17 KB request line: %d, want 400", a.status)
	}

	arn := `"arn:aws:dynamodb:us-east-1:000000000000:table/Pets"`
	for op, body := range map[string]string{
		"TagResource":   `{"ResourceArn":` + arn + `,"Tags":[{"Key":"k","Value":"v"}]}`,
		"UntagResource": `{"ResourceArn":` + arn + `,"TagKeys":["k"]}`,
	} {
		a := do(t, url, httpCall{target: op, body: []byte(body)})
		if a.status != 200 || len(a.body) != 0 || a.header.Get("Content-Length") != "0" {
			t.Errorf("%s: %d %q (Content-Length %q), want 200 and an empty body", op, a.status, a.body, a.header.Get("Content-Length"))
		}
	}
}

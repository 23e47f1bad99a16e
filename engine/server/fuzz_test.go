package server

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"context"
	"encoding/json"
	"errors"
	"hash/crc32"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"dynalab/engine"
	"dynalab/engine/attr"
)

// nonAPIKey marks a request context with a flag the fuzz dispatcher sets
// when it fails with something other than an *engine.APIError.
type nonAPIKey struct{}

// fuzzDispatch serves a few operations with every kind of answer.
func fuzzDispatch(ctx context.Context, target string, body []byte) ([]byte, engine.CallInfo, error) {
	info := engine.CallInfo{Op: target}
	switch target {
	case TargetPrefixDynamoDB + "GetItem":
		if !json.Valid(body) {
			return nil, info, &engine.APIError{Code: engine.CodeSerialization}
		}
		if len(body) > 100 { // large enough to be compressed
			return append(append([]byte(`{"Item":{"b":{"S":"`), bytes.Repeat([]byte("b"), 50*len(body))...), `"}}}`...), info, nil
		}
		return []byte(`{}`), info, nil
	case TargetPrefixDynamoDB + "PutItem":
		return nil, info, &engine.APIError{Code: engine.CodeConditionalCheckFailed, Message: "The conditional request failed",
			Item: attr.Item{"pk": attr.BString(string(body))}}
	case TargetPrefixStreams + "GetRecords":
		return nil, info, &engine.APIError{Code: engine.CodeTransactionCanceled, Message: string(body),
			CancellationReasons: []engine.CancellationReason{{Code: "None"}, {Code: "ValidationError", Message: string(body)}}}
	case TargetPrefixDynamoDB + "Boom":
		*ctx.Value(nonAPIKey{}).(*bool) = true
		return nil, info, errors.New("boom")
	case TargetPrefixDynamoDB + "Panic":
		*ctx.Value(nonAPIKey{}).(*bool) = true
		panic("fuzz panic")
	}
	return nil, info, engine.ErrUnknownOperation
}

func FuzzServeHTTP(f *testing.F) {
	f.Add("POST", "application/x-amz-json-1.0", "DynamoDB_20120810.GetItem", []byte(`{"TableName":"T"}`), uint8(0))
	f.Add("POST", "application/json; charset=utf-8", "DynamoDB_20120810.GetItem", []byte(`{"TableName":"`+string(bytes.Repeat([]byte("t"), 200))+`"}`), uint8(2))
	f.Add("POST", "application/x-amz-json-1.0", "DynamoDB_20120810.GetItem", []byte(`{"TableName":`), uint8(1))
	f.Add("POST", "application/x-amz-json-1.0", "DynamoDB_20120810.PutItem", []byte(`{"Item":{}}`), uint8(3))
	f.Add("POST", "application/x-amz-json-1.0", "DynamoDBStreams_20120810.GetRecords", []byte("{\"a\":\"\x00\xff\"}"), uint8(0))
	f.Add("POST", "application/x-amz-json-1.0", "DynamoDB_20120810.Boom", []byte(`{}`), uint8(0))
	f.Add("POST", "application/x-amz-json-1.0", "DynamoDB_20120810.Panic", []byte(`{}`), uint8(0))
	f.Add("POST", "application/x-amz-json-1.0", "DynamoDB_20120810.Nope", []byte(`[`), uint8(0))
	f.Add("POST", "text/plain", "", []byte(``), uint8(0))
	f.Add("POST", "application/x-amz-json-1.1", "DynamoDB_20120810.GetItem", []byte(`{}`), uint8(0))
	f.Add("GET", "", "", []byte(nil), uint8(0))
	f.Add("GET", "", "", []byte(nil), uint8(4))
	f.Add("PATCH", "application/json", "DynamoDB_20120810.GetItem", []byte(`{}`), uint8(0))
	f.Add("POST", "application/x-amz-json-1.0", "DynamoDB_20120810.GetItem", []byte(`{"a":1}`), uint8(16))
	f.Add("POST", "application/x-amz-json-1.0", "DynamoDB_20120810.GetItem", []byte(`{"a":12}`), uint8(16|1|8))
	f.Add("POST", "application/x-amz-json-1.0", "DynamoDB_20120810.GetItem", []byte(`{"TableName":"`+string(bytes.Repeat([]byte("t"), 200))+`"}`), uint8(32|2|64))
	f.Add("POST", "application/x-amz-json-1.0", "DynamoDB_20120810.GetItem", []byte(`{"a":12}`), uint8(32|1|8))

	s := New(DispatcherFunc(fuzzDispatch), Options{ErrorLog: log.New(io.Discard, "", 0), Log: io.Discard})
	// authed refuses every third request body length.
	authed := New(DispatcherFunc(fuzzDispatch), Options{ErrorLog: log.New(io.Discard, "", 0),
		Authenticate: func(req *AuthRequest) (string, error) {
			if len(req.Body)%3 == 0 {
				return "refused", &engine.APIError{Code: engine.CodeMissingAuthToken, Message: "Request is missing Authentication Token"}
			}
			return "", nil
		}})
	f.Fuzz(func(t *testing.T, method, contentType, target string, body []byte, flags uint8) {
		h := s
		if flags&16 != 0 {
			h = authed
		}
		path := "/"
		if flags&4 != 0 {
			path = "/metrics"
		}
		sent := body
		hdr := http.Header{}
		if contentType != "" {
			hdr["Content-Type"] = []string{contentType}
		}
		if target != "" {
			hdr["X-Amz-Target"] = []string{target}
		}
		if flags&1 != 0 {
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			zw.Write(body)
			zw.Close()
			sent = buf.Bytes()
			if flags&8 != 0 {
				sent = sent[:len(sent)/2]
			}
			hdr["Content-Encoding"] = []string{"gzip"}
		}
		if flags&32 != 0 {
			var buf bytes.Buffer
			zw := zlib.NewWriter(&buf)
			zw.Write(sent)
			zw.Close()
			sent = buf.Bytes()
			if flags&8 != 0 {
				sent = sent[:len(sent)/2]
			}
			hdr["Content-Encoding"] = append(hdr["Content-Encoding"], "deflate")
			hdr["Content-Encoding"] = []string{strings.Join(hdr["Content-Encoding"], ", ")}
		}
		if flags&2 != 0 {
			hdr["Accept-Encoding"] = []string{"gzip"}
			if flags&64 != 0 {
				hdr["Accept-Encoding"] = []string{"deflate"}
			}
		}
		var nonAPI bool
		req := (&http.Request{
			Method:        method,
			URL:           &url.URL{Path: path},
			Proto:         "HTTP/1.1",
			ProtoMajor:    1,
			ProtoMinor:    1,
			Header:        hdr,
			Body:          io.NopCloser(bytes.NewReader(sent)),
			ContentLength: int64(len(sent)),
		}).WithContext(context.WithValue(context.Background(), nonAPIKey{}, &nonAPI))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)

		res := rec.Result()
		raw := rec.Body.Bytes()
		if id := res.Header.Get("X-Amzn-Requestid"); !requestIDPattern.MatchString(id) {
			t.Fatalf("request id %q", id)
		}
		if got, want := res.Header.Get("X-Amz-Crc32"), strconv.FormatUint(uint64(crc32.ChecksumIEEE(raw)), 10); got != want {
			t.Fatalf("crc %s, want %s", got, want)
		}
		if got, want := res.Header.Get("Content-Length"), strconv.Itoa(len(raw)); got != want {
			t.Fatalf("Content-Length %s, want %s", got, want)
		}
		switch res.Header.Get("Content-Encoding") {
		case "gzip":
			zr, err := gzip.NewReader(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			if raw, err = io.ReadAll(zr); err != nil {
				t.Fatal(err)
			}
		case "deflate":
			zr, err := zlib.NewReader(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			if raw, err = io.ReadAll(zr); err != nil {
				t.Fatal(err)
			}
		}
		switch res.StatusCode {
		case 200:
			if method == http.MethodGet {
				return
			}
			if !json.Valid(raw) {
				t.Fatalf("200 body is not JSON: %q", raw)
			}
		case 400:
			var e map[string]any
			if err := json.Unmarshal(raw, &e); err != nil || e["__type"] == nil {
				t.Fatalf("400 body %q: %v", raw, err)
			}
		case 404:
			if string(raw) != "<UnknownOperationException/>\n" {
				t.Fatalf("404 body %q", raw)
			}
		case 413:
		case 500:
			if !nonAPI && flags&(1|32) == 0 { // else an undecodable body
				t.Fatalf("500 without a non-API error: %q", raw)
			}
			if string(raw) != bodyInternal && string(raw) != `{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"boom"}` {
				t.Fatalf("500 body %q", raw)
			}
		default:
			t.Fatalf("status %d", res.StatusCode)
		}
	})
}

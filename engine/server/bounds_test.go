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
)

// TestDeepJSON: deeply nested JSON, in an attribute value or in a member
// the engine skips, is refused without exhausting the stack or memory.
func TestDeepJSON(t *testing.T) {
	db := enginetest.Open(t, engine.Options{})
	for _, authOn := range []bool{false, true} {
		opts := server.Options{}
		if authOn {
			// The hook makes the server validate the JSON itself first.
			opts.Authenticate = func(*server.AuthRequest) (string, error) { return "", nil }
		}
		ts := httptest.NewServer(server.New(db, opts))
		const depth = 1_000_000
		for name, body := range map[string]string{
			"attribute value": `{"TableName":"T","Item":{"a":` + strings.Repeat(`{"M":{"a":`, depth) + `{"S":"x"}` + strings.Repeat(`}}`, depth) + `}}`,
			"skipped member":  `{"TableName":"T","Junk":` + strings.Repeat(`[`, depth) + strings.Repeat(`]`, depth) + `}`,
		} {
			req, _ := http.NewRequest(http.MethodPost, ts.URL, bytes.NewReader([]byte(body)))
			req.Header.Set("Content-Type", "application/x-amz-json-1.0")
			req.Header.Set("X-Amz-Target", "DynamoDB_20120810.PutItem")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 400 {
				t.Errorf("auth %v, %s: %d %s, want 400", authOn, name, resp.StatusCode, got)
			}
		}
		ts.Close()
	}
}

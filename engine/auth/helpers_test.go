package auth

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go"

	"dynalab/engine"
	"dynalab/engine/server"
)

// okDispatcher answers every DynamoDB and Streams call with {} and counts
// the calls.
type okDispatcher struct {
	mu    sync.Mutex
	calls []string
}

func (d *okDispatcher) Dispatch(_ context.Context, target string, _ []byte) ([]byte, engine.CallInfo, error) {
	d.mu.Lock()
	d.calls = append(d.calls, target)
	d.mu.Unlock()
	return []byte(`{}`), engine.CallInfo{Op: target[strings.IndexByte(target, '.')+1:]}, nil
}

// fakeSchemas is a KeySchemas of table (or "table/index") → partition key.
type fakeSchemas map[string]string

func (f fakeSchemas) PartitionKey(table, index string) (string, bool) {
	if index != "" {
		table += "/" + index
	}
	name, ok := f[table]
	return name, ok
}

// recorder keeps the last request's headers, so that tests can compute the
// messages that quote them.
type recorder struct {
	h    http.Handler
	mu   sync.Mutex
	last http.Header
}

func (rc *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc.mu.Lock()
	rc.last = r.Header.Clone()
	rc.mu.Unlock()
	rc.h.ServeHTTP(w, r)
}

func (rc *recorder) header(name string) string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.last.Get(name)
}

// serve runs a server guarded by cfg on loopback; log collects its request
// log.
func serve(t *testing.T, d server.Dispatcher, cfg Config, log *syncBuffer) (*httptest.Server, *recorder, *Guard) {
	t.Helper()
	g, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	opts := server.Options{Authenticate: g.Authenticate, Region: cfg.Region}
	if log != nil {
		opts.Log = log
	}
	rc := &recorder{h: server.New(d, opts)}
	ts := httptest.NewServer(rc)
	t.Cleanup(ts.Close)
	return ts, rc, g
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// client returns a DynamoDB client for url with static credentials and no
// retries.
func client(url, akid, secret, token string) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		BaseEndpoint: aws.String(url),
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(akid, secret, token),
		Retryer:      aws.NopRetryer{},
	})
}

// apiErr returns the code and message of an SDK error ("", "" for nil).
func apiErr(t *testing.T, err error) (string, string) {
	t.Helper()
	if err == nil {
		return "", ""
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("not an API error: %v", err)
	}
	return ae.ErrorCode(), ae.ErrorMessage()
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// users of the tests: alice may do anything; bob has a session token.
var (
	allowAll = mustPolicy(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*"}}`)
	alice    = User{AccessKeyID: "AKIDALICE", SecretAccessKey: "alice-secret", UserID: "alice", Policy: allowAll}
	bob      = User{AccessKeyID: "ASIABOB", SecretAccessKey: "bob-secret", UserID: "bob", SessionToken: "bob-token", Policy: allowAll}
)

func mustPolicy(s string) *Policy {
	p, err := ParsePolicy([]byte(s))
	if err != nil {
		panic(err)
	}
	return p
}

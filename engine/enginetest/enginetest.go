// Package enginetest has helpers for tests of the engine and of what is
// built on it: databases in a test's temporary directory, reopening, an
// injectable clock, the seed's single-table example, and aws-sdk-go-v2
// DynamoDB and DynamoDB Streams clients talking to the HTTP server on a
// loopback port.
package enginetest

import (
	"context"
	"errors"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"

	"dynalab/engine"
	"dynalab/engine/server"
)

// Clock is a settable clock for engine.Options.Clock.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock stopped at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// Open opens a database file in the test's temporary directory and, when
// the test ends, checks it (Check) and closes it: a difference or a failed
// Close fails the test, as bbolt's test harness checks every database it
// closes. opts.Path, when empty, is set to that file.
func Open(t testing.TB, opts engine.Options) *engine.DB {
	t.Helper()
	if opts.Path == "" {
		opts.Path = filepath.Join(t.TempDir(), "test.db")
	}
	db, err := engine.Open(opts)
	if err != nil {
		t.Fatalf("open %s: %v", opts.Path, err)
	}
	t.Cleanup(func() { CheckClose(t, db) })
	return db
}

// Check fails t with each difference db.Check reports, or its error.
func Check(t testing.TB, db *engine.DB) {
	t.Helper()
	diffs, err := db.Check(context.Background())
	report(t, db, diffs, err)
}

// CheckClose checks db (Check) and closes it, failing t on a difference or
// a Close error. A database the test closed itself is left alone.
func CheckClose(t testing.TB, db *engine.DB) {
	t.Helper()
	diffs, err := db.Check(context.Background())
	if errors.Is(err, engine.ErrClosed) {
		return
	}
	report(t, db, diffs, err)
	if err := db.Close(); err != nil {
		t.Errorf("close %s: %v", db.Path(), err)
	}
}

// Reopen checks and closes db (CheckClose) and opens its file again with
// the same options.
func Reopen(t testing.TB, db *engine.DB, opts engine.Options) *engine.DB {
	t.Helper()
	opts.Path = db.Path()
	diffs, err := db.Check(context.Background())
	report(t, db, diffs, err)
	if err := db.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	return Open(t, opts)
}

func report(t testing.TB, db *engine.DB, diffs []engine.Difference, err error) {
	t.Helper()
	if err != nil {
		t.Errorf("check: %v", err)
	}
	for _, d := range diffs {
		t.Errorf("check %s: %s", db.Path(), d)
	}
}

// Client serves db over HTTP on a loopback port for the life of the test
// and returns an aws-sdk-go-v2 DynamoDB client for it, with static
// credentials and no retries of service errors, so every error the server
// sends reaches the test (see connectionRetryer).
func Client(t testing.TB, db *engine.DB) *dynamodb.Client {
	t.Helper()
	srv := httptest.NewServer(server.New(db, server.Options{}))
	t.Cleanup(srv.Close)
	return NewClient(srv.URL)
}

// NewClient returns a DynamoDB client for an endpoint URL.
func NewClient(endpoint string) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		BaseEndpoint: aws.String(endpoint),
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
		Retryer:      connectionRetryer(),
	})
}

// connectionRetryer retries only broken connections, never an error the
// server answered with: aws-sdk-go-v2 v1.74 now and then fails to read a
// large response over a reused loopback connection ("use of closed network
// connection", aws-sdk-go-v2#2737), a client-side race that would
// otherwise make tests flaky.
func connectionRetryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = 3
		o.MaxBackoff = 10 * time.Millisecond
		o.Retryables = []retry.IsErrorRetryable{retry.RetryableConnectionError{}}
		o.RateLimiter = ratelimit.None
	})
}

// StreamsClient serves db over HTTP on a loopback port for the life of the
// test and returns an aws-sdk-go-v2 DynamoDB Streams client for it, set up
// like Client's.
func StreamsClient(t testing.TB, db *engine.DB) *dynamodbstreams.Client {
	t.Helper()
	srv := httptest.NewServer(server.New(db, server.Options{}))
	t.Cleanup(srv.Close)
	return NewStreamsClient(srv.URL)
}

// NewStreamsClient returns a DynamoDB Streams client for an endpoint URL.
func NewStreamsClient(endpoint string) *dynamodbstreams.Client {
	return dynamodbstreams.New(dynamodbstreams.Options{
		BaseEndpoint: aws.String(endpoint),
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
		Retryer:      connectionRetryer(),
	})
}

// Ctx returns a context that ends with the test.
func Ctx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

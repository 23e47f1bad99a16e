package server

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptrace"
	"sync"
	"testing"
	"time"

	"dynalab/engine"
)

type ctxKey struct{}

// slowDispatcher serves "Slow" by waiting for release (or its context), and
// GetItem at once. entered receives the context of each Slow call.
type slowDispatcher struct {
	entered chan context.Context
	release chan struct{}
}

func (d *slowDispatcher) Dispatch(ctx context.Context, target string, _ []byte) ([]byte, engine.CallInfo, error) {
	switch target {
	case TargetPrefixDynamoDB + "Slow":
		d.entered <- ctx
		select {
		case <-d.release:
			return []byte(`{"slow":true}`), engine.CallInfo{}, nil
		case <-ctx.Done():
			return nil, engine.CallInfo{}, ctx.Err()
		}
	case targetGetItem:
		if v, _ := ctx.Value(ctxKey{}).(string); v != "from Serve" {
			return nil, engine.CallInfo{}, errors.New("Serve's context value is lost")
		}
		return []byte(`{}`), engine.CallInfo{}, nil
	}
	return nil, engine.CallInfo{}, engine.ErrUnknownOperation
}

// serving is a Serve running in the background.
type serving struct {
	url    string
	cancel context.CancelFunc
	once   sync.Once
	errc   chan error
	err    error
}

// wait returns what Serve returned.
func (s *serving) wait() error {
	s.once.Do(func() { s.err = <-s.errc })
	return s.err
}

func startServe(t *testing.T, d Dispatcher, opt Options) *serving {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	opt.ErrorLog = log.New(io.Discard, "", 0)
	ctx, cancel := context.WithCancel(context.WithValue(context.Background(), ctxKey{}, "from Serve"))
	s := &serving{url: "http://" + ln.Addr().String() + "/", cancel: cancel, errc: make(chan error, 1)}
	go func() { s.errc <- New(d, opt).Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		s.wait()
	})
	return s
}

func post(client *http.Client, url, target string) (int, string, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader([]byte(`{}`)))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", target)
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

func TestServeKeepAlive(t *testing.T) {
	url := startServe(t, &slowDispatcher{}, Options{}).url
	client := &http.Client{Transport: &http.Transport{}}
	var reused []bool
	for range 3 {
		trace := &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) { reused = append(reused, i.Reused) }}
		req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), http.MethodPost, url, bytes.NewReader([]byte(`{}`)))
		req.Header.Set("Content-Type", "application/x-amz-json-1.0")
		req.Header.Set("X-Amz-Target", targetGetItem)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(b) != `{}` {
			t.Fatalf("= %d %s", resp.StatusCode, b)
		}
	}
	if len(reused) != 3 || reused[0] || !reused[1] || !reused[2] {
		t.Errorf("connection reused = %v, want [false true true]", reused)
	}
}

// TestServeGracefulShutdown: cancelling Serve's context lets an in-flight
// request finish, then Serve returns nil.
func TestServeGracefulShutdown(t *testing.T) {
	d := &slowDispatcher{entered: make(chan context.Context, 1), release: make(chan struct{})}
	srv := startServe(t, d, Options{ShutdownTimeout: time.Minute})
	url := srv.url
	done := make(chan error, 1)
	type result struct {
		status int
		body   string
		err    error
	}
	res := make(chan result, 1)
	go func() {
		status, body, err := post(http.DefaultClient, url, TargetPrefixDynamoDB+"Slow")
		res <- result{status, body, err}
	}()
	reqCtx := <-d.entered
	srv.cancel()
	go func() { done <- srv.wait() }()
	select {
	case err := <-done:
		t.Fatalf("Serve returned %v with a request in flight", err)
	case <-reqCtx.Done():
		t.Fatal("the in-flight request was cancelled by the shutdown")
	case <-time.After(50 * time.Millisecond): // still serving it, as it should
	}
	close(d.release)
	if r := <-res; r.err != nil || r.status != 200 || r.body != `{"slow":true}` {
		t.Errorf("in-flight request = %d %q %v", r.status, r.body, r.err)
	}
	if err := <-done; err != nil {
		t.Errorf("Serve = %v, want nil", err)
	}
	if _, _, err := post(http.DefaultClient, url, targetGetItem); err == nil {
		t.Error("a request after shutdown succeeded")
	}
}

// TestServeShutdownTimeout: a request still running after ShutdownTimeout
// is cut off and Serve reports it.
func TestServeShutdownTimeout(t *testing.T) {
	d := &slowDispatcher{entered: make(chan context.Context, 1), release: make(chan struct{})}
	srv := startServe(t, d, Options{ShutdownTimeout: 20 * time.Millisecond})
	go post(http.DefaultClient, srv.url, TargetPrefixDynamoDB+"Slow")
	reqCtx := <-d.entered
	srv.cancel()
	if err := srv.wait(); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Serve = %v, want a shutdown deadline error", err)
	}
	<-reqCtx.Done() // the forced close cancels the request
}

func TestServeListenerError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
	if err := New(&fake{}, Options{}).Serve(context.Background(), ln); err == nil {
		t.Error("Serve on a closed listener = nil")
	}
}

package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"hash/crc32"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"dynalab/engine"
)

// The benchmarks compare the Server with a no-op handler written like
// tools/ceiling (a canned, precomputed answer): the Server's target is at
// least 85 % of its throughput at most 1.5x its CPU per request.

var (
	benchRequest  = []byte(`{"TableName":"ddbload","Key":{"PK":{"S":"put#00#00000042"},"SK":{"S":"A"}},"ConsistentRead":true}`)
	benchResponse = append(append([]byte(`{"Item":{"PK":{"S":"put#00#00000042"},"SK":{"S":"A"},"data":{"S":"`),
		bytes.Repeat([]byte("x"), 1000)...), `"}}}`...)
)

// cannedDispatcher answers every call with benchResponse, as the engine
// would answer a GetItem, without touching the body.
func cannedDispatcher() Dispatcher {
	return DispatcherFunc(func(context.Context, string, []byte) ([]byte, engine.CallInfo, error) {
		return benchResponse, engine.CallInfo{Op: "GetItem", Table: "ddbload", Capacity: 0.5}, nil
	})
}

// ceilingHandler is the no-op reference: it reads the body as the ceiling
// does for GetItem and writes a canned answer with precomputed headers.
type ceilingHandler struct {
	crc, clen []string
	ridPrefix string
	seq       atomic.Uint64
}

func newCeilingHandler() *ceilingHandler {
	var rnd [18]byte
	_, _ = rand.Read(rnd[:])
	return &ceilingHandler{
		crc:       []string{strconv.FormatUint(uint64(crc32.ChecksumIEEE(benchResponse)), 10)},
		clen:      []string{strconv.Itoa(len(benchResponse))},
		ridPrefix: strconv.Quote(string(rnd[:]))[:36],
	}
}

func (c *ceilingHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	const digits = "0123456789ABCDEF"
	var b [52]byte
	copy(b[:], c.ridPrefix)
	n := c.seq.Add(1)
	for i := len(b) - 1; i >= 36; i-- {
		b[i] = digits[n&15]
		n >>= 4
	}
	h := w.Header()
	h["Content-Type"] = amzJSON
	h["X-Amz-Crc32"] = c.crc
	h["Content-Length"] = c.clen
	h["X-Amzn-Requestid"] = []string{string(b[:])}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(benchResponse)
}

// benchWriter is a ResponseWriter that allocates nothing per request, so
// that the in-process benchmark measures the handler alone.
type benchWriter struct {
	h      http.Header
	status int
	n      int
}

func (w *benchWriter) Header() http.Header         { return w.h }
func (w *benchWriter) WriteHeader(status int)      { w.status = status }
func (w *benchWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }

type benchBody struct{ bytes.Reader }

func (*benchBody) Close() error { return nil }

// BenchmarkHandler runs one GetItem through the handler in process.
func BenchmarkHandler(b *testing.B) {
	for _, bc := range []struct {
		name string
		h    http.Handler
	}{
		{"server", New(cannedDispatcher(), Options{})},
		{"server-log", New(cannedDispatcher(), Options{Log: io.Discard})},
		{"ceiling", newCeilingHandler()},
	} {
		b.Run(bc.name, func(b *testing.B) {
			w := &benchWriter{h: http.Header{}}
			body := &benchBody{}
			r := &http.Request{
				Method: http.MethodPost,
				URL:    &url.URL{Path: "/"},
				Header: http.Header{
					"Content-Type":    {"application/x-amz-json-1.0"},
					"X-Amz-Target":    {targetGetItem},
					"Accept-Encoding": {"identity"},
				},
				ContentLength: int64(len(benchRequest)),
				Body:          body,
			}
			b.ReportAllocs()
			b.SetBytes(int64(len(benchRequest) + len(benchResponse)))
			for b.Loop() {
				body.Reset(benchRequest)
				clear(w.h)
				w.n = 0
				bc.h.ServeHTTP(w, r)
			}
			if w.status != http.StatusOK || w.n != len(benchResponse) {
				b.Fatalf("status %d, %d bytes", w.status, w.n)
			}
		})
	}
}

// BenchmarkLoopback runs GetItem round trips over keep-alive loopback TCP
// connections, from parallel clients, through Serve's http.Server.
func BenchmarkLoopback(b *testing.B) {
	for _, bc := range []struct {
		name string
		h    http.Handler
	}{
		{"server", New(cannedDispatcher(), Options{})},
		{"ceiling", newCeilingHandler()},
	} {
		b.Run(bc.name, func(b *testing.B) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				if s, ok := bc.h.(*Server); ok {
					_ = s.Serve(ctx, ln)
					return
				}
				hs := &http.Server{Handler: bc.h, ReadHeaderTimeout: ReadHeaderTimeout, IdleTimeout: IdleTimeout}
				go func() { <-ctx.Done(); _ = hs.Close() }()
				_ = hs.Serve(ln)
			}()
			defer func() { cancel(); wg.Wait() }()

			tr := &http.Transport{MaxIdleConnsPerHost: 256, DisableCompression: true}
			defer tr.CloseIdleConnections()
			client := &http.Client{Transport: tr}
			u := "http://" + ln.Addr().String() + "/"
			b.ReportAllocs()
			b.SetParallelism(4)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req, _ := http.NewRequest(http.MethodPost, u, bytes.NewReader(benchRequest))
					req.Header["Content-Type"] = amzJSON
					req.Header["X-Amz-Target"] = []string{targetGetItem}
					resp, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						b.Errorf("status %d", resp.StatusCode)
						return
					}
				}
			})
		})
	}
}

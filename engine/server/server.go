package server

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"dynalab/engine"
	"dynalab/engine/attr"
)

// MaxBodyBytes is the largest request body accepted, before and after gzip
// decoding; a larger one is answered 413, as dynalite answers above 16 MiB.
const MaxBodyBytes = 16 << 20

// Timeouts of the http.Server that Serve runs, unless Options say otherwise.
const (
	// ReadHeaderTimeout bounds how long a client may take to send the
	// request headers (and, with TLS, to finish the handshake).
	ReadHeaderTimeout = 10 * time.Second
	// ReadTimeout bounds how long a client may take to send a whole
	// request: a 16 MB body needs about 1 Mbit/s to make it.
	ReadTimeout = 2 * time.Minute
	// WriteTimeout bounds the time from the end of the request headers to
	// the end of the response: reading the body, running the operation
	// (a big batch, a transaction waiting for the write lock) and sending
	// the answer.
	WriteTimeout = 3 * time.Minute
	// IdleTimeout is how long an idle keep-alive connection is kept. It is
	// longer than the SDKs' own idle timeouts (aws-sdk-go-v2: 90 s), so that
	// the client, not the server, retires idle connections and never sends a
	// request on a connection the server is closing.
	IdleTimeout = 2 * time.Minute
	// DefaultShutdownTimeout is how long Serve waits for in-flight requests
	// when its context is cancelled, unless Options.ShutdownTimeout is set.
	DefaultShutdownTimeout = 5 * time.Second
)

// The service name prefixes of X-Amz-Target, as the engine defines them.
const (
	// TargetPrefixDynamoDB prefixes the DynamoDB operations ("…GetItem").
	TargetPrefixDynamoDB = engine.TargetPrefix
	// TargetPrefixStreams prefixes the DynamoDB Streams operations
	// ("…GetRecords"), served on the same endpoint.
	TargetPrefixStreams = engine.StreamsTargetPrefix
)

// Options configure a Server. The zero value is usable.
type Options struct {
	// Region names the endpoint in the health line of GET /
	// ("healthy: dynamodb.<Region>.amazonaws.com "); default us-east-1.
	Region string
	// Log, when set, receives one line per request the server answers
	// itself, health checks excepted: time, operation, table, latency,
	// consumed capacity, HTTP status and error code (dynalab serve
	// --log-requests). Writes are serialized.
	Log io.Writer
	// ErrorLog receives internal errors and recovered panics, and is the
	// http.Server's error log in Serve; nil means the log package's
	// standard logger.
	ErrorLog *log.Logger
	// Extra, when set, serves GET requests for paths other than "/", such as
	// GET /metrics. Without it they are answered 404 like any other
	// non-API request. With Authenticate set, they must be signed too
	// (Authenticate sees an AuthRequest with no Target and no Body), unless
	// ExtraPublic.
	Extra       http.Handler
	ExtraPublic bool
	// Authenticate, when set, checks a request's credentials (and
	// permissions) after its body and target have been found well-formed
	// and before it is dispatched. It returns nil to accept the request, an
	// *engine.APIError (e.g. MissingAuthenticationTokenException) to refuse
	// it, or another error, which is answered 500. note, whatever the
	// error, is added to the request-log line as auth=NOTE (e.g. who was
	// let in by which policy statement). The AuthRequest is only valid
	// during the call.
	Authenticate func(req *AuthRequest) (note string, err error)
	// TLS, when set, makes Serve speak HTTPS with this configuration
	// (HTTP/1.1 only, like the plain endpoint). See SelfSignedCert.
	TLS *tls.Config
	// ReadHeaderTimeout, ReadTimeout, WriteTimeout and IdleTimeout bound
	// slow clients in Serve (http.Server's fields of the same names); zero
	// means the package's default of the same name, negative means none.
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// MaxConnections caps the connections Serve keeps open at once (see
	// limitListener); zero means DefaultMaxConnections(), negative none.
	MaxConnections int
	// MinBodyRate (bytes per second) and BodyGrace bound how slowly a
	// request body may arrive: BodyGrace plus a second per MinBodyRate
	// bytes, within ReadTimeout; a slower body is answered 408 and its
	// connection closed. Zero means the package's default of the same
	// name; a negative MinBodyRate turns the guard off.
	MinBodyRate int64
	BodyGrace   time.Duration
	// Now is the clock for request-log lines; nil means time.Now.
	Now func() time.Time
	// ShutdownTimeout bounds the graceful shutdown in Serve; zero means
	// DefaultShutdownTimeout.
	ShutdownTimeout time.Duration
	// CORS says which browser origins may call the endpoint: "" (the
	// default) any, as the service answers every request with an Origin
	// header, "off" none, or a comma-separated list of origins.
	CORS string
	// RequestContext, when set, gives an API request the context it is
	// dispatched with (e.g. its credential region, regions.Router).
	RequestContext func(r *http.Request) context.Context
	// OnRequest, when set, is told of every API request once it is
	// answered (the workbench lists the requests other clients make in
	// its Activity pane). It runs on the request's goroutine: keep it
	// short and never block.
	OnRequest func(Request)
}

// Request is what Options.OnRequest is told of one answered API request.
type Request struct {
	Time      time.Time
	Operation string // the dispatcher's name for it, else the target's suffix
	Table     string // empty when the operation names none
	Elapsed   time.Duration
	Capacity  float64 // capacity units consumed
	Status    int
	Code      string // the error code; empty on success
	Remote    string // the client's address
}

// Server is the DynamoDB JSON 1.0 endpoint: an http.Handler that checks
// requests, hands them to a Dispatcher and writes its answer in the wire
// form. It is safe for concurrent use.
type Server struct {
	d   Dispatcher
	opt Options
	now func() time.Time

	health, unknownOp, serialization, internal []byte // fixed response bodies
	cors                                       corsPolicy

	ridPrefix [ridPrefixLen]byte // random part of every request id
	ridSeq    atomic.Uint64      // counter part of every request id

	bufs    sync.Pool // *[]byte: request bodies, error bodies
	gzips   sync.Pool // *bytes.Buffer: compressed response bodies
	gzReadr sync.Pool // *gzip.Reader
	gzWritr sync.Pool // *gzip.Writer
	zlWritr sync.Pool // *zlib.Writer
	logMu   sync.Mutex
}

// New returns a Server that dispatches API requests to d.
func New(d Dispatcher, opt Options) *Server {
	if opt.Region == "" {
		opt.Region = "us-east-1"
	}
	cors := parseCORS(opt.CORS)
	s := &Server{
		d:             d,
		opt:           opt,
		now:           opt.Now,
		health:        []byte("healthy: dynamodb." + opt.Region + ".amazonaws.com "),
		cors:          cors,
		unknownOp:     []byte(`{"__type":"com.amazon.coral.service#UnknownOperationException"}`),
		serialization: []byte(`{"__type":"com.amazon.coral.service#SerializationException"}`),
		internal:      []byte(`{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"Internal server error"}`),
	}
	if s.now == nil {
		s.now = time.Now
	}
	var rnd [ridPrefixLen]byte
	_, _ = rand.Read(rnd[:]) // never fails on supported platforms
	for i, c := range rnd {
		s.ridPrefix[i] = ridAlphabet[int(c)%len(ridAlphabet)]
	}
	return s
}

// outcome is what the request log says about an API request.
type outcome struct {
	info   engine.CallInfo
	status int
	code   string // error code; empty on success
	auth   string // Authenticate's note; empty without authentication
}

// AuthRequest is what Options.Authenticate sees of an API request.
type AuthRequest struct {
	// HTTP is the request: method, URL, Host and headers. Its body has been
	// consumed.
	HTTP *http.Request
	// Target is the X-Amz-Target header's value.
	Target string
	// Body is the request body, gzip-decoded.
	Body []byte
	// PayloadSHA256 is the hex SHA-256 of the body as it was sent, before
	// any gzip decoding: the payload hash a SigV4 signature covers.
	PayloadSHA256 string
}

// ServeHTTP answers one request: GET / is the health check, GET on another
// path goes to Options.Extra, POST (on any path, as the service ignores it)
// is an API call, anything else is 404.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h["Server"] = serverName
	if requestTooLarge(r) {
		s.writePlain(w, http.StatusBadRequest, nil, nil)
		return
	}
	if len(r.Header["Origin"]) > 0 && s.cors.apply(h, r) {
		s.writePlain(w, http.StatusOK, nil, nil) // a preflight
		return
	}
	if r.Method != http.MethodPost {
		s.serveOther(w, r)
		return
	}
	var start time.Time
	if s.opt.Log != nil || s.opt.OnRequest != nil {
		start = s.now()
	}
	if s.opt.RequestContext != nil {
		r = r.WithContext(s.opt.RequestContext(r))
	}
	// The request body is handed to the dispatcher, never pooled.
	var body []byte
	o := s.serveAPI(w, r, &body)
	if s.opt.Log != nil {
		s.logRequest(start, r, o)
	}
	if s.opt.OnRequest != nil {
		s.opt.OnRequest(Request{Time: start, Operation: operationName(r, o), Table: o.info.Table,
			Elapsed: s.now().Sub(start), Capacity: o.info.Capacity, Status: o.status, Code: o.code, Remote: r.RemoteAddr})
	}
}

func (s *Server) serveOther(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		if r.URL.Path == "/" {
			s.writePlain(w, http.StatusOK, textPlain, s.healthLine(r))
			return
		}
		if s.opt.Extra != nil {
			if s.opt.Authenticate != nil && !s.opt.ExtraPublic {
				s.serveExtraSigned(w, r)
				return
			}
			s.opt.Extra.ServeHTTP(w, r)
			return
		}
	}
	var start time.Time
	if s.opt.Log != nil {
		start = s.now()
	}
	o := s.notFound(w)
	if s.opt.Log != nil {
		s.logRequest(start, r, o)
	}
}

// emptySHA256 is the hex SHA-256 of an empty payload, what a signed GET
// covers.
const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// serveExtraSigned serves Options.Extra to a request Authenticate accepts
// (any known user: the metrics name tables and their traffic, which an
// unauthenticated client must not read), and answers the others with
// the authentication error, in the wire form.
func (s *Server) serveExtraSigned(w http.ResponseWriter, r *http.Request) {
	var start time.Time
	if s.opt.Log != nil {
		start = s.now()
	}
	// An empty body: a GET carries none, and whatever it carries is unread.
	note, err := s.opt.Authenticate(&AuthRequest{HTTP: r, PayloadSHA256: emptySHA256})
	if err == nil {
		s.opt.Extra.ServeHTTP(w, r)
		return
	}
	o := s.writeError(w, r, amzJSON, err)
	o.auth = note
	if s.opt.Log != nil {
		s.logRequest(start, r, o)
	}
}

// notFound answers a request that is not an API call, as the service does.
func (s *Server) notFound(w http.ResponseWriter) outcome {
	s.writePlain(w, http.StatusNotFound, nil, notFoundBody)
	return outcome{status: http.StatusNotFound, code: engine.CodeUnknownOperation}
}

// tooLarge answers a request whose body exceeds MaxBodyBytes.
func (s *Server) tooLarge(w http.ResponseWriter) outcome {
	s.writePlain(w, http.StatusRequestEntityTooLarge, nil, nil)
	return outcome{status: http.StatusRequestEntityTooLarge, code: "RequestEntityTooLarge"}
}

// serveAPI answers a POST, reading the request body into *bp.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request, bp *[]byte) outcome {
	if r.ContentLength > MaxBodyBytes {
		// Refused unread; net/http closes the connection after the answer.
		return s.tooLarge(w)
	}
	body, rawHash, err := s.readBody(w, r, bp)
	ct, ctOK := responseType(r.Header)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) || errors.Is(err, errTooLarge) {
			return s.tooLarge(w)
		}
		if errors.Is(err, errSlowBody) {
			// The connection is closed after the answer, freeing its slot;
			// a load balancer answers an idle request 408 the same way.
			s.errorf("server: %s: %v", r.RemoteAddr, err)
			w.Header().Set("Connection", "close")
			s.writePlain(w, http.StatusRequestTimeout, nil, nil)
			return outcome{status: http.StatusRequestTimeout, code: "RequestTimeout"}
		}
		if !ctOK {
			return s.notFound(w)
		}
		if errors.Is(err, errUndecodable) {
			// The service answers a body its Content-Encoding does not
			// describe, or an unknown Content-Encoding, with a 500 (see
			// encoding.go); nothing is dispatched.
			s.write(w, r, ct, http.StatusInternalServerError, s.internal)
			return outcome{status: http.StatusInternalServerError, code: engine.CodeInternalServerError}
		}
		// A truncated body: what arrived is not JSON.
		return s.fixedError(w, r, ct, s.serialization, engine.CodeSerialization)
	}
	if !ctOK && len(body) > 0 {
		// The service checks Content-Type only when there is a body.
		return s.notFound(w)
	}
	if len(body) > 0 && !attr.ValidText(body) {
		// Invalid UTF-8 fails the service's JSON parser, the first check
		// after Content-Type; refused here for every dispatcher alike.
		return s.fixedError(w, r, ct, s.serialization, engine.CodeSerialization)
	}
	target := headerValue(r.Header, "X-Amz-Target")
	if len(body) == 0 {
		// An empty body is not parsed before the target is checked (dynalite,
		// mirroring the service), and is never dispatched.
		if !knownService(target) {
			return s.fixedError(w, r, ct, s.unknownOp, engine.CodeUnknownOperation)
		}
		a, refused := s.authenticate(w, r, ct, target, body, rawHash)
		if refused {
			return a
		}
		o := s.fixedError(w, r, ct, s.serialization, engine.CodeSerialization)
		o.auth = a.auth
		return o
	}
	if target == "" {
		return s.unknownTarget(w, r, ct, body)
	}
	var note string
	if s.opt.Authenticate != nil {
		// Authentication comes after the JSON and target checks, so both must
		// be made here, before the dispatcher would make them.
		if !json.Valid(body) {
			return s.fixedError(w, r, ct, s.serialization, engine.CodeSerialization)
		}
		if !knownService(target) {
			return s.fixedError(w, r, ct, s.unknownOp, engine.CodeUnknownOperation)
		}
		o, refused := s.authenticate(w, r, ct, target, body, rawHash)
		if refused {
			return o
		}
		note = o.auth
	}
	resp, info, err := s.dispatch(r.Context(), target, body)
	if err != nil {
		if errors.Is(err, engine.ErrUnknownOperation) {
			o := s.unknownTarget(w, r, ct, body)
			o.auth = note
			return o
		}
		o := s.writeError(w, r, ct, err)
		o.info, o.auth = info, note
		return o
	}
	s.write(w, r, ct, http.StatusOK, resp)
	return outcome{info: info, status: http.StatusOK, auth: note}
}

// unknownTarget answers a request whose target nobody serves: malformed JSON
// is reported first, as the service parses the body before it looks at the
// target.
func (s *Server) unknownTarget(w http.ResponseWriter, r *http.Request, ct []string, body []byte) outcome {
	if !json.Valid(body) {
		return s.fixedError(w, r, ct, s.serialization, engine.CodeSerialization)
	}
	return s.fixedError(w, r, ct, s.unknownOp, engine.CodeUnknownOperation)
}

// authenticate runs Options.Authenticate; refused reports that it has
// answered the request with the error. o.auth is the hook's note.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, ct []string, target string, body []byte, rawHash string) (o outcome, refused bool) {
	if s.opt.Authenticate == nil {
		return outcome{}, false
	}
	note, err := s.opt.Authenticate(&AuthRequest{HTTP: r, Target: target, Body: body, PayloadSHA256: rawHash})
	if err != nil {
		o = s.writeError(w, r, ct, err)
		o.auth = note
		return o, true
	}
	return outcome{auth: note}, false
}

// errPanic stands for a recovered dispatcher panic, already logged.
var errPanic = errors.New("dispatcher panicked")

// dispatch calls the dispatcher, turning a panic into an internal error: a
// safety net, as nothing a request contains may make the engine panic.
func (s *Server) dispatch(ctx context.Context, target string, body []byte) (resp []byte, info engine.CallInfo, err error) {
	defer func() {
		if p := recover(); p != nil {
			s.errorf("server: panic serving %.64q: %v\n%s", target, p, debug.Stack())
			resp, info, err = nil, engine.CallInfo{}, errPanic
		}
	}()
	return s.d.Dispatch(ctx, target, body)
}

// knownService reports whether target names an operation of a service the
// endpoint speaks, whatever the operation.
func knownService(target string) bool {
	name, ok := strings.CutPrefix(target, TargetPrefixDynamoDB)
	if !ok {
		name, ok = strings.CutPrefix(target, TargetPrefixStreams)
	}
	return ok && name != ""
}

func (s *Server) errorf(format string, args ...any) {
	if s.opt.ErrorLog != nil {
		s.opt.ErrorLog.Printf(format, args...)
		return
	}
	log.Printf(format, args...)
}

// Serve serves HTTP/1.1 with keep-alive on ln until ctx is cancelled, then
// shuts down gracefully: it stops accepting, lets in-flight requests finish
// for up to Options.ShutdownTimeout and then closes what is left. It
// returns nil after a clean shutdown, an error wrapping
// context.DeadlineExceeded when requests had to be cut off, or the error
// that stopped serving. ln is closed when Serve returns. Requests see ctx's
// values but not its cancellation.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	maxConns := s.opt.MaxConnections
	if maxConns == 0 {
		maxConns = DefaultMaxConnections()
	}
	var limited *limitListener
	if maxConns > 0 {
		// Under TLS, so that a handshake in progress holds a slot too.
		minRate := s.opt.MinBodyRate
		if minRate == 0 {
			minRate = MinBodyRate
		}
		limited = newLimitListener(ln, maxConns, minRate)
		ln = limited
	}
	if s.opt.TLS != nil {
		cfg := s.opt.TLS.Clone()
		// HTTP/1.1 only: the plain endpoint's behaviour (keep-alive, idle
		// timeouts, connection close after a refused body) stays the same.
		cfg.NextProtos = []string{"http/1.1"}
		ln = tls.NewListener(ln, cfg)
	}
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: timeout(s.opt.ReadHeaderTimeout, ReadHeaderTimeout),
		ReadTimeout:       timeout(s.opt.ReadTimeout, ReadTimeout),
		WriteTimeout:      timeout(s.opt.WriteTimeout, WriteTimeout),
		IdleTimeout:       timeout(s.opt.IdleTimeout, IdleTimeout),
		ErrorLog:          s.opt.ErrorLog,
		// Without ctx's cancellation, so that a shutdown lets requests finish.
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	if limited != nil {
		hs.ConnState, hs.ConnContext = limited.connState, connContext
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("server: %w", err)
	case <-ctx.Done():
	}
	timeout := s.opt.ShutdownTimeout
	if timeout <= 0 {
		timeout = DefaultShutdownTimeout
	}
	sctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	err := hs.Shutdown(sctx)
	if err != nil {
		_ = hs.Close()
		err = fmt.Errorf("server: shutdown: %w", err)
	}
	<-errc // http.ErrServerClosed
	return err
}

// timeout returns d, def when d is zero, or 0 (none) when d is negative.
func timeout(d, def time.Duration) time.Duration {
	switch {
	case d == 0:
		return def
	case d < 0:
		return 0
	}
	return d
}

package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash/crc32"
	"io"
	"net/http"
	"strconv"
	"strings"

	"dynalab/engine"
	"dynalab/engine/attr"
)

// Response header values, assigned directly into header maps under their
// canonical keys. net/http copies a handler's header map before writing it,
// so these slices are shared but never modified.
var (
	amzJSON       = []string{"application/x-amz-json-1.0"}
	plainJSON     = []string{"application/json"}
	textPlain     = []string{"text/plain; charset=utf-8"}
	gzipCoding    = []string{"gzip"}
	deflateCoding = []string{"deflate"}
	serverName    = []string{"Server"} // the service's Server header
)

// notFoundBody is the service's answer to a non-API request (29 bytes).
var notFoundBody = []byte("<UnknownOperationException/>\n")

const (
	// gzipThreshold is the body size above which a response is compressed
	// when the client accepts gzip (the service's ~4 KB).
	gzipThreshold = 4 << 10
	// maxPooledBuf bounds the buffers kept for reuse, so that one huge
	// request or response does not pin its memory.
	maxPooledBuf = 1 << 20
	// request ids: a random prefix per Server and a per-request counter,
	// together the service's 52 characters [0-9A-Z]. The counter is written
	// in base 32 (shifts, not divisions): 16 digits hold any uint64.
	ridPrefixLen = 36
	ridLen       = 52
	ridAlphabet  = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
)

// errTooLarge reports a gzip request body that decodes past MaxBodyBytes.
var errTooLarge = errors.New("request body too large")

// responseType returns the Content-Type to answer a request with and
// whether the request's Content-Type is one the service accepts:
// application/x-amz-json-1.0 or application/json, parameters ignored.
func responseType(h http.Header) (ct []string, ok bool) {
	t := headerValue(h, "Content-Type")
	if i := strings.IndexByte(t, ';'); i >= 0 {
		t = t[:i]
	}
	t = strings.TrimSpace(t)
	switch {
	case strings.EqualFold(t, amzJSON[0]):
		return amzJSON, true
	case strings.EqualFold(t, plainJSON[0]):
		return plainJSON, true
	}
	return plainJSON, false
}

// headerValue is h.Get for a key already in canonical form: the server
// canonicalizes request header keys, so a map lookup is enough.
func headerValue(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func (s *Server) getBuf() *[]byte {
	if p, ok := s.bufs.Get().(*[]byte); ok {
		return p
	}
	b := make([]byte, 0, 4<<10)
	return &b
}

func (s *Server) putBuf(p *[]byte) {
	if cap(*p) > maxPooledBuf {
		return
	}
	*p = (*p)[:0]
	s.bufs.Put(p)
}

// readBody reads the whole request body, at most MaxBodyBytes, into *bp
// and decodes it when it is gzip-encoded. The result aliases *bp. With
// authentication on, rawHash is the hex SHA-256 of the body as sent.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request, bp *[]byte) (body []byte, rawHash string, err error) {
	buf := (*bp)[:0]
	if n := r.ContentLength; n > 0 && n <= MaxBodyBytes && cap(buf) <= int(n) {
		// One allocation of the right size; +1 so the read that sees EOF
		// does not grow it.
		buf = make([]byte, 0, n+1)
	}
	var src io.Reader = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	rr := s.newRateReader(w, r, src)
	if rr != nil {
		src = rr
	}
	buf, err = readAll(src, buf)
	if rr != nil {
		rr.finish(err == nil)
	}
	*bp = buf
	if err != nil {
		return nil, "", err
	}
	if s.opt.Authenticate != nil {
		sum := sha256.Sum256(buf)
		rawHash = hex.EncodeToString(sum[:])
	}
	if enc := headerValue(r.Header, "Content-Encoding"); enc != "" {
		body, err = s.decode(bp, enc)
		return body, rawHash, err
	}
	return buf, rawHash, nil
}

// readAll appends everything r yields to b.
func readAll(r io.Reader, b []byte) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil {
			if err == io.EOF {
				return b, nil
			}
			return b, err
		}
	}
}

// write sends a JSON response: status, body (compressed when large and
// accepted) and the service's headers.
func (s *Server) write(w http.ResponseWriter, r *http.Request, ct []string, status int, body []byte) {
	h := w.Header()
	var zb *bytes.Buffer
	if len(body) > gzipThreshold {
		if coding := responseCoding(r.Header); coding != nil {
			if zb = s.compress(body, coding[0]); zb != nil {
				body = zb.Bytes()
				h["Content-Encoding"] = coding
			}
		}
	}
	h["Content-Type"] = ct
	s.setHeaders(h, body)
	w.WriteHeader(status)
	_, _ = w.Write(body)
	if zb != nil && zb.Cap() <= maxPooledBuf {
		s.gzips.Put(zb)
	}
}

// writePlain sends a non-JSON response (health line, 404, 413). A nil ct
// sends no Content-Type (and keeps net/http from sniffing one), as dynalite.
func (s *Server) writePlain(w http.ResponseWriter, status int, ct []string, body []byte) {
	h := w.Header()
	h["Content-Type"] = ct
	s.setHeaders(h, body)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// setHeaders sets x-amzn-RequestId, x-amz-crc32 and Content-Length for body,
// with one allocation for the three strings and one for their slices.
func (s *Server) setHeaders(h http.Header, body []byte) {
	var a [ridLen + 10 + 20]byte
	b := s.appendRequestID(a[:0])
	crcStart := len(b)
	b = strconv.AppendUint(b, uint64(crc32.ChecksumIEEE(body)), 10)
	lenStart := len(b)
	b = strconv.AppendInt(b, int64(len(body)), 10)
	str := string(b)
	v := new([3]string)
	v[0], v[1], v[2] = str[:crcStart], str[crcStart:lenStart], str[lenStart:]
	h["X-Amzn-Requestid"] = v[0:1:1]
	h["X-Amz-Crc32"] = v[1:2:2]
	h["Content-Length"] = v[2:3:3]
}

// appendRequestID appends a new 52-character request id: the Server's
// random prefix and its request counter.
func (s *Server) appendRequestID(b []byte) []byte {
	b = append(b, s.ridPrefix[:]...)
	n := s.ridSeq.Add(1)
	var c [ridLen - ridPrefixLen]byte
	for i := len(c) - 1; i >= 0; i-- {
		c[i] = ridAlphabet[n&31]
		n >>= 5
	}
	return append(b, c[:]...)
}

// fixedError sends one of the bodyless-message coral errors
// (UnknownOperationException, SerializationException).
func (s *Server) fixedError(w http.ResponseWriter, r *http.Request, ct []string, body []byte, code string) outcome {
	s.write(w, r, ct, http.StatusBadRequest, body)
	return outcome{status: http.StatusBadRequest, code: code}
}

// writeError sends err in the service's error form: an *engine.APIError as
// itself, anything else as a logged InternalServerError whose message is
// the error's text: the service's status and type for an internal
// failure, but the client learns its cause ("write database file …: no
// space left on device"), which on a local database is the client's own
// to fix. A recovered panic keeps the service's bare "Internal server
// error"; its stack is in the log.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, ct []string, err error) outcome {
	var ae *engine.APIError
	if !errors.As(err, &ae) || ae == nil || ae.Code == "" {
		if err == errPanic { // already logged with its stack
			s.write(w, r, ct, http.StatusInternalServerError, s.internal)
			return outcome{status: http.StatusInternalServerError, code: engine.CodeInternalServerError}
		}
		s.errorf("server: internal error: %v", err)
		ae = &engine.APIError{Code: engine.CodeInternalServerError, Message: internalMessage(err, ae)}
	}
	bp := s.getBuf()
	body := appendError((*bp)[:0], ae)
	status := ae.Status()
	s.write(w, r, ct, status, body)
	*bp = body
	s.putBuf(bp)
	return outcome{status: status, code: ae.Code}
}

// internalMessage is the message of an InternalServerError for err, which
// is not an *engine.APIError with a code (ae: the one without, or nil).
func internalMessage(err error, ae *engine.APIError) string {
	switch {
	case ae != nil && ae.Message != "":
		return ae.Message
	case ae != nil || err == nil || errors.As(err, new(*engine.APIError)):
		// A code-less or nil *APIError says nothing more.
		return "Internal server error"
	}
	return err.Error()
}

// appendError appends the JSON error body of e: __type, the message under
// "message" or "Message" (none when empty), and the optional Item and
// CancellationReasons members.
func appendError(b []byte, e *engine.APIError) []byte {
	b = append(b, `{"__type":`...)
	b = attr.AppendString(b, e.Type())
	if e.Message != "" {
		if e.UpperMessage() {
			b = append(b, `,"Message":`...)
		} else {
			b = append(b, `,"message":`...)
		}
		b = attr.AppendString(b, e.Message)
	}
	if len(e.Item) > 0 {
		b = append(b, `,"Item":`...)
		b = attr.AppendItem(b, e.Item)
	}
	if len(e.CancellationReasons) > 0 {
		b = append(b, `,"CancellationReasons":[`...)
		for i, cr := range e.CancellationReasons {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"Code":`...)
			b = attr.AppendString(b, cr.Code)
			if cr.Message != "" {
				b = append(b, `,"Message":`...)
				b = attr.AppendString(b, cr.Message)
			}
			if len(cr.Item) > 0 {
				b = append(b, `,"Item":`...)
				b = attr.AppendItem(b, cr.Item)
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if len(e.ThrottlingReasons) > 0 {
		// The member is lower-camel on ThrottlingException only (API model).
		if e.Code == engine.CodeThrottling {
			b = append(b, `,"throttlingReasons":[`...)
		} else {
			b = append(b, `,"ThrottlingReasons":[`...)
		}
		for i, tr := range e.ThrottlingReasons {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"reason":`...)
			b = attr.AppendString(b, tr.Reason)
			b = append(b, `,"resource":`...)
			b = attr.AppendString(b, tr.Resource)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

package server

import (
	"net/http"
	"strings"
)

// The HTTP layer around the API, as the service answers it; the facts
// come from ScyllaDB's Alternator tests, which are run against DynamoDB
// (test/alternator/test_cors.py, test_health.py, test_http_headers.py,
// test_manual_requests.py).

// maxRequestLine and maxHeaderBytes are the service's limits on a
// request's line and on its headers: "DynamoDB limits the total size of
// the headers to 16 KB" and of the request line to 16 KB (Alternator's
// test_too_large_request_headers and test_too_large_request_line). Past
// them the answer is 400.
const (
	maxRequestLine = 16 << 10
	maxHeaderBytes = 16 << 10
)

// requestTooLarge reports whether r's request line or headers are over
// the service's limits, counted as they were sent ("Name: value\r\n").
func requestTooLarge(r *http.Request) bool {
	if len(r.Method)+len(r.RequestURI)+len(r.Proto)+4 > maxRequestLine {
		return true
	}
	n := len("Host: \r\n") + len(r.Host)
	for k, vs := range r.Header {
		for _, v := range vs {
			n += len(k) + len(v) + 4
		}
	}
	return n > maxHeaderBytes
}

// healthLine is the answer to GET /: "healthy: " and the host the request
// addressed (its Host header), as the service answers with its own
// endpoint's name; the region's endpoint name without a Host header.
func (s *Server) healthLine(r *http.Request) []byte {
	if r.Host == "" {
		return s.health
	}
	return []byte("healthy: " + r.Host + " ")
}

// corsExposed is what the service lets a script read of its responses
// (the list Alternator copies from DynamoDB, alternator/server.cc).
var (
	corsAny     = []string{"*"}
	corsExposed = []string{"x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date"}
	// corsMaxAge lets a browser cache a preflight for two hours, Chrome's
	// maximum (Alternator's choice; the service's value is not recorded).
	corsMaxAge = []string{"7200"}
	varyOrigin = []string{"Origin"}
)

// corsPolicy is Options.CORS parsed.
type corsPolicy struct {
	off     bool
	origins map[string]bool // nil: any origin
}

func parseCORS(spec string) corsPolicy {
	spec = strings.TrimSpace(spec)
	switch spec {
	case "", "*":
		return corsPolicy{}
	case "off":
		return corsPolicy{off: true}
	}
	p := corsPolicy{origins: map[string]bool{}}
	for _, o := range strings.Split(spec, ",") {
		if o = strings.TrimSpace(o); o != "" {
			p.origins[o] = true
		}
	}
	return p
}

// apply adds the CORS headers to the answer of a request with an Origin
// header, as the service does on every method: the origin allowed and
// the headers a script may read; a preflight (OPTIONS) also gets the
// cache lifetime and its requested method and headers echoed as allowed;
// answered reports a preflight, which the caller answers 200.
func (p corsPolicy) apply(h http.Header, r *http.Request) (answered bool) {
	if p.off {
		return false
	}
	if p.origins == nil {
		h["Access-Control-Allow-Origin"] = corsAny
	} else {
		origin := r.Header["Origin"][0]
		h["Vary"] = varyOrigin
		if !p.origins[origin] {
			return false
		}
		h["Access-Control-Allow-Origin"] = r.Header["Origin"][:1]
	}
	h["Access-Control-Expose-Headers"] = corsExposed
	if r.Method != http.MethodOptions {
		return false
	}
	if v := r.Header["Access-Control-Request-Method"]; len(v) > 0 {
		h["Access-Control-Allow-Methods"] = v[:1]
	}
	if v := r.Header["Access-Control-Request-Headers"]; len(v) > 0 {
		h["Access-Control-Allow-Headers"] = []string{strings.Join(v, ", ")}
	}
	h["Access-Control-Max-Age"] = corsMaxAge
	return true
}

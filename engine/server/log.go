package server

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// logTimeLayout is the request log's timestamp: RFC 3339 with milliseconds.
const logTimeLayout = "2006-01-02T15:04:05.000Z07:00"

// maxLogField bounds client-chosen text (target, table) in a log line.
const maxLogField = 64

// maxAuthNote bounds the authentication note (user, decision, statement).
const maxAuthNote = 256

// logRequest writes one request-log line:
//
//	2024-01-31T12:00:00.123Z GetItem table=Pets 0.153ms cu=0.5 200
//	2024-01-31T12:00:00.125Z PutItem table=Pets 0.201ms cu=1 400 ConditionalCheckFailedException
//	2024-01-31T12:00:00.127Z GetItem table=Pets 0.090ms cu=0 400 AccessDeniedException auth=u123:implicit-deny
//
// The operation is the dispatcher's name for it, else the target's suffix,
// else "-"; the error code is absent on success.
func (s *Server) logRequest(start time.Time, r *http.Request, o outcome) {
	elapsed := s.now().Sub(start)
	bp := s.getBuf()
	b := start.AppendFormat((*bp)[:0], logTimeLayout)
	b = append(b, ' ')
	b = appendLogField(b, operationName(r, o))
	b = append(b, " table="...)
	b = appendLogField(b, o.info.Table)
	b = append(b, ' ')
	b = strconv.AppendFloat(b, float64(elapsed)/float64(time.Millisecond), 'f', 3, 64)
	b = append(b, "ms cu="...)
	b = strconv.AppendFloat(b, o.info.Capacity, 'f', -1, 64)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(o.status), 10)
	if o.code != "" {
		b = append(b, ' ')
		b = append(b, o.code...)
	}
	if o.auth != "" {
		b = append(b, " auth="...)
		b = appendLogFieldMax(b, o.auth, maxAuthNote)
	}
	b = append(b, '\n')
	s.logMu.Lock()
	_, _ = s.opt.Log.Write(b) // a request log that cannot be written is not the client's problem
	s.logMu.Unlock()
	*bp = b
	s.putBuf(bp)
}

// operationName names a request's operation: the dispatcher's name for
// it, else the target's suffix, else (not a POST) the HTTP method.
func operationName(r *http.Request, o outcome) string {
	if r.Method != http.MethodPost {
		return r.Method
	}
	op := o.info.Op
	if op == "" {
		op = headerValue(r.Header, "X-Amz-Target")
		if i := strings.LastIndexByte(op, '.'); i >= 0 {
			op = op[i+1:]
		}
	}
	return op
}

// appendLogField appends client-chosen text so that it stays one field of
// one line: "-" when empty, at most maxLogField bytes, and every byte that
// is not printable ASCII (or is a space) replaced by '?'.
func appendLogField(b []byte, s string) []byte { return appendLogFieldMax(b, s, maxLogField) }

// appendLogFieldMax is appendLogField with a bound of max bytes.
func appendLogFieldMax(b []byte, s string, max int) []byte {
	if s == "" {
		return append(b, '-')
	}
	if len(s) > max {
		s = s[:max]
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f {
			c = '?'
		}
		b = append(b, c)
	}
	return b
}

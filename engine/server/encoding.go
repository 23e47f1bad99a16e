package server

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// The service's handling of compressed requests and responses, as
// ScyllaDB's Alternator tests record it against DynamoDB
// (test/alternator/test_compressed_request.py, test_compressed_response.py).

// errUndecodable reports a request body its Content-Encoding does not
// describe, or a Content-Encoding the server does not know: the service
// answers 500 InternalServerError and does nothing.
var errUndecodable = errors.New("request body cannot be decoded")

// decode replaces the encoded body in *bp by its decoded bytes. enc is the
// Content-Encoding: gzip (x-gzip) and deflate (the zlib format, RFC 9110),
// or a list of them applied in order; identity changes nothing. A body the
// coding does not describe, even an empty one, is errUndecodable.
func (s *Server) decode(bp *[]byte, enc string) ([]byte, error) {
	codings := strings.Split(enc, ",")
	for i := len(codings) - 1; i >= 0; i-- { // the last applied is undone first
		var err error
		switch c := strings.ToLower(strings.TrimSpace(codings[i])); c {
		case "identity":
		case "gzip", "x-gzip":
			err = s.gunzip(bp)
		case "deflate":
			err = s.inflate(bp)
		default:
			err = fmt.Errorf("%w: unknown Content-Encoding %q", errUndecodable, c)
		}
		if err != nil {
			return nil, err
		}
	}
	return *bp, nil
}

// gunzip replaces the gzip stream in *bp by its decoded bytes. Several
// gzip members one after the other decode as one body (RFC 1952; the
// service accepts them too).
func (s *Server) gunzip(bp *[]byte) error {
	src := bytes.NewReader(*bp)
	zr, _ := s.gzReadr.Get().(*gzip.Reader)
	var err error
	if zr == nil {
		zr, err = gzip.NewReader(src)
	} else {
		err = zr.Reset(src)
	}
	if err != nil {
		return fmt.Errorf("%w: gzip: %v", errUndecodable, err)
	}
	err = s.decodeInto(bp, zr)
	s.gzReadr.Put(zr)
	return err
}

// inflate replaces the zlib stream in *bp by its decoded bytes. Unlike
// gzip, one stream only: the service refuses two concatenated ones.
func (s *Server) inflate(bp *[]byte) error {
	src := bytes.NewReader(*bp)
	zr, err := zlib.NewReader(src)
	if err != nil {
		return fmt.Errorf("%w: deflate: %v", errUndecodable, err)
	}
	if err := s.decodeInto(bp, zr); err != nil {
		return err
	}
	if src.Len() != 0 {
		return fmt.Errorf("%w: deflate: %d bytes after the stream", errUndecodable, src.Len())
	}
	return nil
}

// decodeInto reads zr whole into a pooled buffer that takes *bp's place,
// at most MaxBodyBytes.
func (s *Server) decodeInto(bp *[]byte, zr io.Reader) error {
	dp := s.getBuf()
	out, err := readAll(io.LimitReader(zr, MaxBodyBytes+1), (*dp)[:0])
	*bp, *dp = out, *bp // the caller's buffer now holds the decoded body
	s.putBuf(dp)
	switch {
	case err != nil:
		return fmt.Errorf("%w: %v", errUndecodable, err)
	case len(out) > MaxBodyBytes:
		return errTooLarge
	}
	return nil
}

// responseCoding chooses how to compress a large response: gzipCoding,
// deflateCoding or nil (none), from the request's Accept-Encoding as the
// service reads it. Only the first Accept-Encoding header counts. Each
// coding takes its q-value (1 when absent or unreadable, clamped to
// [0, 1]; the first "q=" in its parameters, wherever it starts); a coding
// listed twice keeps its best. "*" stands for gzip and deflate where they
// are not listed; "identity" and unknown codings (x-gzip included) are
// ignored. The highest q wins, a listed coding before "*", then the one
// listed first; gzip before deflate when only "*" names them.
func responseCoding(h http.Header) []string {
	v := h["Accept-Encoding"]
	if len(v) == 0 {
		return nil
	}
	var gz, df codingChoice
	star := -1.0
	for pos, item := range strings.Split(v[0], ",") {
		coding, params, _ := strings.Cut(item, ";")
		q := quality(params)
		switch strings.ToLower(strings.TrimSpace(coding)) {
		case "gzip":
			gz = better(gz, codingChoice{q, pos, true})
		case "deflate":
			df = better(df, codingChoice{q, pos, true})
		case "*":
			star = max(star, q)
		}
	}
	if !gz.listed && star >= 0 {
		gz = codingChoice{q: star, pos: len(v[0])}
	}
	if !df.listed && star >= 0 {
		df = codingChoice{q: star, pos: len(v[0]) + 1}
	}
	switch {
	case gz.q <= 0 && df.q <= 0:
		return nil
	case gz.q != df.q:
		if gz.q > df.q {
			return gzipCoding
		}
		return deflateCoding
	case gz.listed != df.listed:
		if gz.listed {
			return gzipCoding
		}
		return deflateCoding
	case gz.pos <= df.pos:
		return gzipCoding
	}
	return deflateCoding
}

// codingChoice is what Accept-Encoding says of one coding.
type codingChoice struct {
	q      float64
	pos    int  // index of its first item, for ties
	listed bool // named, not only covered by "*"
}

// better keeps the higher q of a coding listed twice, at its first place.
func better(old, new codingChoice) codingChoice {
	if !old.listed {
		return new
	}
	old.q = max(old.q, new.q)
	return old
}

// quality reads the q-value of an Accept-Encoding item's parameters.
func quality(params string) float64 {
	i := strings.Index(params, "q=")
	if i < 0 {
		return 1
	}
	val, _, _ := strings.Cut(params[i+2:], ";")
	q, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
	switch {
	case err != nil:
		return 1
	case q < 0:
		return 0
	case q > 1:
		return 1
	}
	return q
}

// compress encodes body with coding ("gzip" or "deflate") into a pooled
// buffer; nil if compression failed.
func (s *Server) compress(body []byte, coding string) *bytes.Buffer {
	buf, _ := s.gzips.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	buf.Reset()
	var err error
	if coding == "deflate" {
		zw, _ := s.zlWritr.Get().(*zlib.Writer)
		if zw == nil {
			zw, _ = zlib.NewWriterLevel(buf, zlib.BestSpeed)
		} else {
			zw.Reset(buf)
		}
		_, err = zw.Write(body)
		if cerr := zw.Close(); err == nil {
			err = cerr
		}
		s.zlWritr.Put(zw)
	} else {
		zw, _ := s.gzWritr.Get().(*gzip.Writer)
		if zw == nil {
			// BestSpeed: responses are compressed on the request path, where
			// CPU matters more than a few bytes on a local link.
			zw, _ = gzip.NewWriterLevel(buf, gzip.BestSpeed)
		} else {
			zw.Reset(buf)
		}
		_, err = zw.Write(body)
		if cerr := zw.Close(); err == nil {
			err = cerr
		}
		s.gzWritr.Put(zw)
	}
	if err != nil {
		return nil
	}
	return buf
}

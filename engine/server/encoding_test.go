package server

import (
	"net/http"
	"testing"
)

// TestResponseCoding: how Accept-Encoding chooses the response's
// compression, case by case as ScyllaDB's Alternator tests recorded
// DynamoDB's answers (test/alternator/test_compressed_response.py,
// test_accept_encoding_header and test_multiple_accept_encoding_headers).
func TestResponseCoding(t *testing.T) {
	for _, tt := range []struct {
		accept []string
		want   string
	}{
		{nil, ""},
		{[]string{"gzip"}, "gzip"},
		{[]string{"deflate"}, "deflate"},
		{[]string{"identity"}, ""},
		{[]string{""}, ""},
		{[]string{"br"}, ""},
		{[]string{"zstd"}, ""},
		{[]string{"compress"}, ""},
		{[]string{"x-gzip"}, ""},
		{[]string{"gzip, deflate"}, "gzip"},
		{[]string{"br, identity, deflate, gzip"}, "deflate"},
		{[]string{"GZIP, identity"}, "gzip"},
		{[]string{"dog, gzip ,, cat"}, "gzip"},
		{[]string{"gzip;q=0.8, deflate;q=0.5"}, "gzip"},
		{[]string{"br, gzip;q=0, deflate; q = 0.5 , identity;q=0"}, "deflate"},
		{[]string{"*"}, "gzip"},
		{[]string{"*, deflate;q=0.5"}, "gzip"},
		{[]string{"*, deflate"}, "deflate"},
		{[]string{"*, identity"}, "gzip"},
		{[]string{"*, gzip;q=0.5"}, "deflate"},
		{[]string{"gzip ;q=0"}, ""},
		{[]string{"identity;q=0"}, ""},
		{[]string{"*;q=0"}, ""},
		{[]string{"*;q=0.5,identity"}, "gzip"},
		{[]string{"gzip;q=0.5,identity;q=0.8"}, "gzip"},
		{[]string{"br;q=0.8,identity;q=0.5,*;q=0"}, ""},
		{[]string{`"gzip"`}, ""},
		{[]string{"gzip br"}, ""},
		{[]string{"gzip:q=1"}, ""},
		{[]string{"deflate;q=0.5, gzip;q=31"}, "gzip"},
		{[]string{"gzip;q=31,deflate;q=51"}, "gzip"},
		{[]string{"deflate;q=0.5, gzip;q=0.2"}, "deflate"},
		{[]string{"deflate;q=0.5, gzip;q=1;q=0.2"}, "gzip"},
		{[]string{"deflate;q=0.5,gzip;q=0."}, "deflate"},
		{[]string{"deflate;q=0.5,gzip;q=0.x"}, "gzip"},
		{[]string{"deflate;q=0.5,gzip;q=0. x"}, "gzip"},
		{[]string{"deflate;q=-0.5,gzip;q=0.2"}, "gzip"},
		{[]string{"gzip;q= 0;q=1"}, ""},
		{[]string{"gzip;q =0;q=1"}, "gzip"},
		{[]string{"gzip; q=0;q=1"}, ""},
		{[]string{"gzip;nq=0;q=1"}, ""},
		{[]string{"gzip;q=0, gzip;q=1, gzip;q=0"}, "gzip"},
		{[]string{"br,identity;q=0.5,gzip;q=0.0001"}, "gzip"},
		// Only the first Accept-Encoding header counts.
		{[]string{"gzip", "identity"}, "gzip"},
		{[]string{"identity", "gzip"}, ""},
	} {
		got := ""
		if c := responseCoding(http.Header{"Accept-Encoding": tt.accept}); c != nil {
			got = c[0]
		}
		if tt.accept == nil {
			if c := responseCoding(http.Header{}); c != nil {
				got = c[0]
			}
		}
		if got != tt.want {
			t.Errorf("Accept-Encoding %q: %q, want %q", tt.accept, got, tt.want)
		}
	}
}

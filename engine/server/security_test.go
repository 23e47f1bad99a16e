package server

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"dynalab/engine"
)

var okDispatch = DispatcherFunc(func(context.Context, string, []byte) ([]byte, engine.CallInfo, error) {
	return []byte(`{}`), engine.CallInfo{Op: "ListTables"}, nil
})

// serveOn runs Serve with opt on a loopback listener until the test ends
// and returns the listener's address.
func serveOn(t *testing.T, opt Options) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	opt.ErrorLog = log.New(io.Discard, "", 0)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- New(okDispatch, opt).Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return ln.Addr().String()
}

// TestServeTLS serves HTTPS with a self-signed certificate to an SDK
// client that trusts it.
func TestServeTLS(t *testing.T) {
	ss, err := SelfSignedCert(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(ss.Fingerprint) != 95 || ss.Fingerprint != Fingerprint(ss.Cert.Certificate[0]) {
		t.Errorf("fingerprint %q", ss.Fingerprint)
	}
	// A leaf, not a CA (#19): trusting it must not trust what its key signs.
	if leaf := ss.Cert.Leaf; leaf.IsCA || !leaf.BasicConstraintsValid || leaf.KeyUsage&x509.KeyUsageCertSign != 0 {
		t.Errorf("IsCA %v, basic constraints %v, key usage %b: want a CA:FALSE leaf without keyCertSign", leaf.IsCA, leaf.BasicConstraintsValid, leaf.KeyUsage)
	}
	addr := serveOn(t, Options{TLS: &tls.Config{Certificates: []tls.Certificate{ss.Cert}}})
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ss.PEM)
	for _, host := range []string{"127.0.0.1", "localhost"} {
		_, port, _ := net.SplitHostPort(addr)
		c := dynamodb.New(dynamodb.Options{
			BaseEndpoint: aws.String("https://" + net.JoinHostPort(host, port)),
			Region:       "us-east-1",
			Credentials:  credentials.NewStaticCredentialsProvider("x", "x", ""),
			HTTPClient: awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
				tr.TLSClientConfig = &tls.Config{RootCAs: pool}
			}),
		})
		if _, err := c.ListTables(context.Background(), &dynamodb.ListTablesInput{}); err != nil {
			t.Errorf("%s: %v", host, err)
		}
	}
	// Plain HTTP on the TLS port is refused (net/http answers 400).
	if resp, err := http.Get("http://" + addr + "/"); err == nil {
		resp.Body.Close()
		if resp.StatusCode != 400 {
			t.Errorf("plain HTTP: %d", resp.StatusCode)
		}
	}
}

// TestServeSlowClients: a client that trickles its headers or its body is
// disconnected after the timeouts.
func TestServeSlowClients(t *testing.T) {
	addr := serveOn(t, Options{ReadHeaderTimeout: 100 * time.Millisecond, ReadTimeout: 300 * time.Millisecond})
	for _, tt := range []struct{ name, sent string }{
		{"headers", "POST / HTTP/1.1\r\nHost: x\r\n"},
		{"body", "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: DynamoDB_20120810.ListTables\r\nContent-Length: 100\r\n\r\n{\"a\":"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			start := time.Now()
			conn.Write([]byte(tt.sent))
			conn.SetReadDeadline(time.Now().Add(5 * time.Second))
			_, err = io.ReadAll(conn) // until the server closes the connection
			if err != nil {
				t.Fatalf("read: %v (the server kept the connection open)", err)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("closed after %v", d)
			}
		})
	}
}

func TestTimeoutOption(t *testing.T) {
	for _, tt := range []struct{ d, want time.Duration }{{0, time.Minute}, {-1, 0}, {time.Second, time.Second}} {
		if got := timeout(tt.d, time.Minute); got != tt.want {
			t.Errorf("timeout(%v) = %v, want %v", tt.d, got, tt.want)
		}
	}
}

// TestAuthNote: the hook's note ends the request-log line, and the hook
// sees the hash of the body as sent.
func TestAuthNote(t *testing.T) {
	var logBuf bytes.Buffer
	var hashes []string
	ts := newTestServer(t, okDispatch, Options{Log: &logBuf, Now: (&fakeClock{}).now,
		Authenticate: func(req *AuthRequest) (string, error) {
			hashes = append(hashes, req.PayloadSHA256)
			if req.HTTP.Header.Get("Authorization") == "" {
				return "nobody", &engine.APIError{Code: engine.CodeAccessDenied, Message: "no"}
			}
			return "u123:allow:Stmt 1", nil
		}})
	call(t, ts.URL, request{body: []byte(`{}`), header: map[string]string{"Authorization": "x"}})
	call(t, ts.URL, request{body: []byte(`{}`)})
	want := "2024-01-31T12:00:00.000Z ListTables table=- 1.500ms cu=0 200 auth=u123:allow:Stmt?1\n" +
		"2024-01-31T12:00:00.003Z GetItem table=- 1.500ms cu=0 400 AccessDeniedException auth=nobody\n"
	if got := logBuf.String(); got != want {
		t.Errorf("log:\n%s\nwant:\n%s", got, want)
	}
	// sha256("{}")
	if len(hashes) != 2 || hashes[0] != "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a" {
		t.Errorf("hashes %q", hashes)
	}
	if !strings.HasPrefix(logBuf.String(), "2024") {
		t.Error("no log")
	}
}

package cli

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"dynalab/engine/server"
)

// authFileJSON has an admin and u123 under the guide's "own data only"
// policy.
const authFileJSON = `{"users": [
  {"accessKeyId": "AKIDADMIN", "secretAccessKey": "admin-secret", "userId": "admin",
   "policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"}]}},
  {"accessKeyId": "AKIDU123", "secretAccessKey": "u123-secret", "userId": "u123",
   "policy": {"Version": "2012-10-17", "Statement": [{"Sid": "OwnItemsOnly", "Effect": "Allow",
     "Action": ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:PutItem",
                "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"],
     "Resource": ["arn:aws:dynamodb:*:*:table/AppTable"],
     "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["USER#${aws:userid}"]}}}]}}
]}`

// serving is a `dynalab serve` running in-process.
type servingCmd struct {
	endpoint string
	mu       sync.Mutex
	out      []string // stdout after the endpoint
	errOut   *lockedBuffer
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startServe runs "dynalab serve ARGS" until the test ends.
func startServe(t *testing.T, args ...string) *servingCmd {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	s := &servingCmd{errOut: &lockedBuffer{}}
	go func() {
		done <- Main(ctx, append([]string{"serve"}, args...), nil, pw, s.errOut)
		pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	if !lines.Scan() {
		cancel()
		t.Fatalf("serve %v printed no endpoint; stderr:\n%s", args, s.errOut.String())
	}
	s.endpoint = lines.Text()
	go func() {
		for lines.Scan() {
			s.mu.Lock()
			s.out = append(s.out, lines.Text())
			s.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("serve %v exited %d: %s", args, code, s.errOut.String())
			}
		case <-time.After(10 * time.Second):
			t.Errorf("serve %v did not stop", args)
		}
	})
	return s
}

// waitOutput waits up to two seconds for stdout to contain want and
// returns it.
func (s *servingCmd) waitOutput(want string) string {
	var out string
	for i := 0; i < 100; i++ {
		s.mu.Lock()
		out = strings.Join(s.out, "\n")
		s.mu.Unlock()
		if strings.Contains(out, want) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	return out
}

// tlsClient returns a DynamoDB client for endpoint that trusts the PEM
// certificates in caFile.
func tlsClient(t *testing.T, endpoint, caFile, akid, secret string) *dynamodb.Client {
	t.Helper()
	pem, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("%s holds no PEM certificate", caFile)
	}
	hc := awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		tr.TLSClientConfig = &tls.Config{RootCAs: pool}
	})
	return dynamodb.New(dynamodb.Options{
		BaseEndpoint: aws.String(endpoint),
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(akid, secret, ""),
		HTTPClient:   hc,
		Retryer:      aws.NopRetryer{},
	})
}

func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

// TestServeAuthTLS serves over HTTPS with a self-signed certificate and
// --auth, and talks to it with SDK clients that trust the certificate.
func TestServeAuthTLS(t *testing.T) {
	dir := t.TempDir()
	authFile := filepath.Join(dir, "auth.json")
	if err := os.WriteFile(authFile, []byte(authFileJSON), 0o600); err != nil {
		t.Fatal(err)
	}
	ca := filepath.Join(dir, "ca.pem")
	s := startServe(t, "--in-memory", "--listen", "127.0.0.1:0", "--auth", authFile, "--tls-self-signed", "--tls-ca-file", ca)
	if !strings.HasPrefix(s.endpoint, "https://127.0.0.1:") {
		t.Fatalf("endpoint %q", s.endpoint)
	}
	for _, want := range []string{"TLS: self-signed certificate, SHA-256 fingerprint ", "AWS_CA_BUNDLE=" + ca, "signed with an access key of " + authFile} {
		if out := s.waitOutput(want); !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	ctx := context.Background()
	admin := tlsClient(t, s.endpoint, ca, "AKIDADMIN", "admin-secret")
	_, err := admin.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("AppTable"),
		BillingMode:          types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("PK"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("PK"), KeyType: types.KeyTypeHash}},
	})
	if err != nil {
		t.Fatal(err)
	}
	user := tlsClient(t, s.endpoint, ca, "AKIDU123", "u123-secret")
	put := func(c *dynamodb.Client, pk string) error {
		_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("AppTable"),
			Item: map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: pk}}})
		return err
	}
	if err := put(user, "USER#u123"); err != nil {
		t.Errorf("own item: %v", err)
	}
	if code := errorCode(put(user, "USER#u999")); code != "AccessDeniedException" {
		t.Errorf("another's item: %s", code)
	}
	if code := errorCode(put(tlsClient(t, s.endpoint, ca, "AKIDU123", "wrong"), "USER#u123")); code != "InvalidSignatureException" {
		t.Errorf("wrong secret: %s", code)
	}
	// A client that does not trust the certificate refuses the endpoint.
	_, err = http.Get(s.endpoint + "/")
	var unknown x509.UnknownAuthorityError
	if !errors.As(err, &unknown) {
		t.Errorf("untrusting client: %v", err)
	}
}

// TestServeTLSCertFlags serves with --tls-cert/--tls-key files.
func TestServeTLSCertFlags(t *testing.T) {
	dir := t.TempDir()
	ss, err := server.SelfSignedCert(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalECPrivateKey(ss.Cert.PrivateKey.(*ecdsa.PrivateKey))
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, ss.PEM, 0o644)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), 0o600)
	s := startServe(t, "--in-memory", "--listen", "127.0.0.1:0", "--tls-cert", certFile, "--tls-key", keyFile)
	if !strings.HasPrefix(s.endpoint, "https://") {
		t.Fatalf("endpoint %q", s.endpoint)
	}
	// Without --auth any credentials work, over TLS too.
	if _, err := tlsClient(t, s.endpoint, certFile, "x", "x").ListTables(context.Background(), &dynamodb.ListTablesInput{}); err != nil {
		t.Fatal(err)
	}
}

// TestServeAuthWarning: beyond loopback without --auth, serve warns.
func TestServeAuthWarning(t *testing.T) {
	authFile := filepath.Join(t.TempDir(), "auth.json")
	os.WriteFile(authFile, []byte(authFileJSON), 0o600)
	const warning = "WARNING: listening beyond loopback without authentication"
	open := startServe(t, "--in-memory", "--listen", "0.0.0.0:0")
	for i := 0; i < 100 && !strings.Contains(open.errOut.String(), warning); i++ {
		time.Sleep(20 * time.Millisecond) // printed after the greeting
	}
	if !strings.Contains(open.errOut.String(), warning) {
		t.Errorf("no warning without --auth: %q", open.errOut.String())
	}
	guarded := startServe(t, "--in-memory", "--listen", "0.0.0.0:0", "--auth", authFile)
	guarded.waitOutput("Try:")
	time.Sleep(100 * time.Millisecond) // the warning would follow the greeting
	if strings.Contains(guarded.errOut.String(), warning) {
		t.Errorf("warning with --auth: %q", guarded.errOut.String())
	}
	local := startServe(t, "--in-memory", "--listen", "127.0.0.1:0")
	if strings.Contains(local.errOut.String(), warning) {
		t.Errorf("warning on loopback: %q", local.errOut.String())
	}
}

// TestAuthFlagErrors: flag mistakes exit 2, bad files 1, before serving.
func TestAuthFlagErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"users":[{"accessKeyId":"A","secretAccessKey":"s","policy":{"Statement":{"Effect":"Allow","Action":"*"}}}]}`), 0o600)
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--tls-cert", "c.pem"}, 2, "--tls-cert and --tls-key go together"},
		{[]string{"--tls-self-signed", "--tls-key", "k.pem"}, 2, "exclude each other"},
		{[]string{"--tls-ca-file", "x.pem"}, 2, "--tls-ca-file needs --tls-self-signed"},
		{[]string{"--auth", filepath.Join(dir, "missing.json")}, 1, "auth file: open"},
		{[]string{"--auth", bad}, 1, "needs exactly one of Resource and NotResource"},
		{[]string{"--tls-cert", bad, "--tls-key", bad}, 1, "--tls-cert/--tls-key:"},
	}
	for _, tt := range tests {
		var errOut bytes.Buffer
		code := Main(context.Background(), append([]string{"serve", "--in-memory", "--listen", "127.0.0.1:0"}, tt.args...), nil, io.Discard, &errOut)
		if code != tt.code || !strings.Contains(errOut.String(), tt.want) {
			t.Errorf("serve %v = %d %q, want %d %q", tt.args, code, errOut.String(), tt.code, tt.want)
		}
	}
}

// TestServeRegions: --regions serves a database per region, says so, and
// adds the replication metrics; it refuses authentication.
func TestServeRegions(t *testing.T) {
	s := startServe(t, "--in-memory", "--listen", "127.0.0.1:0", "--regions", "us-east-1,eu-west-1", "--replication-delay", "1h")
	if out := s.waitOutput("Regions "); !strings.Contains(out, "Regions us-east-1, eu-west-1 (replication delay 1h0m0s; metrics "+s.endpoint+"/metrics/replication)") {
		t.Errorf("greeting:\n%s", out)
	}
	for _, path := range []string{"/metrics", "/metrics/replication"} {
		resp, err := http.Get(s.endpoint + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", path, resp.StatusCode)
		}
	}
	// Each region is its own database, chosen by the credential's region.
	ctx := context.Background()
	east, west := plainClient(s.endpoint, "x", "x"), dynamodb.New(dynamodb.Options{
		BaseEndpoint: aws.String(s.endpoint), Region: "eu-west-1",
		Credentials: credentials.NewStaticCredentialsProvider("x", "x", ""), Retryer: aws.NopRetryer{}})
	if _, err := east.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("East"),
		BillingMode:          types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("PK"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("PK"), KeyType: types.KeyTypeHash}},
	}); err != nil {
		t.Fatal(err)
	}
	out, err := west.ListTables(ctx, &dynamodb.ListTablesInput{})
	if err != nil || len(out.TableNames) != 0 {
		t.Errorf("eu-west-1 sees %v, %v; want its own, empty database", out, err)
	}
	authFile := writeAuthFile(t, t.TempDir())
	if code, _, errOut := cli(t, "serve", "--in-memory", "--listen", "127.0.0.1:0", "--regions", "us-east-1,eu-west-1", "--auth", authFile); code != 2 ||
		!strings.Contains(errOut, "--regions does not combine with authentication yet") {
		t.Errorf("--regions --auth: exit %d, stderr %q", code, errOut)
	}
}

// TestServeMetricsAuth: under --auth, GET /metrics needs a signed request
// (any user of the auth file) unless --metrics-public.
func TestServeMetricsAuth(t *testing.T) {
	authFile := filepath.Join(t.TempDir(), "auth.json")
	if err := os.WriteFile(authFile, []byte(authFileJSON), 0o600); err != nil {
		t.Fatal(err)
	}
	// The metrics of an empty database are empty: what matters is that the
	// exposition (text/plain; version=0.0.4), not an error, is served.
	get := func(endpoint, akid, secret string) (int, string) {
		t.Helper()
		r, err := http.NewRequest(http.MethodGet, endpoint+"/metrics", nil)
		if err != nil {
			t.Fatal(err)
		}
		if akid != "" {
			const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
			if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: akid, SecretAccessKey: secret},
				r, emptySHA256, "dynamodb", "us-east-1", time.Now()); err != nil {
				t.Fatal(err)
			}
		}
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Content-Type") + " " + string(body)
	}
	guarded := startServe(t, "--in-memory", "--listen", "127.0.0.1:0", "--auth", authFile)
	if out := guarded.waitOutput("--metrics-public"); !strings.Contains(out, "GET /metrics too") {
		t.Errorf("greeting does not say /metrics needs a signature:\n%s", out)
	}
	if st, body := get(guarded.endpoint, "", ""); st != 400 || !strings.Contains(body, "MissingAuthenticationTokenException") {
		t.Errorf("unsigned: %d %s", st, body)
	}
	if st, body := get(guarded.endpoint, "AKIDU123", "wrong"); st != 400 || !strings.Contains(body, "InvalidSignatureException") {
		t.Errorf("wrong secret: %d %s", st, body)
	}
	// Any user may read them: they need no policy statement.
	if st, body := get(guarded.endpoint, "AKIDU123", "u123-secret"); st != 200 || !strings.Contains(body, "version=0.0.4") {
		t.Errorf("signed: %d %.200s", st, body)
	}
	public := startServe(t, "--in-memory", "--listen", "127.0.0.1:0", "--auth", authFile, "--metrics-public")
	if st, body := get(public.endpoint, "", ""); st != 200 || !strings.Contains(body, "version=0.0.4") {
		t.Errorf("--metrics-public, unsigned: %d %.200s", st, body)
	}
}

package auth

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
)

// TestSDKSignatures drives the guard with aws-sdk-go-v2 clients: right and
// wrong secrets, unknown keys, session tokens right, wrong and missing.
func TestSDKSignatures(t *testing.T) {
	d := &okDispatcher{}
	ts, _, _ := serve(t, d, Config{Users: []User{alice, bob}}, nil)
	const (
		sigWrong = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
		badToken = "The security token included in the request is invalid."
	)
	tests := []struct {
		name                string
		akid, secret, token string
		code, msg           string
	}{
		{"right secret", "AKIDALICE", "alice-secret", "", "", ""},
		{"wrong secret", "AKIDALICE", "not-alices", "", "InvalidSignatureException", sigWrong},
		{"unknown key", "AKIDNOBODY", "alice-secret", "", "UnrecognizedClientException", badToken},
		{"session token right", "ASIABOB", "bob-secret", "bob-token", "", ""},
		{"session token wrong", "ASIABOB", "bob-secret", "mallory-token", "UnrecognizedClientException", badToken},
		{"session token missing", "ASIABOB", "bob-secret", "", "UnrecognizedClientException", badToken},
		{"unexpected session token", "AKIDALICE", "alice-secret", "some-token", "UnrecognizedClientException", badToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := client(ts.URL, tt.akid, tt.secret, tt.token)
			_, err := c.ListTables(ctx(t), &dynamodb.ListTablesInput{})
			code, msg := apiErr(t, err)
			if code != tt.code || msg != tt.msg {
				t.Errorf("= %s %q, want %s %q", code, msg, tt.code, tt.msg)
			}
		})
	}
}

// TestSDKClockSkew moves the server's clock away from the client's.
func TestSDKClockSkew(t *testing.T) {
	for _, tt := range []struct {
		name   string
		offset time.Duration
		want   func(date string, now time.Time) string
	}{
		{"stale", 20 * time.Minute, func(date string, now time.Time) string {
			return "Signature expired: " + date + " is now earlier than " + now.Add(-15*time.Minute).Format(amzDateLayout) +
				" (" + now.Format(amzDateLayout) + " - 15 min.)"
		}},
		{"future", -20 * time.Minute, func(date string, now time.Time) string {
			return "Signature not yet current: " + date + " is still later than " + now.Add(15*time.Minute).Format(amzDateLayout) +
				" (" + now.Format(amzDateLayout) + " + 15 min.)"
		}},
		{"within the window", 14 * time.Minute, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			now := time.Now().UTC().Add(tt.offset).Truncate(time.Second)
			ts, rc, _ := serve(t, &okDispatcher{}, Config{Users: []User{alice}, Now: func() time.Time { return now }}, nil)
			_, err := client(ts.URL, "AKIDALICE", "alice-secret", "").ListTables(ctx(t), &dynamodb.ListTablesInput{})
			code, msg := apiErr(t, err)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("= %s %q, want success", code, msg)
				}
				return
			}
			want := tt.want(rc.header("X-Amz-Date"), now)
			if code != "InvalidSignatureException" || msg != want {
				t.Errorf("= %s %q, want InvalidSignatureException %q", code, msg, want)
			}
		})
	}
}

// TestSDKStreams checks that the Streams client's signatures (service name
// "dynamodb") are accepted.
func TestSDKStreams(t *testing.T) {
	d := &okDispatcher{}
	ts, _, _ := serve(t, d, Config{Users: []User{alice}}, nil)
	c := dynamodbstreams.New(dynamodbstreams.Options{
		BaseEndpoint: aws.String(ts.URL),
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDALICE", "alice-secret", ""),
		Retryer:      aws.NopRetryer{},
	})
	if _, err := c.ListStreams(ctx(t), &dynamodbstreams.ListStreamsInput{}); err != nil {
		t.Fatal(err)
	}
	wrong := dynamodbstreams.New(dynamodbstreams.Options{
		BaseEndpoint: aws.String(ts.URL),
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDALICE", "wrong", ""),
		Retryer:      aws.NopRetryer{},
	})
	_, err := wrong.ListStreams(ctx(t), &dynamodbstreams.ListStreamsInput{})
	if code, _ := apiErr(t, err); code != "InvalidSignatureException" {
		t.Errorf("wrong secret: %v", err)
	}
}

// rawCall sends a POST signed (when sign is set) by aws-sdk-go-v2's signer
// at a fixed time, after edit has changed the request.
type rawCall struct {
	name   string
	sign   bool
	at     time.Time
	region string
	edit   func(r *http.Request)
	status int
	body   string
}

// TestRawSignatures checks the messages that quote the request, and the
// checks no SDK lets a test fail: missing headers, scope errors, tampering.
func TestRawSignatures(t *testing.T) {
	now := time.Date(2024, 1, 31, 12, 0, 0, 0, time.UTC)
	d := &okDispatcher{}
	ts, _, _ := serve(t, d, Config{Users: []User{alice}, Now: func() time.Time { return now }}, nil)
	body := []byte(`{"TableName":"Pets"}`)
	const coral = `{"__type":"com.amazon.coral.service#`
	authOf := func(r *http.Request) string { return r.Header.Get("Authorization") }
	tests := []rawCall{
		{name: "signed", sign: true, at: now, status: 200, body: `{}`},
		{name: "no Authorization", status: 400,
			body: coral + `MissingAuthenticationTokenException","message":"Request is missing Authentication Token"}`},
		{name: "not SigV4", edit: func(r *http.Request) { r.Header.Set("Authorization", "Bearer x") }, status: 400,
			body: coral + `IncompleteSignatureException","message":"Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=Bearer x"}`},
		{name: "no Credential", sign: true, at: now, edit: func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(authOf(r), "Credential=", "Cred=", 1))
		}, status: 400, body: coral + `IncompleteSignatureException","message":"Authorization header requires 'Credential' parameter. Authorization=AWS4-HMAC-SHA256 Cred=AKIDALICE/20240131/us-east-1/dynamodb/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-date;x-amz-target, Signature=SIG"}`},
		{name: "no X-Amz-Date", sign: true, at: now, edit: func(r *http.Request) { r.Header.Del("X-Amz-Date") }, status: 400,
			body: coral + `IncompleteSignatureException","message":"Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 Credential=AKIDALICE/20240131/us-east-1/dynamodb/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-date;x-amz-target, Signature=SIG"}`},
		{name: "bad pair", edit: func(r *http.Request) {
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential")
		}, status: 400, body: coral + `IncompleteSignatureException","message":"'Credential' not a valid key=value pair (missing equal-sign) in Authorization header: 'AWS4-HMAC-SHA256 Credential'."}`},
		{name: "short credential", sign: true, at: now, edit: func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(authOf(r), "/us-east-1/dynamodb", "", 1))
		}, status: 400, body: coral + `IncompleteSignatureException","message":"Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKIDALICE/20240131/aws4_request'"}`},
		{name: "wrong region", sign: true, at: now, region: "eu-west-1", status: 400,
			body: coral + `InvalidSignatureException","message":"Credential should be scoped to a valid region, not 'eu-west-1'. "}`},
		{name: "wrong service", sign: true, at: now, edit: func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(authOf(r), "/dynamodb/", "/s3/", 1))
		}, status: 400, body: coral + `InvalidSignatureException","message":"Credential should be scoped to correct service: 'dynamodb'. "}`},
		{name: "scope date", sign: true, at: now, edit: func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(authOf(r), "/20240131/", "/20240130/", 1))
		}, status: 400, body: coral + `InvalidSignatureException","message":"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20240130' != '20240131', from '20240131T120000Z'."}`},
		{name: "host unsigned", sign: true, at: now, edit: func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(authOf(r), ";host;", ";", 1))
		}, status: 400, body: coral + `InvalidSignatureException","message":"'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."}`},
		{name: "date unsigned", sign: true, at: now, edit: func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(authOf(r), ";x-amz-date", "", 1))
		}, status: 400, body: coral + `InvalidSignatureException","message":"'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization."}`},
		{name: "target unsigned", sign: true, at: now, edit: func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(authOf(r), ";x-amz-target", "", 1))
		}, status: 400, body: coral + `InvalidSignatureException","message":"'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization."}`},
		{name: "bad date", sign: true, at: now, edit: func(r *http.Request) { r.Header.Set("X-Amz-Date", "yesterday") }, status: 400,
			body: coral + `IncompleteSignatureException","message":"Date must be in ISO-8601 'basic format'. Got 'yesterday'. See http://en.wikipedia.org/wiki/ISO_8601"}`},
		{name: "stale", sign: true, at: now.Add(-16 * time.Minute), status: 400,
			body: coral + `InvalidSignatureException","message":"Signature expired: 20240131T114400Z is now earlier than 20240131T114500Z (20240131T120000Z - 15 min.)"}`},
		{name: "tampered target", sign: true, at: now, edit: func(r *http.Request) {
			r.Header.Set("X-Amz-Target", "DynamoDB_20120810.DeleteTable")
		}, status: 400, body: coral + `InvalidSignatureException","message":"` + msgSignatureWrong + `"}`},
		{name: "signed header removed", sign: true, at: now, edit: func(r *http.Request) { r.Header.Del("Content-Type") }, status: 404,
			body: "<UnknownOperationException/>\n"},
		{name: "query and header", sign: true, at: now, edit: func(r *http.Request) { r.URL.RawQuery = "X-Amz-Algorithm=AWS4-HMAC-SHA256" }, status: 400,
			body: coral + `InvalidSignatureException","message":"Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header."}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := http.NewRequest(http.MethodPost, ts.URL+"/", bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			r.Header.Set("Content-Type", "application/x-amz-json-1.0")
			r.Header.Set("X-Amz-Target", "DynamoDB_20120810.DescribeTable")
			if tt.sign {
				signRaw(t, r, body, tt.at, tt.region)
				// Messages quote the Authorization header: make it stable.
				auth := r.Header.Get("Authorization")
				if tt.edit != nil && strings.Contains(tt.body, "Authorization=") {
					r.Header.Set("Authorization", auth[:strings.Index(auth, "Signature=")]+"Signature=SIG")
				}
			}
			if tt.edit != nil {
				tt.edit(r)
			}
			resp, err := http.DefaultClient.Do(r)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status || string(got) != tt.body {
				t.Errorf("= %d %s\nwant %d %s", resp.StatusCode, got, tt.status, tt.body)
			}
		})
	}
}

func signRaw(t *testing.T, r *http.Request, body []byte, at time.Time, region string) {
	t.Helper()
	if region == "" {
		region = "us-east-1"
	}
	sum := sha256.Sum256(body)
	err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: "AKIDALICE", SecretAccessKey: "alice-secret"},
		r, hex.EncodeToString(sum[:]), "dynamodb", region, at)
	if err != nil {
		t.Fatal(err)
	}
}

// TestGzipBodySignature checks that the signature covers the body as sent:
// a gzip-encoded request is verified against its compressed bytes.
func TestGzipBodySignature(t *testing.T) {
	now := time.Date(2024, 1, 31, 12, 0, 0, 0, time.UTC)
	d := &okDispatcher{}
	ts, _, _ := serve(t, d, Config{Users: []User{alice}, Now: func() time.Time { return now }}, nil)
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	zw.Write([]byte(`{"TableName":"Pets"}`))
	zw.Close()
	for _, tt := range []struct {
		name   string
		signed []byte
		status int
	}{
		{"compressed bytes signed", zipped.Bytes(), 200},
		{"decoded bytes signed", []byte(`{"TableName":"Pets"}`), 400},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := http.NewRequest(http.MethodPost, ts.URL+"/", bytes.NewReader(zipped.Bytes()))
			r.Header.Set("Content-Type", "application/x-amz-json-1.0")
			r.Header.Set("Content-Encoding", "gzip")
			r.Header.Set("X-Amz-Target", "DynamoDB_20120810.DescribeTable")
			signRaw(t, r, tt.signed, now, "")
			resp, err := http.DefaultClient.Do(r)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Errorf("= %d %s, want %d", resp.StatusCode, got, tt.status)
			}
		})
	}
}

// TestParseAuthorization covers the header parser's corners.
func TestParseAuthorization(t *testing.T) {
	a, err := ParseAuthorization("AWS4-HMAC-SHA256 Credential=AK/20240131/us-east-1/dynamodb/aws4_request,SignedHeaders=Host;X-Amz-Date , Signature=abc, Extra=1", true)
	if err != nil {
		t.Fatal(err)
	}
	if a.AccessKeyID != "AK" || a.Region != "us-east-1" || a.Service != "dynamodb" || a.Signature != "abc" ||
		strings.Join(a.SignedHeaders, ";") != "host;x-amz-date" {
		t.Errorf("= %+v", a)
	}
	if _, err := ParseAuthorization("AWS4-HMAC-SHA256 Credential=, SignedHeaders=host, Signature=x", true); err == nil ||
		!strings.Contains(err.Error(), "requires 'Credential' parameter") {
		t.Errorf("empty Credential: %v", err)
	}
}

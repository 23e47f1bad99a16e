package auth

import (
	"context"
	"crypto/subtle"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"dynalab/engine"
)

// The SigV4 error codes (coral.service namespace, HTTP 400).
const (
	CodeIncompleteSignature = "IncompleteSignatureException"
	CodeInvalidSignature    = "InvalidSignatureException"
	CodeUnrecognizedClient  = "UnrecognizedClientException"
)

// Algorithm is the only signing algorithm accepted.
const Algorithm = "AWS4-HMAC-SHA256"

// Service is the signing name of DynamoDB and of DynamoDB Streams
// (aws-sdk-go-v2's dynamodbstreams client signs as "dynamodb" too).
const Service = "dynamodb"

// MaxSkew is how far a request's X-Amz-Date may be from the server's clock.
const MaxSkew = 15 * time.Minute

// amzDateLayout is X-Amz-Date's ISO 8601 basic format.
const amzDateLayout = "20060102T150405Z"

// Messages of the SigV4 errors. Those marked "guessed" were not found in
// the service's documentation or captures; the others are its words.
const (
	msgMissingToken   = "Request is missing Authentication Token"
	msgSignatureWrong = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	msgInvalidToken   = "The security token included in the request is invalid."
	msgBothAuth       = "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header."
	msgHostUnsigned   = "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
	// guessed: modelled on the Host message.
	msgDateUnsigned = "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization."
	// dynalab's own hardening, worded like the Host message: SigV4 needs
	// only host and x-amz-date signed, so a signature that leaves out
	// X-Amz-Target could be replayed as another operation (a GetItem's
	// signature resent as DeleteItem). Every SDK and the aws CLI sign it.
	msgTargetUnsigned = "'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization."
)

// Authorization is a parsed SigV4 Authorization header.
type Authorization struct {
	Algorithm string
	// Credential is the whole credential, AKID/DATE/REGION/SERVICE/aws4_request.
	Credential string
	// The credential's parts, when it has five.
	AccessKeyID, Date, Region, Service, Terminator string
	// SignedHeaders are the lower-case header names, in the header's order.
	SignedHeaders []string
	Signature     string
}

func sigError(code, format string, args ...any) *engine.APIError {
	return &engine.APIError{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ParseAuthorization parses an Authorization header value. Its errors are
// *engine.APIError IncompleteSignatureExceptions with the service's
// messages; the missing-date part of the "requires" message needs the
// request's headers, so hasDate says whether it has X-Amz-Date or Date.
func ParseAuthorization(header string, hasDate bool) (*Authorization, error) {
	a := &Authorization{}
	alg, rest, _ := strings.Cut(strings.TrimSpace(header), " ")
	a.Algorithm = alg
	if alg != Algorithm {
		// guessed: the service's answer to another scheme (Basic, Bearer,
		// AWS4-HMAC-SHA512) was not captured; treat it as lacking every
		// SigV4 parameter.
		rest = ""
	}
	have := map[string]bool{}
	for _, part := range strings.Split(rest, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return nil, sigError(CodeIncompleteSignature, "'%s' not a valid key=value pair (missing equal-sign) in Authorization header: '%s'.", part, header)
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch k {
		case "Credential":
			a.Credential = v
		case "SignedHeaders":
			a.SignedHeaders = strings.Split(v, ";")
		case "Signature":
			a.Signature = v
		default:
			continue // the service ignores other parameters
		}
		have[k] = v != ""
	}
	var missing strings.Builder
	for _, k := range []string{"Credential", "Signature", "SignedHeaders"} {
		if !have[k] {
			fmt.Fprintf(&missing, "Authorization header requires '%s' parameter. ", k)
		}
	}
	if !hasDate {
		missing.WriteString("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ")
	}
	if missing.Len() > 0 {
		return nil, sigError(CodeIncompleteSignature, "%sAuthorization=%s", missing.String(), header)
	}
	parts := strings.Split(a.Credential, "/")
	if len(parts) != 5 {
		return nil, sigError(CodeIncompleteSignature, "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '%s'", a.Credential)
	}
	a.AccessKeyID, a.Date, a.Region, a.Service, a.Terminator = parts[0], parts[1], parts[2], parts[3], parts[4]
	for i, h := range a.SignedHeaders {
		a.SignedHeaders[i] = strings.ToLower(strings.TrimSpace(h))
	}
	return a, nil
}

func (a *Authorization) signs(header string) bool {
	for _, h := range a.SignedHeaders {
		if h == header {
			return true
		}
	}
	return false
}

// verifier checks SigV4 signatures against a set of users.
type verifier struct {
	region string
	now    func() time.Time
	users  map[string]*User // by access key id
	signer *v4.Signer
}

// verify authenticates r, whose body hashes to payloadHash (hex SHA-256),
// and returns its user. Its errors are *engine.APIError.
func (v *verifier) verify(r *http.Request, payloadHash string) (*User, *Authorization, error) {
	header := r.Header.Get("Authorization")
	if r.URL.Query().Has("X-Amz-Algorithm") {
		if header != "" {
			return nil, nil, sigError(CodeInvalidSignature, msgBothAuth)
		}
		// Presigned (query-string) requests are not supported: SDKs never
		// presign DynamoDB calls.
		return nil, nil, sigError(engine.CodeMissingAuthToken, msgMissingToken)
	}
	if header == "" {
		return nil, nil, sigError(engine.CodeMissingAuthToken, msgMissingToken)
	}
	amzDate := r.Header.Get("X-Amz-Date")
	a, err := ParseAuthorization(header, amzDate != "" || r.Header.Get("Date") != "")
	if err != nil {
		return nil, nil, err
	}
	if amzDate == "" {
		// guessed: a request dated only by a Date header; the SDKs all send
		// X-Amz-Date, and the signer this check relies on signs with it.
		return nil, a, sigError(CodeIncompleteSignature, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=%s", header)
	}
	signedAt, err := time.Parse(amzDateLayout, amzDate)
	if err != nil {
		return nil, a, sigError(CodeIncompleteSignature, "Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601", amzDate)
	}
	switch {
	case a.Terminator != "aws4_request":
		return nil, a, sigError(CodeInvalidSignature, "Credential should be scoped with a valid terminator: 'aws4_request', not '%s'. ", a.Terminator)
	case a.Service != Service:
		return nil, a, sigError(CodeInvalidSignature, "Credential should be scoped to correct service: '%s'. ", Service)
	case a.Region != v.region:
		return nil, a, sigError(CodeInvalidSignature, "Credential should be scoped to a valid region, not '%s'. ", a.Region)
	case a.Date != signedAt.Format("20060102"):
		return nil, a, sigError(CodeInvalidSignature, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.", a.Date, signedAt.Format("20060102"), amzDate)
	case !a.signs("host"):
		return nil, a, sigError(CodeInvalidSignature, msgHostUnsigned)
	case !a.signs("x-amz-date"):
		return nil, a, sigError(CodeInvalidSignature, msgDateUnsigned)
	case r.Method == http.MethodPost && !a.signs("x-amz-target"):
		// An API call: its operation must be covered by the signature.
		return nil, a, sigError(CodeInvalidSignature, msgTargetUnsigned)
	}
	now := v.now().UTC()
	if signedAt.Before(now.Add(-MaxSkew)) {
		return nil, a, sigError(CodeInvalidSignature, "Signature expired: %s is now earlier than %s (%s - 15 min.)",
			amzDate, now.Add(-MaxSkew).Format(amzDateLayout), now.Format(amzDateLayout))
	}
	if signedAt.After(now.Add(MaxSkew)) {
		return nil, a, sigError(CodeInvalidSignature, "Signature not yet current: %s is still later than %s (%s + 15 min.)",
			amzDate, now.Add(MaxSkew).Format(amzDateLayout), now.Format(amzDateLayout))
	}
	u := v.users[a.AccessKeyID]
	if u == nil {
		return nil, a, sigError(CodeUnrecognizedClient, msgInvalidToken)
	}
	token := r.Header.Get("X-Amz-Security-Token")
	if subtle.ConstantTimeCompare([]byte(token), []byte(u.SessionToken)) != 1 {
		// A wrong, missing or unexpected session token: the key and token
		// pair is unknown to the service.
		return nil, a, sigError(CodeUnrecognizedClient, msgInvalidToken)
	}
	want, err := v.sign(r, a, u, payloadHash, signedAt)
	if err != nil {
		return nil, a, fmt.Errorf("auth: recompute signature: %w", err)
	}
	if subtle.ConstantTimeCompare([]byte(want), []byte(a.Signature)) != 1 {
		return nil, a, sigError(CodeInvalidSignature, msgSignatureWrong)
	}
	return u, a, nil
}

// sign recomputes the signature of r with the user's secret: a copy of the
// request carrying only the headers the client signed goes through
// aws-sdk-go-v2's signer, with the client's time, region and payload hash.
func (v *verifier) sign(r *http.Request, a *Authorization, u *User, payloadHash string, at time.Time) (string, error) {
	h := make(http.Header, len(a.SignedHeaders))
	var contentLength int64
	token := ""
	for _, name := range a.SignedHeaders {
		switch name {
		case "host", "x-amz-date":
			// The signer takes them from Host and the signing time.
		case "x-amz-security-token":
			token = r.Header.Get("X-Amz-Security-Token")
		case "content-length":
			// The signer signs Content-Length from the request's length
			// (when positive; otherwise the signatures differ, as they should).
			contentLength = r.ContentLength
		default:
			// A signed header the request lacks stays out, and the
			// signatures differ.
			if vals, ok := r.Header[http.CanonicalHeaderKey(name)]; ok {
				h[http.CanonicalHeaderKey(name)] = vals
			}
		}
	}
	u2 := &url.URL{Scheme: "https", Host: r.Host, Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery}
	req := &http.Request{Method: r.Method, URL: u2, Host: r.Host, Header: h, ContentLength: contentLength}
	creds := aws.Credentials{AccessKeyID: u.AccessKeyID, SecretAccessKey: u.SecretAccessKey, SessionToken: token}
	if err := v.signer.SignHTTP(context.Background(), creds, req, payloadHash, a.Service, a.Region, at); err != nil {
		return "", err
	}
	_, sig, ok := strings.Cut(req.Header.Get("Authorization"), "Signature=")
	if !ok {
		return "", fmt.Errorf("no signature in %q", req.Header.Get("Authorization"))
	}
	return sig, nil
}

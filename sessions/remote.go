package sessions

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/partiql"
)

// RemoteOptions say how to reach a DynamoDB-compatible endpoint.
type RemoteOptions struct {
	// Endpoint is the URL, e.g. http://localhost:8000; "" is AWS itself,
	// at https://dynamodb.<Region>.amazonaws.com.
	Endpoint string
	// Region signs requests; "" takes it from the AWS config chain
	// (AWS_REGION, the profile), else us-east-1 for a non-AWS endpoint.
	Region string
	// Profile names the shared-config profile credentials and region come
	// from; "" is the default chain (environment, ~/.aws files, SSO, ...).
	Profile string
	// Placeholder signs with placeholder credentials and skips the AWS
	// config chain: for another dynalab, which checks none.
	Placeholder bool
	// HTTPClient sends the requests; nil means a client of its own.
	HTTPClient *http.Client
	// Feed paces Subscribe's change feed; the zero value is the default.
	Feed ChangeOptions
}

// Remote is a session on a DynamoDB-compatible endpoint: AWS itself,
// DynamoDB Local, or another dynalab. Every operation is one signed POST
// of the engine's request struct, whose JSON form is the service's wire
// form, decoded into the engine's response struct; error responses become
// *engine.APIError. Statements go to ExecuteStatement; EXPLAIN plans from
// the endpoint's DescribeTable, without the estimates that need the
// embedded engine.
type Remote struct {
	name     string
	endpoint string
	region   string
	held     string // the local database reached through its holder, if so
	creds    aws.CredentialsProvider
	signer   *v4.Signer
	client   *http.Client
	ownHTTP  bool

	planner *partiql.Executor // plans EXPLAIN from this endpoint's DescribeTable
	feed    ChangeOptions     // Subscribe's pace
	// clientSide: the endpoint has no PartiQL, so the planner also runs
	// statements, through GetItem, Query, Scan and the rest.
	clientSide atomic.Bool

	mu      sync.Mutex
	feeds   map[int]context.CancelFunc // running change feeds, stopped by Close
	feedSeq int
	closed  bool
}

// placeholderKey signs requests to endpoints that check no credentials.
const placeholderKey = "dynalab"

// OpenRemote returns a Backend for an endpoint, named name. It resolves
// region and credentials through the AWS config chain (a profile that
// does not exist is an error here), but sends nothing: an unreachable
// endpoint fails on the first operation.
func OpenRemote(ctx context.Context, name string, opts RemoteOptions) (*Remote, error) {
	if opts.Endpoint != "" {
		if err := checkEndpoint(opts.Endpoint); err != nil {
			return nil, fmt.Errorf("remote session %q: %w", name, err)
		}
	}
	r := &Remote{name: name, region: opts.Region, signer: v4.NewSigner(), client: opts.HTTPClient, feed: opts.Feed}
	if r.client == nil {
		r.client = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
		r.ownHTTP = true
	}
	onAWS := opts.Endpoint == "" || isAWSEndpoint(opts.Endpoint)
	switch {
	case opts.Placeholder:
		r.creds = credentials.NewStaticCredentialsProvider(placeholderKey, placeholderKey, "")
	default:
		var load []func(*config.LoadOptions) error
		if opts.Region != "" {
			load = append(load, config.WithRegion(opts.Region))
		}
		if opts.Profile != "" {
			load = append(load, config.WithSharedConfigProfile(opts.Profile))
		}
		if !onAWS {
			// Instance metadata cannot hold credentials for a local
			// endpoint, and probing it off EC2 takes seconds.
			load = append(load, config.WithEC2IMDSClientEnableState(imds.ClientDisabled))
		}
		cfg, err := config.LoadDefaultConfig(ctx, load...)
		if err != nil {
			return nil, fmt.Errorf("remote session %q: load AWS configuration: %w", name, err)
		}
		if r.region == "" {
			r.region = cfg.Region
		}
		r.creds = cfg.Credentials
		if !onAWS {
			// DynamoDB Local and dynalab accept any credentials: use the
			// chain's when it has some, placeholders otherwise.
			r.creds = fallbackCredentials{cfg.Credentials}
		}
	}
	if r.region == "" {
		if onAWS {
			return nil, fmt.Errorf("remote session %q: no region: give --region, or set AWS_REGION or a profile's region", name)
		}
		r.region = "us-east-1"
	}
	r.endpoint = opts.Endpoint
	if r.endpoint == "" {
		r.endpoint = awsEndpoint(r.region)
	}
	r.planner = partiql.New(r, partiql.Options{})
	return r, nil
}

// fallbackCredentials answers with placeholder credentials when the chain
// has none.
type fallbackCredentials struct{ chain aws.CredentialsProvider }

func (f fallbackCredentials) Retrieve(ctx context.Context) (aws.Credentials, error) {
	if f.chain != nil {
		if c, err := f.chain.Retrieve(ctx); err == nil {
			return c, nil
		}
	}
	return aws.Credentials{AccessKeyID: placeholderKey, SecretAccessKey: placeholderKey, Source: "dynalab placeholder"}, nil
}

// checkEndpoint accepts http and https URLs with a host.
func checkEndpoint(endpoint string) error {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("endpoint %q is not an http:// or https:// URL with a host (e.g. http://127.0.0.1:8000)", endpoint)
	}
	return nil
}

func isAWSEndpoint(endpoint string) bool {
	u, err := url.Parse(endpoint)
	if err != nil {
		return false
	}
	h := u.Hostname()
	return strings.HasSuffix(h, ".amazonaws.com") || strings.HasSuffix(h, ".amazonaws.com.cn")
}

// awsEndpoint is DynamoDB's endpoint in a region.
func awsEndpoint(region string) string {
	if strings.HasPrefix(region, "cn-") {
		return "https://dynamodb." + region + ".amazonaws.com.cn"
	}
	return "https://dynamodb." + region + ".amazonaws.com"
}

// Name returns the session's name.
func (r *Remote) Name() string { return r.name }

// Endpoint returns the endpoint URL.
func (r *Remote) Endpoint() string { return r.endpoint }

// Region returns the region requests are signed for.
func (r *Remote) Region() string { return r.region }

// Kind returns KindRemote: changes come through the Streams API
// (Changes), and there is no capacity feed and no EXPLAIN estimates.
func (r *Remote) Kind() Kind { return KindRemote }

// Held returns the local database file this Remote reaches through the
// process holding it, or "" for a remote session or endpoint.
func (r *Remote) Held() string { return r.held }

// Close stops the change feeds (Changes) and releases idle connections.
func (r *Remote) Close() error {
	r.mu.Lock()
	for _, stop := range r.feeds {
		stop()
	}
	r.feeds = nil
	r.closed = true
	r.mu.Unlock()
	if r.ownHTTP {
		r.client.CloseIdleConnections()
	}
	return nil
}

// ListTables lists the endpoint's tables.
func (r *Remote) ListTables(ctx context.Context, in *engine.ListTablesInput) (*engine.ListTablesOutput, error) {
	return call[engine.ListTablesOutput](ctx, r, "ListTables", in)
}

// DescribeTable describes a table.
func (r *Remote) DescribeTable(ctx context.Context, in *engine.DescribeTableInput) (*engine.DescribeTableOutput, error) {
	return call[engine.DescribeTableOutput](ctx, r, "DescribeTable", in)
}

// CreateTable creates a table.
func (r *Remote) CreateTable(ctx context.Context, in *engine.CreateTableInput) (*engine.CreateTableOutput, error) {
	return call[engine.CreateTableOutput](ctx, r, "CreateTable", in)
}

// DeleteTable deletes a table.
func (r *Remote) DeleteTable(ctx context.Context, in *engine.DeleteTableInput) (*engine.DeleteTableOutput, error) {
	return call[engine.DeleteTableOutput](ctx, r, "DeleteTable", in)
}

// UpdateTable changes a table's settings (its stream, say).
func (r *Remote) UpdateTable(ctx context.Context, in *engine.UpdateTableInput) (*engine.UpdateTableOutput, error) {
	return call[engine.UpdateTableOutput](ctx, r, "UpdateTable", in)
}

// UpdateTimeToLive turns a table's TTL on or off (model files set it).
func (r *Remote) UpdateTimeToLive(ctx context.Context, in *engine.UpdateTimeToLiveInput) (*engine.UpdateTimeToLiveOutput, error) {
	return call[engine.UpdateTimeToLiveOutput](ctx, r, "UpdateTimeToLive", in)
}

// DescribeTimeToLive reports a table's TTL setting.
func (r *Remote) DescribeTimeToLive(ctx context.Context, in *engine.DescribeTimeToLiveInput) (*engine.DescribeTimeToLiveOutput, error) {
	return call[engine.DescribeTimeToLiveOutput](ctx, r, "DescribeTimeToLive", in)
}

// GetItem reads an item.
func (r *Remote) GetItem(ctx context.Context, in *engine.GetItemInput) (*engine.GetItemOutput, error) {
	return call[engine.GetItemOutput](ctx, r, "GetItem", in)
}

// PutItem writes an item.
func (r *Remote) PutItem(ctx context.Context, in *engine.PutItemInput) (*engine.PutItemOutput, error) {
	return call[engine.PutItemOutput](ctx, r, "PutItem", in)
}

// UpdateItem updates an item.
func (r *Remote) UpdateItem(ctx context.Context, in *engine.UpdateItemInput) (*engine.UpdateItemOutput, error) {
	return call[engine.UpdateItemOutput](ctx, r, "UpdateItem", in)
}

// DeleteItem deletes an item.
func (r *Remote) DeleteItem(ctx context.Context, in *engine.DeleteItemInput) (*engine.DeleteItemOutput, error) {
	return call[engine.DeleteItemOutput](ctx, r, "DeleteItem", in)
}

// Query reads an item collection.
func (r *Remote) Query(ctx context.Context, in *engine.QueryInput) (*engine.QueryOutput, error) {
	return call[engine.QueryOutput](ctx, r, "Query", in)
}

// Scan reads a table.
func (r *Remote) Scan(ctx context.Context, in *engine.ScanInput) (*engine.ScanOutput, error) {
	return call[engine.ScanOutput](ctx, r, "Scan", in)
}

// BatchGetItem reads up to 100 items.
func (r *Remote) BatchGetItem(ctx context.Context, in *engine.BatchGetItemInput) (*engine.BatchGetItemOutput, error) {
	return call[engine.BatchGetItemOutput](ctx, r, "BatchGetItem", in)
}

// BatchWriteItem writes up to 25 items; the endpoint may leave some in
// UnprocessedItems.
func (r *Remote) BatchWriteItem(ctx context.Context, in *engine.BatchWriteItemInput) (*engine.BatchWriteItemOutput, error) {
	return call[engine.BatchWriteItemOutput](ctx, r, "BatchWriteItem", in)
}

// TransactGetItems reads items in one transaction.
func (r *Remote) TransactGetItems(ctx context.Context, in *engine.TransactGetItemsInput) (*engine.TransactGetItemsOutput, error) {
	return call[engine.TransactGetItemsOutput](ctx, r, "TransactGetItems", in)
}

// TransactWriteItems writes items in one transaction.
func (r *Remote) TransactWriteItems(ctx context.Context, in *engine.TransactWriteItemsInput) (*engine.TransactWriteItemsOutput, error) {
	return call[engine.TransactWriteItemsOutput](ctx, r, "TransactWriteItems", in)
}

// ExecuteStatement runs a PartiQL statement on the endpoint (which plans
// it); Operation and ScannedCount stay unknown.
func (r *Remote) ExecuteStatement(ctx context.Context, in *partiql.ExecuteStatementInput) (*partiql.ExecuteStatementOutput, error) {
	if !r.clientSide.Load() {
		out, err := call[partiql.ExecuteStatementOutput](ctx, r, "ExecuteStatement", in)
		if !missingAPI(err) {
			return out, err
		}
		r.clientSide.Store(true) // detected once per session
	}
	return r.planner.ExecuteStatement(ctx, in)
}

// BatchExecuteStatement runs statements as one batch on the endpoint, or
// here when the endpoint has no PartiQL.
func (r *Remote) BatchExecuteStatement(ctx context.Context, in *partiql.BatchExecuteStatementInput) (*partiql.BatchExecuteStatementOutput, error) {
	if !r.clientSide.Load() {
		out, err := call[partiql.BatchExecuteStatementOutput](ctx, r, "BatchExecuteStatement", in)
		if !missingAPI(err) {
			return out, err
		}
		r.clientSide.Store(true)
	}
	return r.planner.BatchExecuteStatement(ctx, in)
}

// ExecuteTransaction runs statements as one transaction on the endpoint,
// or, when it has no PartiQL, as the TransactWriteItems or
// TransactGetItems they stand for.
func (r *Remote) ExecuteTransaction(ctx context.Context, in *partiql.ExecuteTransactionInput) (*partiql.ExecuteTransactionOutput, error) {
	if !r.clientSide.Load() {
		out, err := call[partiql.ExecuteTransactionOutput](ctx, r, "ExecuteTransaction", in)
		if !missingAPI(err) {
			return out, err
		}
		r.clientSide.Store(true)
	}
	out, err := r.planner.ExecuteTransaction(ctx, in)
	if missingAPI(err) {
		// dynalite, for one, has no transactions at all: running the
		// statements one by one would not be a transaction.
		return nil, &engine.APIError{Code: engine.CodeValidation, Message: r.endpoint +
			" has neither PartiQL nor TransactWriteItems/TransactGetItems, so the transaction cannot run atomically there; nothing was written"}
	}
	return out, err
}

// ClientSidePartiQL reports whether statements are planned here and run
// through the item API because the endpoint has no PartiQL (dynalite,
// ScyllaDB Alternator): found out on the first statement it refused.
func (r *Remote) ClientSidePartiQL() bool { return r.clientSide.Load() }

// Explain plans a statement from the endpoint's DescribeTable; the
// estimates need the embedded engine and are not made.
func (r *Remote) Explain(ctx context.Context, stmt partiql.Statement, params []attr.Value) (*partiql.Explanation, error) {
	p, err := r.planner.Plan(ctx, stmt, params)
	if err != nil {
		return nil, err
	}
	// Estimates run the reads they estimate: free in the embedded
	// engine, billed on a remote endpoint.
	ex := &partiql.Explanation{Plan: p, NoEstimate: "not available against a remote endpoint (estimates need the embedded engine)"}
	if r.clientSide.Load() {
		ex.NoEstimate += "; this endpoint has no PartiQL, so dynalab runs the plan client-side through its item API"
	}
	// Which index would serve a Scan needs only DescribeTable: no reads.
	if ex.Advice, err = r.planner.IndexAdvice(ctx, stmt, params, false); err != nil {
		return nil, err
	}
	return ex, nil
}

// Schema describes a table's keys, for statements' output.
func (r *Remote) Schema(ctx context.Context, table string, withIndexes bool) (*partiql.Schema, error) {
	return r.planner.Schema(ctx, table, withIndexes)
}

// Run executes one PartiQL statement on the endpoint, or explains it for
// EXPLAIN (without estimates).
func (r *Remote) Run(ctx context.Context, statement string, params []attr.Value, nextToken string) (*Result, error) {
	stmt, err := partiql.Parse(statement)
	if err != nil {
		return nil, err
	}
	if e, ok := stmt.(*partiql.Explain); ok {
		ex, err := r.Explain(ctx, e, params)
		if err != nil {
			return nil, err
		}
		return &Result{Plan: ex.String(), Operation: string(ex.Plan.Operation), Explanation: ex}, nil
	}
	in := &partiql.ExecuteStatementInput{Statement: statement, Parameters: params, ReturnConsumedCapacity: engine.CapacityTotal}
	if nextToken != "" {
		in.NextToken = &nextToken
	}
	out, err := r.ExecuteStatement(ctx, in)
	if err != nil {
		return nil, err
	}
	// The endpoint reports neither how many items it examined nor which
	// operation it ran: Count and ScannedCount stay 0 (unknown), so that
	// no "0 scanned" is shown. Run client-side, the plan says both.
	res := &Result{Items: out.Items, Operation: "ExecuteStatement"}
	if out.Operation != "" {
		res.Operation = string(out.Operation) + " (client-side PartiQL)"
		res.Count, res.ScannedCount = len(out.Items), out.ScannedCount
	}
	if out.NextToken != nil {
		res.NextToken = *out.NextToken
	}
	if out.ConsumedCapacity != nil {
		res.Capacity = out.ConsumedCapacity.CapacityUnits
	}
	return res, nil
}

// Remote retry policy: throttling, server errors and broken connections
// are retried with jittered exponential backoff, as the AWS SDKs do.
const (
	maxAttempts  = 4
	retryBase    = 50 * time.Millisecond
	maxRespBytes = 64 << 20 // well past the service's 16 MB BatchGetItem response
)

// call sends one DynamoDB operation and decodes its response into a new
// Out.
func call[Out any](ctx context.Context, r *Remote, op string, in any) (*Out, error) {
	return callAPI[Out](ctx, r, r.endpoint, engine.TargetPrefix, op, in)
}

// callAPI sends one operation of an API (its X-Amz-Target prefix) to
// endpoint, retrying as the SDKs do, and decodes its response into a new
// Out.
func callAPI[Out any](ctx context.Context, r *Remote, endpoint, prefix, op string, in any) (*Out, error) {
	body, err := json.Marshal(in)
	if err != nil {
		return nil, fmt.Errorf("%s: encode request: %w", op, err)
	}
	for attempt := 1; ; attempt++ {
		out := new(Out)
		err := r.send(ctx, endpoint, prefix, op, body, out)
		if err == nil {
			return out, nil
		}
		if attempt == maxAttempts || !retryable(err) || ctx.Err() != nil {
			return nil, err
		}
		d := retryBase << (attempt - 1)
		d = d/2 + rand.N(d)
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(d):
		}
	}
}

// transportError is a request that got no HTTP response.
type transportError struct{ err error }

func (e *transportError) Error() string { return e.err.Error() }
func (e *transportError) Unwrap() error { return e.err }

func retryable(err error) bool {
	var te *transportError
	if errors.As(err, &te) {
		return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
	}
	var api *engine.APIError
	if errors.As(err, &api) {
		switch api.Code {
		case engine.CodeThrottling, engine.CodeProvisionedThroughput, engine.CodeRequestLimitExceeded,
			engine.CodeInternalServerError, "ServiceUnavailable":
			return true
		}
	}
	return false
}

// send posts one signed request to endpoint and decodes the answer into
// out. DynamoDB and DynamoDB Streams both sign as the "dynamodb" service.
func (r *Remote) send(ctx context.Context, endpoint, prefix, op string, body []byte, out any) error {
	target := endpoint
	if u, err := url.Parse(target); err == nil && u.Path == "" {
		target += "/"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%s %s: %w", op, endpoint, err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", prefix+op)
	creds, err := r.creds.Retrieve(ctx)
	if err != nil {
		return fmt.Errorf("%s %s: credentials: %w", op, endpoint, err)
	}
	sum := sha256.Sum256(body)
	if err := r.signer.SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "dynamodb", r.region, time.Now()); err != nil {
		return fmt.Errorf("%s %s: sign: %w", op, endpoint, err)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return &transportError{fmt.Errorf("%s %s: %w", op, endpoint, err)}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxRespBytes))
	if err != nil {
		return &transportError{fmt.Errorf("%s %s: read response: %w", op, endpoint, err)}
	}
	if resp.StatusCode != http.StatusOK {
		return responseError(op, endpoint, resp, data)
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("%s %s: decode response: %w", op, endpoint, err)
	}
	return nil
}

// wireError is the body of an error response.
type wireError struct {
	Type                string                      `json:"__type"`
	Message             string                      `json:"message"`
	UpperMessage        string                      `json:"Message"`
	Item                attr.Item                   `json:"Item"`
	CancellationReasons []engine.CancellationReason `json:"CancellationReasons"`
	// ThrottlingReasons is spelled throttlingReasons on ThrottlingException;
	// encoding/json matches member names case-insensitively.
	ThrottlingReasons []engine.ThrottlingReason `json:"ThrottlingReasons"`
}

// responseError turns an error response into the *engine.APIError it
// stands for; a body that is no DynamoDB error (a proxy's page, say) is
// reported with its status.
func responseError(op, endpoint string, resp *http.Response, data []byte) error {
	var w wireError
	if err := json.Unmarshal(data, &w); err != nil || (w.Type == "" && resp.Header.Get("X-Amzn-ErrorType") == "") {
		snippet := strings.TrimSpace(string(data))
		if len(snippet) > 200 {
			snippet = snippet[:200] + "…"
		}
		if resp.StatusCode >= 500 {
			return &engine.APIError{Code: "ServiceUnavailable", Message: fmt.Sprintf("%s %s: HTTP %s: %s", op, endpoint, resp.Status, snippet)}
		}
		return fmt.Errorf("%s %s: HTTP %s (not a DynamoDB endpoint?): %s", op, endpoint, resp.Status, snippet)
	}
	code := w.Type
	if code == "" {
		code = resp.Header.Get("X-Amzn-ErrorType")
	}
	if i := strings.LastIndexByte(code, '#'); i >= 0 {
		code = code[i+1:]
	}
	if i := strings.IndexByte(code, ':'); i >= 0 { // "Code:http://internal.amazon.com/..."
		code = code[:i]
	}
	msg := w.Message
	if msg == "" {
		msg = w.UpperMessage
	}
	return &engine.APIError{Code: code, Message: msg, Item: w.Item, CancellationReasons: w.CancellationReasons, ThrottlingReasons: w.ThrottlingReasons}
}

// Remote is a Backend, and a partiql.Backend for scripts.
var (
	_ Backend         = (*Remote)(nil)
	_ partiql.Backend = (*Remote)(nil)
)

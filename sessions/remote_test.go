package sessions

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/engine/server"
	"dynalab/partiql"
)

// serveDB serves db (with PartiQL) on a loopback port, as "dynalab serve"
// does, until the test ends, and returns its endpoint.
func serveDB(t *testing.T, db *engine.DB) string {
	t.Helper()
	return serveDispatcher(t, server.Chain{db, partiql.NewDispatcher(partiql.New(db, partiql.Options{}))})
}

// serveDispatcher serves d on a loopback port until the test ends.
func serveDispatcher(t *testing.T, d server.Dispatcher) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	srv := server.New(d, server.Options{})
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}

// secondServer starts a second dynalab on loopback over its own in-memory
// database, as a remote session's endpoint.
func secondServer(t *testing.T) (*engine.DB, string) {
	t.Helper()
	db, err := engine.Open(engine.Options{Path: engine.InMemory})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, serveDB(t, db)
}

// isolateAWSConfig keeps the AWS config chain away from the real
// environment and home directory.
func isolateAWSConfig(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	return dir
}

// sameJSON fails unless a and b have the same JSON form.
func sameJSON(t *testing.T, what string, a, b any) {
	t.Helper()
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Errorf("%s differs:\nremote %s\nlocal  %s", what, ja, jb)
	}
}

// TestRemoteSession drives a second dynalab server on loopback through a
// remote session with the Backend methods the workbench uses, and checks
// every answer against the serving engine's own.
func TestRemoteSession(t *testing.T) {
	h, _ := home(t)
	isolateAWSConfig(t)
	db, endpoint := secondServer(t)
	if _, err := h.Create("lab2", Settings{Endpoint: endpoint}); err != nil {
		t.Fatal(err)
	}
	b, err := Open(context.Background(), Selector{Home: h, Session: "lab2"})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	r, ok := b.(*Remote)
	if !ok || r.Kind() != KindRemote || r.Name() != "lab2" || r.Endpoint() != endpoint || r.Region() != "us-east-1" || r.Held() != "" {
		t.Fatalf("opened %T %+v", b, b)
	}
	ctx := context.Background()

	ct, err := b.CreateTable(ctx, &engine.CreateTableInput{
		TableName:   "AppTable",
		BillingMode: engine.BillingPayPerRequest,
		AttributeDefinitions: []engine.AttributeDefinition{
			{AttributeName: "PK", AttributeType: "S"}, {AttributeName: "SK", AttributeType: "S"}},
		KeySchema: []engine.KeySchemaElement{
			{AttributeName: "PK", KeyType: engine.KeyTypeHash}, {AttributeName: "SK", KeyType: engine.KeyTypeRange}},
	})
	if err != nil || ct.TableDescription.TableName != "AppTable" {
		t.Fatalf("create: %+v %v", ct, err)
	}
	for _, it := range []string{
		`{"PK":{"S":"USER#u1"},"SK":{"S":"PROFILE"},"name":{"S":"Alice"},"version":{"N":"1"},"tags":{"SS":["a","b"]},"pic":{"B":"AAE="}}`,
		`{"PK":{"S":"USER#u1"},"SK":{"S":"ORDER#2025-01-01"},"total":{"N":"42.50"}}`,
		`{"PK":{"S":"USER#u1"},"SK":{"S":"ORDER#2025-02-03"},"total":{"N":"17"},"lines":{"L":[{"M":{"sku":{"S":"x"},"n":{"N":"12345678901234567890.123456789"}}}]}}`,
	} {
		put(t, b, "AppTable", it)
	}

	lt, err := b.ListTables(ctx, &engine.ListTablesInput{})
	if err != nil || strings.Join(lt.TableNames, ",") != "AppTable" {
		t.Fatalf("list: %+v %v", lt, err)
	}
	rd, err := b.DescribeTable(ctx, &engine.DescribeTableInput{TableName: "AppTable"})
	if err != nil {
		t.Fatal(err)
	}
	ld, _ := db.DescribeTable(ctx, &engine.DescribeTableInput{TableName: "AppTable"})
	sameJSON(t, "DescribeTable", rd, ld)
	if rd.Table.ItemCount != 3 {
		t.Fatalf("ItemCount %d", rd.Table.ItemCount)
	}

	key := mustItem(t, `{"PK":{"S":"USER#u1"},"SK":{"S":"PROFILE"}}`)
	g, err := b.GetItem(ctx, &engine.GetItemInput{TableName: "AppTable", Key: key, ReturnConsumedCapacity: engine.CapacityTotal})
	if err != nil {
		t.Fatal(err)
	}
	lg, _ := db.GetItem(ctx, &engine.GetItemInput{TableName: "AppTable", Key: key, ReturnConsumedCapacity: engine.CapacityTotal})
	sameJSON(t, "GetItem", g, lg)
	if g.Item["name"].Str() != "Alice" || g.ConsumedCapacity == nil || g.ConsumedCapacity.CapacityUnits != 0.5 {
		t.Fatalf("get %+v", g)
	}
	missing, err := b.GetItem(ctx, &engine.GetItemInput{TableName: "AppTable", Key: mustItem(t, `{"PK":{"S":"nobody"},"SK":{"S":"x"}}`)})
	if err != nil || missing.Item != nil {
		t.Fatalf("get missing: %+v %v", missing, err)
	}

	q := &engine.QueryInput{TableName: "AppTable", KeyConditionExpression: ptr("PK = :pk AND begins_with(SK, :o)"),
		ExpressionAttributeValues: engine.Values{":pk": attr.S("USER#u1"), ":o": attr.S("ORDER#")},
		ScanIndexForward:          ptr(false), Limit: ptr(int64(1))}
	rq, err := b.Query(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	lq, _ := db.Query(ctx, q)
	sameJSON(t, "Query", rq, lq)
	if rq.Count != 1 || rq.Items[0]["SK"].Str() != "ORDER#2025-02-03" || rq.LastEvaluatedKey == nil {
		t.Fatalf("query %+v", rq)
	}
	scan := &engine.ScanInput{TableName: "AppTable", FilterExpression: ptr("attribute_exists(#t)"), ExpressionAttributeNames: map[string]string{"#t": "total"}}
	rs, err := b.Scan(ctx, scan)
	if err != nil {
		t.Fatal(err)
	}
	ls, _ := db.Scan(ctx, scan)
	sameJSON(t, "Scan", rs, ls)
	if rs.Count != 2 || rs.ScannedCount != 3 {
		t.Fatalf("scan %+v", rs)
	}

	u, err := b.UpdateItem(ctx, &engine.UpdateItemInput{TableName: "AppTable", Key: key,
		UpdateExpression:          ptr("SET #n = :n, version = version + :one"),
		ConditionExpression:       ptr("version = :v"),
		ExpressionAttributeNames:  map[string]string{"#n": "name"},
		ExpressionAttributeValues: engine.Values{":n": attr.S("Alice K"), ":one": mustN(t, "1"), ":v": mustN(t, "1")},
		ReturnValues:              engine.ReturnUpdatedNew})
	if err != nil || u.Attributes["name"].Str() != "Alice K" || u.Attributes["version"].Str() != "2" {
		t.Fatalf("update: %+v %v", u, err)
	}

	// A failed condition comes back as the engine's error, old item included.
	_, err = b.PutItem(ctx, &engine.PutItemInput{TableName: "AppTable", Item: key,
		ConditionExpression: ptr("attribute_not_exists(PK)"), ReturnValuesOnConditionCheckFailure: engine.ReturnAllOld})
	var api *engine.APIError
	if !errors.As(err, &api) || api.Code != engine.CodeConditionalCheckFailed || api.Message != "The conditional request failed" || api.Item["name"].Str() != "Alice K" {
		t.Fatalf("conditional put: %#v", err)
	}
	_, err = b.GetItem(ctx, &engine.GetItemInput{TableName: "Nope", Key: key})
	if !errors.As(err, &api) || api.Code != engine.CodeResourceNotFound || api.Message != "Requested resource not found" {
		t.Fatalf("missing table: %#v", err)
	}
	_, err = b.Query(ctx, &engine.QueryInput{TableName: "AppTable", KeyConditionExpression: ptr("PK = :pk AND")})
	_, lerr := db.Query(ctx, &engine.QueryInput{TableName: "AppTable", KeyConditionExpression: ptr("PK = :pk AND")})
	if !errors.As(err, &api) || api.Code != engine.CodeValidation || err.Error() != lerr.Error() {
		t.Fatalf("bad expression: %v; local says %v", err, lerr)
	}

	// Batches and transactions.
	bw, err := b.BatchWriteItem(ctx, &engine.BatchWriteItemInput{RequestItems: map[string][]engine.WriteRequest{"AppTable": {
		{PutRequest: &engine.PutRequest{Item: mustItem(t, `{"PK":{"S":"USER#u2"},"SK":{"S":"PROFILE"}}`)}},
		{PutRequest: &engine.PutRequest{Item: mustItem(t, `{"PK":{"S":"USER#u3"},"SK":{"S":"PROFILE"}}`)}},
		{DeleteRequest: &engine.DeleteRequest{Key: mustItem(t, `{"PK":{"S":"USER#u1"},"SK":{"S":"ORDER#2025-01-01"}}`)}},
	}}})
	if err != nil || len(bw.UnprocessedItems) != 0 {
		t.Fatalf("batch write: %+v %v", bw, err)
	}
	bg, err := b.BatchGetItem(ctx, &engine.BatchGetItemInput{RequestItems: map[string]engine.KeysAndAttributes{"AppTable": {Keys: []attr.Item{
		mustItem(t, `{"PK":{"S":"USER#u2"},"SK":{"S":"PROFILE"}}`),
		mustItem(t, `{"PK":{"S":"USER#u3"},"SK":{"S":"PROFILE"}}`),
		mustItem(t, `{"PK":{"S":"USER#u1"},"SK":{"S":"ORDER#2025-01-01"}}`),
	}}}})
	if err != nil || len(bg.Responses["AppTable"]) != 2 {
		t.Fatalf("batch get: %+v %v", bg, err)
	}
	_, err = b.TransactWriteItems(ctx, &engine.TransactWriteItemsInput{TransactItems: []engine.TransactWriteItem{
		{Put: &engine.TransactPut{TableName: "AppTable", Item: mustItem(t, `{"PK":{"S":"USER#u4"},"SK":{"S":"PROFILE"}}`)}},
		{ConditionCheck: &engine.TransactCondition{TableName: "AppTable", Key: mustItem(t, `{"PK":{"S":"USER#u2"},"SK":{"S":"PROFILE"}}`),
			ConditionExpression: ptr("attribute_not_exists(PK)")}},
	}})
	if !errors.As(err, &api) || api.Code != engine.CodeTransactionCanceled || len(api.CancellationReasons) != 2 ||
		api.CancellationReasons[0].Code != "None" || api.CancellationReasons[1].Code != "ConditionalCheckFailed" {
		t.Fatalf("canceled transaction: %#v", err)
	}
	tg, err := b.TransactGetItems(ctx, &engine.TransactGetItemsInput{TransactItems: []engine.TransactGetItem{
		{Get: &engine.TransactGet{TableName: "AppTable", Key: mustItem(t, `{"PK":{"S":"USER#u2"},"SK":{"S":"PROFILE"}}`)}}}})
	if err != nil || len(tg.Responses) != 1 || tg.Responses[0].Item["PK"].Str() != "USER#u2" {
		t.Fatalf("transact get: %+v %v", tg, err)
	}

	d, err := b.DeleteItem(ctx, &engine.DeleteItemInput{TableName: "AppTable", Key: key, ReturnValues: engine.ReturnAllOld})
	if err != nil || d.Attributes["name"].Str() != "Alice K" {
		t.Fatalf("delete: %+v %v", d, err)
	}

	// PartiQL goes to ExecuteStatement; EXPLAIN plans without estimates.
	if _, err := b.Run(ctx, `INSERT INTO "AppTable" VALUE {'PK':'USER#u9','SK':'PROFILE','name':'Zed'}`, nil, ""); err != nil {
		t.Fatal(err)
	}
	res, err := b.Run(ctx, `SELECT name FROM "AppTable" WHERE PK=? AND SK='PROFILE'`, []attr.Value{attr.S("USER#u9")}, "")
	if err != nil || len(res.Items) != 1 || res.Count != 0 || res.Items[0]["name"].Str() != "Zed" || res.Operation != "ExecuteStatement" || res.Capacity != 0.5 {
		t.Fatalf("select: %+v %v", res, err)
	}
	res, err = b.Run(ctx, `EXPLAIN SELECT * FROM "AppTable" WHERE name = 'Zed'`, nil, "")
	if err != nil || !strings.HasPrefix(res.Plan, "Operation: Scan on AppTable") || !strings.Contains(res.Plan, "need the embedded engine") {
		t.Fatalf("explain: %+v %v", res, err)
	}
	if ex := res.Explanation; ex == nil || ex.Plan.Operation != partiql.OperationScan || ex.Estimate != nil || ex.NoEstimate == "" {
		t.Fatalf("explanation: %+v", res.Explanation)
	}
	_, err = b.Run(ctx, "SELECT * FROM", nil, "")
	var perr *partiql.Error
	if !errors.As(err, &perr) {
		t.Fatalf("parse error: %v", err)
	}
	_, err = b.Run(ctx, `INSERT INTO "AppTable" VALUE {'PK':'USER#u9','SK':'PROFILE'}`, nil, "")
	if !errors.As(err, &api) || api.Code != engine.CodeDuplicateItem {
		t.Fatalf("duplicate insert: %#v", err)
	}
	if sc, _ := PartiQL(b).(*Remote); sc != b {
		t.Fatalf("PartiQL(remote) = %T", sc)
	}

	if _, err := b.DeleteTable(ctx, &engine.DeleteTableInput{TableName: "AppTable"}); err != nil {
		t.Fatal(err)
	}
	if out, _ := db.ListTables(ctx, &engine.ListTablesInput{}); len(out.TableNames) != 0 {
		t.Fatalf("tables left on the server: %v", out.TableNames)
	}
}

// TestViaHolder checks that a session held by a running dynalab is
// reached through its endpoint when the selector asks, and refused with
// the holder's pid and endpoint otherwise.
func TestViaHolder(t *testing.T) {
	h, _ := home(t)
	isolateAWSConfig(t)
	holder := mustLocal(t, Selector{Home: h})
	endpoint := serveDB(t, holder.db)
	if err := holder.SetEndpoint(endpoint); err != nil {
		t.Fatal(err)
	}
	createTable(t, holder, "Held")

	_, err := Open(context.Background(), Selector{Home: h})
	if !errors.Is(err, engine.ErrLocked) || !strings.Contains(err.Error(), endpoint) || !strings.Contains(err.Error(), "quit that workbench") {
		t.Fatalf("open held session: %v", err)
	}
	b, err := Open(context.Background(), Selector{Home: h, ViaHolder: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	r, ok := b.(*Remote)
	if !ok || r.Held() != holder.Path() || r.Endpoint() != endpoint || r.Name() != DefaultName {
		t.Fatalf("via holder: %T %+v", b, b)
	}
	put(t, b, "Held", `{"id":{"S":"through"}}`)
	if n := count(t, holder, "Held"); n != 1 {
		t.Fatalf("the holder sees %d items", n)
	}
	info, err := h.Show(DefaultName)
	if err != nil || info.Holder == nil || info.Holder.PID != os.Getpid() || info.Holder.Endpoint != endpoint {
		t.Fatalf("show: %+v %v", info, err)
	}

	// A holder that serves nothing cannot be gone through.
	data := filepath.Join(t.TempDir(), "quiet.db")
	quiet := mustLocal(t, Selector{Home: h, Data: data})
	_ = quiet
	if _, err := Open(context.Background(), Selector{Home: h, Data: data, ViaHolder: true}); !errors.Is(err, engine.ErrLocked) || !strings.Contains(err.Error(), "serves no endpoint") {
		t.Fatalf("held without endpoint: %v", err)
	}
}

// TestRemoteCredentials checks where a remote session's signature comes
// from: the AWS config chain (a profile's keys) when it has credentials,
// placeholders for a local endpoint when it has none.
func TestRemoteCredentials(t *testing.T) {
	h, _ := home(t)
	dir := isolateAWSConfig(t)
	var auth atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth.Store(r.Header.Get("Authorization"))
		w.Write([]byte(`{"TableNames":[]}`))
	}))
	defer srv.Close()
	list := func(b Backend) string {
		t.Helper()
		if _, err := b.ListTables(context.Background(), &engine.ListTablesInput{}); err != nil {
			t.Fatal(err)
		}
		return auth.Load().(string)
	}

	b, err := Open(context.Background(), Selector{Home: h, Endpoint: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if a := list(b); !strings.Contains(a, "Credential=dynalab/") || !strings.Contains(a, "/us-east-1/dynamodb/aws4_request") {
		t.Fatalf("no credentials configured: %q", a)
	}

	creds := "[lab]\naws_access_key_id = AKIDLAB\naws_secret_access_key = secret\n"
	if err := os.WriteFile(filepath.Join(dir, "credentials"), []byte(creds), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config"), []byte("[profile lab]\nregion = eu-west-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Create("prof", Settings{Endpoint: srv.URL, Profile: "lab"}); err != nil {
		t.Fatal(err)
	}
	b, err = Open(context.Background(), Selector{Home: h, Session: "prof"})
	if err != nil {
		t.Fatal(err)
	}
	if a := list(b); !strings.Contains(a, "Credential=AKIDLAB/") || !strings.Contains(a, "/eu-west-1/dynamodb/") {
		t.Fatalf("profile lab: %q", a)
	}
	// --region overrides the profile's.
	b, err = Open(context.Background(), Selector{Home: h, Session: "prof", Region: "ap-south-1"})
	if err != nil {
		t.Fatal(err)
	}
	if a := list(b); !strings.Contains(a, "/ap-south-1/dynamodb/") {
		t.Fatalf("--region: %q", a)
	}

	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "x")
	b, err = Open(context.Background(), Selector{Home: h, Endpoint: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if a := list(b); !strings.Contains(a, "Credential=AKIDENV/") {
		t.Fatalf("environment credentials: %q", a)
	}

	if _, err := Open(context.Background(), Selector{Home: h, Endpoint: srv.URL, Profile: "missing"}); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("missing profile: %v", err)
	}
	// AWS itself needs a region from somewhere.
	if _, err := h.Create("aws", Settings{Profile: "lab"}); err != nil {
		t.Fatal(err)
	}
	r, err := Open(context.Background(), Selector{Home: h, Session: "aws"})
	if err != nil || r.Endpoint() != "https://dynamodb.eu-west-1.amazonaws.com" {
		t.Fatalf("AWS session: %v %v", r, err)
	}
	if _, err := OpenRemote(context.Background(), "x", RemoteOptions{}); err == nil || !strings.Contains(err.Error(), "no region") {
		t.Fatalf("AWS without a region: %v", err)
	}
}

// TestRemoteErrors checks retries of throttling and the errors of an
// endpoint that is not DynamoDB.
func TestRemoteErrors(t *testing.T) {
	isolateAWSConfig(t)
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Header.Get("X-Amz-Target") {
		case "DynamoDB_20120810.ListTables":
			if calls.Add(1) < 3 {
				w.WriteHeader(400)
				w.Write([]byte(`{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"Rate exceeded","throttlingReasons":[{"reason":"TableReadKeyRangeThroughputExceeded","resource":"arn:aws:dynamodb:us-east-1:1:table/T"}]}`))
				return
			}
			w.Write([]byte(`{"TableNames":["T"]}`))
		case "DynamoDB_20120810.DescribeTable":
			w.WriteHeader(400)
			w.Write([]byte(`{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found: Table: T not found"}`))
		default:
			w.WriteHeader(404)
			w.Write([]byte("<html>no such page</html>"))
		}
	}))
	defer srv.Close()
	r, err := OpenRemote(context.Background(), "x", RemoteOptions{Endpoint: srv.URL, Placeholder: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	out, err := r.ListTables(ctx, &engine.ListTablesInput{})
	if err != nil || len(out.TableNames) != 1 || calls.Load() != 3 {
		t.Fatalf("after throttling: %+v %v (%d calls)", out, err, calls.Load())
	}
	// Past the attempts, the last throttling error is returned whole.
	calls.Store(-10)
	_, err = r.ListTables(ctx, &engine.ListTablesInput{})
	var api *engine.APIError
	if !errors.As(err, &api) || api.Code != engine.CodeThrottling || len(api.ThrottlingReasons) != 1 ||
		api.ThrottlingReasons[0].Reason != "TableReadKeyRangeThroughputExceeded" || calls.Load() != -10+maxAttempts {
		t.Fatalf("throttled throughout: %#v (%d calls)", err, calls.Load())
	}
	_, err = r.DescribeTable(ctx, &engine.DescribeTableInput{TableName: "T"})
	if !errors.As(err, &api) || api.Code != engine.CodeResourceNotFound || api.Message != "Requested resource not found: Table: T not found" {
		t.Fatalf("not found: %#v", err)
	}
	_, err = r.Scan(ctx, &engine.ScanInput{TableName: "T"})
	if err == nil || errors.As(err, &api) || !strings.Contains(err.Error(), "404") || !strings.Contains(err.Error(), "not a DynamoDB endpoint?") {
		t.Fatalf("not DynamoDB: %v", err)
	}
	srv.Close()
	if _, err := r.GetItem(ctx, &engine.GetItemInput{TableName: "T"}); err == nil || !strings.Contains(err.Error(), srv.URL) {
		t.Fatalf("unreachable: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }

func mustN(t *testing.T, s string) attr.Value {
	t.Helper()
	v, err := attr.N(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestRemoteScript runs a script against an endpoint, as dynalab run
// --endpoint does: statements go to ExecuteStatement; EXPLAIN plans here
// from the endpoint's DescribeTable, without estimates.
func TestRemoteScript(t *testing.T) {
	db, endpoint := secondServer(t)
	ctx := context.Background()
	_, err := db.CreateTable(ctx, &engine.CreateTableInput{TableName: "AppTable", BillingMode: engine.BillingPayPerRequest,
		AttributeDefinitions: []engine.AttributeDefinition{{AttributeName: "PK", AttributeType: "S"}, {AttributeName: "SK", AttributeType: "S"}},
		KeySchema:            []engine.KeySchemaElement{{AttributeName: "PK", KeyType: "HASH"}, {AttributeName: "SK", KeyType: "RANGE"}}})
	if err != nil {
		t.Fatal(err)
	}
	remote, err := OpenRemote(ctx, "r", RemoteOptions{Endpoint: endpoint, Placeholder: true})
	if err != nil {
		t.Fatal(err)
	}
	defer remote.Close()
	var out, errOut strings.Builder
	r := &partiql.Runner{Backend: PartiQL(remote), Out: &out, Err: &errOut, Format: partiql.FormatDDB}
	script := `INSERT INTO AppTable VALUE {'PK': 'p', 'SK': 's', 'b': <<1, 2>>, 'm': {'l': [true, null, 'x']}};
SELECT * FROM AppTable WHERE PK = 'p';
EXPLAIN SELECT * FROM AppTable WHERE PK = 'p';
SELECT * FROM Nope`
	err = r.Run(ctx, "remote.sql", script)
	if err == nil || errOut.String() != "remote.sql:4:1: ResourceNotFoundException: Requested resource not found\n" {
		t.Fatalf("%v %q", err, errOut.String())
	}
	for _, want := range []string{
		`{"PK":{"S":"p"},"SK":{"S":"s"},"b":{"NS":["1","2"]},"m":{"M":{"l":{"L":[{"BOOL":true},{"NULL":true},{"S":"x"}]}}}}`,
		`"Operation": "Query"`,
		`"NoEstimate": "not available against a remote endpoint (estimates need the embedded engine)"`,
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %s:\n%s", want, out.String())
		}
	}
}

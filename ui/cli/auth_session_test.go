package cli

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"dynalab/engine"
	"dynalab/engine/enginetest"
	"dynalab/sessions"
)

// writeAuthFile writes authFileJSON to dir/auth.json.
func writeAuthFile(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "auth.json")
	if err := os.WriteFile(path, []byte(authFileJSON), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func plainClient(endpoint, akid, secret string) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		BaseEndpoint: aws.String(endpoint),
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(akid, secret, ""),
		Retryer:      aws.NopRetryer{},
	})
}

// TestSessionAuthSetting: a session carries an auth file that serve
// --session uses without --auth; --auth overrides it, --no-auth drops it.
func TestSessionAuthSetting(t *testing.T) {
	dir := sessionHome(t)
	authFile := writeAuthFile(t, dir)
	if code, _, errOut := cli(t, "session", "new", "shared", "--auth", filepath.Join(dir, "missing.json")); code != 1 || !strings.Contains(errOut, "missing.json") {
		t.Errorf("missing auth file: %d %s", code, errOut)
	}
	if code, _, errOut := cli(t, "session", "new", "far", "--endpoint", "http://localhost:9", "--auth", authFile); code != 1 || !strings.Contains(errOut, "--auth is for local sessions") {
		t.Errorf("remote with auth: %d %s", code, errOut)
	}
	// A relative path is stored absolute.
	t.Chdir(dir)
	if code, out, errOut := cli(t, "session", "new", "shared", "--auth", "auth.json"); code != 0 {
		t.Fatalf("session new: %d %s %s", code, out, errOut)
	}
	st, err := testHome(t).Load("shared")
	if err != nil || st.Auth != authFile {
		t.Fatalf("settings %+v, %v; want auth %s", st, err, authFile)
	}
	if _, out, _ := cli(t, "session", "show", "shared"); !strings.Contains(out, "auth") || !strings.Contains(out, authFile) {
		t.Errorf("show lacks the auth file:\n%s", out)
	}

	ctx := context.Background()
	listTables := func(endpoint, akid, secret string) string {
		_, err := plainClient(endpoint, akid, secret).ListTables(ctx, &dynamodb.ListTablesInput{})
		return errorCode(err)
	}
	s := startServe(t, "--session", "shared", "--listen", "127.0.0.1:0")
	if out := s.waitOutput(`session "shared"'s auth file`); !strings.Contains(out, authFile) {
		t.Errorf("greeting:\n%s", out)
	}
	if code := listTables(s.endpoint, "AKIDADMIN", "admin-secret"); code != "" {
		t.Errorf("admin: %s", code)
	}
	if code := listTables(s.endpoint, "AKIDADMIN", "wrong"); code != "InvalidSignatureException" {
		t.Errorf("wrong secret: %q", code)
	}
	if code := listTables(s.endpoint, "x", "x"); code != "UnrecognizedClientException" {
		t.Errorf("any credentials: %q", code)
	}
}

func TestSessionAuthOverrides(t *testing.T) {
	dir := sessionHome(t)
	authFile := writeAuthFile(t, dir)
	other := filepath.Join(dir, "other.json")
	if err := os.WriteFile(other, []byte(`{"users":[{"accessKeyId":"AKIDOTHER","secretAccessKey":"other-secret",
	  "policy":{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*"}}}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	// The default session is set, not created.
	if code, out, errOut := cli(t, "session", "set", "default", "--auth", authFile); code != 0 || !strings.Contains(out, "auth: "+authFile) {
		t.Fatalf("session set: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := cli(t, "session", "set", "default"); code != 2 || !strings.Contains(errOut, "nothing to change") {
		t.Errorf("set nothing: %d %s", code, errOut)
	}
	if code, _, errOut := cli(t, "session", "set", "default", "--auth", authFile, "--no-auth"); code != 2 || !strings.Contains(errOut, "exclude each other") {
		t.Errorf("--auth --no-auth: %d %s", code, errOut)
	}
	ctx := context.Background()
	listTables := func(endpoint, akid, secret string) string {
		_, err := plainClient(endpoint, akid, secret).ListTables(ctx, &dynamodb.ListTablesInput{})
		return errorCode(err)
	}
	// An explicit --auth wins over the session's.
	s := startServe(t, "--listen", "127.0.0.1:0", "--auth", other)
	if code := listTables(s.endpoint, "AKIDOTHER", "other-secret"); code != "" {
		t.Errorf("--auth's user: %s", code)
	}
	if code := listTables(s.endpoint, "AKIDADMIN", "admin-secret"); code != "UnrecognizedClientException" {
		t.Errorf("the session's user under --auth: %q", code)
	}
}

func TestSessionAuthNoAuth(t *testing.T) {
	dir := sessionHome(t)
	authFile := writeAuthFile(t, dir)
	if code, _, errOut := cli(t, "session", "set", "default", "--auth", authFile, "--theme", "light"); code != 0 {
		t.Fatal(errOut)
	}
	s := startServe(t, "--listen", "127.0.0.1:0", "--no-auth")
	if _, err := plainClient(s.endpoint, "x", "x").ListTables(context.Background(), &dynamodb.ListTablesInput{}); err != nil {
		t.Errorf("--no-auth: %v", err)
	}
	if code, out, _ := cli(t, "session", "set", "default", "--no-auth"); code != 0 || !strings.Contains(out, "auth: none") {
		t.Errorf("session set --no-auth: %d %s", code, out)
	}
	st, _ := testHome(t).Load("default")
	if st.Auth != "" || st.Theme != "light" {
		t.Errorf("settings after --no-auth: %+v", st)
	}
	if code, _, errOut := cli(t, "serve", "--in-memory", "--auth", authFile, "--no-auth"); code != 2 || !strings.Contains(errOut, "exclude each other") {
		t.Errorf("serve --auth --no-auth: %d %s", code, errOut)
	}
}

// TestWorkbenchAuthFeed: the workbench's server guards with the session's
// auth file and reports every decision, with its trace, to the feed of
// the Activity pane.
func TestWorkbenchAuthFeed(t *testing.T) {
	dir := sessionHome(t)
	authFile := writeAuthFile(t, dir)
	if code, _, errOut := cli(t, "session", "set", "default", "--auth", authFile); code != 0 {
		t.Fatal(errOut)
	}
	local, err := sessions.OpenLocal("default", engine.Options{Path: engine.InMemory})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { local.Close() })
	subCtx, stop := context.WithCancel(context.Background())
	t.Cleanup(stop)
	feed := local.Subscribe(subCtx).Events
	opts, err := workbenchServeOptions(sessions.Selector{Home: testHome(t)})
	if err != nil || opts.Users == nil || !opts.Activity {
		t.Fatalf("options %+v, %v", opts, err)
	}
	ts := struct{ URL string }{serveLocal(t, subCtx, local, opts)}
	ctx := context.Background()
	admin := plainClient(ts.URL, "AKIDADMIN", "admin-secret")
	if _, err := admin.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("AppTable"),
		BillingMode:          types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("PK"), AttributeType: types.ScalarAttributeTypeS}, {AttributeName: aws.String("SK"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("PK"), KeyType: types.KeyTypeHash}, {AttributeName: aws.String("SK"), KeyType: types.KeyTypeRange}},
	}); err != nil {
		t.Fatal(err)
	}
	user := plainClient(ts.URL, "AKIDU123", "u123-secret")
	get := func(pk string) error {
		_, err := user.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("AppTable"),
			Key: map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: pk}, "SK": &types.AttributeValueMemberS{Value: "P"}}})
		return err
	}
	if err := get("USER#u123"); err != nil {
		t.Fatal(err)
	}
	if code := errorCode(get("USER#u999")); code != "AccessDeniedException" {
		t.Fatalf("another's item: %s", code)
	}
	var events []sessions.Event
	for len(events) < 3 { // the auth decisions; the Served lines are TestWorkbenchListsServedRequests's
		if ev := <-feed; ev.Source == "Auth" {
			events = append(events, ev)
		}
	}
	detail := func(e sessions.Event) string { return e.Summary + "\n" + strings.Join(e.Detail, "\n") }
	if e := events[0]; e.Operation != "CreateTable" || e.Err != nil || !strings.HasPrefix(e.Summary, "admin allowed by #1 (identity-based policy)") {
		t.Errorf("create: %+v", e)
	}
	if e := events[1]; e.Source != "Auth" || e.Operation != "GetItem" || e.Target != "AppTable" || e.Err != nil ||
		!strings.Contains(detail(e), "u123 allowed by OwnItemsOnly (identity-based policy)\n") ||
		!strings.Contains(detail(e), "OwnItemsOnly: Allow matches") {
		t.Errorf("allowed get: %+v", e)
	}
	e := events[2]
	if e.Err == nil {
		t.Fatalf("denied get: %+v", e)
	}
	full := e.Err.Error() + "\n" + detail(e)
	for _, want := range []string{"AccessDeniedException", "u123 denied: no policy allows dynamodb:GetItem",
		`OwnItemsOnly: condition ForAllValues:StringEquals dynamodb:leadingkeys not met (request: ["USER#u999"])`} {
		if !strings.Contains(full, want) {
			t.Errorf("denied detail lacks %q:\n%s", want, full)
		}
	}
}

func TestAuthExplain(t *testing.T) {
	dir := t.TempDir()
	authFile := writeAuthFile(t, dir)
	policy := filepath.Join(dir, "table.json")
	if err := os.WriteFile(policy, []byte(`{"Version":"2012-10-17","Statement":[{"Sid":"NoSSN","Effect":"Deny","Principal":"*",
	  "Action":"dynamodb:GetItem","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"dynamodb:Attributes":["ssn"]}}}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	req := filepath.Join(dir, "req.json")
	if err := os.WriteFile(req, []byte(`{"TableName":"AppTable","Key":{"PK":{"S":"USER#u123"}},"ProjectionExpression":"ssn"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	base := []string{"auth", "explain", "--auth", authFile, "--access-key", "AKIDU123", "--target", "GetItem", "--partition-key", "AppTable=PK"}
	code, out, errOut := cli(t, append(base, req)...)
	if code != 0 {
		t.Fatalf("explain: %d %s", code, errOut)
	}
	for _, want := range []string{"GetItem by arn:aws:iam::000000000000:user/u123: ALLOWED", "allow by OwnItemsOnly (identity-based policy)",
		`dynamodb:leadingkeys = ["USER#u123"]`, "OwnItemsOnly: Allow matches"} {
		if !strings.Contains(out, want) {
			t.Errorf("explain lacks %q:\n%s", want, out)
		}
	}
	_, out, _ = cli(t, append(base, "--table-policy", "AppTable="+policy, req)...)
	for _, want := range []string{": DENIED", "with an explicit deny in a resource-based policy",
		"explicit-deny by NoSSN (resource-based policy of AppTable)", "identity: OwnItemsOnly: Allow matches", "resource AppTable: NoSSN: Deny matches"} {
		if !strings.Contains(out, want) {
			t.Errorf("explain with the table policy lacks %q:\n%s", want, out)
		}
	}
	if code, _, errOut := cli(t, "auth", "explain", req); code != 2 || !strings.Contains(errOut, "required") {
		t.Errorf("no flags: %d %s", code, errOut)
	}
	if _, out, _ := cli(t, "auth", "explain", "--auth", authFile, "--access-key", "NOPE", "--target", "GetItem", req); !strings.Contains(out, "UnrecognizedClientException") {
		t.Errorf("unknown key:\n%s", out)
	}
}

// TestRunThroughAnAuthenticatedHolder: a command reaching a session held
// by serve --auth signs with the AWS chain's credentials (here the
// environment's), not placeholders: with the admin's keys the script
// runs; without keys it is refused as the server refuses strangers.
func TestRunThroughAnAuthenticatedHolder(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	t.Parallel()
	bin := binary(t)
	dir := t.TempDir()
	env := isolatedEnv(dir)
	authFile := writeAuthFile(t, dir)
	if code, _, errOut := runBinary(t, bin, env, "session", "new", "lab"); code != 0 {
		t.Fatal(errOut)
	}
	if code, _, errOut := runBinary(t, bin, env, "session", "set", "lab", "--auth", authFile); code != 0 {
		t.Fatal(errOut)
	}
	srv, endpoint := startBinary(t, bin, env, "serve", "--session", "lab", "--listen", "127.0.0.1:0")
	defer func() { srv.Process.Kill(); srv.Wait() }()
	admin := plainClient(endpoint, "AKIDADMIN", "admin-secret")
	if _, err := admin.CreateTable(enginetest.Ctx(t), &dynamodb.CreateTableInput{
		TableName:            aws.String("Held"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("PK"), AttributeType: "S"}, {AttributeName: aws.String("SK"), AttributeType: "S"}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("PK"), KeyType: "HASH"}, {AttributeName: aws.String("SK"), KeyType: "RANGE"}},
		BillingMode:          types.BillingModePayPerRequest,
	}); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "s.sql")
	os.WriteFile(script, []byte("INSERT INTO Held VALUE {'PK':'a','SK':'b'};\nSELECT * FROM Held;"), 0o600)
	withKeys := append(slices.Clone(env), "AWS_ACCESS_KEY_ID=AKIDADMIN", "AWS_SECRET_ACCESS_KEY=admin-secret")
	code, out, errOut := runBinary(t, bin, withKeys, "run", "--session", "lab", "-o", "json", script)
	if code != 0 || !strings.Contains(out, `"a"`) || !strings.Contains(errOut, "running through "+endpoint) {
		t.Fatalf("with the admin's keys: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := runBinary(t, bin, env, "run", "--session", "lab", script); code != 1 || !strings.Contains(errOut, "UnrecognizedClientException") {
		t.Fatalf("without keys: exit %d\n%s", code, errOut)
	}
}

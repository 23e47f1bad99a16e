package codegen_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/engine/server"
	"dynalab/sessions"
	"dynalab/sessions/codegen"
)

var update = flag.Bool("update", false, "rewrite the golden programs in testdata")

// The programs run against the seeded table; each case is one access
// pattern the issue names (issue 23, "Code for an access pattern").
var cases = []struct {
	name      string
	statement string
	params    []string // DynamoDB JSON
	limit     int64    // page size: more items than a page
	op        string   // the operation the statement plans as
	fails     bool     // the condition fails: ConditionalCheckFailedException
	// input, for an access pattern given as an API request (operation
	// op), is its request body; the rows to compare are the Backend's
	// answer to it.
	input string
}{
	{name: "get-user", op: codegen.GetItem,
		statement: `SELECT * FROM "AppTable" WHERE PK = 'USER#u1' AND SK = 'PROFILE'`},
	{name: "orders-newest-first", op: codegen.Query,
		statement: `SELECT * FROM "AppTable" WHERE PK = ? AND begins_with(SK, 'ORDER#') ORDER BY SK DESC`,
		params:    []string{`{"S":"USER#u1"}`}},
	{name: "gsi-by-status", op: codegen.Query,
		statement: `SELECT PK, SK, total, status FROM "AppTable"."GSI1" WHERE GSI1PK = 'STATUS#shipped' AND GSI1SK > 'ORDER#0001'`},
	{name: "scan-filter-paged", op: codegen.Scan, limit: 3,
		statement: `SELECT * FROM "AppTable" WHERE total >= 20`},
	{name: "two-users", op: codegen.ExecuteStatement,
		statement: `SELECT * FROM "AppTable" WHERE PK IN ['USER#u1', 'USER#u2'] AND SK = 'PROFILE'`},
	{name: "update-returning", op: codegen.UpdateItem,
		statement: `UPDATE "AppTable" SET status = 'shipped' SET note = ? WHERE PK = 'USER#u2' AND SK = 'ORDER#0002' RETURNING ALL NEW *`,
		params:    []string{`{"L":[{"S":"gift"},{"N":"2"},{"B":"AAEC"}]}`}},
	{name: "update-missing", op: codegen.UpdateItem, fails: true,
		statement: `UPDATE "AppTable" SET status = 'lost' WHERE PK = 'USER#nobody' AND SK = 'PROFILE'`},
	{name: "insert-existing", op: codegen.PutItem, fails: true,
		statement: `INSERT INTO "AppTable" VALUE {'PK': 'USER#u1', 'SK': 'PROFILE', 'name': 'Someone else'}`},
	// Values of every type, written as each language's literals.
	{name: "api-scan-every-type", op: codegen.Scan, limit: 5, input: `{"TableName": "AppTable",
		"FilterExpression": "(tags = :tags AND sizes = :sizes AND #blob = :blob AND #lines = :lines) OR vip = :vip OR nickname = :null OR bset = :bs",
		"ExpressionAttributeNames": {"#lines": "lines", "#blob": "blob"},
		"ExpressionAttributeValues": {":tags": {"SS": ["a", "b"]}, ":sizes": {"NS": ["1", "2.5"]}, ":blob": {"B": "3q2+7w=="},
			":lines": {"L": [{"M": {"sku": {"S": "X"}, "qty": {"N": "1"}}}]}, ":vip": {"BOOL": true}, ":null": {"NULL": true},
			":bs": {"BS": ["AAE=", "/w=="]}}}`},
}

// TestGeneratedCodeRuns writes each case in every language, compares the
// text with its golden file, and runs the programs whose runtime is
// installed against a dynalab server on loopback: their items must be
// the REPL's (the session's Backend.Run) for the same statement, and a
// failed condition must come out as the ConditionalCheckFailedException
// line.
func TestGeneratedCodeRuns(t *testing.T) {
	runners := []runner{cliRunner(t), pythonRunner(t), jsRunner(t), goRunner(t), javaRunner(t)}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// Each case has its own server, so that the cases run in
			// parallel (most of their time is runtimes starting) and a
			// case's call counts are its programs' alone.
			t.Parallel()
			env := newLab(t)
			var params []attr.Value
			var err error
			for _, p := range c.params {
				var v attr.Value
				if err := json.Unmarshal([]byte(p), &v); err != nil {
					t.Fatal(err)
				}
				params = append(params, v)
			}
			var req *codegen.Request
			var want []string
			var replErr error
			if c.input != "" {
				req, err = codegen.FromAPI(c.op, []byte(c.input))
				want = env.scanRows(t, c.input)
			} else {
				req, err = codegen.Plan(t.Context(), env.backend, c.statement, params)
				want, replErr = env.replRows(t, c.statement, params)
			}
			if err != nil {
				t.Fatal(err)
			}
			if req.Operation != c.op {
				t.Fatalf("planned as %s, want %s", req.Operation, c.op)
			}
			req.Limit = c.limit
			if !c.fails && len(want) == 0 {
				t.Fatal("the case returns no rows: comparing them could not fail")
			}
			if c.fails != (replErr != nil) {
				t.Fatalf("the REPL's run: error %v, want failure %v", replErr, c.fails)
			}
			for _, r := range runners {
				t.Run(string(r.lang), func(t *testing.T) {
					text, err := codegen.Generate(r.lang, req)
					if err != nil {
						t.Fatal(err)
					}
					checkGolden(t, filepath.Join("testdata", c.name, r.lang.FileName()), text)
					if r.syntax != nil {
						if out, err := r.syntax(t, text); err != nil {
							t.Fatalf("%v\n%s\nprogram:\n%s", err, out, text)
						}
					}
					if r.skip != "" {
						t.Skip(r.skip)
					}
					if r.binarySkip != "" && hasBinary(req) {
						t.Skip(r.binarySkip)
					}
					before := env.calls(string(req.Operation))
					stdout, stderr, err := r.run(t, text, env.url)
					if c.fails {
						checkConditionFailed(t, stdout, stderr, err)
						return
					}
					if err != nil {
						t.Fatalf("%v\nstdout:\n%s\nstderr:\n%s\nprogram:\n%s", err, stdout, stderr, text)
					}
					got := parseRows(t, stdout)
					if !equalRows(got, want) {
						t.Errorf("rows differ from the REPL's\n got: %s\nwant: %s\nprogram:\n%s", strings.Join(got, "\n      "), strings.Join(want, "\n      "), text)
					}
					if c.limit > 0 {
						pages := env.calls(string(req.Operation)) - before
						if min := int64(len(want))/c.limit + 1; int64(pages) < min {
							t.Errorf("%d %s calls for %d items with Limit %d: the program did not follow LastEvaluatedKey", pages, req.Operation, len(want), c.limit)
						}
					}
				})
			}
		})
	}
}

// checkConditionFailed expects the program's handling of
// ConditionalCheckFailedException: exit status 1 and the one line.
func checkConditionFailed(t *testing.T, stdout, stderr string, err error) {
	t.Helper()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("exit: %v, want status 1\nstdout:\n%s\nstderr:\n%s", err, stdout, stderr)
	}
	// The line may follow a runtime's own warnings (node prints the JS
	// SDK's NodeVersionSupportWarning there).
	const want = "ConditionalCheckFailedException: The conditional request failed"
	if !slices.Contains(strings.Split(stderr, "\n"), want) {
		t.Errorf("stderr = %q, want the line %q", stderr, want)
	}
}

// lab is a local session with the seeded table, served on loopback.
type lab struct {
	backend sessions.Backend
	url     string
	mu      sync.Mutex
	counts  map[string]int // calls per operation
}

func newLab(t *testing.T) *lab {
	t.Helper()
	local, err := sessions.OpenLocal("codegen", engine.Options{Path: filepath.Join(t.TempDir(), "lab.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = local.Close() })
	l := &lab{backend: local, counts: map[string]int{}}
	// The one server assembly, counting the calls per operation.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var opts sessions.ServeOptions
	opts.Server.OnRequest = func(r server.Request) {
		l.mu.Lock()
		l.counts[r.Operation]++
		l.mu.Unlock()
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- local.Serve(ctx, ln, opts) }()
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	l.url = "http://" + ln.Addr().String()
	seed(t, local)
	return l
}

func (l *lab) calls(op string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.counts[op]
}

// replRows runs a statement as the REPL does, through the Backend, page
// after page, and returns its rows as canonical JSON.
func (l *lab) replRows(t *testing.T, statement string, params []attr.Value) ([]string, error) {
	t.Helper()
	var rows []string
	token := ""
	for {
		res, err := l.backend.Run(t.Context(), statement, params, token)
		if err != nil {
			return nil, err
		}
		for _, it := range res.Items {
			data, err := json.Marshal(it)
			if err != nil {
				t.Fatal(err)
			}
			rows = append(rows, canonical(t, data))
		}
		if token = res.NextToken; token == "" {
			return rows, nil
		}
	}
}

// scanRows runs a Scan request through the Backend, page after page.
func (l *lab) scanRows(t *testing.T, input string) []string {
	t.Helper()
	var in engine.ScanInput
	if err := json.Unmarshal([]byte(input), &in); err != nil {
		t.Fatal(err)
	}
	var rows []string
	for {
		out, err := l.backend.Scan(t.Context(), &in)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range out.Items {
			rows = append(rows, canonical(t, attr.AppendItem(nil, it)))
		}
		if in.ExclusiveStartKey = out.LastEvaluatedKey; in.ExclusiveStartKey == nil {
			return rows
		}
	}
}

const tableJSON = `{
	"TableName": "AppTable",
	"BillingMode": "PAY_PER_REQUEST",
	"AttributeDefinitions": [
		{"AttributeName": "PK", "AttributeType": "S"}, {"AttributeName": "SK", "AttributeType": "S"},
		{"AttributeName": "GSI1PK", "AttributeType": "S"}, {"AttributeName": "GSI1SK", "AttributeType": "S"}],
	"KeySchema": [{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
	"GlobalSecondaryIndexes": [{"IndexName": "GSI1",
		"KeySchema": [{"AttributeName": "GSI1PK", "KeyType": "HASH"}, {"AttributeName": "GSI1SK", "KeyType": "RANGE"}],
		"Projection": {"ProjectionType": "ALL"}}]
}`

// seed creates AppTable: two users with a profile each and eleven orders
// between them, some shipped (GSI1), of several value types.
func seed(t *testing.T, b sessions.Backend) {
	t.Helper()
	ctx := t.Context()
	var ct engine.CreateTableInput
	if err := json.Unmarshal([]byte(tableJSON), &ct); err != nil {
		t.Fatal(err)
	}
	if _, err := b.CreateTable(ctx, &ct); err != nil {
		t.Fatal(err)
	}
	items := []string{
		`{"PK":{"S":"USER#u1"},"SK":{"S":"PROFILE"},"name":{"S":"Ada \"the first\""},"email":{"S":"ada@example.com"},"vip":{"BOOL":true}}`,
		`{"PK":{"S":"USER#u2"},"SK":{"S":"PROFILE"},"name":{"S":"Grace"},"nickname":{"NULL":true}}`,
	}
	for u, n := range map[string]int{"u1": 7, "u2": 4} {
		for i := 1; i <= n; i++ {
			status := []string{"pending", "shipped", "delivered"}[i%3]
			items = append(items, fmt.Sprintf(`{"PK":{"S":"USER#%s"},"SK":{"S":"ORDER#%04d"},"total":{"N":"%d.5"},"status":{"S":%q},`+
				`"GSI1PK":{"S":"STATUS#%s"},"GSI1SK":{"S":"ORDER#%04d"},"tags":{"SS":["a","b"]},"lines":{"L":[{"M":{"sku":{"S":"X"},"qty":{"N":"%d"}}}]},`+
				`"blob":{"B":"3q2+7w=="},"sizes":{"NS":["1","2.5"]}}`, u, i, 10*i, status, status, i, i))
		}
	}
	for _, s := range items {
		var it attr.Item
		if err := json.Unmarshal([]byte(s), &it); err != nil {
			t.Fatal(err)
		}
		if _, err := b.PutItem(ctx, &engine.PutItemInput{TableName: "AppTable", Item: it}); err != nil {
			t.Fatal(err)
		}
	}
}

// runner runs a program of one language; skip says why it cannot.
type runner struct {
	lang codegen.Lang
	skip string
	// binarySkip, when set, says why requests with binary values cannot
	// run (the aws CLI v1 reads B values in JSON as raw text).
	binarySkip string
	run        func(t *testing.T, program, endpoint string) (stdout, stderr string, err error)
	// syntax, when set, checks a program it cannot run.
	syntax func(t *testing.T, program string) (string, error)
}

// awsEnv is the environment of a program: the endpoint, static
// credentials and a region, and no shared configuration of the machine's.
func awsEnv(t *testing.T, endpoint string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	none := filepath.Join(t.TempDir(), "none")
	return append(env, "AWS_ENDPOINT_URL_DYNAMODB="+endpoint, "AWS_ACCESS_KEY_ID=codegen", "AWS_SECRET_ACCESS_KEY=codegen",
		"AWS_REGION=us-east-1", "AWS_DEFAULT_REGION=us-east-1", "AWS_CONFIG_FILE="+none, "AWS_SHARED_CREDENTIALS_FILE="+none,
		"AWS_EC2_METADATA_DISABLED=true", "AWS_PAGER=", "AWS_MAX_ATTEMPTS=1")
}

// runFile writes the program as name in a temporary directory and runs
// argv (with the file's path appended) there.
func runIn(t *testing.T, dir, name, program, endpoint string, extraEnv []string, argv ...string) (string, string, error) {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(program), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), argv[0], append(argv[1:], path)...)
	cmd.Dir = dir
	cmd.Env = append(awsEnv(t, endpoint), extraEnv...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.String(), stderr.String(), err
}

func cliRunner(t *testing.T) runner {
	r := runner{lang: codegen.CLI}
	sh, err := exec.LookPath("sh")
	if _, err2 := exec.LookPath("aws"); err != nil || err2 != nil {
		r.skip = "the aws CLI (and sh) are not installed: apt-get install awscli, or pip install awscli"
		return r
	}
	// The programs pass binary values in base64, as aws CLI v2 reads them
	// (--cli-binary-format base64, its default); v1 takes the text as the
	// bytes themselves.
	if out, err := exec.CommandContext(t.Context(), "aws", "--version").CombinedOutput(); err == nil && strings.HasPrefix(string(out), "aws-cli/1.") {
		r.binarySkip = "aws CLI v1 (" + strings.Fields(string(out))[0] + ") reads binary values in JSON as raw text; the programs are written for v2, which reads them in base64"
	}
	r.run = func(t *testing.T, program, endpoint string) (string, string, error) {
		return runIn(t, t.TempDir(), codegen.CLI.FileName(), program, endpoint, nil, sh)
	}
	return r
}

func pythonRunner(t *testing.T) runner {
	r := runner{lang: codegen.Python}
	py, err := exec.LookPath("python3")
	if err == nil {
		err = exec.CommandContext(t.Context(), py, "-c", "import boto3").Run()
	}
	if err != nil {
		r.skip = "python3 with boto3 is not installed: apt-get install python3-boto3"
		return r
	}
	r.run = func(t *testing.T, program, endpoint string) (string, string, error) {
		return runIn(t, t.TempDir(), codegen.Python.FileName(), program, endpoint, nil, py)
	}
	return r
}

// jsRunner finds @aws-sdk/client-dynamodb in NODE_PATH or npm's global
// modules; an ES module does not read NODE_PATH, so the program's
// directory gets a node_modules link to the directory that holds it.
func jsRunner(t *testing.T) runner {
	r := runner{lang: codegen.JS}
	node, err := exec.LookPath("node")
	if err != nil {
		r.skip = "node is not installed"
		return r
	}
	var roots []string
	roots = append(roots, filepath.SplitList(os.Getenv("NODE_PATH"))...)
	if npm, err := exec.LookPath("npm"); err == nil {
		if out, err := exec.CommandContext(t.Context(), npm, "root", "-g").Output(); err == nil {
			roots = append(roots, strings.TrimSpace(string(out)))
		}
	}
	modules := ""
	for _, root := range roots {
		if _, err := os.Stat(filepath.Join(root, "@aws-sdk", "client-dynamodb", "package.json")); root != "" && err == nil {
			modules = root
			break
		}
	}
	if modules == "" {
		r.skip = "@aws-sdk/client-dynamodb is not installed (NODE_PATH, npm root -g): npm install -g @aws-sdk/client-dynamodb"
		return r
	}
	r.run = func(t *testing.T, program, endpoint string) (string, string, error) {
		dir := t.TempDir()
		if err := os.Symlink(modules, filepath.Join(dir, "node_modules")); err != nil {
			t.Fatal(err)
		}
		return runIn(t, dir, codegen.JS.FileName(), program, endpoint, nil, node)
	}
	return r
}

// goRunner builds a program with this module's own aws-sdk-go-v2 (go.mod),
// so it needs no network: the program goes in a directory inside the
// module that the go command's ./... patterns skip (it starts with "_").
func goRunner(t *testing.T) runner {
	r := runner{lang: codegen.Go}
	if testing.Short() {
		r.skip = "-short: building each Go program takes seconds; run without -short"
		return r
	}
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goBin); err != nil {
		if goBin, err = exec.LookPath("go"); err != nil {
			r.skip = "the go command is not installed"
			return r
		}
	}
	r.run = func(t *testing.T, program, endpoint string) (string, string, error) {
		dir, err := os.MkdirTemp(".", "_gorun")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.RemoveAll(dir) })
		abs, err := filepath.Abs(dir)
		if err != nil {
			t.Fatal(err)
		}
		// Built first and then run, so that the output is the program's
		// own (go run adds "exit status 1").
		exe := filepath.Join(abs, "program.exe")
		if stdout, stderr, err := runIn(t, abs, codegen.Go.FileName(), program, endpoint, nil, goBin, "build", "-o", exe); err != nil {
			return stdout, stderr, fmt.Errorf("go build: %w", err)
		}
		cmd := exec.CommandContext(t.Context(), exe)
		cmd.Env = awsEnv(t, endpoint)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err = cmd.Run()
		return stdout.String(), stderr.String(), err
	}
	return r
}

// javaRunner runs Java programs with the source launcher (java
// AccessPattern.java) when DYNALAB_JAVA_CLASSPATH names the AWS SDK for
// Java v2's jars (software.amazon.awssdk:dynamodb and its dependencies,
// e.g. "dir/*"). Without them, javac (when installed) checks the
// program's syntax, and the golden files review the rest.
func javaRunner(t *testing.T) runner {
	r := runner{lang: codegen.Java}
	java, err := exec.LookPath("java")
	if cp := os.Getenv("DYNALAB_JAVA_CLASSPATH"); cp != "" && err == nil {
		r.run = func(t *testing.T, program, endpoint string) (string, string, error) {
			return runIn(t, t.TempDir(), codegen.Java.FileName(), program, endpoint, nil, java, "-cp", cp)
		}
		return r
	}
	r.skip = "Java programs are not run: set DYNALAB_JAVA_CLASSPATH to the AWS SDK for Java v2's jars (software.amazon.awssdk:dynamodb)"
	javac, err := exec.LookPath("javac")
	if err != nil {
		r.skip += "; javac is not installed either, so only the golden files check them"
		return r
	}
	// javac's hidden should-stop options end it after parsing: a syntax
	// check without the SDK's classes. A javac without them is not used.
	parse := func(t *testing.T, program string) (string, error) {
		dir := t.TempDir()
		path := filepath.Join(dir, codegen.Java.FileName())
		if err := os.WriteFile(path, []byte(program), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.CommandContext(t.Context(), javac, "-XDshould-stop.ifNoError=PARSE", "-XDshould-stop.ifError=PARSE",
			"-d", filepath.Join(dir, "classes"), path).CombinedOutput()
		return string(out), err
	}
	if _, err := parse(t, "public class AccessPattern { public static void main(String[] args) { } }"); err != nil {
		r.skip += "; this javac does not parse without compiling"
		return r
	}
	r.syntax = parse
	r.skip += " (javac checked their syntax)"
	return r
}

// parseRows reads a program's output: a stream of JSON values, each an
// item, an array of items (the aws CLI's --query Items) or null.
func parseRows(t *testing.T, out string) []string {
	t.Helper()
	var rows []string
	dec := json.NewDecoder(strings.NewReader(out))
	for {
		var v json.RawMessage
		err := dec.Decode(&v)
		if err == io.EOF {
			return rows
		}
		if err != nil {
			t.Fatalf("output is not JSON: %v\n%s", err, out)
		}
		switch {
		case bytes.Equal(v, []byte("null")):
		case bytes.HasPrefix(v, []byte("[")):
			var items []json.RawMessage
			if err := json.Unmarshal(v, &items); err != nil {
				t.Fatal(err)
			}
			for _, it := range items {
				rows = append(rows, canonical(t, it))
			}
		default:
			rows = append(rows, canonical(t, v))
		}
	}
}

// canonical re-encodes an item with its attribute names (and map keys)
// sorted, so that the same item compares equal whoever printed it.
func canonical(t *testing.T, data []byte) string {
	t.Helper()
	var it attr.Item
	if err := json.Unmarshal(data, &it); err != nil {
		t.Fatalf("not an item in DynamoDB JSON: %v: %s", err, data)
	}
	var v any
	if err := json.Unmarshal(attr.AppendItem(nil, it), &v); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func equalRows(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func checkGolden(t *testing.T, path, text string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if string(want) != text {
		t.Errorf("%s differs from the generated text (go test -update rewrites it):\n%s", path, text)
	}
}

// hasBinary reports whether a request carries a B or BS value.
func hasBinary(r *codegen.Request) bool {
	var vals []attr.Value
	for _, m := range []map[string]attr.Value{r.Key, r.Item, r.Values} {
		for _, v := range m {
			vals = append(vals, v)
		}
	}
	vals = append(vals, r.Parameters...)
	for len(vals) > 0 {
		v := vals[len(vals)-1]
		vals = vals[:len(vals)-1]
		switch v.Type() {
		case attr.TypeB, attr.TypeBS:
			return true
		case attr.TypeL:
			vals = append(vals, v.List()...)
		case attr.TypeM:
			for _, e := range v.Map() {
				vals = append(vals, e)
			}
		}
	}
	return false
}

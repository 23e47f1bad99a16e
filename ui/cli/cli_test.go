package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"dynalab/engine"
	"dynalab/engine/enginetest"
)

func TestHelpForEveryCommand(t *testing.T) {
	for _, args := range [][]string{{}, {"--help"}, {"help"}, {"serve", "--help"}, {"help", "serve"}} {
		var out, errOut bytes.Buffer
		code := Main(context.Background(), args, nil, &out, &errOut)
		if code != 0 || !strings.Contains(out.String(), "Usage:") {
			t.Errorf("dynalab %v: exit %d, stdout %q, stderr %q", args, code, out.String(), errOut.String())
		}
	}
}

// TestEveryCommandsHelp walks the command table: every command's help,
// asked for in each spelling, is its usage on stdout with exit 0 — the
// synopsis (its subcommands' for a group), the explanation and the flags.
func TestEveryCommandsHelp(t *testing.T) {
	n := 0
	walk(newRootCmd(), func(c *cobra.Command) {
		n++
		path := strings.Fields(c.CommandPath())[1:]
		want := []string{"Usage:\n", c.Long}
		if c.HasSubCommands() && c.HasParent() {
			for _, sub := range c.Commands() {
				want = append(want, "  "+sub.UseLine()+"\n")
			}
		} else {
			want = append(want, "  "+c.UseLine()+"\n")
		}
		c.Flags().VisitAll(func(f *pflag.Flag) { want = append(want, "--"+f.Name+" ") })
		for _, args := range [][]string{
			append(slices.Clone(path), "--help"), append(slices.Clone(path), "-h"),
			append(slices.Clone(path), "-help"), append([]string{"help"}, path...),
		} {
			code, out, errOut := cli(t, args...)
			if code != 0 || errOut != "" {
				t.Errorf("dynalab %q: exit %d, stderr %q", args, code, errOut)
			}
			for _, w := range want {
				if !strings.Contains(out, w) {
					t.Errorf("dynalab %q: help lacks %q:\n%s", args, w, out)
				}
			}
		}
	})
	if n < 20 {
		t.Fatalf("walked %d commands", n)
	}
}

// TestUsageErrors: a mistake on the command line exits 2 with a message
// on stderr (the usage too, where the mistake is the line's shape).
func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"nope"}, `dynalab: unknown command "nope"`},
		{[]string{"serv"}, `Did you mean "serve"?`},
		{[]string{"help", "nope"}, `dynalab: unknown command "nope"`},
		{[]string{"serve", "--bogus"}, "dynalab serve: unknown flag: --bogus\nUsage:"},
		{[]string{"serve", "-bogus"}, "dynalab serve: unknown shorthand flag: 'b' in -bogus\nUsage:"},
		{[]string{"serve", "--listen"}, "flag needs an argument: --listen"},
		{[]string{"serve", "--on-stream-batch-size", "many"}, `invalid argument "many" for "--on-stream-batch-size"`},
		{[]string{"serve", "extra"}, `dynalab serve: unexpected argument "extra"`},
		{[]string{"serve", "--data", "x.db", "--in-memory"}, "dynalab serve: --session, --data, --endpoint and --in-memory are alternatives"},
		{[]string{"--data", "x.db", "extra"}, `dynalab: unexpected argument "extra"`},
		{[]string{"--listen", "127.0.0.1:0", "--no-listen"}, "dynalab: --listen and --no-listen are alternatives"},
		{[]string{"auth"}, "dynalab auth explain --auth FILE"},
		{[]string{"auth", "bogus"}, `dynalab auth: unknown subcommand "bogus"`},
		{[]string{"version", "extra"}, `takes no arguments (got "extra")`},
		{[]string{"repair", "a.db", "--session", "s"}, "dynalab repair: give FILE or --session, not both"},
	} {
		code, out, errOut := cli(t, tc.args...)
		if code != 2 || out != "" || !strings.Contains(errOut, tc.want) {
			t.Errorf("dynalab %q: exit %d, stdout %q, stderr %q; want 2 and %q", tc.args, code, out, errOut, tc.want)
		}
	}
}

// TestSingleDashLongFlags: the spellings the standard flag package took
// (-name VALUE, -name=VALUE, --o for a one-letter flag, -help) still
// work, and only flags are rewritten, never their values.
func TestSingleDashLongFlags(t *testing.T) {
	_, gnu, _ := cli(t, "calc", "--item-size", "10KB", "--reads=200", "--strong", "-o", "json")
	for _, args := range [][]string{
		{"calc", "-item-size", "10KB", "-reads=200", "-strong", "-o", "json"},
		{"calc", "-item-size=10KB", "-reads", "200", "-strong=true", "--o", "json"},
		{"calc", "--item-size", "10KB", "--reads", "200", "-strong", "-o=json"},
		{"calc", "-item-size", "10KB", "-reads", "200", "-strong", "-output", "json"},
	} {
		if code, out, errOut := cli(t, args...); code != 0 || out != gnu {
			t.Errorf("dynalab %q: exit %d, stderr %q, stdout differs from the GNU spelling's:\n%s", args, code, errOut, out)
		}
	}
	// A value that looks like a flag stays a value.
	sessionHome(t)
	if code, _, errOut := cli(t, "session", "new", "lab", "-description", "-data"); code != 0 {
		t.Fatal(errOut)
	}
	if st, err := testHome(t).Load("lab"); err != nil || st.Description != "-data" {
		t.Errorf("description %q, %v; want -data", st.Description, err)
	}
	// A single-dash serve, served in process.
	endpoint := serveInProcess(t, "-in-memory", "-log-requests")
	if _, err := enginetest.NewClient(endpoint).ListTables(context.Background(), &dynamodb.ListTablesInput{}); err != nil {
		t.Fatal(err)
	}
}

func TestGNUArgs(t *testing.T) {
	root := newRootCmd()
	for _, tc := range []struct{ in, want string }{
		{"-data x.db", "--data x.db"},
		{"-data=x.db -no-listen", "--data=x.db --no-listen"},
		{"serve -listen 127.0.0.1:0 -in-memory", "serve --listen 127.0.0.1:0 --in-memory"},
		{"run -o json --o=ddb -output table s.sql", "run -o json -o=ddb --output table s.sql"},
		{"run -continue-on-error -- -data", "run --continue-on-error -- -data"},
		{"session new x -description -data -theme=light", "session new x --description -data --theme=light"},
		{"calc -reads -5 -writes=-1", "calc --reads -5 --writes=-1"},
		{"serve -bogus -h -help --h", "serve -bogus -h --help -h"},
		{"import -table T -", "import --table T -"},
		{"__complete serve -data x.db -listen -", "__complete serve --data x.db --listen -"},
		{"__complete serve -dat", "__complete serve -dat"},
	} {
		if got := strings.Join(gnuArgs(root, strings.Fields(tc.in)), " "); got != tc.want {
			t.Errorf("gnuArgs(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestServe runs "dynalab serve" in process: the first line is the
// endpoint, the API answers, cancelling stops it cleanly and the data and
// lock are left as they should be.
func TestServe(t *testing.T) {
	path := filepath.Join(t.TempDir(), "serve.db")
	profile := filepath.Join(t.TempDir(), "cpu.out")
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"serve", "--data", path, "--listen", "127.0.0.1:0", "--cpuprofile", profile}, nil, pw, io.Discard)
		pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	if !lines.Scan() {
		t.Fatal("no output")
	}
	endpoint := lines.Text()
	go io.Copy(io.Discard, pr)
	if !strings.HasPrefix(endpoint, "http://127.0.0.1:") {
		t.Fatalf("first line %q is not the endpoint", endpoint)
	}
	resp, err := http.Get(endpoint + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "healthy: "+strings.TrimPrefix(endpoint, "http://")+" " { // the Host addressed, as the service answers
		t.Fatalf("health line %q", body)
	}
	c := enginetest.NewClient(endpoint)
	if _, err := c.ListTables(context.Background(), &dynamodb.ListTablesInput{}); err != nil {
		t.Fatal(err)
	}
	checkMetrics(t, c, endpoint)
	// While serving, the file is locked against a second opener.
	if _, err := engine.Open(engine.Options{Path: path}); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("second open: %v; want an error naming %s", err, path)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
	db, err := engine.Open(engine.Options{Path: path})
	if err != nil {
		t.Fatalf("reopen after shutdown: %v", err)
	}
	db.Close()
	// --cpuprofile wrote a whole profile (gzipped protobuf) on shutdown.
	if data, err := os.ReadFile(profile); err != nil || len(data) < 2 || data[0] != 0x1f || data[1] != 0x8b {
		t.Fatalf("cpu profile: %d bytes, %v", len(data), err)
	}
}

// TestServeSIGTERM builds the real binary, writes through it, stops it with
// SIGTERM and checks the write persisted.
func TestServeSIGTERM(t *testing.T) {
	if runtime.GOOS == "windows" || testing.Short() {
		t.Skip("needs a POSIX signal and a build")
	}
	t.Parallel()
	dir := t.TempDir()
	bin := binary(t)
	path := filepath.Join(dir, "data.db")
	cmd := exec.Command(bin, "serve", "--data", path, "--listen", "127.0.0.1:0", "--sync", "never")
	stdout, _ := cmd.StdoutPipe()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() {
		t.Fatalf("no endpoint line; stderr: %s", stderr.String())
	}
	endpoint := lines.Text()
	go io.Copy(io.Discard, stdout)
	c := enginetest.NewClient(endpoint)
	ctx := context.Background()
	if _, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("T1x"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: "S"}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: "HASH"}},
		BillingMode:          "PAY_PER_REQUEST",
	}); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v; stderr: %s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "shut down cleanly") {
		t.Fatalf("stderr %q", stderr.String())
	}
	db, err := engine.Open(engine.Options{Path: path})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	if _, err := db.DescribeTable(ctx, &engine.DescribeTableInput{TableName: "T1x"}); err != nil {
		t.Fatalf("table lost: %v", err)
	}
}

// checkMetrics creates a table through c and reads it back from the
// server's GET /metrics with the Prometheus text-format parser.
func checkMetrics(t *testing.T, c *dynamodb.Client, endpoint string) {
	t.Helper()
	ctx := context.Background()
	_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("Metered"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Metered"), Item: map[string]types.AttributeValue{
		"id": &types.AttributeValueMemberS{Value: "a"}}}); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(endpoint + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %d, %v", resp.StatusCode, err)
	}
	f := families["dynalab_consumed_write_capacity_units_total"]
	if f == nil || len(f.Metric) != 1 || f.Metric[0].GetCounter().GetValue() != 1 {
		t.Fatalf("write units in /metrics: %v", f)
	}
}

type failingCloser struct{ err error }

func (f failingCloser) Close() error { return f.err }

// TestClosingReportsTheCloseError: a command whose database fails its
// final flush must not exit 0: closing adds the close error to the
// command's, and keeps the command's own.
func TestClosingReportsTheCloseError(t *testing.T) {
	flush := errors.New("close db: sync: input/output error")
	var err error
	closing(&err, failingCloser{flush})
	if !errors.Is(err, flush) {
		t.Fatalf("%v", err)
	}
	cmdErr := errors.New("the command failed")
	err = cmdErr
	closing(&err, failingCloser{flush})
	if !errors.Is(err, cmdErr) || !errors.Is(err, flush) {
		t.Fatalf("%v", err)
	}
	err = nil
	closing(&err, failingCloser{})
	if err != nil {
		t.Fatalf("%v", err)
	}
}

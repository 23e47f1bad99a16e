package cli

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/engine/enginetest"
)

// TestWorkbenchInTmux runs the real binary's workbench in tmux as a person
// would: it loads the seed's items through the served endpoint with the aws
// CLI, types a SELECT, and checks what the screen shows — the result rows,
// a streams-pane entry, a nonzero capacity figure and the capacity pane's
// hot key — then quits with
// Ctrl+C twice and checks the data persisted. CI installs tmux and the aws
// CLI; elsewhere the test skips.
func TestWorkbenchInTmux(t *testing.T) {
	for _, tool := range []string{"tmux", "aws"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("needs %s (CI installs it: apt-get install tmux awscli)", tool)
		}
	}
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	t.Parallel()
	dir := t.TempDir()
	bin := binary(t)
	home := filepath.Join(dir, "home")
	port := freePort(t)
	endpoint := fmt.Sprintf("http://127.0.0.1:%d", port)
	session := fmt.Sprintf("dynalab-e2e-%d", os.Getpid())
	tm := startTmux(t, session,
		fmt.Sprintf("env DYNALAB_HOME=%s TERM=xterm-256color %s --listen 127.0.0.1:%d; echo EXITED $? > %s/exit; sleep 30", home, bin, port, dir))
	tmux, waitFor := tm.run, tm.waitFor
	waitFor("the workbench", func(s string) bool { return strings.Contains(s, "serving "+endpoint) })

	aws := func(args ...string) {
		cmd := exec.Command("aws", append([]string{"dynamodb", "--endpoint-url", endpoint}, args...)...)
		cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=x", "AWS_SECRET_ACCESS_KEY=x", "AWS_REGION=us-east-1", "AWS_DEFAULT_REGION=us-east-1", "AWS_PAGER=")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("aws %v: %v\n%s", args, err, out)
		}
	}
	aws("create-table", "--table-name", "AppTable",
		"--attribute-definitions", "AttributeName=PK,AttributeType=S", "AttributeName=SK,AttributeType=S",
		"--key-schema", "AttributeName=PK,KeyType=HASH", "AttributeName=SK,KeyType=RANGE", "--billing-mode", "PAY_PER_REQUEST")
	for _, item := range []string{
		`{"PK":{"S":"USER#u123"},"SK":{"S":"PROFILE"},"name":{"S":"Alice"}}`,
		`{"PK":{"S":"USER#u123"},"SK":{"S":"ORDER#2025-01-01T10:00"},"total":{"N":"42.50"}}`,
		`{"PK":{"S":"USER#u123"},"SK":{"S":"ORDER#2025-02-03T15:20"},"total":{"N":"17"}}`,
		`{"PK":{"S":"USER#u123"},"SK":{"S":"ADDR#home"},"city":{"S":"Lisbon"}}`,
	} {
		aws("put-item", "--table-name", "AppTable", "--item", item)
	}
	waitFor("stream entries", func(s string) bool { return strings.Count(s, "INSERT AppTable") >= 4 })

	// A trailing ';' would be a tmux command separator: send it escaped.
	tmux("send-keys", "-t", "wb", "-l", `SELECT * FROM "AppTable" WHERE PK='USER#u123'`)
	tmux("send-keys", "-t", "wb", `\;`)
	tmux("send-keys", "-t", "wb", "Enter")
	s := waitFor("the result rows", func(s string) bool { return strings.Contains(s, "4 items") })
	for _, want := range []string{"PROFILE", "ORDER#2025-01-01T10:00", "ADDR#home", "Lisbon", "INSERT AppTable", "Query AppTable", "0.5 CU"} {
		if !strings.Contains(s, want) {
			t.Errorf("screen lacks %q:\n%s", want, s)
		}
	}

	// The capacity pane shows the engine's per-second metering: the table,
	// its billing mode and the partition key that took the writes.
	tmux("send-keys", "-t", "wb", "M-4")
	waitFor("the capacity pane", func(s string) bool {
		return strings.Contains(s, "AppTable · on demand") && strings.Contains(s, "hot keys: USER#u123")
	})

	tm.quit(filepath.Join(dir, "exit"))

	// The data persisted in the default session's database: a new
	// process reads it back.
	code, out, errOut := runBinary(t, bin, []string{"DYNALAB_HOME=" + home}, "run", "-o", "json",
		script(t, `SELECT * FROM "AppTable" WHERE PK='USER#u123'`))
	if code != 0 || strings.Count(out, `"PK": "USER#u123"`) != 4 {
		t.Fatalf("after quitting: exit %d, stderr %s, stdout:\n%s", code, errOut, out)
	}
}

func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// TestWorkbenchRemoteSessionInTmux opens the real binary's workbench on a
// remote session whose endpoint is a second dynalab on loopback: a
// SELECT shows the remote rows through the same ui code path, and the
// streams and capacity panes say their live feeds need the embedded
// engine.
func TestWorkbenchRemoteSessionInTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("needs tmux (CI installs it)")
	}
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	t.Parallel()
	dir := t.TempDir()
	bin := binary(t)
	env := isolatedEnv(dir)
	srv, endpoint := startBinary(t, bin, env, "serve", "--in-memory", "--listen", "127.0.0.1:0")
	t.Cleanup(func() { _ = srv.Process.Kill(); _ = srv.Wait() })
	dynalab := func(args ...string) {
		t.Helper()
		if code, out, errOut := runBinary(t, bin, env, args...); code != 0 {
			t.Fatalf("dynalab %v: exit %d\n%s%s", args, code, out, errOut)
		}
	}
	dynalab("session", "new", "far", "--endpoint", endpoint)
	c := enginetest.NewClient(endpoint)
	ctx := enginetest.Ctx(t)
	if _, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("Tab"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
	}); err != nil {
		t.Fatal(err)
	}
	dynalab("run", "--session", "far", script(t, "INSERT INTO Tab VALUE {'id':'over-there','city':'Porto'}"))

	session := fmt.Sprintf("dynalab-remote-e2e-%d", os.Getpid())
	tm := startTmux(t, session,
		fmt.Sprintf("env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE -u AWS_REGION -u AWS_DEFAULT_REGION "+
			"DYNALAB_HOME=%s AWS_CONFIG_FILE=%s/none AWS_SHARED_CREDENTIALS_FILE=%s/none AWS_EC2_METADATA_DISABLED=true TERM=xterm-256color %s --session far; echo EXITED $? > %s/exit; sleep 30",
			filepath.Join(dir, "home"), dir, dir, bin, dir))
	tmux, waitFor := tm.run, tm.waitFor
	waitFor("the workbench", func(s string) bool { return strings.Contains(s, "REPL") })
	waitFor("the remote banner", func(s string) bool { return strings.Contains(s, "remote endpoint "+endpoint) })
	// A trailing ';' would be a tmux command separator: send it escaped.
	tmux("send-keys", "-t", "wb", "-l", `SELECT * FROM "Tab" WHERE id='over-there'`)
	tmux("send-keys", "-t", "wb", `\;`)
	tmux("send-keys", "-t", "wb", "Enter")
	s := waitFor("the remote row", func(s string) bool { return strings.Contains(s, "Porto") })
	if !strings.Contains(s, "1 item · 0.5 CU · ExecuteStatement") {
		t.Errorf("result footer:\n%s", s)
	}
	waitFor("the streams pane's note on tables without a stream", func(s string) bool {
		return strings.Contains(s, "No table on this endpoint has a") // the note wraps in the side column
	})
	// With a stream on Tab, a write on the server shows up in the streams
	// pane, polled through the Streams API.
	if _, err := c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("Tab"),
		StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeNewAndOldImages}}); err != nil {
		t.Fatal(err)
	}
	waitFor("the stream to be found", func(s string) bool { return strings.Contains(s, "waiting for changes… tailing the") })
	dynalab("run", "--session", "far", script(t, "INSERT INTO Tab VALUE {'id':'streamed','city':'Faro'}"))
	waitFor("the streamed change", func(s string) bool { return strings.Contains(s, "INSERT Tab id=streamed") })
	tmux("send-keys", "-t", "wb", "M-4")
	waitFor("the capacity pane's remote note", func(s string) bool {
		return strings.Contains(s, "No capacity feed: live capacity")
	})
	tm.quit(filepath.Join(dir, "exit"))
}

// TestWorkbenchKeyBurstInTmux: 30 j sent to the real workbench in one
// write — what key repeat, SSH or a fast typist deliver, and what Bubble
// Tea reads as one message of 30 runes — move the cursor 30 rows: Enter
// then opens the 31st item. The workbench starts on the table with -t.
func TestWorkbenchKeyBurstInTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("needs tmux (CI installs it)")
	}
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	t.Parallel()
	dir := t.TempDir()
	bin := binary(t)
	path := filepath.Join(dir, "burst.db")
	db, err := engine.Open(engine.Options{Path: path, SweepInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := db.CreateTable(ctx, &engine.CreateTableInput{TableName: "Burst", BillingMode: engine.BillingPayPerRequest,
		AttributeDefinitions: []engine.AttributeDefinition{{AttributeName: "PK", AttributeType: "S"}, {AttributeName: "SK", AttributeType: "S"}},
		KeySchema:            []engine.KeySchemaElement{{AttributeName: "PK", KeyType: "HASH"}, {AttributeName: "SK", KeyType: "RANGE"}}}); err != nil {
		t.Fatal(err)
	}
	for i := range 40 {
		if _, err := db.PutItem(ctx, &engine.PutItemInput{TableName: "Burst", Item: attr.Item{"PK": attr.S("P"), "SK": attr.S(fmt.Sprintf("S%02d", i))}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	session := fmt.Sprintf("dynalab-burst-%d", os.Getpid())
	tm := startTmux(t, session,
		fmt.Sprintf("env DYNALAB_HOME=%s TERM=xterm-256color %s --data %s -t Burst --no-listen; sleep 30", filepath.Join(dir, "home"), bin, path))
	tmux, waitFor := tm.run, tm.waitFor
	waitFor("the table's items on the first screen", func(s string) bool { return strings.Contains(s, "S00") && strings.Contains(s, "Scan Burst") })
	tmux("send-keys", "-t", "wb", "-l", strings.Repeat("j", 30)) // one write
	tmux("send-keys", "-t", "wb", "Enter")
	waitFor("the 31st item opened", func(s string) bool { return strings.Contains(s, "item 31 of 40") && strings.Contains(s, `"S30"`) })
}

// tmuxSession is a workbench command running in a detached 120×40 tmux
// window ("wb") on a tmux server of its own, killed when the test ends.
type tmuxSession struct {
	t      *testing.T
	server string
}

func startTmux(t *testing.T, server, command string) *tmuxSession {
	tm := &tmuxSession{t: t, server: server}
	tm.run("new-session", "-d", "-s", "wb", "-x", "120", "-y", "40", command)
	t.Cleanup(func() { tm.run("kill-server") })
	return tm
}

// run runs a tmux command on the session's server.
func (tm *tmuxSession) run(args ...string) string {
	out, err := exec.Command("tmux", append([]string{"-L", tm.server}, args...)...).CombinedOutput()
	if err != nil && args[0] != "kill-server" {
		tm.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// screen is what the window shows.
func (tm *tmuxSession) screen() string { return tm.run("capture-pane", "-t", "wb", "-p") }

// waitFor returns the screen once ok holds, failing the test after 20 s.
func (tm *tmuxSession) waitFor(what string, ok func(string) bool) string {
	tm.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		s := tm.screen()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("timed out waiting for %s; screen:\n%s", what, s)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// quit presses Ctrl+C twice and waits for the command line to write
// "EXITED 0" to exitFile (its "; echo EXITED $? > FILE").
func (tm *tmuxSession) quit(exitFile string) {
	tm.t.Helper()
	tm.run("send-keys", "-t", "wb", "C-c")
	tm.run("send-keys", "-t", "wb", "C-c")
	deadline := time.Now().Add(15 * time.Second)
	for {
		data, err := os.ReadFile(exitFile)
		if err == nil {
			if got := strings.TrimSpace(string(data)); got != "EXITED 0" {
				tm.t.Fatalf("workbench exit: %s", got)
			}
			return
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("workbench did not quit on Ctrl+C twice; screen:\n%s", tm.screen())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

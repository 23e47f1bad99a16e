package cli

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"dynalab/engine"
	"dynalab/sessions"
)

// cli runs one dynalab command line in process.
func cli(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Main(context.Background(), args, nil, &out, &errOut)
	return code, out.String(), errOut.String()
}

// sessionHome points the data directory and the AWS config chain at
// temporary directories.
func sessionHome(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv(sessions.HomeEnv, filepath.Join(dir, "home"))
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "aws-config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "aws-credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	return dir
}

// testHome returns the data directory sessionHome set up, as the
// commands resolve it.
func testHome(t *testing.T) sessions.Home {
	t.Helper()
	h, err := sessions.DefaultHome()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// serveInProcess runs "dynalab serve ARGS --listen 127.0.0.1:0" until the
// test ends and returns its endpoint.
func serveInProcess(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	var errOut bytes.Buffer
	go func() {
		done <- Main(ctx, append([]string{"serve", "--listen", "127.0.0.1:0"}, args...), nil, pw, &errOut)
		pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	if !lines.Scan() {
		t.Fatalf("serve %v printed no endpoint", args)
	}
	go io.Copy(io.Discard, pr)
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("serve %v exited %d", args, code)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("serve %v did not stop", args)
		}
	})
	return lines.Text()
}

// script writes a PartiQL script to a temporary file.
func script(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "s.sql")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// makeTable creates table Tab (key id, S) through the selected backend.
func makeTable(t *testing.T, sel sessions.Selector) {
	t.Helper()
	b, err := sessions.Open(context.Background(), sel)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	_, err = b.CreateTable(context.Background(), &engine.CreateTableInput{
		TableName:            "Tab",
		BillingMode:          engine.BillingPayPerRequest,
		AttributeDefinitions: []engine.AttributeDefinition{{AttributeName: "id", AttributeType: "S"}},
		KeySchema:            []engine.KeySchemaElement{{AttributeName: "id", KeyType: engine.KeyTypeHash}},
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestSessionCommands(t *testing.T) {
	dir := sessionHome(t)
	for _, tc := range []struct {
		args   []string
		code   int
		stdout string // substring of stdout
		stderr string // substring of stderr
	}{
		{[]string{"session", "list"}, 0, "default  local  empty", ""},
		{[]string{"session", "new", "lab", "--description", "integration tests", "--theme", "light"}, 0, `created local session "lab"`, ""},
		{[]string{"session", "new", "--endpoint", "http://127.0.0.1:9", "far"}, 0, `created remote session "far" (http://127.0.0.1:9)`, ""},
		{[]string{"session", "new", "cloud", "--region", "eu-west-1", "--profile", "work"}, 0, `created remote session "cloud" (AWS eu-west-1, profile work)`, ""},
		{[]string{"session", "list"}, 0, "lab      local   empty", ""},
		{[]string{"session", "show", "far"}, 0, "endpoint       http://127.0.0.1:9", ""},
		{[]string{"session", "show", "lab"}, 0, "status         not in use", ""},
		{[]string{"session", "new", "lab"}, 1, "", `create session "lab": already exists`},
		{[]string{"session", "new", "../x"}, 1, "", `invalid session name "../x": it contains a path separator`},
		{[]string{"session", "new", "x", "--endpoint", "localhost:8000"}, 1, "", "not an http:// or https:// URL"},
		{[]string{"session", "show", "nope"}, 1, "", `dynalab session new nope`},
		{[]string{"session", "rm", "nope"}, 1, "", "not found"},
		{[]string{"session"}, 2, "", "dynalab session list"},
		{[]string{"session", "bogus"}, 2, "", `unknown subcommand "bogus"`},
		{[]string{"session", "new"}, 2, "", "give a name"},
		{[]string{"session", "new", "a", "b"}, 2, "", `give one name (got "a b")`},
		{[]string{"session", "list", "extra"}, 2, "", "takes no arguments"},
		{[]string{"session", "--help"}, 0, "A session is a named workspace", ""},
		{[]string{"help", "session"}, 0, "dynalab session new NAME", ""},
		{[]string{"session", "new", "--help"}, 0, "--endpoint", ""},
		{[]string{"session", "rm", "far"}, 0, `removed session "far"`, ""},
	} {
		code, out, errOut := cli(t, tc.args...)
		if code != tc.code || !strings.Contains(out, tc.stdout) || !strings.Contains(errOut, tc.stderr) {
			t.Errorf("dynalab %v: exit %d\nstdout: %s\nstderr: %s\nwant exit %d, stdout with %q, stderr with %q",
				tc.args, code, out, errOut, tc.code, tc.stdout, tc.stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "home", "sessions", "far")); !os.IsNotExist(err) {
		t.Errorf("removed session's directory: %v", err)
	}
	if st, err := testHome(t).Load("lab"); err != nil || st.Theme != "light" || st.Description != "integration tests" {
		t.Errorf("lab settings %+v %v", st, err)
	}
}

// TestSessionsAreSeparate runs scripts on two sessions and the default:
// each sees only its own data.
func TestSessionsAreSeparate(t *testing.T) {
	sessionHome(t)
	for _, s := range []string{"a", "b"} {
		if code, _, errOut := cli(t, "session", "new", s); code != 0 {
			t.Fatal(errOut)
		}
		makeTable(t, sessions.Selector{Home: testHome(t), Session: s})
		if code, _, errOut := cli(t, "run", "--session", s, script(t, "INSERT INTO Tab VALUE {'id':'in-"+s+"'}")); code != 0 {
			t.Fatalf("insert into %s: %s", s, errOut)
		}
	}
	for _, s := range []string{"a", "b"} {
		code, out, errOut := cli(t, "run", "--session", s, "-o", "json", script(t, "SELECT id FROM Tab"))
		other := map[string]string{"a": "in-b", "b": "in-a"}[s]
		if code != 0 || !strings.Contains(out, `"in-`+s+`"`) || strings.Contains(out, other) {
			t.Fatalf("session %s sees %s (%s)", s, out, errOut)
		}
	}
	if code, _, errOut := cli(t, "run", script(t, "SELECT * FROM Tab")); code != 1 || !strings.Contains(errOut, "ResourceNotFoundException") {
		t.Fatalf("the default session sees table Tab: %s", errOut)
	}
	if code, _, errOut := cli(t, "run", "--session", "c", script(t, "SELECT * FROM Tab")); code != 1 || !strings.Contains(errOut, `session "c": not found; create it with "dynalab session new c"`) {
		t.Fatalf("missing session: %d %s", code, errOut)
	}
}

// TestSnapshotCommands saves a session, changes it, restores it, and
// checks that a running server's hold is respected.
func TestSnapshotCommands(t *testing.T) {
	sessionHome(t)
	if code, _, errOut := cli(t, "session", "new", "lab"); code != 0 {
		t.Fatal(errOut)
	}
	makeTable(t, sessions.Selector{Home: testHome(t), Session: "lab"})
	if code, _, errOut := cli(t, "run", "--session", "lab", script(t, "INSERT INTO Tab VALUE {'id':'fixture'}")); code != 0 {
		t.Fatal(errOut)
	}
	steps := []struct {
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{[]string{"snapshot", "list", "--session", "lab"}, 0, `session "lab" has no snapshots`, ""},
		{[]string{"snapshot", "save", "clean", "--session", "lab"}, 0, `saved snapshot "clean" of session "lab"`, ""},
		{[]string{"run", "--session", "lab", script(t, "INSERT INTO Tab VALUE {'id':'test-data'}; DELETE FROM Tab WHERE id='fixture'")}, 0, "OK\nOK\n", ""},
		{[]string{"snapshot", "restore", "--session", "lab", "clean"}, 0, `restored session "lab" from snapshot "clean"`, ""},
		{[]string{"run", "--session", "lab", "-o", "json", script(t, "SELECT id FROM Tab")}, 0, "[\n  {\n    \"id\": \"fixture\"\n  }\n]\n", ""},
		{[]string{"snapshot", "list", "--session", "lab"}, 0, "clean", ""},
		{[]string{"snapshot", "restore", "nope", "--session", "lab"}, 1, "", `snapshot "nope": not found`},
		{[]string{"snapshot", "save", "../x", "--session", "lab"}, 1, "", `invalid snapshot name "../x"`},
		{[]string{"snapshot"}, 2, "", "dynalab snapshot save NAME"},
		{[]string{"snapshot", "save"}, 2, "", "give a name"},
		{[]string{"help", "snapshot"}, 0, "fast resets between test", ""},
		{[]string{"snapshot", "rm", "clean", "--session", "lab"}, 0, `removed snapshot "clean"`, ""},
		{[]string{"snapshot", "save", "clean", "--session", "lab"}, 0, "saved snapshot", ""},
	}
	for _, tc := range steps {
		code, out, errOut := cli(t, tc.args...)
		if code != tc.code || !strings.Contains(out, tc.stdout) || !strings.Contains(errOut, tc.stderr) {
			t.Fatalf("dynalab %v: exit %d\nstdout: %s\nstderr: %s\nwant exit %d, stdout with %q, stderr with %q",
				tc.args, code, out, errOut, tc.code, tc.stdout, tc.stderr)
		}
	}

	// While a server holds the session: run goes through it; snapshots,
	// rm, a second server and the workbench's open are refused, naming it.
	endpoint := serveInProcess(t, "--session", "lab")
	pid := "process " + strconv.Itoa(os.Getpid())
	code, out, errOut := cli(t, "run", "--session", "lab", "-o", "json", script(t, "INSERT INTO Tab VALUE {'id':'live'}; SELECT id FROM Tab WHERE id='live'"))
	if code != 0 || !strings.Contains(errOut, "is in use; running through "+endpoint) || !strings.Contains(out, `"live"`) {
		t.Fatalf("run through the server: %d\n%s\n%s", code, out, errOut)
	}
	for _, args := range [][]string{
		{"snapshot", "save", "clean", "--session", "lab"},
		{"snapshot", "restore", "clean", "--session", "lab"},
		{"session", "rm", "lab"},
		{"serve", "--session", "lab", "--listen", "127.0.0.1:0"},
	} {
		code, _, errOut := cli(t, args...)
		if code != 1 || !strings.Contains(errOut, pid) || !strings.Contains(errOut, endpoint) {
			t.Errorf("dynalab %v while served: exit %d, stderr %s", args, code, errOut)
		}
	}
	if code, out, _ := cli(t, "session", "list"); code != 0 || !strings.Contains(out, "in use by "+pid+", serving "+endpoint) {
		t.Errorf("session list while served:\n%s", out)
	}
}

// TestRemoteSessionCommands points a remote session at a second dynalab
// server on loopback and runs scripts there.
func TestRemoteSessionCommands(t *testing.T) {
	sessionHome(t)
	endpoint := serveInProcess(t, "--in-memory")
	if code, _, errOut := cli(t, "session", "new", "far", "--endpoint", endpoint); code != 0 {
		t.Fatal(errOut)
	}
	makeTable(t, sessions.Selector{Home: testHome(t), Session: "far"})
	code, out, errOut := cli(t, "run", "--session", "far", "-o", "json",
		script(t, "INSERT INTO Tab VALUE {'id':'remote'};\nSELECT * FROM Tab;\nEXPLAIN SELECT * FROM Tab WHERE id = 'remote'"))
	if code != 0 || !strings.Contains(out, `"remote"`) || !strings.Contains(out, `"Operation": "GetItem"`) {
		t.Fatalf("run on the remote session: %d\n%s\n%s", code, out, errOut)
	}
	// --endpoint reaches the same data without a session.
	code, out, errOut = cli(t, "run", "--endpoint", endpoint, "-o", "json", script(t, "SELECT id FROM Tab"))
	if code != 0 || !strings.Contains(out, `"remote"`) {
		t.Fatalf("run --endpoint: %d\n%s\n%s", code, out, errOut)
	}
	// The local default session does not have it.
	if code, _, _ := cli(t, "run", script(t, "SELECT id FROM Tab")); code != 1 {
		t.Fatal("the default session has the remote table")
	}
	for _, tc := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"serve", "--session", "far", "--listen", "127.0.0.1:0"}, 1, `serve needs a local database; "far" is remote (` + endpoint + `)`},
		{[]string{"serve", "--endpoint", endpoint}, 2, "--endpoint is already a server"},
		{[]string{"run", "--session", "far", "--data", "x.db", "s.sql"}, 2, "--session, --data, --endpoint and --in-memory are alternatives"},
		{[]string{"serve", "--session", "far", "--in-memory"}, 2, "are alternatives; give one"},
		{[]string{"run", "--data", "x.db", "--profile", "p", "s.sql"}, 2, "--profile applies to remote"},
		{[]string{"--session", "a", "--data", "x.db"}, 2, "are alternatives"},
		{[]string{"run", "--session", "../etc", "s.sql"}, 2, `invalid session name "../etc"`},
	} {
		code, _, errOut := cli(t, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.stderr) {
			t.Errorf("dynalab %v: exit %d, stderr %s; want %d and %q", tc.args, code, errOut, tc.code, tc.stderr)
		}
	}
}

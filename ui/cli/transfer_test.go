package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"dynalab/engine"
	"dynalab/sessions"
	"dynalab/sessions/transfer"
)

// dynalab runs one command line in process and returns its exit code,
// stdout and stderr.
func dynalab(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Main(context.Background(), args, nil, &out, &errOut)
	return code, out.String(), errOut.String()
}

func writeTestFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func sortedLines(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

const transferItems = `{"pk":{"S":"u#1"},"sk":{"N":"1"},"name":{"S":"Alice, \"A\""},"tags":{"SS":["a","b"]},"n":{"N":"12345678901234567890123456789012345678"}}
{"Item":{"pk":{"S":"u#1"},"sk":{"N":"2"},"bin":{"B":"AP8="},"m":{"M":{"l":{"L":[{"NULL":true},{"BOOL":false}]}}}}}
{"pk":{"S":"u#2"},"sk":{"N":"-1.5"},"empty":{"S":""}}
`

// TestImportExport imports into a --data file, exports in every format
// (a .gz file among them), imports each export into a new table and
// compares: ddb-json and csv reproduce the items exactly.
func TestImportExport(t *testing.T) {
	t.Setenv(sessions.HomeEnv, t.TempDir())
	dir := t.TempDir()
	data := filepath.Join(dir, "lab.db")
	in := writeTestFile(t, dir, "items.jsonl", transferItems)
	code, out, errOut := dynalab(t, "import", "--data", data, "--table", "Items", "--key", "pk:S,sk:N", in)
	if code != 0 || !strings.HasPrefix(out, "imported 3 items into Items from "+in+" (ddb-json, detected) in ") || !strings.Contains(out, "table created") {
		t.Fatalf("import: exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	code, want, errOut := dynalab(t, "export", "--data", data, "--table", "Items")
	if code != 0 || strings.Count(want, "\n") != 3 || !strings.HasPrefix(errOut, "exported 3 items from Items as ddb-json") {
		t.Fatalf("export: exit %d\nstdout %s\nstderr %s", code, want, errOut)
	}
	for _, tc := range []struct{ file, format string }{
		{"out.jsonl.gz", ""},
		{"out.csv", ""},
		{"out.json", "json"},
	} {
		path := filepath.Join(dir, tc.file)
		args := []string{"export", "--table", "Items", "--data", data, path}
		if tc.format != "" {
			args = append(args, "--format", tc.format)
		}
		if code, _, errOut := dynalab(t, args...); code != 0 || !strings.HasSuffix(errOut, " to "+path+"\n") {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		copyTable := "Copy_" + strings.ReplaceAll(tc.file, ".", "_")
		if code, out, errOut := dynalab(t, "import", "--data", data, "--table", copyTable, "--key", "pk:S,sk:N", path); code != 0 || !strings.HasPrefix(out, "imported 3 items") {
			t.Fatalf("import %s: exit %d: %s %s", path, code, out, errOut)
		}
		_, got, _ := dynalab(t, "export", "--data", data, "--table", copyTable)
		if tc.format == "json" {
			// Types are lost: B becomes S, sets become lists.
			if !strings.Contains(got, `"bin":{"S":"AP8="}`) || !strings.Contains(got, `"tags":{"L":[{"S":"a"},{"S":"b"}]}`) {
				t.Fatalf("json round trip:\n%s", got)
			}
			continue
		}
		if sortedLines(got) != sortedLines(want) {
			t.Fatalf("%s round trip:\n%s\nwant:\n%s", tc.file, got, want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "out.csv")); err != nil {
		t.Fatal(err)
	}
	matches, _ := filepath.Glob(filepath.Join(dir, ".*.tmp"))
	if len(matches) > 0 {
		t.Fatalf("temporary files left: %v", matches)
	}
}

// TestImportRejectedLines: a rejected line is reported with its line
// number, kept in the --rejects file, and makes the exit status 1.
func TestImportRejectedLines(t *testing.T) {
	t.Setenv(sessions.HomeEnv, t.TempDir())
	dir := t.TempDir()
	in := writeTestFile(t, dir, "people.csv", "id:N,name,born:N\n1,Ann,1990\n2,Bob,nineteen\n\n,Nobody,\n3,\"Cy\nLine\",2001\n")
	rejects := filepath.Join(dir, "rejects.jsonl")
	code, out, errOut := dynalab(t, "import", "--table", "People", "--key", "id:N", "--rejects", rejects, in)
	if code != 1 {
		t.Fatalf("exit %d, want 1\nstdout %s\nstderr %s", code, out, errOut)
	}
	wantErr := in + `:3: column born:N: "nineteen": The parameter cannot be converted to a numeric value: nineteen` + "\n" +
		in + `:5: missing key attribute "id" (the table's partition key, type N)` + "\n" +
		"dynalab: import: 2 lines rejected (reported above and in " + rejects + ")\n"
	if errOut != wantErr {
		t.Fatalf("stderr:\n%s\nwant:\n%s", errOut, wantErr)
	}
	if !strings.Contains(out, "imported 2 items into People") || !strings.Contains(out, "(csv)") || !strings.HasSuffix(out, "; table created; 2 lines rejected\n") {
		t.Fatalf("summary %q", out)
	}
	kept, err := os.ReadFile(rejects)
	if err != nil || strings.Count(string(kept), "\n") != 2 || !strings.HasPrefix(string(kept), `{"line":3,"error":"column born:N`) {
		t.Fatalf("rejects file %q: %v", kept, err)
	}
	// The default session got the table.
	code, out, _ = dynalab(t, "export", "--table", "People", "--format", "json")
	if code != 0 || sortedLines(out) != `{"born":1990,"id":1,"name":"Ann"}`+"\n"+`{"born":2001,"id":3,"name":"Cy\nLine"}` {
		t.Fatalf("export: %d %q", code, out)
	}
}

func TestImportExportUsage(t *testing.T) {
	t.Setenv(sessions.HomeEnv, t.TempDir())
	dir := t.TempDir()
	in := writeTestFile(t, dir, "in.jsonl", `{"pk":{"S":"a"}}`+"\n")
	for _, tc := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"import", in}, 2, "--table is required"},
		{[]string{"import", "--table", "Tab"}, 2, "give one FILE, or - for standard input"},
		{[]string{"import", "--table", "Tab", in, in}, 2, "give one FILE"},
		{[]string{"import", "--table", "Tab", "--format", "xml", in}, 2, `unknown format "xml"`},
		{[]string{"import", "--table", "Tab", "--key", "pk:BOOL", in}, 2, "key attributes are S, N or B"},
		{[]string{"import", "--table", "Tab", "--resume", "-"}, 2, "standard input cannot be resumed"},
		{[]string{"import", "--table", "Tab", "--data", "x.db", "--session", "s", in}, 2, "alternatives"},
		{[]string{"import", "--table", "Tab", in}, 1, "table Tab does not exist: give its key schema (--key PK:S or --key PK:S,SK:S) to create it"},
		{[]string{"import", "--table", "Tab", filepath.Join(dir, "missing.jsonl")}, 1, "no such file"},
		{[]string{"export", "--table", "Tab", "a", "b"}, 2, "give at most one FILE"},
		{[]string{"export"}, 2, "--table is required"},
		{[]string{"export", "--table", "Tab", "--columns", "pk"}, 2, "--columns applies to --format csv"},
		{[]string{"export", "--table", "Tab", "--format", "csv", "--columns", "a,a"}, 2, "appears twice"},
		{[]string{"export", "--table", "Nope"}, 1, "table Nope does not exist"},
	} {
		code, _, errOut := dynalab(t, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.stderr) {
			t.Errorf("dynalab %q: exit %d, stderr %q; want %d and %q", tc.args, code, errOut, tc.code, tc.stderr)
		}
	}
	for _, cmd := range []string{"import", "export"} {
		code, out, _ := dynalab(t, cmd, "--help")
		if code != 0 || !strings.Contains(out, "Usage:\n  dynalab "+cmd+" --table T") || !strings.Contains(out, "-session") {
			t.Errorf("%s --help: exit %d\n%s", cmd, code, out)
		}
	}
	if code, out, _ := dynalab(t, "help"); code != 0 || !strings.Contains(out, "  import ") || !strings.Contains(out, "  export ") {
		t.Errorf("help does not list import and export:\n%s", out)
	}
}

// failingTarget fails every BatchWriteItem after the first n, as a crash
// would stop an import.
type failingTarget struct {
	*engine.DB
	n int
}

func (f *failingTarget) BatchWriteItem(ctx context.Context, in *engine.BatchWriteItemInput) (*engine.BatchWriteItemOutput, error) {
	if f.n--; f.n < 0 {
		return nil, errors.New("simulated crash")
	}
	return f.DB.BatchWriteItem(ctx, in)
}

// TestImportResumeCLI interrupts an import of a --data file (its
// checkpoint where the CLI looks for it), then finishes it with --resume.
func TestImportResumeCLI(t *testing.T) {
	t.Setenv(sessions.HomeEnv, t.TempDir())
	dir := t.TempDir()
	data := filepath.Join(dir, "lab.db")
	var b strings.Builder
	for i := range 300 {
		fmt.Fprintf(&b, `{"pk":"k%03d","n":%d}`+"\n", i, i)
	}
	in := writeTestFile(t, dir, "big.json", b.String())
	ckpt, err := checkpointPath(sessions.Selector{Home: testHome(t), Data: data}, "Big", in)
	if err != nil {
		t.Fatal(err)
	}
	db, err := engine.Open(engine.Options{Path: data})
	if err != nil {
		t.Fatal(err)
	}
	ks, _ := transfer.ParseKeySchema("pk")
	_, err = transfer.Import(context.Background(), &failingTarget{db, 4}, transfer.ImportOptions{Table: "Big", Key: &ks, Path: in, Checkpoint: ckpt, MaxRetries: 1,
		Sleep: func(context.Context, time.Duration) error { return nil }})
	if db.Close(); err == nil {
		t.Fatal("the interrupted import did not fail")
	}
	code, out, errOut := dynalab(t, "import", "--data", data, "--table", "Big", "--resume", in)
	if code != 0 || !strings.HasPrefix(out, "imported 300 items into Big") || !strings.Contains(out, "resumed after line 100") {
		t.Fatalf("resume: exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	if _, err := os.Stat(ckpt); err == nil {
		t.Fatal("checkpoint left after the import finished")
	}
	code, _, errOut = dynalab(t, "import", "--data", data, "--table", "Big", "--resume", in)
	if code != 1 || !strings.Contains(errOut, "nothing to resume") {
		t.Fatalf("second resume: exit %d: %s", code, errOut)
	}
}

// TestImportThroughHolder imports into and exports from a database that a
// running "dynalab serve" holds: both go through its endpoint.
func TestImportThroughHolder(t *testing.T) {
	t.Setenv(sessions.HomeEnv, t.TempDir())
	dir := t.TempDir()
	data := filepath.Join(dir, "served.db")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"serve", "--data", data, "--listen", "127.0.0.1:0"}, nil, pw, io.Discard)
		pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	if !lines.Scan() {
		t.Fatal("serve printed nothing")
	}
	go io.Copy(io.Discard, pr)

	in := writeTestFile(t, dir, "items.jsonl", transferItems)
	code, out, errOut := dynalab(t, "import", "--data", data, "--table", "Items", "--key", "pk:S,sk:N", in)
	if code != 0 || !strings.Contains(errOut, "is in use; running through http://127.0.0.1:") || !strings.HasPrefix(out, "imported 3 items") {
		t.Fatalf("import through the holder: exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	code, out, errOut = dynalab(t, "export", "--data", data, "--table", "Items")
	if code != 0 || strings.Count(out, "\n") != 3 || !strings.Contains(out, `"n":{"N":"12345678901234567890123456789012345678"}`) {
		t.Fatalf("export through the holder: exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
}

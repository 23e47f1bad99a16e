package repl

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/sessions"
	"dynalab/ui/common"
	"dynalab/ui/internal/uitest"
)

func newREPLAt(t *testing.T, b *uitest.Backend, histPath string) *Model {
	t.Helper()
	c := uitest.Common(t, b, "dark")
	m := New(c, histPath)
	m.SetSize(100, 24)
	m.SetFocused(true)
	uitest.Drive(t, m, uitest.Exec(m.Init())...)
	uitest.Drive(t, m, uitest.Exec(common.LoadTables(c, ""))...)
	return m
}

func newREPL(t *testing.T, pageSize int) (*Model, *uitest.Backend) {
	t.Helper()
	b := uitest.NewBackend(t)
	b.Seed(t)
	b.RunFunc = uitest.SelectRunner(b, pageSize)
	return newREPLAt(t, b, filepath.Join(t.TempDir(), "history")), b
}

func plain(s string) string { return ansi.Strip(s) }

// typeLine types s and presses Enter.
func typeLine(t *testing.T, m *Model, s string) {
	t.Helper()
	m.ed.Reset()
	uitest.Drive(t, m, uitest.Paste(s))
	uitest.Drive(t, m, uitest.Key("enter"))
}

const selectU1 = `SELECT * FROM "AppTable" WHERE PK='USER#u1';`

func TestRunShowsResultTable(t *testing.T) {
	m, b := newREPL(t, 0)
	typeLine(t, m, selectU1)
	if got := b.Runs(); len(got) != 1 || got[0] != selectU1 {
		t.Fatalf("runs = %q", got)
	}
	view := plain(m.View())
	header := ""
	for _, l := range strings.Split(view, "\n") {
		if strings.HasPrefix(l, "PK S") {
			header = l
		}
	}
	if !strings.HasPrefix(header, "PK S     SK S") {
		t.Errorf("key attributes are not the first columns: %q", header)
	}
	for _, want := range []string{"gift BOOL", "tags SS", "total N", "{admin, ops}", "4 items · 4 scanned · 0.5 CU · Query"} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}
	st := m.Status()
	if st.Operation != "Query" || st.Table != "AppTable" || st.Shown != 4 || st.Scanned != 4 || st.Page != 1 || st.More || !st.HasCapacity {
		t.Errorf("status = %+v", st)
	}
	if !m.ed.Empty() {
		t.Errorf("editor not cleared: %q", m.ed.Value())
	}
}

func TestKeysFirstForTablesCreatedLater(t *testing.T) {
	b := uitest.NewBackend(t)
	b.RunFunc = uitest.SelectRunner(b, 0)
	m := newREPLAt(t, b, "") // no tables yet
	b.MakeTable(t, "Later", "id", "at")
	b.Put(t, "Later", `{"id":{"S":"x"},"at":{"S":"1"},"a":{"N":"1"}}`)
	typeLine(t, m, `SELECT * FROM "Later";`)
	var header string
	for _, l := range strings.Split(plain(m.View()), "\n") {
		if strings.Contains(l, "id S") {
			header = l
		}
	}
	if !strings.HasPrefix(header, "id S  at S  a N") {
		t.Errorf("header %q", header)
	}
}

func TestEnterContinuesIncompleteStatement(t *testing.T) {
	m, b := newREPL(t, 0)
	uitest.Drive(t, m, uitest.Type("SELECT *")...)
	uitest.Drive(t, m, uitest.Key("enter"))
	uitest.Drive(t, m, uitest.Type(`FROM "AppTable" WHERE PK = 'it''s;'`)...)
	uitest.Drive(t, m, uitest.Key("enter")) // the ; is inside a string
	if len(b.Runs()) != 0 || m.ed.LineCount() != 3 {
		t.Fatalf("ran %q; editor has %d lines", b.Runs(), m.ed.LineCount())
	}
	uitest.Drive(t, m, uitest.Key("backspace"))
	uitest.Drive(t, m, uitest.Type(";")...)
	uitest.Drive(t, m, uitest.Key("enter"))
	if got := b.Runs(); len(got) != 1 || got[0] != "SELECT *\nFROM \"AppTable\" WHERE PK = 'it''s;';" {
		t.Fatalf("runs = %q", got)
	}
}

func TestHistoryBrowseAndPersist(t *testing.T) {
	b := uitest.NewBackend(t)
	b.Seed(t)
	b.RunFunc = uitest.SelectRunner(b, 0)
	path := filepath.Join(t.TempDir(), "sessions", "default", "history")
	m := newREPLAt(t, b, path)
	first := `SELECT * FROM "AppTable" WHERE PK='USER#u2';`
	multi := "SELECT *\nFROM \"AppTable\";"
	typeLine(t, m, first)
	typeLine(t, m, multi)
	typeLine(t, m, multi) // a repeat is not stored twice
	uitest.Drive(t, m, uitest.Type("draft")...)
	steps := []struct{ key, want string }{
		{"up", multi}, {"up", first}, {"up", first}, {"down", multi}, {"down", "draft"},
	}
	for i, s := range steps {
		uitest.Drive(t, m, uitest.Key(s.key))
		if got := m.ed.Value(); got != s.want {
			// A multi-line entry: Up moves within it before leaving it.
			if s.key == "up" && m.ed.Value() == multi {
				uitest.Drive(t, m, uitest.Key("up"))
			}
			if got = m.ed.Value(); got != s.want {
				t.Fatalf("step %d (%s): editor %q, want %q", i, s.key, got, s.want)
			}
		}
	}
	// A new REPL on the same file starts with the history.
	m2 := newREPLAt(t, b, path)
	if got := m2.hist.Entries(); len(got) != 2 || got[0] != first || got[1] != multi {
		t.Fatalf("reloaded history = %q", got)
	}
	uitest.Drive(t, m2, uitest.Key("up"))
	if m2.ed.Value() != multi {
		t.Errorf("up after restart: %q", m2.ed.Value())
	}
}

func TestDiscardClearsMultiLineInput(t *testing.T) {
	m, b := newREPL(t, 0)
	uitest.Drive(t, m, uitest.Paste("SELECT *\nFROM t\nWHERE"))
	uitest.Drive(t, m, uitest.Key("ctrl+g"))
	if !m.ed.Empty() || len(b.Runs()) != 0 {
		t.Errorf("after ctrl+g: %q", m.ed.Value())
	}
}

func TestHistoryFileSurvivesDamage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history")
	os.WriteFile(path, []byte("\"ok one\"\nnot json\n\"ok two\"\n"), 0o600)
	got, err := NewHistory(path).Load()
	if err != nil || len(got) != 2 || got[1] != "ok two" {
		t.Errorf("load = %q, %v", got, err)
	}
}

func TestHistorySearch(t *testing.T) {
	m, _ := newREPL(t, 0)
	typeLine(t, m, `SELECT * FROM "AppTable" WHERE PK='USER#u2';`)
	typeLine(t, m, selectU1)
	typeLine(t, m, `.tables`)
	uitest.Drive(t, m, uitest.Key("ctrl+r"))
	if !m.Capturing() {
		t.Fatal("search does not hold the keys")
	}
	uitest.Drive(t, m, uitest.Type("user#u")...)
	if !strings.Contains(plain(m.View()), "(history search) 'user#u'") {
		t.Errorf("no search prompt:\n%s", plain(m.View()))
	}
	uitest.Drive(t, m, uitest.Key("ctrl+r")) // older match
	uitest.Drive(t, m, uitest.Key("enter"))
	if got := m.ed.Value(); got != `SELECT * FROM "AppTable" WHERE PK='USER#u2';` {
		t.Errorf("search took %q", got)
	}
	uitest.Drive(t, m, uitest.Key("ctrl+u"), uitest.Key("ctrl+r"))
	uitest.Drive(t, m, uitest.Type("nothing like it")...)
	if !strings.Contains(plain(m.View()), "no match") {
		t.Error("no 'no match'")
	}
	uitest.Drive(t, m, uitest.Key("esc"))
	if m.search != nil || m.ed.Value() != "" {
		t.Errorf("esc: search %v, editor %q", m.search, m.ed.Value())
	}
}

func TestCompletion(t *testing.T) {
	m, _ := newREPL(t, 0)
	complete := func(typed string) string {
		m.ed.SetValue(typed)
		uitest.Drive(t, m, uitest.Key("tab"))
		return m.ed.Value()
	}
	if got := complete("SEL"); got != "SELECT " {
		t.Errorf("keyword: %q", got)
	}
	if got := complete("select * from "); got != `select * from "AppTable" ` {
		t.Errorf("table: %q", got)
	}
	if got := complete(`select * from "App`); got != `select * from "AppTable" ` {
		t.Errorf("quoted table: %q", got)
	}
	// Attribute names come from results seen in the table.
	typeLine(t, m, selectU1)
	if got := complete(`SELECT * FROM "AppTable" WHERE sta`); got != `SELECT * FROM "AppTable" WHERE status ` {
		t.Errorf("attribute: %q", got)
	}
	// Several candidates: the common prefix, a menu, then Tab cycles.
	got := complete(`SELECT * FROM "AppTable" WHERE t`)
	if got != `SELECT * FROM "AppTable" WHERE t` || m.comp == nil {
		t.Fatalf("menu: %q, comp %v", got, m.comp)
	}
	if line := plain(m.messageLine()); !strings.Contains(line, "tags") || !strings.Contains(line, "total") {
		t.Errorf("menu line %q", line)
	}
	uitest.Drive(t, m, uitest.Key("tab"))
	first := m.ed.Value()
	uitest.Drive(t, m, uitest.Key("tab"))
	second := m.ed.Value()
	if first == second || !strings.HasPrefix(strings.ToLower(first), `select * from "apptable" where t`) {
		t.Errorf("cycling: %q then %q", first, second)
	}
	if got := complete("zzz"); got != "zzz" || !strings.Contains(m.notice, "no completions") {
		t.Errorf("no candidates: %q, notice %q", got, m.notice)
	}
	// Reserved names are quoted.
	m.attrs["AppTable"]["value"] = true
	complete(`SELECT * FROM "AppTable" WHERE valu`)
	if m.comp == nil || !slices.Contains(m.comp.cands, `"value"`) || !slices.Contains(m.comp.cands, "VALUE") {
		t.Errorf("reserved attribute: %v", m.comp)
	}
}

func TestParseErrorCaret(t *testing.T) {
	m, _ := newREPL(t, 0)
	typeLine(t, m, "SELECT *\nFROM \"AppTable\" LIMIT 1;")
	view := plain(m.View())
	lines := strings.Split(view, "\n")
	var errLine, src, caret int = -1, -1, -1
	for i, l := range lines {
		switch {
		case strings.Contains(l, "✗ PartiQL") && strings.Contains(l, "Unsupported clause: LIMIT"):
			errLine = i
		case errLine >= 0 && src < 0 && strings.HasPrefix(l, `  FROM "AppTable" LIMIT 1`):
			src = i
		case src >= 0 && caret < 0 && strings.Contains(l, "^"):
			caret = i
		}
	}
	if errLine < 0 || src != errLine+1 || caret != src+1 {
		t.Fatalf("error, source and caret lines not found:\n%s", view)
	}
	col := strings.Index(lines[caret], "^") - 2 // the source is indented by 2
	if want := strings.Index(`FROM "AppTable" LIMIT 1;`, "LIMIT"); col != want {
		t.Errorf("caret under column %d, want %d:\n%s\n%s", col, want, lines[src], lines[caret])
	}
	if !strings.Contains(lines[caret], "line 2, column 17") {
		t.Errorf("caret line %q", lines[caret])
	}
	if f := m.LastFailure(); f == nil || !strings.Contains(f.Full(), "line 2, column 17") {
		t.Errorf("failure = %v", f)
	}
}

func TestEscCancelsRunningStatement(t *testing.T) {
	m, b := newREPL(t, 0)
	b.Gate = make(chan struct{})
	defer close(b.Gate)
	uitest.Drive(t, m, uitest.Paste(selectU1))
	cmd := m.Update(uitest.Key("enter")) // the run's command: not executed yet
	if m.run == nil || !strings.Contains(m.Status().Running, "esc cancels") {
		t.Fatalf("not running: %+v", m.Status())
	}
	if !strings.Contains(plain(m.View()), "⧗ running") {
		t.Error("no running line")
	}
	done := make(chan []tea.Msg)
	go func() { done <- uitest.Exec(cmd) }()
	uitest.Drive(t, m, uitest.Key("esc"))
	if m.run != nil {
		t.Fatal("esc did not cancel")
	}
	select {
	case msgs := <-done: // the backend saw the cancellation
		uitest.Drive(t, m, msgs...)
	case <-time.After(5 * time.Second):
		t.Fatal("the canceled statement's command did not return")
	}
	if f := m.LastFailure(); f == nil || !f.Canceled() {
		t.Errorf("failure = %v", f)
	}
	if !strings.Contains(plain(m.View()), "⊘ PartiQL AppTable: canceled") {
		t.Errorf("no canceled line:\n%s", plain(m.View()))
	}
	if !m.editing {
		t.Error("esc while running also left the editor")
	}
}

func TestStatementTimesOut(t *testing.T) {
	m, b := newREPL(t, 0)
	b.Gate, b.IgnoreContext = make(chan struct{}), true // a backend that hangs
	defer close(b.Gate)
	m.c.Timeout = 30 * time.Millisecond
	typeLine(t, m, selectU1)
	if m.run != nil {
		t.Fatal("still running after the timeout")
	}
	if !strings.Contains(plain(m.View()), "✗ PartiQL AppTable: timed out — fix: narrow it") {
		t.Errorf("no timeout line:\n%s", plain(m.View()))
	}
}

func TestPaging(t *testing.T) {
	m, b := newREPL(t, 3)
	typeLine(t, m, `SELECT * FROM "AppTable";`)
	if !strings.Contains(plain(m.View()), "3 items · 7 scanned · 0.5 CU · Scan · page 1 · more: ctrl+n") {
		t.Fatalf("page 1 footer:\n%s", plain(m.View()))
	}
	if st := m.Status(); !st.More || st.Page != 1 {
		t.Errorf("status %+v", st)
	}
	uitest.Drive(t, m, uitest.Key("ctrl+n"))
	uitest.Drive(t, m, uitest.Key("ctrl+n"))
	if st := m.Status(); st.More || st.Page != 3 || st.Shown != 1 {
		t.Errorf("status after paging %+v", st)
	}
	if n := len(b.Runs()); n != 3 {
		t.Errorf("%d runs", n)
	}
	uitest.Drive(t, m, uitest.Key("ctrl+n"))
	if m.notice != "no more pages" || len(b.Runs()) != 3 {
		t.Errorf("past the last page: notice %q, %d runs", m.notice, len(b.Runs()))
	}
	// .export writes every page of the result.
	out := filepath.Join(t.TempDir(), "items.jsonl")
	typeLine(t, m, ".export "+out)
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), "\n"); n != 7 {
		t.Errorf("exported %d lines", n)
	}
	if !strings.HasPrefix(string(data), `{"Item":{"PK":{"S":"`) {
		t.Errorf("export format: %.60s", data)
	}
	if fi, err := os.Stat(out); err != nil || (runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600) {
		t.Errorf("export file mode %v, %v; want 0600: it holds items", fi.Mode(), err)
	}
}

func TestJSONView(t *testing.T) {
	m, _ := newREPL(t, 0)
	typeLine(t, m, `SELECT * FROM "AppTable" WHERE PK='USER#u2';`)
	uitest.Drive(t, m, uitest.Key("ctrl+t"))
	view := plain(m.View())
	for _, want := range []string{`"PK": {"S": "USER#u2"},`, `"note": {"NULL": true}`, `"lines": {"L": [`, "2 items"} {
		if !strings.Contains(view, want) {
			t.Errorf("JSON view lacks %q:\n%s", want, view)
		}
	}
}

func TestExplainShowsPlan(t *testing.T) {
	m, _ := newREPL(t, 0)
	typeLine(t, m, `EXPLAIN SELECT * FROM "AppTable" WHERE PK='USER#u1';`)
	view := plain(m.View())
	if !strings.Contains(view, "  Operation: Query") || !strings.Contains(view, "  KeyCondition: PK = {S:USER#u1}") {
		t.Errorf("no plan:\n%s", view)
	}
}

func TestSeveralStatementsRunInOrder(t *testing.T) {
	m, b := newREPL(t, 0)
	typeLine(t, m, `SELECT * FROM "AppTable" WHERE PK='USER#u1'; SELECT * FROM "AppTable" WHERE PK='USER#u2';`)
	if got := b.Runs(); len(got) != 2 || !strings.Contains(got[1], "USER#u2") {
		t.Errorf("runs = %q", got)
	}
	// A failing statement stops the rest.
	typeLine(t, m, `SELECT * FROM "Nope"; SELECT * FROM "AppTable";`)
	if got := b.Runs(); len(got) != 3 {
		t.Errorf("runs after a failure = %q", got)
	}
	if !strings.Contains(plain(m.View()), "stopped: 1 later statement not run") {
		t.Errorf("no stop notice:\n%s", plain(m.View()))
	}
}

func TestMetaCommands(t *testing.T) {
	m, b := newREPL(t, 0)
	m.SetSize(160, 30)
	dir := t.TempDir()
	script := filepath.Join(dir, "seed.sql")
	os.WriteFile(script, []byte("-- two statements\nSELECT * FROM \"AppTable\" WHERE PK='USER#u1';\n\nSELECT * FROM \"AppTable\" WHERE PK='USER#u2';\n"), 0o600)
	cases := []struct {
		line string
		want []string
		full string // in the full text of the failure, when set
	}{
		{".tables", []string{"AppTable", "PK S · SK S", "1 table"}, ""},
		{".describe AppTable", []string{"AppTable  ACTIVE", "key        PK S (partition)", "SK S (sort)", "items      7", "billing    on demand"}, ""},
		{".describe Nope", []string{"✗ DescribeTable Nope: ResourceNotFoundException", "fix: check the table name: .tables lists them"}, ""},
		{".read " + script, []string{"reading 2 statements", "-- seed.sql:2", "-- seed.sql:4", "2 items"}, ""},
		{".read " + filepath.Join(dir, "missing.sql"), []string{"✗ .read", "[F2]"}, "no such file"},
		{".help", []string{".describe TABLE", ".export FILE", ".theme NAME"}, ""},
		{".bogus", []string{"✗ .bogus: unknown command .bogus — fix: .help lists the commands"}, ""},
		{".export", []string{"usage: .export FILE"}, ""},
		{".theme", []string{"theme dark · themes: dark, high-contrast, light"}, ""},
	}
	for _, tc := range cases {
		typeLine(t, m, tc.line)
		view := plain(m.View())
		for _, w := range tc.want {
			if !strings.Contains(view, w) {
				t.Errorf("%s: view lacks %q:\n%s", tc.line, w, view)
			}
		}
		if f := m.LastFailure(); tc.full != "" && (f == nil || !strings.Contains(f.Full(), tc.full)) {
			t.Errorf("%s: the full text lacks %q: %v", tc.line, tc.full, f)
		}
	}
	if n := len(b.Runs()); n != 2 {
		t.Errorf(".read ran %d statements", n)
	}

	// .theme asks the root; :q asks to quit.
	uitest.Drive(t, m, uitest.Paste(".theme light"))
	if msgs := uitest.Exec(m.Update(uitest.Key("enter"))); !hasMsg[common.ThemeRequestMsg](msgs) {
		t.Errorf(".theme light sent %v", msgs)
	}
	uitest.Drive(t, m, uitest.Paste(":q"))
	if msgs := uitest.Exec(m.Update(uitest.Key("enter"))); !hasMsg[common.QuitRequestMsg](msgs) {
		t.Errorf(":q sent %v", msgs)
	}
}

func hasMsg[T any](msgs []tea.Msg) bool {
	for _, m := range msgs {
		if _, ok := m.(T); ok {
			return true
		}
	}
	return false
}

func TestWriteStatementShowsDone(t *testing.T) {
	m, _ := newREPL(t, 0)
	typeLine(t, m, `UPDATE "AppTable" SET status='x' WHERE PK='USER#u1' AND SK='PROFILE';`)
	if !strings.Contains(plain(m.View()), "✓ UpdateItem AppTable · 1 CU") {
		t.Errorf("no done line:\n%s", plain(m.View()))
	}
}

func TestTranscriptKeys(t *testing.T) {
	m, _ := newREPL(t, 0)
	for i := 0; i < 6; i++ {
		typeLine(t, m, `SELECT * FROM "AppTable";`)
	}
	uitest.Drive(t, m, uitest.Key("esc"))
	if m.Capturing() {
		t.Fatal("esc did not leave the editor")
	}
	for _, k := range []string{"k", "up", "pgup"} {
		before := m.scroll
		uitest.Drive(t, m, uitest.Key(k))
		if m.scroll <= before {
			t.Errorf("%s did not scroll up (%d → %d)", k, before, m.scroll)
		}
	}
	uitest.Drive(t, m, uitest.Key("G"))
	if m.scroll != 0 {
		t.Errorf("G: scroll %d", m.scroll)
	}
	uitest.Drive(t, m, uitest.Key("l"))
	if m.hscroll != 1 {
		t.Errorf("l: hscroll %d", m.hscroll)
	}
	uitest.Drive(t, m, uitest.Key("i"))
	if !m.Capturing() {
		t.Error("i did not return to the editor")
	}
}

// Run gets its own context per statement, and Backend errors keep their
// type through the REPL.
func TestBackendErrorIsShownNotSwallowed(t *testing.T) {
	m, b := newREPL(t, 0)
	b.RunFunc = func(ctx context.Context, stmt string, _ []attr.Value, _ string) (*sessions.Result, error) {
		return nil, &engineError{}
	}
	typeLine(t, m, selectU1)
	if !strings.Contains(plain(m.View()), "✗ PartiQL AppTable: boom") {
		t.Errorf("error not shown:\n%s", plain(m.View()))
	}
}

type engineError struct{}

func (*engineError) Error() string { return "boom" }

// TestCreateAndDropTables: .create makes a table from a one-line spec and
// says what it made; .drop asks for the name to be typed, keeps the table
// on anything else, and deletes it on the name.
func TestCreateAndDropTables(t *testing.T) {
	m, b := newREPL(t, 0)
	typeLine(t, m, ".create Orders PK:S SK:S gsi ByStatus status:S provisioned 5 2")
	v := plain(m.View())
	if !strings.Contains(v, "created table Orders: PK S · SK S · provisioned 5 RCU / 2 WCU · GSI ByStatus") {
		t.Fatalf("no report of the new table:\n%s", v)
	}
	if info, err := b.DB.DescribeTable(context.Background(), &engine.DescribeTableInput{TableName: "Orders"}); err != nil || len(info.Table.GlobalSecondaryIndexes) != 1 {
		t.Fatalf("Orders: %v", err)
	}
	typeLine(t, m, ".create Bad PK")
	if f := m.LastFailure(); f == nil || !strings.Contains(f.Message(), "expected a key attribute") {
		t.Fatalf("a bad spec: %v", f)
	}
	typeLine(t, m, ".drop Orders")
	if v := plain(m.View()); !strings.Contains(v, "Type its name, Orders,") {
		t.Fatalf("no question:\n%s", v)
	}
	typeLine(t, m, "orders")
	if v := plain(m.View()); !strings.Contains(v, "kept Orders") {
		t.Fatalf("a wrong name did not keep it:\n%s", v)
	}
	if b.Calls("DeleteTable") != 0 {
		t.Fatal("deleted without the name")
	}
	typeLine(t, m, ".drop Orders")
	typeLine(t, m, "Orders")
	if v := plain(m.View()); !strings.Contains(v, "deleted table Orders") || b.Calls("DeleteTable") != 1 {
		t.Fatalf("not deleted:\n%s", v)
	}
}

// TestHistoryFileModes: the history file and its directory are private;
// compacting the file keeps the mode its owner gave it.
func TestHistoryFileModes(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix file modes")
	}
	path := filepath.Join(t.TempDir(), "session", "history")
	h := NewHistory(path)
	if err := h.Append("SELECT 1"); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]os.FileMode{path: 0o600, filepath.Dir(path): 0o700} {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: %v %v, want %#o", p, fi.Mode(), err, want)
		}
	}
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	for i := range 2*MaxHistory + 1 { // past twice the limit, Load compacts the file
		if err := h.Append(fmt.Sprint("SELECT ", i)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := NewHistory(path).Load()
	if err != nil || len(got) != MaxHistory {
		t.Fatalf("load: %d entries, %v", len(got), err)
	}
	data, _ := os.ReadFile(path)
	if n := strings.Count(string(data), "\n"); n != MaxHistory {
		t.Fatalf("the file was not compacted: %d lines", n)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o640 {
		t.Errorf("compacted %s: %v %v, want 0640", path, fi.Mode(), err)
	}
}

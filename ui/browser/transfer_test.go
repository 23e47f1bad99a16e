package browser

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/sessions"
	"dynalab/ui/common"
	"dynalab/ui/internal/uitest"
)

// home points ~ at a temporary directory.
func home(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	return dir
}

func messageLine(m *Model) string { return plain(m.messageLine()) }

func sameItems(t *testing.T, a, b []attr.Item) {
	t.Helper()
	key := func(it attr.Item) string { return it.String() }
	seen := map[string]int{}
	for _, it := range a {
		seen[key(it)]++
	}
	for _, it := range b {
		seen[key(it)]--
	}
	for k, n := range seen {
		if n != 0 {
			t.Errorf("item differs (%+d): %s", n, k)
		}
	}
}

func TestExportThenImportRoundTrip(t *testing.T) {
	dir := home(t)
	m, b := newBrowser(t, 120, 20)
	openTable(t, m, "AppTable")

	press(t, m, "x")
	if !m.Capturing() || !strings.Contains(messageLine(m), "export AppTable to [~/AppTable.jsonl") || !strings.Contains(messageLine(m), "ddb-json") {
		t.Fatalf("export bar: %q", messageLine(m))
	}
	press(t, m, "enter")
	if m.job != nil || !strings.HasPrefix(m.notice, "✓ exported 7 items from AppTable to ~/AppTable.jsonl (ddb-json) in ") {
		t.Fatalf("after export: notice %q failure %v", m.notice, m.failure)
	}
	data, err := os.ReadFile(filepath.Join(dir, "AppTable.jsonl"))
	if err != nil || strings.Count(string(data), "\n") != 7 {
		t.Fatalf("exported file: %v\n%s", err, data)
	}

	// A fresh session with an empty AppTable imports it back.
	b2 := uitest.NewBackend(t)
	b2.MakeTable(t, "AppTable", "PK", "SK")
	m2 := browserFor(t, b2, 120, 20)
	openTable(t, m2, "AppTable")
	press(t, m2, "I")
	if !strings.Contains(messageLine(m2), "import into AppTable from [~/AppTable.jsonl") {
		t.Fatalf("import bar: %q", messageLine(m2))
	}
	press(t, m2, "enter")
	if m2.confirm == nil || !strings.Contains(m2.confirm.title, "Import ~/AppTable.jsonl into AppTable?") {
		t.Fatalf("import asks first: %+v", m2.confirm)
	}
	if body := plain(m2.View()); !strings.Contains(body, "an item with an existing key replaces it") {
		t.Errorf("confirmation:\n%s", body)
	}
	press(t, m2, "y")
	if !strings.HasPrefix(m2.notice, "✓ imported 7 items into AppTable from ~/AppTable.jsonl (ddb-json) in ") {
		t.Fatalf("after import: notice %q failure %v", m2.notice, m2.failure)
	}
	sameItems(t, b.ScanAll(t, "AppTable"), b2.ScanAll(t, "AppTable"))
	if m2.data.shown() != 7 {
		t.Errorf("the listing was not reloaded: %d shown", m2.data.shown())
	}
}

func TestExportFormatsAndReplaceConfirms(t *testing.T) {
	dir := home(t)
	m, _ := newBrowser(t, 120, 20)
	// From the tables list: the table under the cursor, as CSV.
	press(t, m, "x")
	press(t, m, "ctrl+u")
	uitest.Drive(t, m, uitest.Type("~/out.csv")...)
	if !strings.Contains(messageLine(m), "csv") {
		t.Errorf("format hint: %q", messageLine(m))
	}
	press(t, m, "enter")
	if !strings.Contains(m.notice, "to ~/out.csv (csv)") {
		t.Fatalf("notice %q failure %v", m.notice, m.failure)
	}
	// Again: the file exists, so it asks; n keeps it.
	press(t, m, "x")
	press(t, m, "ctrl+u")
	uitest.Drive(t, m, uitest.Type("~/out.csv")...)
	press(t, m, "enter")
	if m.confirm == nil || m.confirm.title != "Replace ~/out.csv?" {
		t.Fatalf("no confirmation: %+v", m.confirm)
	}
	press(t, m, "n")
	if m.job != nil {
		t.Fatal("export ran")
	}
	if _, err := os.Stat(filepath.Join(dir, "out.csv")); err != nil {
		t.Fatal(err)
	}
}

func TestImportReportsRejectedLines(t *testing.T) {
	dir := home(t)
	m, b := newBrowser(t, 120, 20)
	openTable(t, m, "AppTable")
	file := filepath.Join(dir, "in.jsonl")
	os.WriteFile(file, []byte(strings.Join([]string{
		`{"PK":{"S":"NEW#1"},"SK":{"S":"A"}}`,
		`{"PK":{"S":"NEW#2"}}`,
		`not json`,
		`{"PK":{"S":"NEW#3"},"SK":{"S":"A"}}`,
	}, "\n")+"\n"), 0o644)
	press(t, m, "I", "ctrl+u")
	uitest.Drive(t, m, uitest.Type("~/in.jsonl")...)
	press(t, m, "enter", "y")
	f := m.LastFailure()
	if f == nil {
		t.Fatalf("no failure; notice %q", m.notice)
	}
	line := plain(messageLine(m))
	if !strings.Contains(line, "✗ Import ~/in.jsonl → AppTable: 2 items written, 2 lines rejected; first: line 2: ") {
		t.Errorf("message line: %q", line)
	}
	full := f.Full()
	for _, want := range []string{"Rejected lines:", "  line 2: ", "  line 3: ", "Fix:       correct those lines (F2 lists them)"} {
		if !strings.Contains(full, want) {
			t.Errorf("full text lacks %q:\n%s", want, full)
		}
	}
	if n := len(b.ScanAll(t, "AppTable")); n != 9 {
		t.Errorf("%d items", n)
	}
}

func TestImportOfMissingFileSaysSo(t *testing.T) {
	home(t)
	m, _ := newBrowser(t, 120, 20)
	openTable(t, m, "AppTable")
	press(t, m, "I", "enter")
	line := messageLine(m)
	if !strings.Contains(line, "✗ Import ~/AppTable.jsonl: ") || !strings.Contains(line, "no such file") {
		t.Errorf("message line: %q", line)
	}
}

// startHeld presses keys that start a job and runs the job's command in
// the background; the returned channel yields its result.
func startHeld(t *testing.T, m *Model, keys ...string) <-chan tea.Msg {
	t.Helper()
	var cmd tea.Cmd
	for _, k := range keys {
		cmd = m.Update(uitest.Key(k))
	}
	if m.job == nil || cmd == nil {
		t.Fatalf("no job started: %q %v", m.notice, m.failure)
	}
	batch, ok := cmd().(tea.BatchMsg)
	if !ok {
		t.Fatal("not a batch")
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- batch[0]() }()
	return done
}

func wait(t *testing.T, done <-chan tea.Msg) tea.Msg {
	t.Helper()
	select {
	case msg := <-done:
		return msg
	case <-time.After(10 * time.Second):
		t.Fatal("the job did not end")
	}
	return nil
}

func TestEscCancelsExport(t *testing.T) {
	dir := home(t)
	m, b := newBrowser(t, 120, 20)
	openTable(t, m, "AppTable")
	b.Gate = make(chan struct{}) // every call waits: the export hangs
	done := startHeld(t, m, "x", "enter")
	if line := messageLine(m); !strings.Contains(line, "⧗ exporting AppTable → ~/AppTable.jsonl: 0 of ~7 items (0%) · esc cancels") {
		t.Errorf("progress: %q", line)
	}
	if m.Unsaved() == "" {
		t.Error("quitting would not ask")
	}
	press(t, m, "esc")
	if !strings.Contains(messageLine(m), "canceling") {
		t.Errorf("after esc: %q", messageLine(m))
	}
	m.Update(wait(t, done))
	if m.job != nil || m.notice != "⊘ export canceled after 0 items: ~/AppTable.jsonl was not written" {
		t.Errorf("notice %q failure %v", m.notice, m.failure)
	}
	if m.view != viewItems {
		t.Error("esc also backed out of the table")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
}

// slowWrites lets the first BatchWriteItem through and holds the others
// until their context ends.
type slowWrites struct {
	*uitest.Backend
	calls atomic.Int32
}

func (s *slowWrites) BatchWriteItem(ctx context.Context, in *engine.BatchWriteItemInput) (*engine.BatchWriteItemOutput, error) {
	if s.calls.Add(1) > 1 {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return s.Backend.BatchWriteItem(ctx, in)
}

var _ sessions.Backend = (*slowWrites)(nil)

func TestEscCancelsImportKeepingItsCheckpoint(t *testing.T) {
	dir := home(t)
	b := uitest.NewBackend(t)
	b.MakeTable(t, "AppTable", "PK", "SK")
	slow := &slowWrites{Backend: b}
	c := uitest.Common(t, b, "dark")
	c.Backend = slow
	m := New(c, nil)
	m.SetSize(160, 20)
	m.SetFocused(true)
	uitest.Drive(t, m, uitest.Exec(common.LoadTables(c, ""))...)
	ckpt := filepath.Join(dir, "checkpoint.json")
	m.SetCheckpoint(func(table, input string) (string, string, error) {
		return ckpt, "dynalab import --table " + table + " --resume " + input, nil
	})
	openTable(t, m, "AppTable")

	var lines []string
	for i := 0; i < 60; i++ {
		lines = append(lines, fmt.Sprintf(`{"PK":{"S":"P#%02d"},"SK":{"S":"A"}}`, i))
	}
	file := filepath.Join(dir, "AppTable.jsonl")
	os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o644)

	done := startHeld(t, m, "I", "enter", "y")
	for deadline := time.Now().Add(10 * time.Second); m.job.count.Load() < 25; {
		if time.Now().After(deadline) {
			t.Fatal("the first batch was not written")
		}
		time.Sleep(time.Millisecond)
	}
	press(t, m, "esc")
	m.Update(wait(t, done))
	want := "⊘ import canceled after line 25: 25 items written; the checkpoint is kept, resume with: dynalab import --table AppTable --resume " + file
	if m.notice != want {
		t.Errorf("notice %q\nwant   %q\nfailure %v", m.notice, want, m.failure)
	}
	if _, err := os.Stat(ckpt); err != nil {
		t.Fatalf("no checkpoint: %v", err)
	}

	// Importing the same file again continues after line 25.
	slow.calls.Store(-100)
	press(t, m, "I", "enter")
	if body := plain(m.View()); !strings.Contains(body, "an earlier import stopped after line 25: y continues from there") {
		t.Errorf("confirmation:\n%s", body)
	}
	press(t, m, "y")
	if !strings.Contains(m.notice, "✓ imported 60 items") || !strings.Contains(m.notice, "resumed after line 25") {
		t.Errorf("notice %q failure %v", m.notice, m.failure)
	}
	if n := len(b.ScanAll(t, "AppTable")); n != 60 {
		t.Errorf("%d items", n)
	}
	if _, err := os.Stat(ckpt); !os.IsNotExist(err) {
		t.Errorf("the checkpoint stayed: %v", err)
	}
}

func TestTransferKeysInHelp(t *testing.T) {
	m, _ := newBrowser(t, 120, 20)
	var all []string
	for _, row := range m.FullHelp() {
		for _, k := range row {
			all = append(all, k.Help().Key+" "+k.Help().Desc)
		}
	}
	for _, want := range []string{"x export to a file", "I import a file", "esc cancel a running import/export"} {
		if !strings.Contains(strings.Join(all, "|"), want) {
			t.Errorf("tables help lacks %q: %v", want, all)
		}
	}
	short := ""
	for _, k := range m.ShortHelp() {
		short += k.Help().Key + " "
	}
	if !strings.Contains(short, "x I") {
		t.Errorf("footer keys: %s", short)
	}
}

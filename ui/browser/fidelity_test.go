package browser

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"dynalab/engine/attr"
	"dynalab/ui/common"
	"dynalab/ui/internal/uitest"
)

// typeItems hold every attribute type with the values that break editors:
// 38-digit and extreme numbers, empty and binary-unsafe strings and
// binaries, nested and empty collections, and sets in a given order.
var typeItems = []string{
	`{"PK":{"S":"T"},"SK":{"S":"1 scalars"},"s":{"S":"line1\nline2\ttab \"q\" \\ naïve 日本語 🙂"},"empty":{"S":""},"n":{"N":"12345678901234567890123456789012345678"},"tiny":{"N":"-1E-130"},"big":{"N":"9.9999999999999999999999999999999999999E+125"},"b":{"B":"AAECAwT/"},"t":{"BOOL":true},"f":{"BOOL":false},"z":{"NULL":true}}`,
	`{"PK":{"S":"T"},"SK":{"S":"2 sets"},"ss":{"SS":["zeta","alpha","","mid"]},"ns":{"NS":["3","-1","12345678901234567890123456789012345678","0.5"]},"bs":{"BS":["AQ==","AA==","//8="]}}`,
	`{"PK":{"S":"T"},"SK":{"S":"3 nested"},"m":{"M":{"a":{"S":"x"},"e":{"M":{}},"l":{"L":[]},"d":{"M":{"deep":{"L":[{"N":"1"},{"M":{"n":{"NULL":true}}},{"SS":["x"]},{"B":"AQ=="}]}}}}},"l":{"L":[{"S":"a"},{"N":"1"},{"BOOL":false},{"L":[{"NS":["1","2"]}]}]}}`,
}

func storedBytes(t *testing.T, b *uitest.Backend) map[string]string {
	out := map[string]string{}
	for _, it := range b.ScanAll(t, "Types") {
		out[it["SK"].Str()] = string(attr.AppendItem(nil, it))
	}
	return out
}

// editorRun drives the browser in a real Bubble Tea program, so that
// $EDITOR runs as a process, and opens each item of "Types" in it.
func editorRun(t *testing.T, editor EditorFunc, each func(tm *teatest.TestModel)) *uitest.Backend {
	b := uitest.NewBackend(t)
	b.MakeTable(t, "Types", "PK", "SK")
	for _, it := range typeItems {
		b.Put(t, "Types", it)
	}
	c := uitest.Common(t, b, "dark")
	m := New(c, editor)
	m.SetFocused(true)
	tm := teatest.NewTestModel(t, uitest.Model(m), teatest.WithInitialTermSize(140, 30))
	tm.Send(common.TablesMsg{Tables: []common.TableInfo{{Name: "Types", Hash: common.KeyAttr{Name: "PK", Type: "S"}, Range: common.KeyAttr{Name: "SK", Type: "S"}}}})
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor(t, tm, "3 items loaded")
	for range typeItems {
		each(tm)
		tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("j")})
	}
	tm.Send(tea.Quit())
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	return b
}

func waitFor(t *testing.T, tm *teatest.TestModel, text string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(out []byte) bool { return bytes.Contains(out, []byte(text)) },
		teatest.WithDuration(15*time.Second), teatest.WithCheckInterval(10*time.Millisecond)) // generous: CI machines are shared
}

// Opening an item in $EDITOR and saving it unchanged writes nothing and
// leaves every type byte-for-byte as it was.
func TestEditorUnchangedKeepsEveryTypeByteForByte(t *testing.T) {
	var before map[string]string
	b := editorRun(t, func(path string) *exec.Cmd { return exec.Command("true", path) }, func(tm *teatest.TestModel) {
		tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("o")})
		waitFor(t, tm, "no changes: nothing written")
	})
	if n := b.Calls("PutItem") + b.Calls("UpdateItem"); n != 0 {
		t.Errorf("%d writes for unchanged items", n)
	}
	before = map[string]string{}
	for _, src := range typeItems {
		it, _ := attr.ParseItem([]byte(src))
		before[it["SK"].Str()] = string(attr.AppendItem(nil, it))
	}
	after := storedBytes(t, b)
	for sk, want := range before {
		if after[sk] != want {
			t.Errorf("%s changed:\n was %s\n now %s", sk, want, after[sk])
		}
	}
}

// An editor that rewrites the file with the same content in another
// layout (here: the compact form) also writes nothing.
func TestEditorReformatWritesNothing(t *testing.T) {
	b := editorRun(t, func(path string) *exec.Cmd {
		// Re-indent with 4 spaces: the same JSON, other bytes.
		return exec.Command("sh", "-c", `sed -i 's/^  /    /' "$1"`, "editor", path)
	}, func(tm *teatest.TestModel) {
		tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("o")})
		waitFor(t, tm, "formatting only")
	})
	if n := b.Calls("PutItem"); n != 0 {
		t.Errorf("%d writes", n)
	}
}

// A real change writes only after y, and every other attribute keeps its
// bytes.
func TestEditorChangeWritesAfterConfirm(t *testing.T) {
	b := editorRun(t, func(path string) *exec.Cmd {
		return exec.Command("sh", "-c", `sed -i 's/"zeta"/"omega"/; s/{"S": "x"}/{"S": "y"}/; s/{"BOOL": true}/{"BOOL": false}/' "$1"`, "editor", path)
	}, func(tm *teatest.TestModel) {
		tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("o")})
		waitFor(t, tm, "Replace 1 item in Types?")
		tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("y")})
		waitFor(t, tm, "✓ PutItem")
	})
	if n := b.Calls("PutItem"); n != 3 {
		t.Errorf("%d writes", n)
	}
	after := storedBytes(t, b)
	for _, src := range typeItems {
		want := strings.NewReplacer(`"zeta"`, `"omega"`, `{"S":"x"}`, `{"S":"y"}`, `{"BOOL":true}`, `{"BOOL":false}`).Replace(src)
		it, _ := attr.ParseItem([]byte(want))
		if got := after[it["SK"].Str()]; got != string(attr.AppendItem(nil, it)) {
			t.Errorf("%s:\n got %s\nwant %s", it["SK"].Str(), got, attr.AppendItem(nil, it))
		}
	}
}

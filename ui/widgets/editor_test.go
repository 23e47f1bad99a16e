package widgets

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"dynalab/ui/internal/uitest"
)

func TestEditorEditing(t *testing.T) {
	var e Editor
	e.Insert("SELECT *\nFROM t")
	if e.Value() != "SELECT *\nFROM t" || e.LineCount() != 2 {
		t.Fatalf("value %q", e.Value())
	}
	if r, c := e.Cursor(); r != 1 || c != 6 {
		t.Errorf("cursor %d,%d", r, c)
	}
	e.Home()
	e.Backspace() // joins the lines
	if e.Value() != "SELECT *FROM t" {
		t.Errorf("join: %q", e.Value())
	}
	e.Newline()
	e.Up()
	e.End()
	e.DeleteWordBack() // the word and the punctuation before the cursor
	if e.Value() != "\nFROM t" {
		t.Errorf("delete word: %q", e.Value())
	}
	if off := e.Offset(); off != 0 {
		t.Errorf("offset %d", off)
	}
	e.Insert("SELECT *")
	e.Replace(0, 6, "select")
	if e.Value() != "select *\nFROM t" || e.Offset() != 6 {
		t.Errorf("replace: %q at %d", e.Value(), e.Offset())
	}
	e.SetValue("a\tb\r\nc")
	if e.Value() != "a    b\nc" {
		t.Errorf("tabs and CRLF: %q", e.Value())
	}
}

func TestEditorSingleLine(t *testing.T) {
	e := Editor{SingleLine: true}
	e.Insert("one\ntwo")
	if e.Value() != "one two" || e.LineCount() != 1 {
		t.Errorf("value %q", e.Value())
	}
	e.Newline()
	if e.LineCount() != 1 {
		t.Error("newline in a single-line editor")
	}
}

func TestEditorKeys(t *testing.T) {
	var e Editor
	for _, k := range []tea.KeyMsg{
		{Type: tea.KeyRunes, Runes: []rune("abc")},
		{Type: tea.KeyLeft},
		{Type: tea.KeyBackspace},
		{Type: tea.KeyCtrlE},
		{Type: tea.KeySpace},
		{Type: tea.KeyRunes, Runes: []rune("d")},
		{Type: tea.KeyCtrlA},
		{Type: tea.KeyDelete},
	} {
		e.HandleKey(k)
	}
	if e.Value() != "c d" {
		t.Errorf("value %q", e.Value())
	}
	if e.HandleKey(tea.KeyMsg{Type: tea.KeyEnter}) || e.HandleKey(tea.KeyMsg{Type: tea.KeyTab}) {
		t.Error("editor took Enter or Tab, which are its owner's")
	}
	if e.HandleKey(tea.KeyMsg{Type: tea.KeyUp}) {
		t.Error("Up on the first line should be left to the owner")
	}
}

func TestEditorViewWrapsAndHighlights(t *testing.T) {
	th := uitest.Theme(t, "dark")
	var e Editor
	e.SetValue(strings.Repeat("x", 25) + "\nyy")
	o := EditorView{Width: 15, Prompt: "> ", Continue: ". ", Base: th.Text, Cursor: th.Cursor, ShowCursor: true,
		Spans: []Span{{Start: 0, End: 3, Style: th.Error}}}
	lines := e.View(o)
	if len(lines) != 3 {
		t.Fatalf("%d lines: %q", len(lines), lines)
	}
	for _, l := range lines {
		if ansi.StringWidth(l) > 15 {
			t.Errorf("line too wide: %q", ansi.Strip(l))
		}
	}
	if !strings.Contains(lines[0], th.Error.Render("xxx")) {
		t.Error("span not styled as one run")
	}
	if e.CursorRow(o) != 2 {
		t.Errorf("cursor row %d", e.CursorRow(o))
	}
}

// TestEditorWrapsAtWords: a long line wraps after a space, not inside a
// word; its wrapped rows have no prompt (the continuation prompt marks a
// new line of the statement only); CursorRow follows the same wrapping.
func TestEditorWrapsAtWords(t *testing.T) {
	th := uitest.Theme(t, "dark")
	var e Editor
	e.SetValue("SELECT name FROM Orders WHERE status = 'shipped'\nAND total > 10")
	o := EditorView{Width: 24, Prompt: "sql> ", Continue: "...> ", Base: th.Text, Cursor: th.Cursor, ShowCursor: true}
	var got []string
	for _, l := range e.View(o) {
		got = append(got, strings.TrimRight(ansi.Strip(l), " "))
	}
	want := []string{"sql> SELECT name FROM", "     Orders WHERE", "     status = 'shipped'", "...> AND total > 10"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("rows\n%q\nwant\n%q", got, want)
	}
	e.SetValue("SELECT name FROM Orders WHERE status")
	for col, row := range map[int]int{0: 0, 16: 0, 17: 1, 30: 1, 36: 2} { // at the end, the cursor cell wraps "status"
		e.row, e.col = 0, col
		if r := e.CursorRow(o); r != row {
			t.Errorf("cursor at %d: row %d, want %d", col, r, row)
		}
	}
}

package widgets

import (
	"strings"
	"unicode"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// Editor is a text editor: multi-line by default (the REPL), one line
// when SingleLine is set (bars and prompts). It knows editing only; what
// Enter, Tab, Up and Down mean is its owner's business. The zero Editor is
// empty and ready.
type Editor struct {
	SingleLine bool

	lines    [][]rune
	row, col int
}

// Span styles the bytes [Start, End) of the editor's value.
type Span struct {
	Start, End int
	Style      lipgloss.Style
}

func (e *Editor) init() {
	if len(e.lines) == 0 {
		e.lines = [][]rune{{}}
	}
}

// Value returns the text.
func (e *Editor) Value() string {
	e.init()
	var b strings.Builder
	for i, l := range e.lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(string(l))
	}
	return b.String()
}

// SetValue replaces the text and puts the cursor at its end.
func (e *Editor) SetValue(s string) {
	e.lines = [][]rune{{}}
	e.row, e.col = 0, 0
	e.Insert(s)
}

// Reset empties the editor.
func (e *Editor) Reset() { e.SetValue("") }

// Empty reports whether the editor holds no text.
func (e *Editor) Empty() bool {
	e.init()
	return len(e.lines) == 1 && len(e.lines[0]) == 0
}

// LineCount returns the number of lines.
func (e *Editor) LineCount() int {
	e.init()
	return len(e.lines)
}

// Cursor returns the cursor's line and column (in characters).
func (e *Editor) Cursor() (row, col int) { return e.row, e.col }

// OnFirstLine reports whether the cursor is on the first line.
func (e *Editor) OnFirstLine() bool { return e.row == 0 }

// OnLastLine reports whether the cursor is on the last line.
func (e *Editor) OnLastLine() bool {
	e.init()
	return e.row == len(e.lines)-1
}

// Offset returns the cursor's byte offset in Value.
func (e *Editor) Offset() int {
	e.init()
	off := 0
	for i := 0; i < e.row; i++ {
		off += len(string(e.lines[i])) + 1
	}
	return off + len(string(e.lines[e.row][:e.col]))
}

// SetOffset moves the cursor to a byte offset of Value.
func (e *Editor) SetOffset(off int) {
	e.init()
	for i, l := range e.lines {
		n := len(string(l))
		if off <= n {
			e.row = i
			e.col = len([]rune(string(l)[:off]))
			return
		}
		off -= n + 1
	}
	e.row = len(e.lines) - 1
	e.col = len(e.lines[e.row])
}

// Replace replaces the bytes [start, end) of Value with s and puts the
// cursor after s.
func (e *Editor) Replace(start, end int, s string) {
	v := e.Value()
	start, end = max(0, min(start, len(v))), max(0, min(end, len(v)))
	e.SetValue(v[:start] + s + v[end:])
	e.SetOffset(start + len(s))
}

// Insert inserts text at the cursor. Tabs become spaces; in a single-line
// editor, line breaks become spaces.
func (e *Editor) Insert(s string) {
	e.init()
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.ReplaceAll(s, "\t", "    ")
	for _, r := range s {
		if r == '\n' {
			if e.SingleLine {
				r = ' '
			} else {
				e.Newline()
				continue
			}
		}
		if unicode.IsControl(r) {
			continue
		}
		l := e.lines[e.row]
		l = append(l, 0)
		copy(l[e.col+1:], l[e.col:])
		l[e.col] = r
		e.lines[e.row] = l
		e.col++
	}
}

// Newline breaks the line at the cursor.
func (e *Editor) Newline() {
	e.init()
	if e.SingleLine {
		return
	}
	l := e.lines[e.row]
	rest := append([]rune(nil), l[e.col:]...)
	e.lines[e.row] = l[:e.col]
	e.lines = append(e.lines, nil)
	copy(e.lines[e.row+2:], e.lines[e.row+1:])
	e.lines[e.row+1] = rest
	e.row++
	e.col = 0
}

// Backspace deletes the character before the cursor, joining lines at a
// line's start.
func (e *Editor) Backspace() {
	e.init()
	switch {
	case e.col > 0:
		l := e.lines[e.row]
		e.lines[e.row] = append(l[:e.col-1], l[e.col:]...)
		e.col--
	case e.row > 0:
		prev := e.lines[e.row-1]
		e.col = len(prev)
		e.lines[e.row-1] = append(prev, e.lines[e.row]...)
		e.lines = append(e.lines[:e.row], e.lines[e.row+1:]...)
		e.row--
	}
}

// Delete deletes the character under the cursor, joining lines at a
// line's end.
func (e *Editor) Delete() {
	e.init()
	l := e.lines[e.row]
	switch {
	case e.col < len(l):
		e.lines[e.row] = append(l[:e.col], l[e.col+1:]...)
	case e.row < len(e.lines)-1:
		e.lines[e.row] = append(l, e.lines[e.row+1]...)
		e.lines = append(e.lines[:e.row+1], e.lines[e.row+2:]...)
	}
}

// Left moves the cursor back one character, across line breaks.
func (e *Editor) Left() {
	switch {
	case e.col > 0:
		e.col--
	case e.row > 0:
		e.row--
		e.col = len(e.lines[e.row])
	}
}

// Right moves the cursor forward one character, across line breaks.
func (e *Editor) Right() {
	e.init()
	switch {
	case e.col < len(e.lines[e.row]):
		e.col++
	case e.row < len(e.lines)-1:
		e.row++
		e.col = 0
	}
}

// Up moves the cursor up a line; false when it is on the first line.
func (e *Editor) Up() bool {
	if e.row == 0 {
		return false
	}
	e.row--
	e.col = min(e.col, len(e.lines[e.row]))
	return true
}

// Down moves the cursor down a line; false when it is on the last line.
func (e *Editor) Down() bool {
	e.init()
	if e.row >= len(e.lines)-1 {
		return false
	}
	e.row++
	e.col = min(e.col, len(e.lines[e.row]))
	return true
}

// Home moves the cursor to the start of its line.
func (e *Editor) Home() { e.col = 0 }

// End moves the cursor to the end of its line.
func (e *Editor) End() {
	e.init()
	e.col = len(e.lines[e.row])
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' }

// WordLeft moves the cursor to the start of the previous word.
func (e *Editor) WordLeft() {
	e.init()
	l := e.lines[e.row]
	if e.col == 0 {
		e.Left()
		return
	}
	for e.col > 0 && !isWordRune(l[e.col-1]) {
		e.col--
	}
	for e.col > 0 && isWordRune(l[e.col-1]) {
		e.col--
	}
}

// WordRight moves the cursor past the end of the next word.
func (e *Editor) WordRight() {
	e.init()
	l := e.lines[e.row]
	if e.col == len(l) {
		e.Right()
		return
	}
	for e.col < len(l) && !isWordRune(l[e.col]) {
		e.col++
	}
	for e.col < len(l) && isWordRune(l[e.col]) {
		e.col++
	}
}

// DeleteWordBack deletes the word before the cursor.
func (e *Editor) DeleteWordBack() {
	e.init()
	end := e.col
	e.WordLeft()
	if e.row < len(e.lines) && e.col < end {
		l := e.lines[e.row]
		e.lines[e.row] = append(l[:e.col], l[end:]...)
	}
}

// KillToStart deletes from the line's start to the cursor.
func (e *Editor) KillToStart() {
	e.init()
	e.lines[e.row] = append([]rune(nil), e.lines[e.row][e.col:]...)
	e.col = 0
}

// KillToEnd deletes from the cursor to the line's end.
func (e *Editor) KillToEnd() {
	e.init()
	e.lines[e.row] = e.lines[e.row][:e.col]
}

// HandleKey applies the editing keys every text input shares (typing,
// pasting, deleting, moving within the text) and reports whether it used
// the key. Enter, Tab, Esc, and Up/Down at the first/last line are left to
// the owner.
func (e *Editor) HandleKey(msg tea.KeyMsg) bool {
	switch msg.Type {
	case tea.KeyRunes:
		if msg.Alt {
			switch string(msg.Runes) {
			case "b":
				e.WordLeft()
				return true
			case "f":
				e.WordRight()
				return true
			}
			return false
		}
		e.Insert(string(msg.Runes))
	case tea.KeySpace:
		e.Insert(" ")
	case tea.KeyBackspace:
		if msg.Alt {
			e.DeleteWordBack()
		} else {
			e.Backspace()
		}
	case tea.KeyDelete, tea.KeyCtrlD:
		e.Delete()
	case tea.KeyLeft, tea.KeyCtrlB:
		e.Left()
	case tea.KeyRight, tea.KeyCtrlF:
		e.Right()
	case tea.KeyCtrlLeft:
		e.WordLeft()
	case tea.KeyCtrlRight:
		e.WordRight()
	case tea.KeyHome, tea.KeyCtrlA:
		e.Home()
	case tea.KeyEnd, tea.KeyCtrlE:
		e.End()
	case tea.KeyCtrlU:
		e.KillToStart()
	case tea.KeyCtrlK:
		e.KillToEnd()
	case tea.KeyCtrlW:
		e.DeleteWordBack()
	case tea.KeyUp:
		return e.Up()
	case tea.KeyDown:
		return e.Down()
	default:
		return false
	}
	return true
}

// EditorView says how to draw an editor.
type EditorView struct {
	Width       int            // cells, prompt included
	Prompt      string         // before the first line
	Continue    string         // before the other lines (and wrapped parts)
	PromptStyle lipgloss.Style // the prompts' style
	Base        lipgloss.Style // text no span covers
	Spans       []Span         // highlighting, sorted by Start, not overlapping
	Cursor      lipgloss.Style // the cursor cell
	ShowCursor  bool
	Placeholder string         // shown (muted by Base) when empty
	Muted       lipgloss.Style // the placeholder's style
}

// View renders the editor: a multi-line editor wraps long lines; a
// single-line one scrolls sideways to keep the cursor in view.
func (e *Editor) View(o EditorView) []string {
	e.init()
	pw := max(ansi.StringWidth(o.Prompt), ansi.StringWidth(o.Continue))
	textW := max(o.Width-pw, 1)
	prompt := func(first bool) string {
		p := o.Continue
		if first {
			p = o.Prompt
		}
		return o.PromptStyle.Render(Pad(p, pw))
	}
	if e.Empty() && o.Placeholder != "" {
		cur := ""
		if o.ShowCursor {
			cur = o.Cursor.Render(" ")
		}
		return []string{prompt(true) + cur + o.Muted.Render(Truncate(o.Placeholder, textW-1))}
	}
	var out []string
	off := 0
	span := 0
	for row, line := range e.lines {
		cells := e.renderCells(line, row, off, &span, o)
		off += len(string(line)) + 1
		if e.SingleLine {
			out = append(out, prompt(true)+scrollCells(cells, e.col, textW, o))
			continue
		}
		// A line longer than the width wraps at word boundaries; the
		// wrapped rows get no prompt, so that "...>" still means a new
		// line of the statement.
		for i, part := range wrapCells(cells, textW) {
			p := prompt(row == 0)
			if i > 0 {
				p = strings.Repeat(" ", pw)
			}
			out = append(out, p+joinCells(part, o))
		}
	}
	return out
}

// wrapCells cuts a line's cells into rows at most w cells wide (rowStarts).
func wrapCells(cells []cell, w int) [][]cell {
	starts := rowStarts(len(cells), w, func(i int) bool { return cells[i].text == " " })
	rows := make([][]cell, len(starts))
	for i, st := range starts {
		end := len(cells)
		if i+1 < len(starts) {
			end = starts[i+1]
		}
		rows[i] = cells[st:end]
	}
	return rows
}

// rowStarts is where each row of an n-cell line wrapped at w cells
// begins: each row ends after its last space, so that no word is cut and
// no row starts with the space between two words (a word longer than the
// row is cut where it must be).
func rowStarts(n, w int, space func(int) bool) []int {
	starts := []int{0}
	for at := 0; n-at > w; {
		cut := at + w // no space to break after: cut the word
		for b := at + w; b > at+1; b-- {
			if space(b - 1) {
				cut = b
				break
			}
		}
		starts = append(starts, cut)
		at = cut
	}
	return starts
}

// cell is one character of a line with its style and display width.
type cell struct {
	text  string
	style int // index into the view's styles: -1 base, -2 cursor, else a span
	width int
}

func (e *Editor) renderCells(line []rune, row, off int, span *int, o EditorView) []cell {
	cells := make([]cell, 0, len(line)+1)
	b := off
	for col, r := range line {
		s := string(r)
		st := -1
		for *span < len(o.Spans) && o.Spans[*span].End <= b {
			*span++
		}
		if *span < len(o.Spans) && o.Spans[*span].Start <= b {
			st = *span
		}
		if o.ShowCursor && row == e.row && col == e.col {
			st = -2
		}
		cells = append(cells, cell{s, st, ansi.StringWidth(s)})
		b += len(s)
	}
	if o.ShowCursor && row == e.row && e.col == len(line) {
		cells = append(cells, cell{" ", -2, 1})
	}
	return cells
}

// joinCells renders cells, one style run at a time.
func joinCells(cells []cell, o EditorView) string {
	var b, run strings.Builder
	style := func(id int) lipgloss.Style {
		switch id {
		case -1:
			return o.Base
		case -2:
			return o.Cursor
		}
		return o.Spans[id].Style
	}
	for i := 0; i < len(cells); {
		j := i
		run.Reset()
		for j < len(cells) && cells[j].style == cells[i].style {
			run.WriteString(cells[j].text)
			j++
		}
		b.WriteString(style(cells[i].style).Render(run.String()))
		i = j
	}
	return b.String()
}

// scrollCells shows the window of cells of width w that holds the cursor.
func scrollCells(cells []cell, cursor, w int, o EditorView) string {
	start := 0
	if cursor >= w {
		start = cursor - w + 1
	}
	end := min(len(cells), start+w)
	return joinCells(cells[start:end], o)
}

// CursorRow returns the line of View's output (for the same options) that
// holds the cursor, so that an owner showing only some lines can keep it in
// view.
func (e *Editor) CursorRow(o EditorView) int {
	e.init()
	if e.SingleLine {
		return 0
	}
	pw := max(ansi.StringWidth(o.Prompt), ansi.StringWidth(o.Continue))
	textW := max(o.Width-pw, 1)
	r := 0
	for i := 0; i <= e.row; i++ {
		line := e.lines[i]
		n := len(line)
		if i == e.row && o.ShowCursor && e.col == n {
			n++ // the cursor's cell after the text, as View draws it
		}
		starts := rowStarts(n, textW, func(j int) bool { return j >= len(line) || line[j] == ' ' })
		if i < e.row {
			r += len(starts)
			continue
		}
		for k := len(starts) - 1; k >= 0; k-- {
			if e.col >= starts[k] {
				return r + k
			}
		}
	}
	return r
}

package uitest

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/muesli/termenv"

	"dynalab/themes"
	"dynalab/ui/common"
)

// Epoch is the fixed time tests run at.
var Epoch = time.Date(2025, 1, 2, 15, 4, 5, 0, time.UTC)

// Clock returns Epoch, always.
func Clock() time.Time { return Epoch }

// Renderer returns a lipgloss renderer pinned to true color on a dark
// background, so that goldens hold the same bytes on any machine.
func Renderer() *lipgloss.Renderer {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.TrueColor)
	r.SetHasDarkBackground(true)
	return r
}

// Theme returns a built-in theme for Renderer.
func Theme(tb testing.TB, name string) *themes.Theme {
	tb.Helper()
	th, err := themes.NamedFor(name, Renderer())
	if err != nil {
		tb.Fatal(err)
	}
	return th
}

// Common returns a Common for a backend with a fixed clock and theme.
func Common(tb testing.TB, b *Backend, theme string) *common.Common {
	return &common.Common{
		Ctx:     context.Background(),
		Backend: b,
		Theme:   Theme(tb, theme),
		Clock:   Clock,
		Timeout: 5 * time.Second,
	}
}

var namedKeys = map[string]tea.KeyType{
	"enter": tea.KeyEnter, "esc": tea.KeyEsc, "tab": tea.KeyTab, "shift+tab": tea.KeyShiftTab,
	"up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight,
	"backspace": tea.KeyBackspace, "delete": tea.KeyDelete, "home": tea.KeyHome, "end": tea.KeyEnd,
	"pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown, "space": tea.KeySpace,
	"f1": tea.KeyF1, "f2": tea.KeyF2, "f3": tea.KeyF3, "f4": tea.KeyF4,
	"ctrl+a": tea.KeyCtrlA, "ctrl+c": tea.KeyCtrlC, "ctrl+e": tea.KeyCtrlE, "ctrl+g": tea.KeyCtrlG,
	"ctrl+j": tea.KeyCtrlJ, "ctrl+k": tea.KeyCtrlK, "ctrl+l": tea.KeyCtrlL, "ctrl+n": tea.KeyCtrlN,
	"ctrl+r": tea.KeyCtrlR, "ctrl+t": tea.KeyCtrlT, "ctrl+u": tea.KeyCtrlU, "ctrl+w": tea.KeyCtrlW,
}

// Key returns the key message for a key name as bubbletea spells it
// ("enter", "ctrl+r", "alt+1", "a", "space").
func Key(name string) tea.KeyMsg {
	alt := false
	if rest, ok := strings.CutPrefix(name, "alt+"); ok && len(rest) > 0 {
		alt, name = true, rest
	}
	if t, ok := namedKeys[name]; ok {
		return tea.KeyMsg{Type: t, Alt: alt}
	}
	if name == " " {
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}, Alt: alt}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(name), Alt: alt}
}

// Keys returns key messages for each name.
func Keys(names ...string) []tea.Msg {
	out := make([]tea.Msg, len(names))
	for i, n := range names {
		out[i] = Key(n)
	}
	return out
}

// Type returns one key message per character of s.
func Type(s string) []tea.Msg {
	var out []tea.Msg
	for _, r := range s {
		if r == ' ' {
			out = append(out, tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}})
			continue
		}
		out = append(out, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	return out
}

// Paste returns the message of a bracketed paste of s.
func Paste(s string) tea.Msg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s), Paste: true} }

// Component is what Drive needs of a pane.
type Component interface {
	Update(tea.Msg) tea.Cmd
}

// Drive sends msgs to c one at a time and runs every command they return
// (and the commands those messages return) synchronously, as the program
// would, until nothing is left or limit messages were handled. Commands
// that block (channel reads) must not be returned to Drive; use Exec
// instead for one command.
func Drive(tb testing.TB, c Component, msgs ...tea.Msg) {
	tb.Helper()
	queue := append([]tea.Msg(nil), msgs...)
	for n := 0; len(queue) > 0; n++ {
		if n > 10000 {
			tb.Fatal("Drive: too many messages")
		}
		msg := queue[0]
		queue = queue[1:]
		queue = append(queue, Exec(c.Update(msg))...)
	}
}

// Exec runs a command (flattening batches) and returns the
// messages it produced.
func Exec(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	switch m := msg.(type) {
	case nil:
		return nil
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range m {
			out = append(out, Exec(c)...)
		}
		return out
	}
	return []tea.Msg{msg}
}

// Pane is what Model needs of a pane.
type Pane interface {
	Init() tea.Cmd
	Update(tea.Msg) tea.Cmd
	View() string
	SetSize(w, h int)
}

// Model wraps a pane as a tea.Model, for teatest; a WindowSizeMsg sizes
// the pane.
func Model(p Pane) tea.Model { return paneModel{p} }

type paneModel struct{ p Pane }

func (m paneModel) Init() tea.Cmd { return m.p.Init() }

func (m paneModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if ws, ok := msg.(tea.WindowSizeMsg); ok {
		m.p.SetSize(ws.Width, ws.Height)
		return m, nil
	}
	return m, m.p.Update(msg)
}

func (m paneModel) View() string { return m.p.View() }

// Golden compares out with testdata/<test name>.golden; go test -update
// rewrites the file. Importing uitest registers -update in every test
// binary of the workbench, so `go test ./ui/... -update` works.
func Golden(tb testing.TB, out string) {
	tb.Helper()
	golden.RequireEqual(tb, []byte(out))
}

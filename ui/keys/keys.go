package keys

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
)

func bind(keys []string, help, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
}

func k(ks ...string) []string { return ks }

// Global are the keys the root handles before any pane. Those marked
// "outside text inputs" are given to a pane's text input instead while it
// has the keys.
type Global struct {
	NextPane    key.Binding // outside text inputs
	PrevPane    key.Binding // outside text inputs
	Jump        [5]key.Binding
	Help        key.Binding // F1 anywhere; ? outside text inputs
	ErrorDetail key.Binding
	Quit        key.Binding
	Command     key.Binding // outside text inputs
	Back        key.Binding
	Side        key.Binding // show or hide the side column (wide windows)
	Zoom        key.Binding // the focused pane takes the whole window
}

// NewGlobal returns the global keymap.
func NewGlobal() Global {
	g := Global{
		NextPane:    bind(k("tab"), "tab", "next pane"),
		PrevPane:    bind(k("shift+tab"), "shift+tab", "previous pane"),
		Help:        bind(k("f1", "?"), "F1/?", "help"),
		ErrorDetail: bind(k("f2"), "F2", "full error text"),
		Quit:        bind(k("ctrl+c"), "ctrl+c ×2", "quit"),
		Command:     bind(k(":"), ":q", "quit (asks if unsaved)"),
		Back:        bind(k("esc"), "esc", "back / cancel (never quits)"),
		Side:        bind(k("f3"), "F3", "show/hide the side column"),
		Zoom:        bind(k("f4"), "F4", "zoom the pane / unzoom"),
	}
	names := []string{"REPL", "browser", "streams", "capacity", "activity"}
	for i := range g.Jump {
		n := string(rune('1' + i))
		g.Jump[i] = bind(k("alt+"+n), "alt+"+n, names[i])
	}
	return g
}

// jumps is the five Alt+N bindings as one entry for help.
func (g Global) jumps() key.Binding {
	return bind(k("alt+1", "alt+2", "alt+3", "alt+4", "alt+5"), "alt+1…5", "jump to a pane")
}

// ShortHelp implements help.KeyMap.
func (g Global) ShortHelp() []key.Binding {
	return []key.Binding{g.Help, g.NextPane, g.Quit}
}

// FullHelp implements help.KeyMap.
func (g Global) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{g.NextPane, g.PrevPane, g.jumps(), g.Side, g.Zoom},
		{g.Help, g.ErrorDetail, g.Back, g.Quit, g.Command},
	}
}

// List are the movement keys shared by every list and grid.
type List struct {
	Up, Down, Left, Right key.Binding
	PageUp, PageDown      key.Binding
	Top, Bottom           key.Binding
}

// NewList returns the list movement keys: arrows and hjkl both move.
func NewList() List {
	return List{
		Up:       bind(k("up", "k"), "↑/k", "up"),
		Down:     bind(k("down", "j"), "↓/j", "down"),
		Left:     bind(k("left", "h"), "←/h", "left"),
		Right:    bind(k("right", "l"), "→/l", "right"),
		PageUp:   bind(k("pgup", "ctrl+b"), "pgup", "page up"),
		PageDown: bind(k("pgdown", "ctrl+f"), "pgdn", "page down"),
		Top:      bind(k("home", "g"), "g", "top"),
		Bottom:   bind(k("end", "G"), "G", "bottom"),
	}
}

// Bindings returns the list keys for help, in pairs: up/down,
// left/right, page up/down, top/bottom.
func (l List) Bindings() []key.Binding {
	pair := func(a, b key.Binding, keys, desc string) key.Binding {
		return bind(append(a.Keys(), b.Keys()...), keys, desc)
	}
	return []key.Binding{
		pair(l.Up, l.Down, "↑↓/kj", "move"),
		pair(l.Left, l.Right, "←→/hl", "sideways"),
		pair(l.PageUp, l.PageDown, "pgup/pgdn", "page"),
		pair(l.Top, l.Bottom, "g/G", "top/bottom"),
	}
}

// Confirm are the keys of a confirmation: only y confirms.
type Confirm struct {
	Yes, No key.Binding
}

// NewConfirm returns the confirmation keys.
func NewConfirm() Confirm {
	return Confirm{
		Yes: bind(k("y", "Y"), "y", "confirm"),
		No:  bind(k("n", "N", "esc"), "n/esc", "cancel"),
	}
}

// Enabled returns the enabled bindings among bs.
func Enabled(bs ...key.Binding) []key.Binding {
	out := bs[:0:0]
	for _, b := range bs {
		if b.Enabled() {
			out = append(out, b)
		}
	}
	return out
}

// Is reports whether msg is one of b's keys, enabled or not: for keys that
// always answer (with "no more pages", say) but appear in help only when
// they do something.
func Is(msg fmt.Stringer, b key.Binding) bool {
	s := msg.String()
	for _, k := range b.Keys() {
		if k == s {
			return true
		}
	}
	return false
}

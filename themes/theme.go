package themes

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Theme is a palette turned into styles for one renderer. Build one with
// New, Named or NamedFor; the zero Theme is not usable.
type Theme struct {
	Name    string  // "dark", "light", "high-contrast", or a custom name
	Palette Palette // the colors the styles were built from
	// NoColor is set when the renderer shows no colors (NO_COLOR, or a
	// terminal without them). The styles then carry emphasis by bold,
	// underline and reverse video, and panes add the textual markers that
	// colors would otherwise stand for.
	NoColor bool

	Text    lipgloss.Style // ordinary text
	Muted   lipgloss.Style // hints, counts, separators
	Accent  lipgloss.Style // emphasis and the prompt
	Error   lipgloss.Style // errors
	Warning lipgloss.Style // warnings
	Success lipgloss.Style // success

	Title        lipgloss.Style // an unfocused pane's title
	FocusedTitle lipgloss.Style // the focused pane's title
	Border       lipgloss.Style // an unfocused pane's frame
	FocusBorder  lipgloss.Style // the focused pane's frame
	Selection    lipgloss.Style // the selected row
	Marked       lipgloss.Style // rows marked for a bulk action
	Cursor       lipgloss.Style // the text cursor of an editor
	Header       lipgloss.Style // table headers
	Group        lipgloss.Style // item-collection group headers

	Key       lipgloss.Style // a key in hints and help ("tab")
	KeyDesc   lipgloss.Style // what the key does
	StatusBar lipgloss.Style // the status bar's background and text
	StatusKey lipgloss.Style // labels inside the status bar
	Tab       lipgloss.Style // an inactive pane tab
	ActiveTab lipgloss.Style // the focused pane's tab
	Dialog    lipgloss.Style // confirmation dialogs and overlays (with a border)

	Types  TypeStyles   // one style per attribute type
	Syntax SyntaxStyles // PartiQL highlighting

	Added   lipgloss.Style // a diff's new values, INSERT events
	Removed lipgloss.Style // a diff's old values, REMOVE events
	Changed lipgloss.Style // a diff's changed names, MODIFY events
	Service lipgloss.Style // deletions by the service (TTL)

	Spark lipgloss.Style // sparkline of consumption
	Limit lipgloss.Style // sparkline of the provisioned limit

	renderer *lipgloss.Renderer
}

// TypeStyles holds one style per DynamoDB attribute type.
type TypeStyles struct {
	S, N, B, BOOL, NULL, M, L, SS, NS, BS lipgloss.Style
}

// SyntaxStyles holds the styles of PartiQL token classes.
type SyntaxStyles struct {
	Keyword, Ident, QuotedIdent, String, Number, Operator, Punct, Param, Comment, Invalid lipgloss.Style
}

// Built-in theme names, as Named and the --theme flag take them.
const (
	NameDark         = "dark"
	NameLight        = "light"
	NameHighContrast = "high-contrast"
)

// Default is the name of the theme used when none is chosen.
const Default = NameDark

var builtins = map[string]Palette{
	NameDark:         Dark,
	NameLight:        Light,
	NameHighContrast: HighContrast,
}

// Names returns the built-in themes' names, sorted.
func Names() []string {
	names := make([]string, 0, len(builtins))
	for n := range builtins {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Named returns the built-in theme called name ("" means Default) for the
// default lipgloss renderer, which follows the terminal's abilities and
// NO_COLOR.
func Named(name string) (*Theme, error) {
	return NamedFor(name, lipgloss.DefaultRenderer())
}

// NamedFor returns the built-in theme called name ("" means Default) for
// renderer r. Names are matched without regard to case, and "hc" and
// "highcontrast" mean high-contrast.
func NamedFor(name string, r *lipgloss.Renderer) (*Theme, error) {
	key := strings.ToLower(strings.TrimSpace(name))
	switch key {
	case "":
		key = Default
	case "hc", "highcontrast", "high_contrast":
		key = NameHighContrast
	}
	p, ok := builtins[key]
	if !ok {
		return nil, fmt.Errorf("unknown theme %q (themes: %s)", name, strings.Join(Names(), ", "))
	}
	return New(key, p, r), nil
}

// Renderer returns the renderer the theme's styles were built for.
func (t *Theme) Renderer() *lipgloss.Renderer { return t.renderer }

// Type returns the style of a DynamoDB attribute type by its wire name
// ("S", "NS", "BOOL", ...); Text for an unknown name.
func (t *Theme) Type(name string) lipgloss.Style {
	switch name {
	case "S":
		return t.Types.S
	case "N":
		return t.Types.N
	case "B":
		return t.Types.B
	case "BOOL":
		return t.Types.BOOL
	case "NULL":
		return t.Types.NULL
	case "M":
		return t.Types.M
	case "L":
		return t.Types.L
	case "SS":
		return t.Types.SS
	case "NS":
		return t.Types.NS
	case "BS":
		return t.Types.BS
	}
	return t.Text
}

// New builds a theme from a palette for renderer r (nil means the default
// renderer).
func New(name string, p Palette, r *lipgloss.Renderer) *Theme {
	if r == nil {
		r = lipgloss.DefaultRenderer()
	}
	t := &Theme{Name: name, Palette: p, NoColor: r.ColorProfile() == termenv.Ascii, renderer: r}
	sr := r // the renderer the styles are built for
	if t.NoColor && r.Output().EnvNoColor() {
		// NO_COLOR forbids colors, not emphasis: keep bold, underline and
		// reverse video, which the Ascii profile would drop too.
		sr = lipgloss.NewRenderer(r.Output(), termenv.WithProfile(termenv.ANSI))
		sr.SetColorProfile(termenv.ANSI)
	}
	fg := func(c lipgloss.Color) lipgloss.Style {
		if t.NoColor {
			return sr.NewStyle()
		}
		return sr.NewStyle().Foreground(c)
	}
	bg := func(s lipgloss.Style, c lipgloss.Color) lipgloss.Style {
		if t.NoColor {
			return s
		}
		return s.Background(c)
	}
	t.Text = fg(p.Text)
	t.Muted = fg(p.Muted)
	t.Accent = fg(p.Accent).Bold(true)
	t.Error = fg(p.Error).Bold(true)
	t.Warning = fg(p.Warning)
	t.Success = fg(p.Success)

	t.Title = fg(p.Muted).Bold(true)
	t.FocusedTitle = fg(p.Accent).Bold(true).Underline(true)
	t.Border = fg(p.Border)
	t.FocusBorder = fg(p.Accent)
	t.Selection = bg(fg(p.SelectionFg), p.SelectionBg).Reverse(t.NoColor)
	t.Marked = fg(p.Warning).Bold(true)
	t.Cursor = sr.NewStyle().Reverse(true)
	t.Header = fg(p.Accent).Bold(true).Underline(t.NoColor)
	t.Group = fg(p.Accent).Bold(true)

	t.Key = fg(p.Key).Bold(true)
	t.KeyDesc = fg(p.Muted)
	t.StatusBar = bg(fg(p.StatusFg), p.StatusBg).Reverse(t.NoColor)
	t.StatusKey = bg(fg(p.Accent), p.StatusBg).Bold(true).Reverse(t.NoColor)
	t.Tab = fg(p.Muted)
	t.ActiveTab = fg(p.Accent).Bold(true).Underline(true)
	t.Dialog = sr.NewStyle().Border(lipgloss.RoundedBorder()).Padding(0, 1)
	if !t.NoColor {
		t.Dialog = t.Dialog.BorderForeground(p.Accent)
	}

	t.Types = TypeStyles{
		S: fg(p.S), N: fg(p.N), B: fg(p.B), BOOL: fg(p.BOOL), NULL: fg(p.NULL).Italic(true),
		M: fg(p.M), L: fg(p.L), SS: fg(p.SS), NS: fg(p.NS), BS: fg(p.BS),
	}
	t.Syntax = SyntaxStyles{
		Keyword:     fg(p.Keyword).Bold(true),
		Ident:       fg(p.Ident),
		QuotedIdent: fg(p.Ident).Underline(true),
		String:      fg(p.S),
		Number:      fg(p.N),
		Operator:    fg(p.Operator),
		Punct:       fg(p.Muted),
		Param:       fg(p.Warning).Bold(true),
		Comment:     fg(p.Comment).Italic(true),
		Invalid:     fg(p.Error).Underline(true),
	}
	t.Added = fg(p.Success)
	t.Removed = fg(p.Error).Strikethrough(t.NoColor)
	t.Changed = fg(p.Warning).Bold(true)
	t.Service = fg(p.Muted).Italic(true)
	t.Spark = fg(p.Accent)
	t.Limit = fg(p.Warning)
	return t
}

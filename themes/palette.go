package themes

import "github.com/charmbracelet/lipgloss"

// Palette is a theme's colors. Every field is a color lipgloss understands:
// a hex value ("#89b4fa") or an ANSI index ("12"); lipgloss degrades it to
// what the terminal can show.
type Palette struct {
	Text    lipgloss.Color // ordinary text
	Muted   lipgloss.Color // secondary text: hints, counts, separators
	Accent  lipgloss.Color // focus, titles, the prompt
	Error   lipgloss.Color // errors and removals
	Warning lipgloss.Color // warnings and modifications
	Success lipgloss.Color // success and insertions
	Border  lipgloss.Color // frames of unfocused panes

	SelectionFg lipgloss.Color // the selected row's text
	SelectionBg lipgloss.Color // the selected row's background
	StatusFg    lipgloss.Color // the status bar's text
	StatusBg    lipgloss.Color // the status bar's background
	Key         lipgloss.Color // keys in hints and help

	// One color per DynamoDB attribute type.
	S, N, B, BOOL, NULL, M, L, SS, NS, BS lipgloss.Color

	// PartiQL syntax classes not covered by the value types (strings take
	// S's color, numbers N's).
	Keyword, Ident, Operator, Comment lipgloss.Color
}

// Dark is the default palette, for dark terminal backgrounds.
var Dark = Palette{
	Text:        "#cdd6f4",
	Muted:       "#7f849c",
	Accent:      "#89b4fa",
	Error:       "#f38ba8",
	Warning:     "#f9e2af",
	Success:     "#a6e3a1",
	Border:      "#585b70",
	SelectionFg: "#1e1e2e",
	SelectionBg: "#89b4fa",
	StatusFg:    "#cdd6f4",
	StatusBg:    "#313244",
	Key:         "#cba6f7",
	S:           "#a6e3a1",
	N:           "#fab387",
	B:           "#94e2d5",
	BOOL:        "#f5c2e7",
	NULL:        "#9399b2",
	M:           "#89dceb",
	L:           "#74c7ec",
	SS:          "#b4e3a1",
	NS:          "#f7c49a",
	BS:          "#a8ebe0",
	Keyword:     "#cba6f7",
	Ident:       "#cdd6f4",
	Operator:    "#89dceb",
	Comment:     "#6c7086",
}

// Light is a palette for light terminal backgrounds.
var Light = Palette{
	Text:        "#4c4f69",
	Muted:       "#8c8fa1",
	Accent:      "#1e66f5",
	Error:       "#d20f39",
	Warning:     "#df8e1d",
	Success:     "#40a02b",
	Border:      "#acb0be",
	SelectionFg: "#eff1f5",
	SelectionBg: "#1e66f5",
	StatusFg:    "#4c4f69",
	StatusBg:    "#dce0e8",
	Key:         "#8839ef",
	S:           "#40a02b",
	N:           "#fe640b",
	B:           "#179299",
	BOOL:        "#ea76cb",
	NULL:        "#7c7f93",
	M:           "#04a5e5",
	L:           "#209fb5",
	SS:          "#5a8a2b",
	NS:          "#c9530a",
	BS:          "#127a80",
	Keyword:     "#8839ef",
	Ident:       "#4c4f69",
	Operator:    "#04a5e5",
	Comment:     "#9ca0b0",
}

// HighContrast uses only the sixteen basic ANSI colors at full intensity on
// the terminal's own background, so that it reads on any terminal and
// through any color scheme.
var HighContrast = Palette{
	Text:        "15",
	Muted:       "7",
	Accent:      "14",
	Error:       "9",
	Warning:     "11",
	Success:     "10",
	Border:      "7",
	SelectionFg: "0",
	SelectionBg: "11",
	StatusFg:    "0",
	StatusBg:    "15",
	Key:         "11",
	S:           "10",
	N:           "11",
	B:           "14",
	BOOL:        "13",
	NULL:        "7",
	M:           "12",
	L:           "12",
	SS:          "10",
	NS:          "11",
	BS:          "14",
	Keyword:     "13",
	Ident:       "15",
	Operator:    "14",
	Comment:     "7",
}

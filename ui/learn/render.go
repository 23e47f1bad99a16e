package learn

import (
	"strings"

	"github.com/charmbracelet/glamour"
	"github.com/charmbracelet/glamour/styles"
	"github.com/charmbracelet/x/ansi"

	"dynalab/themes"
)

// renderer renders lesson markdown for the terminal with glamour, in the
// style that matches the theme: glamour's light style for the light
// theme, its dark style otherwise, and its plain ASCII style when the
// theme shows no colors (NO_COLOR). The last rendering is cached.
type renderer struct {
	key string
	out []string
}

// lines renders markdown at width w for theme th, as lines.
func (r *renderer) lines(md string, w int, th *themes.Theme) []string {
	style := glamourStyle(th)
	key := style + "\x00" + string(rune(w)) + "\x00" + md
	if key == r.key {
		return r.out
	}
	r.key, r.out = key, renderMarkdown(md, w, th)
	return r.out
}

func glamourStyle(th *themes.Theme) string {
	switch {
	case th == nil || th.NoColor:
		return styles.NoTTYStyle
	case th.Name == themes.NameLight:
		return styles.LightStyle
	}
	return styles.DarkStyle
}

// renderMarkdown renders md at width w; should glamour fail, the
// markdown itself is shown, wrapped.
func renderMarkdown(md string, w int, th *themes.Theme) []string {
	opts := []glamour.TermRendererOption{glamour.WithStandardStyle(glamourStyle(th)), glamour.WithWordWrap(max(10, w-4))}
	if th != nil && th.Renderer() != nil {
		opts = append(opts, glamour.WithColorProfile(th.Renderer().ColorProfile()))
	}
	var out string
	r, err := glamour.NewTermRenderer(opts...)
	if err == nil {
		out, err = r.Render(md)
	}
	if err != nil {
		out = md
	}
	lines := strings.Split(strings.TrimRight(out, "\n "), "\n")
	// glamour opens with a blank line; the pane has its own spacing.
	for len(lines) > 0 && strings.TrimSpace(ansi.Strip(lines[0])) == "" {
		lines = lines[1:]
	}
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return lines
}

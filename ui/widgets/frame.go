package widgets

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"dynalab/themes"
)

// Frame draws body in a rounded border of exactly w×h cells with title in
// the top edge; the border is accented when focused. body is fitted to the
// inside (w-2 × h-2).
func Frame(th *themes.Theme, title, body string, w, h int, focused bool) string {
	if w < 4 || h < 2 {
		return Fit(body, w, h)
	}
	border := th.Border
	titleStyle := th.Title
	if focused {
		border = th.FocusBorder
		titleStyle = th.FocusedTitle
	}
	b := lipgloss.RoundedBorder()
	inner := w - 2
	t := ""
	if title != "" {
		t = " " + Truncate(title, inner-4) + " "
	}
	top := border.Render(b.TopLeft+b.Top) + titleStyle.Render(t) +
		border.Render(strings.Repeat(b.Top, max(0, inner-1-ansi.StringWidth(t)))+b.TopRight)
	var out strings.Builder
	out.WriteString(top)
	for _, line := range strings.Split(Fit(body, inner, h-2), "\n") {
		out.WriteByte('\n')
		out.WriteString(border.Render(b.Left))
		out.WriteString(line)
		out.WriteString(border.Render(b.Right))
	}
	out.WriteByte('\n')
	out.WriteString(border.Render(b.BottomLeft + strings.Repeat(b.Bottom, inner) + b.BottomRight))
	return out.String()
}

// Overlay draws box centered over background (both w×h): the background's
// lines above and below the box stay; the lines the box covers show the
// box, with the background's cells left and right of it.
func Overlay(background, box string, w, h int) string {
	bg := strings.Split(Fit(background, w, h), "\n")
	lines := strings.Split(box, "\n")
	bw := 0
	for _, l := range lines {
		bw = max(bw, ansi.StringWidth(l))
	}
	bw = min(bw, w)
	if len(lines) > h {
		lines = lines[:h]
	}
	top := (h - len(lines)) / 2
	left := (w - bw) / 2
	for i, l := range lines {
		row := top + i
		l = FitLine(l, bw)
		bg[row] = ansi.Cut(bg[row], 0, left) + l + ansi.Cut(bg[row], left+bw, w)
	}
	return strings.Join(bg, "\n")
}

// Dialog renders lines in the theme's dialog box, at most w wide.
func Dialog(th *themes.Theme, title string, lines []string, w int) string {
	inner := max(10, w-4)
	var body []string
	if title != "" {
		body = append(body, th.Accent.Render(Truncate(title, inner)), "")
	}
	for _, l := range lines {
		body = append(body, Truncate(l, inner))
	}
	return th.Dialog.Render(strings.Join(body, "\n"))
}

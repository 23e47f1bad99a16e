package widgets

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Fit makes s exactly w cells wide and h lines tall: longer lines are cut
// (with "…"), shorter ones padded with spaces, missing lines added and extra
// ones dropped. Panes render through it so the layout never jumps.
func Fit(s string, w, h int) string {
	if w <= 0 || h <= 0 {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	var b strings.Builder
	b.Grow((w + 8) * h)
	for i := 0; i < h; i++ {
		if i > 0 {
			b.WriteByte('\n')
		}
		line := ""
		if i < len(lines) {
			line = lines[i]
		}
		b.WriteString(FitLine(line, w))
	}
	return b.String()
}

// FitLine makes one line exactly w cells wide.
func FitLine(line string, w int) string {
	if w <= 0 {
		return ""
	}
	lw := ansi.StringWidth(line)
	switch {
	case lw > w:
		line = ansi.Truncate(line, w, "…")
		if pad := w - ansi.StringWidth(line); pad > 0 {
			line += strings.Repeat(" ", pad)
		}
		return line
	case lw < w:
		return line + strings.Repeat(" ", w-lw)
	}
	return line
}

// Truncate cuts s to at most w cells, ending in "…" when cut.
func Truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if ansi.StringWidth(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// Width is the display width of s in cells, ignoring escape sequences.
func Width(s string) int { return ansi.StringWidth(s) }

// Pad pads s with spaces to w cells (it does not cut).
func Pad(s string, w int) string {
	if n := w - ansi.StringWidth(s); n > 0 {
		return s + strings.Repeat(" ", n)
	}
	return s
}

// Wrap breaks s into lines of at most w cells, at spaces where it can.
func Wrap(s string, w int) []string {
	if w <= 0 {
		return nil
	}
	var out []string
	for _, para := range strings.Split(s, "\n") {
		wrapped := ansi.Wrap(para, w, " ")
		out = append(out, strings.Split(wrapped, "\n")...)
	}
	return out
}

// WrapFirst wraps plain text s at spaces into a first row of at most first
// cells and further rows of at most rest cells; a word longer than a row
// is cut where it must be.
func WrapFirst(s string, first, rest int) []string {
	rows := strings.Split(ansi.Wrap(s, max(first, 1), " "), "\n")
	if len(rows) == 1 {
		return rows
	}
	tail := strings.TrimPrefix(s, rows[0])
	return append(rows[:1], strings.Split(ansi.Wrap(strings.TrimLeft(tail, " "), max(rest, 1), " "), "\n")...)
}

package widgets

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
)

// Cell is one table cell: plain text and the style to draw it in.
type Cell struct {
	Text  string
	Style lipgloss.Style
}

// ColumnSep separates table columns.
const ColumnSep = "  "

// Row renders cells into columns of the given widths, each cell cut (with
// "…") or padded to its width, and stops at total cells. Cells beyond
// widths are ignored.
func Row(cells []Cell, widths []int, total int) string {
	var b strings.Builder
	used := 0
	for i, c := range cells {
		if i >= len(widths) || used >= total {
			break
		}
		w := widths[i]
		if i > 0 {
			if used+len(ColumnSep) >= total {
				break
			}
			b.WriteString(ColumnSep)
			used += len(ColumnSep)
		}
		w = min(w, total-used)
		b.WriteString(c.Style.Render(Pad(Truncate(c.Text, w), w)))
		used += w
	}
	if used < total {
		b.WriteString(strings.Repeat(" ", total-used))
	}
	return b.String()
}

// PlainRow renders cells as Row does but all in one style (the selected
// row).
func PlainRow(cells []Cell, widths []int, total int, style lipgloss.Style) string {
	var b strings.Builder
	used := 0
	for i, c := range cells {
		if i >= len(widths) || used >= total {
			break
		}
		w := widths[i]
		if i > 0 {
			if used+len(ColumnSep) >= total {
				break
			}
			b.WriteString(ColumnSep)
			used += len(ColumnSep)
		}
		w = min(w, total-used)
		b.WriteString(Pad(Truncate(c.Text, w), w))
		used += w
	}
	if used < total {
		b.WriteString(strings.Repeat(" ", total-used))
	}
	return style.Render(b.String())
}

// ColumnWidths sizes columns to their content (natural widths), each at
// least minW and at most maxW.
func ColumnWidths(natural []int, minW, maxW int) []int {
	out := make([]int, len(natural))
	for i, n := range natural {
		out[i] = max(minW, min(n, maxW))
	}
	return out
}

// FilledRow renders cells as Row does, but draws the separators and the
// padding in fill too, so that a highlighted row is one unbroken band.
func FilledRow(cells []Cell, widths []int, total int, fill lipgloss.Style) string {
	var b strings.Builder
	used := 0
	for i, c := range cells {
		if i >= len(widths) || used >= total {
			break
		}
		w := widths[i]
		if i > 0 {
			if used+len(ColumnSep) >= total {
				break
			}
			b.WriteString(fill.Render(ColumnSep))
			used += len(ColumnSep)
		}
		w = min(w, total-used)
		b.WriteString(c.Style.Render(Pad(Truncate(c.Text, w), w)))
		used += w
	}
	if used < total {
		b.WriteString(fill.Render(strings.Repeat(" ", total-used)))
	}
	return b.String()
}

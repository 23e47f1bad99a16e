package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"

	"dynalab/themes"
	"dynalab/ui/widgets"
)

// helpGap separates help columns.
const helpGap = 3

// helpLines lays the enabled bindings of groups out in as many columns as
// fit width (in order, top to bottom, then left to right), so that no
// binding is dropped however narrow the screen: "key  what it does".
func helpLines(th *themes.Theme, groups [][]key.Binding, width int) []string {
	var bs []key.Binding
	for _, g := range groups {
		for _, b := range g {
			if b.Enabled() {
				bs = append(bs, b)
			}
		}
	}
	if len(bs) == 0 {
		return nil
	}
	type col struct {
		items             []key.Binding
		keyW, descW, text int
	}
	var cols []col
	for n := min(4, len(bs)); n >= 1; n-- {
		rows := (len(bs) + n - 1) / n
		cols = cols[:0]
		total := 0
		for i := 0; i < len(bs); i += rows {
			c := col{items: bs[i:min(len(bs), i+rows)]}
			for _, b := range c.items {
				h := b.Help()
				c.keyW = max(c.keyW, widgets.Width(h.Key))
				c.descW = max(c.descW, widgets.Width(h.Desc))
			}
			c.text = c.keyW + 1 + c.descW
			total += c.text
			cols = append(cols, c)
		}
		total += helpGap * (len(cols) - 1)
		if total <= width || n == 1 {
			break
		}
	}
	rows := len(cols[0].items)
	out := make([]string, rows)
	for r := 0; r < rows; r++ {
		var b strings.Builder
		for ci, c := range cols {
			if r >= len(c.items) {
				break
			}
			if ci > 0 {
				b.WriteString(strings.Repeat(" ", helpGap))
			}
			h := c.items[r].Help()
			cell := th.Key.Render(widgets.Pad(h.Key, c.keyW)) + " " + th.KeyDesc.Render(h.Desc)
			if ci < len(cols)-1 {
				cell = widgets.Pad(cell, c.text)
			}
			b.WriteString(cell)
		}
		out[r] = widgets.Truncate(b.String(), width)
	}
	return out
}

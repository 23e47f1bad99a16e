package widgets

import "strings"

var sparkBlocks = []rune("▁▂▃▄▅▆▇█")

// Sparkline draws values (oldest first) as one line of block characters,
// the last width values, scaled so that top fills a cell. A value of 0 is
// the lowest block; values above top are drawn full. Fewer values than
// width are right-aligned, with spaces before.
func Sparkline(values []float64, width int, top float64) string {
	if width <= 0 {
		return ""
	}
	if len(values) > width {
		values = values[len(values)-width:]
	}
	var b strings.Builder
	b.WriteString(strings.Repeat(" ", width-len(values)))
	for _, v := range values {
		i := 0
		if top > 0 && v > 0 {
			i = int(v / top * float64(len(sparkBlocks)-1))
			if v > 0 && i == 0 {
				i = 1 // anything above zero shows
			}
		}
		b.WriteRune(sparkBlocks[max(0, min(i, len(sparkBlocks)-1))])
	}
	return b.String()
}

package widgets

import (
	"strings"

	"dynalab/themes"
)

// StatusBar draws one line of exactly w cells: left segments from the
// left, right segments from the right, each separated by " · ". When they
// do not fit, right segments are dropped from the left end first, then the
// left ones are cut.
func StatusBar(th *themes.Theme, left, right []string, w int) string {
	if w <= 0 {
		return ""
	}
	sep := " · "
	l := " " + strings.Join(nonEmpty(left), sep)
	rs := nonEmpty(right)
	r := strings.Join(rs, sep) + " "
	for len(rs) > 0 && Width(l)+Width(r)+1 > w {
		rs = rs[1:]
		r = strings.Join(rs, sep) + " "
	}
	if len(rs) == 0 {
		r = ""
	}
	room := w - Width(r)
	l = Pad(Truncate(l, room), room)
	return th.StatusBar.Render(l + r)
}

func nonEmpty(ss []string) []string {
	out := ss[:0:0]
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

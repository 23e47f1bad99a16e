package transfer

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progressEvery is how often the progress line is redrawn.
const progressEvery = 200 * time.Millisecond

// progress draws a one-line progress bar on a terminal: a percentage and
// bar when the total is known, the count, the rate and the ETA.
type progress struct {
	w       io.Writer // nil: draw nothing
	unit    string    // "items"
	start   time.Time
	last    time.Time
	drawn   bool
	base    int64 // count already done when this run started (a resume)
	baseDen int64 // likewise for the done/total fraction
}

func newProgress(w io.Writer, unit string, now time.Time) *progress {
	return &progress{w: w, unit: unit, start: now}
}

// update redraws, at most every progressEvery: count is the items done,
// done/total the fraction for the bar and ETA (total 0: unknown).
func (p *progress) update(now time.Time, count, done, total int64) {
	if p.w == nil || now.Sub(p.last) < progressEvery {
		return
	}
	p.last = now
	elapsed := now.Sub(p.start).Seconds()
	rate := 0.0
	if elapsed > 0 {
		rate = float64(count-p.base) / elapsed
	}
	var b strings.Builder
	b.WriteString("\r\x1b[K")
	if total > 0 {
		frac := min(1, float64(done)/float64(total))
		const width = 24
		fill := int(frac * width)
		fmt.Fprintf(&b, "%3.0f%% [%s%s] ", frac*100, strings.Repeat("=", fill), strings.Repeat(" ", width-fill))
	}
	fmt.Fprintf(&b, "%s %s  %s/s", thousands(count), p.unit, thousands(int64(rate)))
	if total > 0 && done > p.baseDen && elapsed > 1 {
		perByte := elapsed / float64(done-p.baseDen)
		eta := time.Duration(perByte * float64(total-done) * float64(time.Second))
		fmt.Fprintf(&b, "  ETA %s", clock(eta))
	}
	io.WriteString(p.w, b.String())
	p.drawn = true
}

// clear erases the progress line (before other output, and at the end).
func (p *progress) clear() {
	if p.w != nil && p.drawn {
		io.WriteString(p.w, "\r\x1b[K")
		p.drawn = false
		p.last = time.Time{}
	}
}

// clock renders d as h:mm:ss or m:ss.
func clock(d time.Duration) string {
	s := int64(d.Round(time.Second).Seconds())
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// thousands renders n with comma separators: 1,234,567.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// rate renders count per elapsed time.
func rate(count int64, elapsed time.Duration) string {
	if elapsed <= 0 {
		return "-"
	}
	return thousands(int64(float64(count)/elapsed.Seconds())) + "/s"
}

package transfer

import (
	"bytes"
	"testing"
	"time"
)

func TestProgress(t *testing.T) {
	var out bytes.Buffer
	start := time.Unix(0, 0)
	p := newProgress(&out, "items", start)
	p.update(start.Add(10*time.Second), 1_234_567, 500, 1000)
	want := "\r\x1b[K 50% [============            ] 1,234,567 items  123,456/s  ETA 0:10"
	if out.String() != want {
		t.Fatalf("got  %q\nwant %q", out.String(), want)
	}
	p.update(start.Add(10*time.Second+time.Millisecond), 2, 600, 1000) // too soon: not drawn
	p.clear()
	if want += "\r\x1b[K"; out.String() != want {
		t.Fatalf("after clear %q", out.String())
	}
	if got := thousands(-1234); got != "-1,234" {
		t.Fatalf("thousands(-1234) = %s", got)
	}
	if got := clock(3723 * time.Second); got != "1:02:03" {
		t.Fatalf("clock = %s", got)
	}
}

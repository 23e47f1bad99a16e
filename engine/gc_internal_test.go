package engine

import (
	"runtime/debug"
	"testing"
)

func TestGCPercent(t *testing.T) {
	for _, c := range []struct {
		live uint64
		want int
	}{
		{0, 100},
		{10 << 20, 100}, // small: the default
		{64 << 20, 100}, // 64 MB headroom is 100%
		{128 << 20, 50}, // 64 MB is half of it
		{256 << 20, 25}, // a quarter
		{475 << 20, 25}, // large: a quarter, not less
		{8 << 30, 25},   // 5M items and more
	} {
		if got := gcPercent(c.live); got != c.want {
			t.Errorf("gcPercent(%d MB) = %d, want %d", c.live>>20, got, c.want)
		}
	}
}

func TestTuneGCLeavesTheEnvironmentsChoice(t *testing.T) {
	old := debug.SetGCPercent(77)
	defer debug.SetGCPercent(old)
	for _, env := range []string{"GOGC", "GOMEMLIMIT"} {
		t.Run(env, func(t *testing.T) {
			t.Setenv(env, "200")
			if got := TuneGC(); got != -1 {
				t.Fatalf("TuneGC with %s set = %d, want -1", env, got)
			}
			if p := debug.SetGCPercent(77); p != 77 {
				t.Fatalf("TuneGC with %s set changed GOGC to %d", env, p)
			}
		})
	}
}

func TestTuneGCSetsWhatItReports(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)
	got := TuneGC()
	if got < 25 || got > 100 {
		t.Fatalf("TuneGC = %d, want 25..100", got)
	}
	if p := debug.SetGCPercent(old); p != got {
		t.Fatalf("GOGC is %d after TuneGC reported %d", p, got)
	}
}

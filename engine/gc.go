package engine

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
)

// TuneGC sets the garbage collector's pacing for the data this process
// holds, and returns the GOGC percentage it chose (-1: none, because GOGC
// or GOMEMLIMIT is set in the environment, and the user's choice stands).
// Call it once, after opening the databases a long-running process serves
// (serve, the workbench); it is process-wide, which is why Open does not.
//
// Every item lives in the Go heap (buntdb keeps the data in memory), and
// the default GOGC=100 lets the heap grow to twice what is live before it
// collects: a 1M-item database of 475 MB live sat at about 1 GB resident
// after a full Scan. TuneGC collects once (the load's garbage with it,
// returning the freed pages to the system) and sets the headroom to a
// quarter of the live heap, or 64 MB if that is more, never more than the
// default: a collection then runs four times as often on a large
// database, each marking the same live heap.
func TuneGC() int {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return -1
	}
	debug.FreeOSMemory()
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return -1
	}
	p := gcPercent(s[0].Value.Uint64())
	debug.SetGCPercent(p)
	return p
}

// gcPercent is the GOGC that gives a heap of live bytes a headroom of a
// quarter of it or 64 MB, whichever is more, at most 100 (the default).
func gcPercent(live uint64) int {
	const floor = 64 << 20
	if live == 0 {
		return 100
	}
	return int(min(max(floor*100/live, 25), 100))
}

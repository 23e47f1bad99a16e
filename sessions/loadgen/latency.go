package loadgen

import (
	"math"
	"math/bits"
	"time"
)

// histogram counts latencies in log-linear buckets — 16 per power of two,
// so a percentile is within about 6% of the exact one — in constant
// memory however long the load runs (an hour at 5,000 requests a second
// would be 18 million samples to keep and sort).
type histogram struct {
	counts [histBuckets]int64
	n      int64
}

const (
	subBuckets  = 16 // buckets per power of two
	subBits     = 4  // log2(subBuckets)
	maxExponent = 40 // 2^40 ns is about 18 minutes: longer latencies share the last bucket
	histBuckets = (maxExponent + 1) * subBuckets
)

// bucket returns the bucket of a latency in nanoseconds.
func bucket(ns int64) int {
	if ns < subBuckets {
		return int(max(ns, 0))
	}
	e := bits.Len64(uint64(ns)) - subBits - 1 // ns>>e is in [16, 32)
	i := (e+1)*subBuckets + int(ns>>e) - subBuckets
	return min(i, histBuckets-1)
}

// bucketMid is the middle of bucket i's range, in nanoseconds.
func bucketMid(i int) int64 {
	if i < subBuckets {
		return int64(i)
	}
	e := i/subBuckets - 1
	lo := int64(subBuckets+i%subBuckets) << e
	return lo + (int64(1)<<e)/2
}

func (h *histogram) add(d time.Duration) {
	h.counts[bucket(int64(d))]++
	h.n++
}

// percentile returns the latency that a fraction p (0 < p ≤ 1) of the
// samples do not exceed (the middle of its bucket); 0 without samples.
func (h *histogram) percentile(p float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := max(int64(math.Ceil(p*float64(h.n))), 1)
	var seen int64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return time.Duration(bucketMid(i))
		}
	}
	return time.Duration(bucketMid(histBuckets - 1))
}

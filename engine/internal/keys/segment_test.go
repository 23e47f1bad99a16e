package keys

import (
	"math"
	"testing"
)

// TestSegmentOfMatchesSegmentRange: every hash, at and around each
// boundary, lies in the segment SegmentOf names, for totals that do and do
// not divide 2^64.
func TestSegmentOfMatchesSegmentRange(t *testing.T) {
	for total := 1; total <= 9; total++ {
		var hashes []uint64
		for g := range total {
			lo, hi := SegmentRange(g, total)
			hashes = append(hashes, lo, hi, lo+(hi-lo)/2)
			if lo > 0 {
				hashes = append(hashes, lo-1)
			}
			if hi < math.MaxUint64 {
				hashes = append(hashes, hi+1)
			}
		}
		for _, h := range hashes {
			g := SegmentOf(h, total)
			if lo, hi := SegmentRange(g, total); h < lo || h > hi {
				t.Errorf("total %d: SegmentOf(%#x) = %d, whose range is [%#x, %#x]", total, h, g, lo, hi)
			}
		}
	}
}

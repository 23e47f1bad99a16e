// Package keys encodes key attribute values (S, N, B) into byte strings whose
// byte order is the service's key order: numbers by value, strings and
// binaries by unsigned bytes. Encodings are self-delimiting, so a partition
// key followed by a sort key is itself a well-ordered composite, and a Query
// is a range scan over the store.
package keys

import (
	"encoding/binary"
	"hash/fnv"
	"math/bits"

	"dynalab/engine/attr"
)

// Number encodings start with a class byte so that negatives < zero < positives.
const (
	classNegative = 0x01
	classZero     = 0x02
	classPositive = 0x03
	expBias       = 0x8000
)

// AppendValue appends the order-preserving encoding of a key value to dst.
// Values of other types are not keys; they encode as nothing.
func AppendValue(dst []byte, v attr.Value) []byte {
	switch v.Type() {
	case attr.TypeS, attr.TypeB:
		dst = appendEscaped(dst, v.Str())
		return append(dst, 0x00, 0x01)
	case attr.TypeN:
		return appendNumber(dst, v)
	}
	return dst
}

// AppendPrefix appends the encoding of an S or B value without its
// terminator: every encoded value that begins with the result is a value
// that begins with v (begins_with on a sort key).
func AppendPrefix(dst []byte, v attr.Value) []byte {
	return appendEscaped(dst, v.Str())
}

// appendEscaped writes s with 0x00 escaped as 0x00 0xFF; the terminator
// 0x00 0x01 then sorts before any continuation, so "a" < "a\x00" < "ab".
func appendEscaped(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			dst = append(dst, 0x00, 0xFF)
			continue
		}
		dst = append(dst, s[i])
	}
	return dst
}

// appendNumber writes class, biased exponent and digits; for negatives the
// exponent and digits are inverted so larger magnitudes sort first.
func appendNumber(dst []byte, v attr.Value) []byte {
	neg, digits, exp := v.NumberParts()
	if digits == "" {
		return append(dst, classZero)
	}
	e := uint16(exp + expBias)
	if !neg {
		dst = append(dst, classPositive, byte(e>>8), byte(e))
		dst = append(dst, digits...)
		return append(dst, 0x00)
	}
	e = ^e
	dst = append(dst, classNegative, byte(e>>8), byte(e))
	for i := 0; i < len(digits); i++ {
		dst = append(dst, ^digits[i])
	}
	return append(dst, 0xFF)
}

// Hash returns the partition hash of an encoded partition key. Items are
// stored in hash order, as the service distributes them, which also makes a
// parallel Scan segment a contiguous range of the hash space.
func Hash(encodedPartitionKey []byte) uint64 {
	h := fnv.New64a()
	h.Write(encodedPartitionKey)
	return h.Sum64()
}

// AppendHash appends h big-endian, so byte order is numeric order.
func AppendHash(dst []byte, h uint64) []byte {
	return binary.BigEndian.AppendUint64(dst, h)
}

// SegmentRange returns the hash range [lo, hi] owned by segment of total
// parallel-scan segments. Segments partition the 64-bit hash space into
// contiguous, nearly equal ranges.
func SegmentRange(segment, total int) (lo, hi uint64) {
	lo = boundary(uint64(segment), uint64(total))
	if segment+1 >= total {
		return lo, ^uint64(0)
	}
	return lo, boundary(uint64(segment+1), uint64(total)) - 1
}

// SegmentOf returns the segment of total (SegmentRange's split) that
// holds hash h.
func SegmentOf(h uint64, total int) int {
	p, _ := bits.Mul64(h, uint64(total)) // floor(h·total / 2^64): at most one below
	if p+1 < uint64(total) && boundary(p+1, uint64(total)) <= h {
		p++
	}
	return int(p)
}

// boundary is floor(g · 2^64 / t) for g < t.
func boundary(g, t uint64) uint64 {
	q, _ := bits.Div64(g, 0, t)
	return q
}

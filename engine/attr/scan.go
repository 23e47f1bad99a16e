package attr

import (
	"encoding/binary"
	"unsafe"
)

// Word-at-a-time scans for the JSON codec's long strings (a 1 KB payload
// is the common case): eight bytes per step instead of one.

const (
	lows  = 0x0101010101010101
	highs = 0x8080808080808080
)

// hasZeroByte reports whether some byte of w is 0. It is exact: a byte
// that is not zero never makes it true unless a lower byte is zero.
func hasZeroByte(w uint64) bool { return (w-lows)&^w&highs != 0 }

// hasLess reports whether some byte of w is below n (n <= 128).
func hasLess(w uint64, n byte) bool { return (w-lows*uint64(n))&^w&highs != 0 }

// needsEscape reports whether the eight bytes of w may hold a quote, a
// backslash or a control character: a byte JSON text must escape.
func needsEscape(w uint64) bool {
	return hasZeroByte(w^(lows*'"')) || hasZeroByte(w^(lows*'\\')) || hasLess(w, 0x20)
}

// words returns s's bytes as a slice without copying them, for 8-byte loads.
func words(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// plainASCII reports whether s holds only bytes 0x20 to 0x7f: no control
// characters, nothing a UTF-8 check would need to look at.
func plainASCII(s string) bool {
	b, i := words(s), 0
	for ; i+8 <= len(b); i += 8 {
		if w := binary.LittleEndian.Uint64(b[i:]); hasLess(w, 0x20) || w&highs != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// indexEscape returns the index of the first byte of s that JSON text must
// escape ('"', '\\' or a control character), len(s) if there is none.
func indexEscape(s string) int {
	b, i := words(s), 0
	for ; i+8 <= len(b); i += 8 {
		if needsEscape(binary.LittleEndian.Uint64(b[i:])) {
			break
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c == '"' || c == '\\' || c < 0x20 {
			return i
		}
	}
	return len(s)
}

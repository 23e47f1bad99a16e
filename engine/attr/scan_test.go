package attr

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func naiveEscape(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '"' || c == '\\' || c < 0x20 {
			return i
		}
	}
	return len(s)
}

// TestIndexEscape compares the word-at-a-time scan with a byte loop on
// strings with one special byte at every position, and on random bytes.
func TestIndexEscape(t *testing.T) {
	for _, special := range []byte{'"', '\\', 0, 0x1f, 0x80, 0xff, 0x20, 0x7f, '!', '#', '[', ']'} {
		for n := range 40 {
			for at := range n {
				b := []byte(strings.Repeat("x", n))
				b[at] = special
				if got, want := indexEscape(string(b)), naiveEscape(string(b)); got != want {
					t.Fatalf("%q: %d, want %d", b, got, want)
				}
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		b := make([]byte, r.IntN(64))
		for i := range b {
			b[i] = byte(0x20 + r.IntN(0x70)) // mostly plain, sometimes special
			if r.IntN(50) == 0 {
				b[i] = byte(r.IntN(256))
			}
		}
		if got, want := indexEscape(string(b)), naiveEscape(string(b)); got != want {
			t.Fatalf("%q: %d, want %d", b, got, want)
		}
	}
}

func TestPlainASCII(t *testing.T) {
	for _, bad := range []byte{0, 0x1f, 0x80, 0xc3, 0xff} {
		for n := 1; n < 40; n++ {
			for at := range n {
				b := []byte(strings.Repeat("x", n))
				b[at] = bad
				if plainASCII(string(b)) {
					t.Fatalf("%q: plain", b)
				}
			}
		}
	}
	if !plainASCII(strings.Repeat(" ~\"\\x", 20)) || !plainASCII("") {
		t.Fatal("plain text not plain")
	}
}

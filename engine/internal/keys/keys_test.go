package keys

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"dynalab/engine/attr"
)

func enc(v attr.Value) []byte { return AppendValue(nil, v) }

// TestNumberOrder checks that byte order of encodings is numeric order.
func TestNumberOrder(t *testing.T) {
	texts := []string{"-1e125", "-123.45", "-12.3", "-12", "-1", "-0.5", "-1e-130", "0",
		"1e-130", "0.000123", "0.5", "1", "1.5", "9.99", "10", "12", "12.3", "123", "1e125"}
	for i := 1; i < len(texts); i++ {
		a, b := enc(attr.MustN(texts[i-1])), enc(attr.MustN(texts[i]))
		if bytes.Compare(a, b) >= 0 {
			t.Errorf("enc(%s) >= enc(%s): %x %x", texts[i-1], texts[i], a, b)
		}
	}
	if !bytes.Equal(enc(attr.MustN("1000")), enc(attr.MustN("1e3"))) {
		t.Error("1000 and 1e3 must encode the same")
	}
}

func TestStringOrder(t *testing.T) {
	ss := []string{"", "A", "B", "a", "a\x00", "a\x00\x00", "a\x01", "ab", "b", "\x7f", "\x80", "\xff"}
	for i := 1; i < len(ss); i++ {
		a, b := enc(attr.S(ss[i-1])), enc(attr.S(ss[i]))
		if bytes.Compare(a, b) >= 0 {
			t.Errorf("enc(%q) >= enc(%q)", ss[i-1], ss[i])
		}
	}
}

// TestRandomOrder compares encoded order with attr.Compare on random values.
func TestRandomOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		a, b := randomNumber(r), randomNumber(r)
		want, _ := attr.Compare(a, b)
		if got := bytes.Compare(enc(a), enc(b)); got != want {
			t.Fatalf("%s vs %s: encoded %d, compare %d", a, b, got, want)
		}
		sa, sb := randomBytes(r), randomBytes(r)
		want, _ = attr.Compare(attr.BString(sa), attr.BString(sb))
		if got := bytes.Compare(enc(attr.BString(sa)), enc(attr.BString(sb))); got != want {
			t.Fatalf("%x vs %x: encoded %d, compare %d", sa, sb, got, want)
		}
	}
}

func randomNumber(r *rand.Rand) attr.Value {
	digits := []byte("0123456789")
	n := 1 + r.IntN(6)
	b := make([]byte, 0, 12)
	if r.IntN(2) == 0 {
		b = append(b, '-')
	}
	for range n {
		b = append(b, digits[r.IntN(10)])
	}
	if r.IntN(2) == 0 {
		b = append(b, '.')
		b = append(b, digits[r.IntN(10)])
	}
	return attr.MustN(string(b))
}

func randomBytes(r *rand.Rand) string {
	b := make([]byte, r.IntN(4))
	for i := range b {
		b[i] = []byte{0, 1, 'a', 0xff}[r.IntN(4)]
	}
	return string(b)
}

func TestPrefix(t *testing.T) {
	p := AppendPrefix(nil, attr.S("ORDER#"))
	for _, s := range []string{"ORDER#", "ORDER#2025", "ORDER#\x00x"} {
		if !bytes.HasPrefix(enc(attr.S(s)), p) {
			t.Errorf("%q should match prefix", s)
		}
	}
	for _, s := range []string{"ORDER", "ORDEQ#1", "PROFILE"} {
		if bytes.HasPrefix(enc(attr.S(s)), p) {
			t.Errorf("%q should not match prefix", s)
		}
	}
}

func TestSegmentRangeCoversSpace(t *testing.T) {
	for _, total := range []int{1, 2, 3, 7, 1000} {
		var prevHi uint64
		for g := range total {
			lo, hi := SegmentRange(g, total)
			if g == 0 && lo != 0 {
				t.Fatalf("total %d: first segment starts at %d", total, lo)
			}
			if g > 0 && lo != prevHi+1 {
				t.Fatalf("total %d: gap before segment %d", total, g)
			}
			prevHi = hi
		}
		if prevHi != ^uint64(0) {
			t.Fatalf("total %d: last segment ends at %d", total, prevHi)
		}
	}
}

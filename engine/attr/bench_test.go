package attr

import (
	"strings"
	"testing"
)

// benchStored is the item BenchmarkGetItem (engine/bench_test.go) reads, as
// stored.
func benchStored() string {
	return string(AppendItem(nil, Item{
		"PK": S("p1"), "SK": S("s"),
		"payload": S(strings.Repeat("x", 900)), "count": Int(42),
		"status": S("ACTIVE"), "owner": S("user-123"),
	}))
}

// BenchmarkParseStoredJSON decodes the item as databases before the stored
// form (format 2) hold it.
func BenchmarkParseStoredJSON(b *testing.B) {
	s := benchStored()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := ParseStoredItemSize(s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendItem(b *testing.B) {
	it, _ := ParseStoredItem(benchStored())
	buf := make([]byte, 0, 2048)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendItem(buf[:0], it)
	}
}

func BenchmarkParseStoredBinary(b *testing.B) {
	it, _ := ParseStoredItem(benchStored())
	s := string(AppendStored(nil, it, it.Size()))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := ParseStoredItemSize(s); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseItem decodes the item as a client sends it (untrusted).
func BenchmarkParseItem(b *testing.B) {
	data := []byte(benchStored())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseItem(data); err != nil {
			b.Fatal(err)
		}
	}
}

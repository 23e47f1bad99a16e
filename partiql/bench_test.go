package partiql

import "testing"

const seedSelect = `SELECT * FROM "AppTable" WHERE PK='USER#u123' AND begins_with(SK,'ORDER#')`

func BenchmarkParseSeedSelect(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(seedSelect); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFormatSeedSelect(b *testing.B) {
	s, err := Parse(seedSelect)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = Format(s)
	}
}

func BenchmarkTokensSeedSelect(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = Tokens(seedSelect)
	}
}

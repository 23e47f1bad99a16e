package browser

import (
	"fmt"
	"testing"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/ui/common"
	"dynalab/ui/internal/uitest"
)

// benchItems makes n items of a single-table design: five per partition,
// ten attributes of mixed types each.
func benchItems(n int) []attr.Item {
	items := make([]attr.Item, n)
	tags, _ := attr.SS("a", "b", "c")
	for i := range items {
		items[i] = attr.Item{
			"PK":      attr.S(fmt.Sprintf("USER#%06d", i/5)),
			"SK":      attr.S(fmt.Sprintf("ORDER#%04d", i%5)),
			"total":   attr.MustN(fmt.Sprintf("%d.%02d", i%1000, i%100)),
			"status":  attr.S([]string{"pending", "shipped", "delivered"}[i%3]),
			"gift":    attr.Bool(i%2 == 0),
			"note":    attr.Null(),
			"tags":    tags,
			"created": attr.S("2025-01-02T15:04:05Z"),
			"lines":   attr.L([]attr.Value{attr.S("book"), attr.Int(int64(i % 7))}),
			"addr":    attr.M(map[string]attr.Value{"city": attr.S("Paris"), "zip": attr.S("75001")}),
		}
	}
	return items
}

// loadedBrowser is a browser showing a table with n items loaded (in
// pages of 1,000, as "load all" fetches them) and more to come.
func loadedBrowser(b *testing.B, n, w, h int) *Model {
	be := uitest.NewBackend(b)
	c := uitest.Common(b, be, "dark")
	m := New(c, nil)
	m.SetSize(w, h)
	m.SetFocused(true)
	m.table = common.TableInfo{Name: "AppTable", Hash: common.KeyAttr{Name: "PK", Type: "S"}, Range: common.KeyAttr{Name: "SK", Type: "S"}, ItemCount: int64(n)}
	m.view = viewItems
	m.lst = listing{scan: &engine.ScanInput{TableName: "AppTable"}}
	m.data = newGrid("PK", "SK", []string{"PK", "SK"})
	items := benchItems(n)
	for i := 0; i < n; i += 1000 {
		m.data.add(items[i:min(n, i+1000)])
		m.pages++
	}
	m.scanned, m.more = n, true
	m.load = nil
	m.cursor = n / 2
	m.follow()
	return m
}

// BenchmarkGridFrame100k renders one full screen (120×40) of the grid of
// a 100,000-item table.
func BenchmarkGridFrame100k(b *testing.B) {
	m := loadedBrowser(b, 100_000, 120, 40)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_ = m.View()
	}
}

func benchKeypress(b *testing.B, n int) {
	m := loadedBrowser(b, n, 120, 40)
	down, up := uitest.Key("down"), uitest.Key("up")
	m.cursor = 0
	m.follow()
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		k := down
		if (i/(n-1))%2 == 1 { // sweep down the whole table, then back up
			k = up
		}
		i++
		m.more = false // measure the frame, not a page load
		m.Update(k)
		_ = m.View()
	}
}

// BenchmarkKeypressToFrame1k is one Down key and the frame after it, with
// 1,000 rows loaded.
func BenchmarkKeypressToFrame1k(b *testing.B) { benchKeypress(b, 1_000) }

// BenchmarkKeypressToFrame100k is the same with 100,000 rows loaded.
func BenchmarkKeypressToFrame100k(b *testing.B) { benchKeypress(b, 100_000) }

// BenchmarkHeldDown30 is 30 Down keys in a row and the frame after them,
// with 100,000 rows loaded.
func BenchmarkHeldDown30(b *testing.B) {
	m := loadedBrowser(b, 100_000, 120, 40)
	down := uitest.Key("down")
	m.cursor = 0
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if m.cursor > 99_000 {
			m.cursor = 0
		}
		m.more = false
		for range 30 {
			m.Update(down)
		}
		_ = m.View()
	}
}

package browser

import (
	"slices"
	"testing"

	"dynalab/engine"
	"dynalab/sessions/model"
	"dynalab/ui/internal/uitest"
)

// benchModel describes benchItems: every partition's first order is a
// "FirstOrder" (the more specific pattern), the others "Order".
func benchModel() *model.Model {
	return &model.Model{Tables: []model.Table{{
		TableName: "AppTable",
		KeySchema: []engine.KeySchemaElement{{AttributeName: "PK", KeyType: engine.KeyTypeHash}, {AttributeName: "SK", KeyType: engine.KeyTypeRange}},
		Facets: []model.Facet{
			{Name: "Order", PartitionKey: "USER#{userId}", SortKey: "ORDER#{n}", Attributes: []string{"total", "status", "gift", "created"}},
			{Name: "FirstOrder", PartitionKey: "USER#{userId}", SortKey: "ORDER#0000", Attributes: []string{"total", "lines"}},
			{Name: "User", PartitionKey: "USER#{userId}", SortKey: "PROFILE", Attributes: []string{"name"}},
		},
	}}}
}

// facetBrowser is loadedBrowser with benchModel's facets classifying the
// rows, all items shown.
func facetBrowser(b *testing.B, n int) *Model {
	m := loadedBrowser(b, n, 120, 40)
	m.model = benchModel()
	m.mtable = &m.model.Tables[0]
	m.classify()
	return m
}

// BenchmarkFacetSwitch100k is one t (the next entity type) and the frame
// after it, with 100,000 rows loaded.
func BenchmarkFacetSwitch100k(b *testing.B) {
	m := facetBrowser(b, 100_000)
	t := uitest.Key("t")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		m.more = false
		m.Update(t)
		_ = m.View()
	}
}

// BenchmarkKeypressToFrameFacet100k is one Down key and the frame after
// it in a facet's grid, with 100,000 rows loaded.
func BenchmarkKeypressToFrameFacet100k(b *testing.B) {
	m := facetBrowser(b, 100_000)
	m.Update(uitest.Key("t")) // Order: 80,000 rows
	down := uitest.Key("down")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if m.cursor > m.data.shown()-2 {
			m.cursor = 0
		}
		m.more = false
		m.Update(down)
		_ = m.View()
	}
}

// BenchmarkClassifyPage1000 is what a page of 1,000 items costs the grid
// with three facets to match: the work added to a page's arrival.
func BenchmarkClassifyPage1000(b *testing.B) {
	items := benchItems(1000)
	mt := model.NewMatcher(&benchModel().Tables[0])
	b.ReportAllocs()
	for b.Loop() {
		g := newGrid("PK", "SK", []string{"PK", "SK"})
		g.setClassifier(mt.Len(), mt.Match)
		g.add(items)
	}
}

// BenchmarkKeySpace100k aggregates 100,000 rows by partition, as the
// key-space view's command does (off the Update loop).
func BenchmarkKeySpace100k(b *testing.B) {
	m := facetBrowser(b, 100_000)
	items, kinds := slices.Clone(m.data.items), slices.Clone(m.data.kinds)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		msg := aggregateKeys(1, items, kinds, len(m.data.counts), []string{"PK"})
		if len(msg.rows) != 20_000 {
			b.Fatalf("%d partitions", len(msg.rows))
		}
	}
}

// BenchmarkAddPage1000 is BenchmarkClassifyPage1000 without facets: the
// page's cost before this change, for comparison.
func BenchmarkAddPage1000(b *testing.B) {
	items := benchItems(1000)
	b.ReportAllocs()
	for b.Loop() {
		g := newGrid("PK", "SK", []string{"PK", "SK"})
		g.add(items)
	}
}

package model_test

import (
	"testing"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/sessions/model"
	"dynalab/sessions/samples"
)

// TestMatcherSingleTableSample classifies every item of the single-table
// sample by its model file's facets: each item is exactly the facet its
// key prefixes say, and the Matcher agrees with Facet.Match.
func TestMatcherSingleTableSample(t *testing.T) {
	s, err := samples.Get("single-table")
	if err != nil {
		t.Fatal(err)
	}
	data, err := s.ModelFile()
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Read("single-table/model.json", data)
	if err != nil {
		t.Fatal(err)
	}
	tb := m.Table("AppTable")
	items, err := s.ItemsOf("AppTable")
	if err != nil {
		t.Fatal(err)
	}
	mt := model.NewMatcher(tb)
	if mt.Len() != len(tb.Facets) {
		t.Fatalf("Len %d, want %d", mt.Len(), len(tb.Facets))
	}
	counts := map[string]int{}
	for _, it := range items {
		i := mt.Match(it)
		if i < 0 {
			t.Errorf("%s/%s matches no facet", it["PK"].Str(), it["SK"].Str())
			continue
		}
		f := &tb.Facets[i]
		counts[f.Name]++
		if !f.Match(tb, it) {
			t.Errorf("%s/%s: Matcher says %s, Facet.Match disagrees", it["PK"].Str(), it["SK"].Str(), f.Name)
		}
		want := map[string]string{"PROFILE": "User", "EMAIL": "EmailIndex"}[it["SK"].Str()]
		if want != "" && f.Name != want {
			t.Errorf("%s/%s is %s, want %s", it["PK"].Str(), it["SK"].Str(), f.Name, want)
		}
	}
	for _, name := range []string{"User", "Order", "Address", "EmailIndex", "StatusIndex"} {
		if counts[name] == 0 {
			t.Errorf("no item of facet %s (counts %v)", name, counts)
		}
	}
}

// TestMatcherSpecificity: when several facets match, the one with more
// literal text wins; numbers match only whole-value or constant patterns;
// an item without the key or with a bad pattern matches nothing.
func TestMatcherSpecificity(t *testing.T) {
	tb := &model.Table{
		TableName: "T",
		KeySchema: []engine.KeySchemaElement{{AttributeName: "PK", KeyType: engine.KeyTypeHash}, {AttributeName: "SK", KeyType: engine.KeyTypeRange}},
		Facets: []model.Facet{
			{Name: "Anything", PartitionKey: "USER#{userId}", SortKey: "{sk}"},
			{Name: "Profile", PartitionKey: "USER#{userId}", SortKey: "PROFILE"},
			{Name: "Order", PartitionKey: "USER#{userId}", SortKey: "ORDER#{orderId}"},
			{Name: "Broken", PartitionKey: "USER#{a}{b}", SortKey: "PROFILE#X"},
			{Name: "Reading", PartitionKey: "SENSOR#{id}", SortKey: "{at}"},
		},
	}
	mt := model.NewMatcher(tb)
	for _, c := range []struct {
		item attr.Item
		want string
	}{
		{attr.Item{"PK": attr.S("USER#1"), "SK": attr.S("PROFILE")}, "Profile"},
		{attr.Item{"PK": attr.S("USER#1"), "SK": attr.S("ORDER#9")}, "Order"},
		{attr.Item{"PK": attr.S("USER#1"), "SK": attr.S("NOTE#1")}, "Anything"},
		{attr.Item{"PK": attr.S("USER#1"), "SK": attr.S("PROFILE#X")}, "Anything"}, // Broken never matches
		{attr.Item{"PK": attr.S("SENSOR#4"), "SK": mustN(t, "1700000000")}, "Reading"},
		{attr.Item{"PK": attr.S("ITEM#1"), "SK": attr.S("PROFILE")}, ""},
		{attr.Item{"PK": attr.S("USER#1")}, ""}, // no sort key
		{attr.Item{"SK": attr.S("PROFILE")}, ""},
	} {
		got := ""
		if i := mt.Match(c.item); i >= 0 {
			got = tb.Facets[i].Name
		}
		if got != c.want {
			t.Errorf("%v is %q, want %q", c.item, got, c.want)
		}
	}
	// A table without a sort key matches on the partition key alone.
	hashOnly := &model.Table{TableName: "H", KeySchema: []engine.KeySchemaElement{{AttributeName: "id", KeyType: engine.KeyTypeHash}},
		Facets: []model.Facet{{Name: "Session", PartitionKey: "S#{sid}"}}}
	if got := model.NewMatcher(hashOnly).Match(attr.Item{"id": attr.S("S#1")}); got != 0 {
		t.Errorf("hash-only table: %d, want 0", got)
	}
}

func mustN(t *testing.T, s string) attr.Value {
	t.Helper()
	v, err := attr.N(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestPatternMatchesAgreesWithMatch: the matcher without a regular
// expression answers as the expression does, placeholders that could end
// in several places and newlines included.
func TestPatternMatchesAgreesWithMatch(t *testing.T) {
	patterns := []string{"USER#{id}", "ORDER#{at}#{id}", "PROFILE", "{id}", "A{x}A", "{a}#{b}#", "X#{a}#{b}#Y", "{a}-{b}"}
	values := []string{"", "USER#", "USER#1", "USER#1#2", "ORDER#2025#o1", "ORDER##o1", "ORDER#a#b#c", "PROFILE", "PROFILES",
		"AA", "AxA", "AAA", "A\nA", "a#b#", "a##", "#b#", "X#1#2#Y", "X#1#2#3#Y", "X##Y", "a-b-c", "-b", "a-", "line\nbreak", "é-ü"}
	for _, ps := range patterns {
		p, err := model.ParsePattern(ps)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range values {
			_, want := p.Match(v)
			if got := p.Matches(v); got != want {
				t.Errorf("%q ~ %q: Matches %v, Match %v", ps, v, got, want)
			}
		}
	}
}

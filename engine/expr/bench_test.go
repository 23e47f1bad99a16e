package expr

import (
	"testing"

	"dynalab/engine/attr"
)

const (
	benchCondition = "attribute_not_exists(cnt) OR cnt < :max"
	benchUpdate    = "ADD cnt :one SET ts = :now"
)

func benchItem(b *testing.B) attr.Item {
	return item(b, `{"pk":{"S":"user#1"},"cnt":{"N":"7"},"ts":{"N":"1700000000"},"name":{"S":"x"}}`)
}

func benchValues(b *testing.B) attr.Item {
	return item(b, `{":max":{"N":"10"},":one":{"N":"1"},":now":{"N":"1700000123"}}`)
}

func BenchmarkConditionParseBindEval(b *testing.B) {
	it, vals := benchItem(b), benchValues(b)
	b.ReportAllocs()
	for b.Loop() {
		e, err := ParseCondition(ParamCondition, benchCondition)
		if err != nil {
			b.Fatal(err)
		}
		c, err := e.Bind(&Params{Values: vals})
		if err != nil || !c.Eval(it) {
			b.Fatal("bind/eval", err)
		}
	}
}

func BenchmarkConditionCachedBindEval(b *testing.B) {
	it, vals := benchItem(b), benchValues(b)
	cache := NewCache(1024)
	b.ReportAllocs()
	for b.Loop() {
		e, err := cache.Condition(ParamCondition, benchCondition)
		if err != nil {
			b.Fatal(err)
		}
		p := Params{Values: vals}
		c, err := e.Bind(&p)
		if err != nil || !c.Eval(it) {
			b.Fatal("bind/eval", err)
		}
	}
}

func BenchmarkUpdateParseBindApply(b *testing.B) {
	it, vals := benchItem(b), benchValues(b)
	b.ReportAllocs()
	for b.Loop() {
		e, err := ParseUpdate(benchUpdate)
		if err != nil {
			b.Fatal(err)
		}
		u, err := e.Bind(&Params{Values: vals})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := u.Apply(it); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUpdateCachedBindApply(b *testing.B) {
	it, vals := benchItem(b), benchValues(b)
	cache := NewCache(1024)
	b.ReportAllocs()
	for b.Loop() {
		e, err := cache.Update(benchUpdate)
		if err != nil {
			b.Fatal(err)
		}
		u, err := e.Bind(&Params{Values: vals})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := u.Apply(it); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkProjectionCached(b *testing.B) {
	it := benchItem(b)
	cache := NewCache(1024)
	b.ReportAllocs()
	for b.Loop() {
		e, err := cache.Projection("pk, cnt, ts")
		if err != nil {
			b.Fatal(err)
		}
		p, err := e.Bind(nil)
		if err != nil {
			b.Fatal(err)
		}
		p.Apply(it)
	}
}

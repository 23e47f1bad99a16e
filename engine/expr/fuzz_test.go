package expr

import (
	"strings"
	"testing"

	"dynalab/engine/attr"
)

var fuzzSeeds = []string{
	"a = :v", "attribute_not_exists(cnt) OR cnt < :max", "((a < b))", "NOT a.b[1] IN (:v, :w)",
	"size(a) > :n AND begins_with(#n, :s)", "a BETWEEN :v AND :w", "contains(l, :v)", "(a) = (b)",
	"SET a = :v", "SET a = if_not_exists(a, :v) + :w REMOVE b[1], c ADD d :v DELETE e :w",
	"SET l = list_append(:v, l)", "SET a.b[2] = (c - :v)", "a, b.c, #n[3]", "pk = :v AND sk BETWEEN :v AND :w",
	"a = ", "((", ")", "a[99999999999]", "#", ":", "ü", "SET a = ((b))", "x" + strings.Repeat(".y", 40),
}

// fuzzParams and fuzzItem give fuzzed expressions something to bind and
// evaluate against.
func fuzzParams(t testing.TB) *Params {
	return params(t, map[string]string{"#n": "a", "#m": "l"}, `{
		":v":{"N":"1"}, ":w":{"N":"2"}, ":s":{"S":"x"}, ":n":{"N":"0"}, ":max":{"N":"10"},
		":l":{"L":[{"N":"1"}]}, ":ss":{"SS":["x"]}, ":t":{"S":"N"}}`)
}

const fuzzItemJSON = `{"a":{"N":"3"},"b":{"M":{"c":{"L":[{"N":"1"},{"S":"x"}]}}},"l":{"L":[{"N":"1"},{"N":"2"}]},
	"s":{"S":"xyz"},"ss":{"SS":["x","y"]},"cnt":{"N":"5"}}`

func addSeeds(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
}

func FuzzParseCondition(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, text string) {
		e, err := ParseCondition(ParamCondition, text)
		if (e == nil) == (err == nil) {
			t.Fatalf("%q: expression %v with error %v", text, e, err)
		}
		checkMessage(t, err, "Invalid ConditionExpression: ")
	})
}

func FuzzParseUpdate(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, text string) {
		e, err := ParseUpdate(text)
		if (e == nil) == (err == nil) {
			t.Fatalf("%q: expression %v with error %v", text, e, err)
		}
		checkMessage(t, err, "Invalid UpdateExpression: ")
	})
}

func FuzzParseProjection(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, text string) {
		e, err := ParseProjection(text)
		if (e == nil) == (err == nil) {
			t.Fatalf("%q: expression %v with error %v", text, e, err)
		}
		checkMessage(t, err, "Invalid ProjectionExpression: ")
	})
}

func FuzzParseKeyCondition(f *testing.F) {
	addSeeds(f)
	schema := KeySchema{HashName: "pk", HashType: attr.TypeN, RangeName: "sk", RangeType: attr.TypeN}
	f.Fuzz(func(t *testing.T, text string) {
		e, err := ParseKeyCondition(text)
		if err != nil {
			checkMessage(t, err, "Invalid KeyConditionExpression: ")
			return
		}
		k, err := BindKeyCondition(e, fuzzParams(t), schema)
		if err == nil {
			k.Match(item(t, `{"pk":{"N":"1"},"sk":{"N":"2"}}`))
		}
	})
}

// FuzzBindEval binds and evaluates whatever parses, against a small item:
// conditions are evaluated, updates applied (to an existing and a missing
// item), projections applied. Nothing may panic, and Apply must not change
// the old item.
func FuzzBindEval(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, text string) {
		it := item(t, fuzzItemJSON)
		pristine := it.Clone()
		if e, err := ParseCondition(ParamFilter, text); err == nil {
			if c, err := e.Bind(fuzzParams(t)); err == nil {
				c.Eval(it)
				c.Eval(nil)
				c.TopLevelNames()
			}
		}
		if e, err := ParseUpdate(text); err == nil {
			if u, err := e.Bind(fuzzParams(t)); err == nil {
				if out, err := u.Apply(it); err == nil {
					u.Project(out)
				}
				_, _ = u.ApplyAbsent(attr.Item{"pk": it["a"]})
				u.Project(it)
			}
		}
		if e, err := ParseProjection(text); err == nil {
			if p, err := e.Bind(fuzzParams(t)); err == nil {
				p.Apply(it)
			}
		}
		if !it.Equal(pristine) {
			t.Fatalf("%q modified the item", text)
		}
	})
}

// checkMessage requires a non-nil error to be an *Error with the prefix.
func checkMessage(t *testing.T, err error, prefix string) {
	t.Helper()
	if err == nil {
		return
	}
	e, ok := err.(*Error)
	if !ok || !strings.HasPrefix(e.Message, prefix) {
		t.Fatalf("error %q (%T) lacks prefix %q", err, err, prefix)
	}
}

package expr

import "testing"

func TestProjection(t *testing.T) {
	it := item(t, `{
		"pk":{"S":"k"}, "a":{"M":{"b":{"N":"1"},"c":{"L":[{"N":"7"},{"N":"42"},{"M":{"x":{"S":"x"},"y":{"S":"y"}}}]}}},
		"l":{"L":[{"N":"7"},{"N":"42"}]}, "s":{"S":"str"}, "dotted.name":{"S":"d"}
	}`)
	names := map[string]string{"#d": "dotted.name", "#a": "a", "#s": "s"}
	tests := []struct{ text, want string }{
		{"pk", `{"pk":{"S":"k"}}`},
		{"a.b", `{"a":{"M":{"b":{"N":"1"}}}}`},
		{"l[1]", `{"l":{"L":[{"N":"42"}]}}`},
		{"l[1], l[0]", `{"l":{"L":[{"N":"7"},{"N":"42"}]}}`},
		{"l[5]", `{}`},
		{"nope, a.nope, s.x, l.x, a.c[9].y", `{}`},
		{"a.c[2].y, a.b", `{"a":{"M":{"b":{"N":"1"},"c":{"L":[{"M":{"y":{"S":"y"}}}]}}}}`},
		{"#d", `{"dotted.name":{"S":"d"}}`},
		{"#a.c[0], #s", `{"a":{"M":{"c":{"L":[{"N":"7"}]}}},"s":{"S":"str"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			e, err := ParseProjection(tt.text)
			if err != nil {
				t.Fatal(err)
			}
			p, err := e.Bind(&Params{Names: names})
			if err != nil {
				t.Fatal(err)
			}
			got := p.Apply(it)
			if got == nil {
				t.Fatal("Apply returned nil")
			}
			sameItem(t, got, tt.want)
		})
	}
}

func TestBindProjectionErrors(t *testing.T) {
	const p = "Invalid ProjectionExpression: "
	names := map[string]string{"#a": "a", "#b": "b", "#i": "[1]"}
	tests := []struct{ text, want string }{
		{"a, a", p + "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]"},
		{"a, a.b", p + "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]"},
		{"a.b, a", p + "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a]"},
		{"#a, #b.c, a", p + "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]"},
		{"a.b, a[1]", p + "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a, [1]]"},
		{"a.#i, a[1]", p + "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, [1]], path two: [a, [1]]"},
		{"x.b, x[1], x", p + "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [x, b], path two: [x]"},
		{"#nope", p + "An expression attribute name used in the document path is not defined; attribute name: #nope"},
		{"a, #nope, a", p + "An expression attribute name used in the document path is not defined; attribute name: #nope"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			e, err := ParseProjection(tt.text)
			if err != nil {
				t.Fatal(err)
			}
			_, err = e.Bind(&Params{Names: names})
			wantErr(t, err, tt.want)
		})
	}
}

// Project accepts arbitrary paths (the engine's index projections); the
// shorter of two overlapping paths wins.
func TestProjectOverlapping(t *testing.T) {
	it := item(t, `{"a":{"M":{"b":{"N":"1"},"c":{"N":"2"}}},"l":{"L":[{"N":"1"}]}}`)
	got := Project(it, []Path{NewPath("a", "b"), NewPath("a"), {Name("l"), Name("x")}, {Name("l"), Index(-1)}, {Index(0)}})
	sameItem(t, got, `{"a":{"M":{"b":{"N":"1"},"c":{"N":"2"}}}}`)
	got = NewProjection([]Path{NewPath("a"), NewPath("a", "b")}).Apply(it)
	sameItem(t, got, `{"a":{"M":{"b":{"N":"1"},"c":{"N":"2"}}}}`)
	got = (&Projection{Paths: []Path{NewPath("l")}}).Apply(it)
	sameItem(t, got, `{"l":{"L":[{"N":"1"}]}}`)
}

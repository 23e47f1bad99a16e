package expr

import (
	"strings"
	"sync"
	"testing"

	"dynalab/engine/attr"
)

func TestCheckPlaceholders(t *testing.T) {
	v := item(t, `{":a":{"S":"x"}}`)
	tests := []struct {
		name   string
		names  map[string]string
		values attr.Item
		want   string
	}{
		{"absent maps", nil, nil, ""},
		{"valid", map[string]string{"#a": "a", "#0": "x", "#_": "y"}, item(t, `{":a":{"S":"x"},":_1":{"N":"1"}}`), ""},
		{"empty names", map[string]string{}, v, "ExpressionAttributeNames must not be empty"},
		{"empty values", map[string]string{"#a": "a"}, attr.Item{}, "ExpressionAttributeValues must not be empty"},
		{"names before values", map[string]string{}, attr.Item{}, "ExpressionAttributeNames must not be empty"},
		{"bad name key", map[string]string{"a": "a"}, nil, `ExpressionAttributeNames contains invalid key: Syntax error; key: "a"`},
		{"bare hash", map[string]string{"#": "a"}, nil, `ExpressionAttributeNames contains invalid key: Syntax error; key: "#"`},
		{"dash", map[string]string{"#a-b": "a"}, nil, `ExpressionAttributeNames contains invalid key: Syntax error; key: "#a-b"`},
		{"colon name", map[string]string{":a": "a"}, nil, `ExpressionAttributeNames contains invalid key: Syntax error; key: ":a"`},
		{"bad value key", nil, item(t, `{"b":{"S":"a"}}`), `ExpressionAttributeValues contains invalid key: Syntax error; key: "b"`},
		{"hash value", nil, item(t, `{"#b":{"S":"a"}}`), `ExpressionAttributeValues contains invalid key: Syntax error; key: "#b"`},
		{"sorted order", map[string]string{"#ok": "a", "zz": "b", "aa": "c"}, nil, `ExpressionAttributeNames contains invalid key: Syntax error; key: "aa"`},
		{"255 bytes", map[string]string{"#" + strings.Repeat("a", 254): "a"}, nil, ""},
		{"256 bytes", map[string]string{"#" + strings.Repeat("a", 255): "a"}, nil, "ExpressionAttributeNames contains invalid key: The expression attribute map contains a key that is too long; size of key: 256"},
		{"256-byte value key", nil, attr.Item{":" + strings.Repeat("a", 255): v[":a"]}, "ExpressionAttributeValues contains invalid key: The expression attribute map contains a key that is too long;"},
		{"empty key", map[string]string{"": "a"}, nil, "ExpressionAttributeNames contains invalid key: The expression attribute map contains an empty key;"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantErr(t, CheckPlaceholders(tt.names, tt.values), tt.want)
		})
	}
}

func TestUnused(t *testing.T) {
	p := params(t, map[string]string{"#a": "a", "#b": "b", "#c": "c"}, `{":x":{"S":"x"},":y":{"S":"y"},":z":{"S":"z"}}`)
	if _, err := bindCondition(t, ParamCondition, "#c = :x", p); err != nil {
		t.Fatal(err)
	}
	wantErr(t, p.Unused(), "Value provided in ExpressionAttributeNames unused in expressions: keys: {#a, #b}")
	if _, err := bindUpdate(t, "SET #a = :y REMOVE #b", p); err != nil {
		t.Fatal(err)
	}
	wantErr(t, p.Unused(), "Value provided in ExpressionAttributeValues unused in expressions: keys: {:z}")
	e, _ := ParseProjection("#a, b")
	if _, err := e.Bind(p); err != nil {
		t.Fatal(err)
	}
	if _, err := bindCondition(t, ParamFilter, "#a = :z", p); err != nil {
		t.Fatal(err)
	}
	wantErr(t, p.Unused(), "")
	if got := strings.Join(p.UsedNames(), ","); got != "#c,#a,#b" {
		t.Fatalf("UsedNames = %s", got)
	}
	if got := strings.Join(p.UsedValues(), ","); got != ":x,:y,:z" {
		t.Fatalf("UsedValues = %s", got)
	}
	var none *Params
	wantErr(t, none.Unused(), "")
	// a nil *Params has no placeholders
	_, err := bindCondition(t, ParamCondition, "#a = :x", nil)
	wantErr(t, err, "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #a")
}

func TestCache(t *testing.T) {
	c := NewCache(4)
	e1, err := c.Condition(ParamCondition, "a = :v")
	if err != nil {
		t.Fatal(err)
	}
	e2, _ := c.Condition(ParamCondition, "a = :v")
	if e1 != e2 {
		t.Fatal("second lookup should return the cached expression")
	}
	e3, _ := c.Condition(ParamFilter, "a = :v")
	if e3 == e1 || e3.Param() != ParamFilter {
		t.Fatal("the parameter is part of the key")
	}
	_, err = c.Update("SET")
	wantErr(t, err, `Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "SET"`)
	_, err = c.Update("SET")
	wantErr(t, err, `Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "SET"`)
	if _, err := c.Projection("a, b"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.KeyCondition("pk = :v"); err != nil {
		t.Fatal(err)
	}
	if n := c.Len(); n != 4 {
		t.Fatalf("Len = %d, want the cap 4", n)
	}
	var nilCache *Cache
	if _, err := nilCache.Update("SET a = :v"); err != nil || nilCache.Len() != 0 {
		t.Fatal("a nil cache parses without caching")
	}
}

// The cache is shared by all request goroutines.
func TestCacheConcurrent(t *testing.T) {
	c := NewCache(16)
	vals := params(t, nil, `{":v":{"N":"1"}}`).Values
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				text := "a" + itoa((g*7+i)%40) + " = :v"
				e, err := c.Condition(ParamCondition, text)
				if err != nil {
					t.Error(err)
					return
				}
				cond, err := e.Bind(&Params{Values: vals})
				if err != nil || cond.Eval(nil) {
					t.Error("bind/eval failed", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if c.Len() > 16 {
		t.Fatalf("cache grew to %d", c.Len())
	}
}

package expr

import (
	"testing"

	"dynalab/engine/attr"
)

// Bind-time errors of update expressions, most from dynalite's suite
// (recorded against DynamoDB), which also fixes their order.
func TestBindUpdateErrors(t *testing.T) {
	const p = "Invalid UpdateExpression: "
	overlap := func(one, two string) string {
		return p + "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: " + one + ", path two: " + two
	}
	conflict := func(one, two string) string {
		return p + "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: " + one + ", path two: " + two
	}
	operand := func(op, typ string) string {
		return p + "Incorrect operand type for operator or function; operator: " + op + ", operand type: " + typ
	}
	fnType := func(fn, typ string) string {
		return p + "Incorrect operand type for operator or function; operator or function: " + fn + ", operand type: " + typ
	}
	cd := map[string]string{"#c": "c", "#d": "[3]"}
	ab := map[string]string{"#a": "a", "#b": "b"}
	allTypes := `{":a":{"S":"a"},":b":{"N":"1"},":c":{"B":"YQ=="},":d":{"BOOL":false},":e":{"NULL":true},
		":f":{"SS":["a"]},":g":{"NS":["1"]},":h":{"BS":["YQ=="]},":i":{"M":{}},":j":{"L":[]}}`
	tests := []struct {
		text   string
		names  map[string]string
		values string
		want   string
	}{
		{"SET #c = if_not_exists(:c)", ab, `{":a":{"S":"a"}}`, p + "An expression attribute name used in the document path is not defined; attribute name: #c"},
		{"SET #a = if_not_exists(:c)", ab, `{":a":{"S":"a"}}`, p + "An expression attribute value used in expression is not defined; attribute value: :c"},
		{"SET a = :x, b = #y", nil, "", p + "An expression attribute name used in the document path is not defined; attribute name: #y"},
		{"SET a = :undefined, a = :v", nil, `{":v":{"N":"1"}}`, p + "An expression attribute value used in expression is not defined; attribute value: :undefined"},
		// overlapping paths win over conflicting ones and over function errors
		{"set d[1] = a, d.b = a, c[1].a = a, #c = if_not_exists(a)", cd, "", overlap("[c, [1], a]", "[c]")},
		{"set c.b.#c = a, c = a, #d = a", cd, "", overlap("[c, b, c]", "[c]")},
		{"set a = b remove a, #c, #d", cd, "", overlap("[a]", "[a]")},
		{"set #c[3].#d = a, #c[3] = a", cd, "", overlap("[c, [3], [3]]", "[c, [3]]")},
		{"remove c, #c.a, #d", cd, "", overlap("[c]", "[c, a]")},
		{"remove a, #c, a, #d", cd, "", overlap("[a]", "[a]")},
		{"SET a = :v, a.b = :w", nil, `{":v":{"N":"1"},":w":{"N":"1"}}`, overlap("[a]", "[a, b]")},
		{"SET a[1] = :v REMOVE a[1][2]", nil, `{":v":{"N":"1"}}`, overlap("[a, [1]]", "[a, [1], [2]]")},
		{"set #c[3].#d = a, #c.#d[3] = if_not_exists(a)", map[string]string{"#c": "c", "#d": "[3]"}, "", conflict("[c, [3], [3]]", "[c, [3], [3]]")},
		{"remove a.#c set a[1] = #d", cd, "", conflict("[a, c]", "[a, [1]]")},
		{"SET a.b = :v, a[1] = :v", nil, `{":v":{"N":"1"}}`, conflict("[a, b]", "[a, [1]]")},
		// ADD and DELETE operands, before function errors
		{"set b = list_append(:a, a), c = if_not_exists(a) add a.b :a", nil, `{":a":{"S":"a"}}`, operand("ADD", "STRING")},
		{"delete a.b :a", nil, `{":a":{"S":"a"}}`, operand("DELETE", "STRING")},
		{"add a.b :a", nil, `{":a":{"NULL":true}}`, operand("ADD", "NULL")},
		{"delete a.b :a", nil, `{":a":{"NULL":true}}`, operand("DELETE", "NULL")},
		{"add a.b :a", nil, `{":a":{"BOOL":false}}`, operand("ADD", "BOOLEAN")},
		{"delete a.b :a", nil, `{":a":{"BOOL":false}}`, operand("DELETE", "BOOLEAN")},
		{"add a.b :a", nil, `{":a":{"B":"YQ=="}}`, operand("ADD", "BINARY")},
		{"delete a.b :a", nil, `{":a":{"B":"YQ=="}}`, operand("DELETE", "BINARY")},
		{"add a.b :a", nil, `{":a":{"M":{"a":{"L":[{"N":"1"}]}}}}`, operand("ADD", "MAP")},
		{"delete a.b :a", nil, `{":a":{"M":{"a":{"L":[{"N":"1"}]}}}}`, operand("DELETE", "MAP")},
		{"add a.b :a", nil, `{":a":{"L":[{"N":"1"}]}}`, operand("ADD", "LIST")},
		{"delete a.b :a", nil, `{":a":{"L":[{"N":"1"}]}}`, operand("DELETE", "LIST")},
		{"delete a.b :a", nil, `{":a":{"N":"1"}}`, operand("DELETE", "NUMBER")},
		// functions and arithmetic
		{"set a = if_not_exists(c)", nil, "", p + "Incorrect number of operands for operator or function; operator or function: if_not_exists, number of operands: 1"},
		{"set a = list_append(c)", nil, "", p + "Incorrect number of operands for operator or function; operator or function: list_append, number of operands: 1"},
		{"set a = list_append(c, d, e)", nil, "", p + "Incorrect number of operands for operator or function; operator or function: list_append, number of operands: 3"},
		{"set a = if_not_exists(:a, c)", nil, `{":a":{"S":"a"}}`, p + "Operator or function requires a document path; operator or function: if_not_exists"},
		{"set a = if_not_exists(if_not_exists(a, b), c)", nil, "", p + "Operator or function requires a document path; operator or function: if_not_exists"},
		{"set a = list_append(:a, a)", nil, allTypes, fnType("list_append", "S")},
		{"set a = list_append(a, :b)", nil, allTypes, fnType("list_append", "N")},
		{"set a = list_append(:c, a)", nil, allTypes, fnType("list_append", "B")},
		{"set a = list_append(:d, a)", nil, allTypes, fnType("list_append", "BOOL")},
		{"set a = list_append(:e, a)", nil, allTypes, fnType("list_append", "NULL")},
		{"set a = list_append(:f, a)", nil, allTypes, fnType("list_append", "SS")},
		{"set a = list_append(:g, a)", nil, allTypes, fnType("list_append", "NS")},
		{"set a = list_append(:h, a)", nil, allTypes, fnType("list_append", "BS")},
		{"set a = list_append(:i, a)", nil, allTypes, fnType("list_append", "M")},
		{"set a = a + :a", nil, allTypes, fnType("+", "S")},
		{"set a = :a + :c", nil, allTypes, fnType("+", "S")},
		{"set a = :c + a", nil, allTypes, fnType("+", "B")},
		{"set a = a + :d", nil, allTypes, fnType("+", "BOOL")},
		{"set a = a + :e", nil, allTypes, fnType("+", "NULL")},
		{"set a = a + :f", nil, allTypes, fnType("+", "SS")},
		{"set a = a + :g", nil, allTypes, fnType("+", "NS")},
		{"set a = a + :h", nil, allTypes, fnType("+", "BS")},
		{"set a = a + :i", nil, allTypes, fnType("+", "M")},
		{"set a = a + :j", nil, allTypes, fnType("+", "L")},
		{"set a = a - :a", nil, allTypes, fnType("-", "S")},
		{"set a = :c - a", nil, allTypes, fnType("-", "B")},
		{"set a = a - :j", nil, allTypes, fnType("-", "L")},
		{"set a = list_append(if_not_exists(:a, b), :j)", nil, allTypes, p + "Operator or function requires a document path; operator or function: if_not_exists"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			_, err := bindUpdate(t, tt.text, params(t, tt.names, tt.values))
			wantErr(t, err, tt.want)
		})
	}
}

// The runtime rules of update expressions (Developer Guide,
// Expressions.UpdateExpressions; dynalite actions/updateItem.js).
func TestApply(t *testing.T) {
	const old = `{
		"pk":{"S":"k"}, "n":{"N":"5"}, "s":{"S":"str"}, "ss":{"SS":["a","b"]}, "ns":{"NS":["1","2"]},
		"l":{"L":[{"S":"p"},{"S":"q"},{"S":"r"}]}, "m":{"M":{"x":{"N":"1"},"deep":{"M":{"y":{"N":"2"}}}}},
		"one":{"M":{"solo":{"N":"1"}}}, "single":{"L":[{"N":"1"}]}
	}`
	const vals = `{
		":v":{"S":"new"}, ":w":{"S":"w"}, ":one":{"N":"1"}, ":neg":{"N":"-7"}, ":zero":{"N":"0"},
		":sab":{"SS":["b","c"]}, ":sa":{"SS":["a"]}, ":sall":{"SS":["a","b"]}, ":n3":{"NS":["3"]},
		":l":{"L":[{"S":"t"}]}, ":big":{"N":"9.9999999999999999999999999999999999999E+125"},
		":e50":{"N":"1e50"}, ":dec":{"N":"0.1"}, ":m":{"M":{}}
	}`
	tests := []struct {
		name, text string
		want       string // the changed attributes, merged over old; "" when err is expected
		err        string
	}{
		{"set creates", "SET a = :v", `{"a":{"S":"new"}}`, ""},
		{"set replaces", "SET s = :v", `{"s":{"S":"new"}}`, ""},
		{"set nested map", "SET m.deep.z = :v", `{"m":{"M":{"x":{"N":"1"},"deep":{"M":{"y":{"N":"2"},"z":{"S":"new"}}}}}}`, ""},
		{"set nested parent missing", "SET nope.a = :v", "", msgPathInvalidForUpdate},
		{"set nested deep parent missing", "SET m.nope.a = :v", "", msgPathInvalidForUpdate},
		{"set name into a string", "SET s.a = :v", "", msgPathInvalidForUpdate},
		{"set name into a list", "SET l.a = :v", "", msgPathInvalidForUpdate},
		{"set index into a map", "SET m[0] = :v", "", msgPathInvalidForUpdate},
		{"set list element", "SET l[1] = :v", `{"l":{"L":[{"S":"p"},{"S":"new"},{"S":"r"}]}}`, ""},
		{"set past the end appends", "SET l[10] = :v", `{"l":{"L":[{"S":"p"},{"S":"q"},{"S":"r"},{"S":"new"}]}}`, ""},
		{"list sets apply in index order", "SET l[20] = :v, l[10] = :w", `{"l":{"L":[{"S":"p"},{"S":"q"},{"S":"r"},{"S":"w"},{"S":"new"}]}}`, ""},
		{"set under a missing list element", "SET l[5].a = :v", "", msgPathInvalidForUpdate},
		{"plus", "SET n = n + :one", `{"n":{"N":"6"}}`, ""},
		{"minus", "SET n = n - :neg", `{"n":{"N":"12"}}`, ""},
		{"exact decimal", "SET d = :dec + :dec", `{"d":{"N":"0.2"}}`, ""},
		{"plus missing", "SET n = nope + :one", "", msgAttributeNotInItem},
		{"plus wrong type", "SET n = s + :one", "", msgOperandDataType},
		{"plus overflow", "SET n = :big + :big", "", "Number overflow. Attempting to store a number with magnitude larger than supported range"},
		{"plus too many digits", "SET n = :e50 + :one", "", "Number overflow. Attempting to store a number with magnitude larger than supported range"},
		{"counter", "SET c = if_not_exists(c, :zero) + :one", `{"c":{"N":"1"}}`, ""},
		{"if_not_exists present", "SET n = if_not_exists(n, :zero)", `{}`, ""},
		{"if_not_exists absent", "SET a = if_not_exists(a, :v)", `{"a":{"S":"new"}}`, ""},
		{"if_not_exists missing default", "SET n = if_not_exists(n, nope)", "", msgAttributeNotInItem},
		{"list_append", "SET l = list_append(l, :l)", `{"l":{"L":[{"S":"p"},{"S":"q"},{"S":"r"},{"S":"t"}]}}`, ""},
		{"list_append prepend", "SET l = list_append(:l, l)", `{"l":{"L":[{"S":"t"},{"S":"p"},{"S":"q"},{"S":"r"}]}}`, ""},
		{"list_append missing", "SET l = list_append(nope, :l)", "", msgAttributeNotInItem},
		{"list_append not a list", "SET l = list_append(s, :l)", "", msgOperandDataType},
		{"list_append with if_not_exists", "SET a = list_append(if_not_exists(a, :l), :l)", `{"a":{"L":[{"S":"t"},{"S":"t"}]}}`, ""},
		{"rhs reads the old item", "SET x = :v, y = x", "", msgAttributeNotInItem},
		{"set a = a", "SET s = s", `{}`, ""},
		{"set a = a missing", "SET nope = nope", "", msgAttributeNotInItem},
		{"swap", "SET s = n, n = s", `{"s":{"N":"5"},"n":{"S":"str"}}`, ""},
		{"remove", "REMOVE s, nope", `{"s":null}`, ""},
		{"remove map entry", "REMOVE m.x", `{"m":{"M":{"deep":{"M":{"y":{"N":"2"}}}}}}`, ""},
		{"remove last map entry", "REMOVE one.solo", `{"one":{"M":{}}}`, ""},
		{"remove last list element", "REMOVE single[0]", `{"single":{"L":[]}}`, ""},
		{"remove shifts", "REMOVE l[0]", `{"l":{"L":[{"S":"q"},{"S":"r"}]}}`, ""},
		{"remove indexes before removal", "REMOVE l[0], l[2]", `{"l":{"L":[{"S":"q"}]}}`, ""},
		{"remove out of range", "REMOVE l[7]", `{}`, ""},
		{"remove and set in one list", "SET l[9] = :v REMOVE l[0]", `{"l":{"L":[{"S":"q"},{"S":"r"},{"S":"new"}]}}`, ""},
		{"remove under missing parent", "REMOVE nope.a", "", msgPathInvalidForUpdate},
		{"remove index of a map", "REMOVE m[0]", "", msgPathInvalidForUpdate},
		{"add number", "ADD n :one", `{"n":{"N":"6"}}`, ""},
		{"add negative", "ADD n :neg", `{"n":{"N":"-2"}}`, ""},
		{"add to missing number", "ADD c :one", `{"c":{"N":"1"}}`, ""},
		{"add set union", "ADD ss :sab", `{"ss":{"SS":["a","b","c"]}}`, ""},
		{"add to missing set", "ADD t :sa", `{"t":{"SS":["a"]}}`, ""},
		{"add number to a set", "ADD ss :one", "", msgOperandDataType},
		{"add set of other type", "ADD ss :n3", "", msgOperandDataType},
		{"add to a string", "ADD s :one", "", msgOperandDataType},
		{"add to a list element", "ADD l[0] :one", "", msgOperandDataType},
		{"add nested", "ADD m.x :one", `{"m":{"M":{"x":{"N":"2"},"deep":{"M":{"y":{"N":"2"}}}}}}`, ""},
		{"delete from set", "DELETE ss :sa", `{"ss":{"SS":["b"]}}`, ""},
		{"delete empties the set", "DELETE ss :sall", `{"ss":null}`, ""},
		{"delete absent members", "DELETE ns :n3", `{}`, ""},
		{"delete from missing", "DELETE t :sa", `{}`, ""},
		{"delete wrong type", "DELETE ns :sa", "", msgOperandDataType},
		{"delete from a string", "DELETE s :sa", "", msgOperandDataType},
		{"every action", "SET a = :v REMOVE s ADD n :one DELETE ss :sa", `{"a":{"S":"new"},"s":null,"n":{"N":"6"},"ss":{"SS":["b"]}}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			oldItem := item(t, old)
			pristine := oldItem.Clone()
			u := mustUpdate(t, tt.text, params(t, nil, vals))
			got, err := u.Apply(oldItem)
			if !oldItem.Equal(pristine) {
				t.Fatalf("Apply modified the old item:\n%s\n%s", oldItem, pristine)
			}
			if tt.err != "" {
				wantErr(t, err, tt.err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			sameItem(t, got, merge(t, old, tt.want).String())
		})
	}
}

// merge applies a patch ({"k": null} removes k) to a DynamoDB JSON item.
func merge(t *testing.T, base, patch string) attr.Item {
	t.Helper()
	out := item(t, base)
	p := item(t, removeNulls(patch, out))
	for k, v := range p {
		out[k] = v
	}
	return out
}

// removeNulls deletes from it the keys patch sets to null and returns the
// patch without them.
func removeNulls(patch string, it attr.Item) string {
	for k := range it {
		for _, form := range []string{`,"` + k + `":null`, `"` + k + `":null,`, `"` + k + `":null`} {
			if i := indexOf(patch, form); i >= 0 {
				delete(it, k)
				patch = patch[:i] + patch[i+len(form):]
			}
		}
	}
	return patch
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

func TestApplyAbsentItem(t *testing.T) {
	key := item(t, `{"pk":{"S":"k"}}`)
	vals := params(t, nil, `{":v":{"S":"x"},":s":{"SS":["a"]},":one":{"N":"1"}}`)
	tests := []struct{ text, want, err string }{
		{"REMOVE a.b", `{"pk":{"S":"k"}}`, ""},
		{"DELETE a.b :s", `{"pk":{"S":"k"}}`, ""},
		{"REMOVE a, b[1]", `{"pk":{"S":"k"}}`, ""},
		{"SET a.b = :v", "", msgPathInvalidForUpdate},
		{"SET a = :v REMOVE b.c", `{"pk":{"S":"k"},"a":{"S":"x"}}`, ""},
		{"ADD c :one", `{"pk":{"S":"k"},"c":{"N":"1"}}`, ""},
		{"SET dup = pk", `{"pk":{"S":"k"},"dup":{"S":"k"}}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			u := mustUpdate(t, tt.text, vals)
			got, err := u.ApplyAbsent(key)
			if tt.err != "" {
				wantErr(t, err, tt.err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			sameItem(t, got, tt.want)
		})
	}
	if mustUpdate(t, "REMOVE a DELETE b :s", vals).Writes() {
		t.Error("REMOVE/DELETE only must not write")
	}
	if !mustUpdate(t, "REMOVE a ADD c :one", vals).Writes() {
		t.Error("ADD writes")
	}
}

// UPDATED_OLD and UPDATED_NEW on nested paths, the examples of ScyllaDB
// Alternator's test_returnvalues.py (run against DynamoDB).
func TestUpdatedValues(t *testing.T) {
	old := item(t, `{"pk":{"S":"k"},"a":{"M":{"b":{"N":"1"},"c":{"L":[{"S":"c0"},{"S":"c1"},{"S":"c2"}]},"d":{"S":"d"}}},"z":{"N":"0"}}`)
	vals := params(t, nil, `{":v":{"S":"v"},":w":{"S":"w"}}`)
	tests := []struct{ text, oldWant, newWant string }{
		{"SET a.c[1] = :v, a.b = :w",
			`{"a":{"M":{"b":{"N":"1"},"c":{"L":[{"S":"c1"}]}}}}`,
			`{"a":{"M":{"b":{"S":"w"},"c":{"L":[{"S":"v"}]}}}}`},
		{"SET a.e = :v", `{}`, `{"a":{"M":{"e":{"S":"v"}}}}`},
		{"SET a.c[100] = :v", `{}`, `{}`},
		{"REMOVE a.c[1]", `{"a":{"M":{"c":{"L":[{"S":"c1"}]}}}}`, `{"a":{"M":{"c":{"L":[{"S":"c2"}]}}}}`},
		{"REMOVE z", `{"z":{"N":"0"}}`, `{}`},
		{"SET a.c[0] = :v, a.c[2] = :w", `{"a":{"M":{"c":{"L":[{"S":"c0"},{"S":"c2"}]}}}}`, `{"a":{"M":{"c":{"L":[{"S":"v"},{"S":"w"}]}}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			u := mustUpdate(t, tt.text, vals)
			updated, err := u.Apply(old)
			if err != nil {
				t.Fatal(err)
			}
			sameItem(t, u.Project(old), tt.oldWant)
			sameItem(t, u.Project(updated), tt.newWant)
		})
	}
}

func TestUpdatePaths(t *testing.T) {
	u := mustUpdate(t, "SET #k = :v, a.b[2] = :v REMOVE c ADD d :n",
		params(t, map[string]string{"#k": "pk"}, `{":v":{"S":"x"},":n":{"N":"1"}}`))
	var got []string
	for _, p := range u.Paths() {
		got = append(got, p.String())
	}
	want := []string{"pk", "a.b[2]", "c", "d"}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}

// Updates built directly (PartiQL SET/REMOVE) go through the same checks.
func TestNewUpdate(t *testing.T) {
	v := item(t, `{"v":{"N":"2"}}`)["v"]
	_, err := NewUpdate([]Action{
		{Kind: ActionSet, Path: NewPath("a"), Value: ValueOperand(v)},
		{Kind: ActionRemove, Path: NewPath("a", "b")},
	})
	wantErr(t, err, "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]")
	u, err := NewUpdate([]Action{
		{Kind: ActionSet, Path: NewPath("a"), Value: Operand{Kind: OperandPlus, Args: []Operand{PathOperand(NewPath("a")), ValueOperand(v)}}},
		{Kind: ActionRemove, Path: NewPath("b")},
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := u.Apply(item(t, `{"a":{"N":"1"},"b":{"S":"x"}}`))
	if err != nil {
		t.Fatal(err)
	}
	sameItem(t, got, `{"a":{"N":"3"}}`)
	// an Update made as a literal works too
	lit := &Update{Actions: []Action{{Kind: ActionRemove, Path: NewPath("a")}}}
	got, err = lit.Apply(item(t, `{"a":{"N":"1"}}`))
	if err != nil || len(got) != 0 {
		t.Fatalf("got %v, %v", got, err)
	}
}

package expr

import (
	"strings"
	"testing"
)

// sizes99 is an IN with 99 size() operands: 100 operators.
var sizes99 = "a IN (" + strings.TrimSuffix(strings.Repeat("size(x),", 99), ",") + ")"

// Bind-time errors, from dynalite's suite (recorded against DynamoDB).
func TestBindConditionErrors(t *testing.T) {
	const p = "Invalid FilterExpression: "
	typeErr := func(fn, typ string) string {
		return p + "Incorrect operand type for operator or function; operator or function: " + fn + ", operand type: " + typ
	}
	names := map[string]string{"#a": "a"}
	tests := []struct {
		text   string
		names  map[string]string
		values string
		want   string
	}{
		// undefined placeholders, names and values in text order
		{"attribute_exists(#Pictures.RearView, :a) and a=a", nil, "", p + "An expression attribute name used in the document path is not defined; attribute name: #Pictures"},
		{"begins_with(Pictures.#RearView)", nil, "", p + "An expression attribute name used in the document path is not defined; attribute name: #RearView"},
		{"(#P between :lo and :hi) and (#PC in (:cat1, :cat2))", nil, "", p + "An expression attribute name used in the document path is not defined; attribute name: #P"},
		{"#4g > a", nil, "", p + "An expression attribute name used in the document path is not defined; attribute name: #4g"},
		{"#_ > a", nil, "", p + "An expression attribute name used in the document path is not defined; attribute name: #_"},
		{"(a)between(b.c[45].#d)and(:a)", nil, "", p + "An expression attribute name used in the document path is not defined; attribute name: #d"},
		{"begins_with(:hello, #a, #b)", nil, "", p + "An expression attribute value used in expression is not defined; attribute value: :hello"},
		{":a < :b", nil, "", p + "An expression attribute value used in expression is not defined; attribute value: :a"},
		{":_ > a", nil, "", p + "An expression attribute value used in expression is not defined; attribute value: :_"},
		// operand count
		{"attribute_exists(things, a) and a=a", nil, "", p + "Incorrect number of operands for operator or function; operator or function: attribute_exists, number of operands: 2"},
		{"attribute_not_exists(things, b)", nil, "", p + "Incorrect number of operands for operator or function; operator or function: attribute_not_exists, number of operands: 2"},
		{"attribute_type(things)", nil, "", p + "Incorrect number of operands for operator or function; operator or function: attribute_type, number of operands: 1"},
		{"begins_with(things)", nil, "", p + "Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 1"},
		{"begins_with(things, size(a), b)", nil, "", p + "Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 3"},
		{"contains(things)", nil, "", p + "Incorrect number of operands for operator or function; operator or function: contains, number of operands: 1"},
		{"size(things, a) > b", nil, "", p + "Incorrect number of operands for operator or function; operator or function: size, number of operands: 2"},
		// operand types of literals
		{"attribute_type(a, size(a)) and a=a and a=:a", nil, `{":a":{"N":"1"}}`, typeErr("attribute_type", "N")},
		{"attribute_type(a, :a)", nil, `{":a":{"N":"1"}}`, typeErr("attribute_type", "N")},
		{"attribute_type(a, :a)", nil, `{":a":{"B":"YQ=="}}`, typeErr("attribute_type", "B")},
		{"attribute_type(a, :a)", nil, `{":a":{"BOOL":true}}`, typeErr("attribute_type", "BOOL")},
		{"attribute_type(a, :a)", nil, `{":a":{"SS":["1"]}}`, typeErr("attribute_type", "SS")},
		{"attribute_type(a, b)", nil, "", typeErr("attribute_type", "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}")},
		{"begins_with(a, size(a)) and a=:a", nil, `{":a":{"N":"1"}}`, typeErr("begins_with", "N")},
		{"begins_with(a, :a)", nil, `{":a":{"N":"1"}}`, typeErr("begins_with", "N")},
		{"begins_with(a, :a)", nil, `{":a":{"NULL":true}}`, typeErr("begins_with", "NULL")},
		{"begins_with(a, :a)", nil, `{":a":{"L":[]}}`, typeErr("begins_with", "L")},
		{"begins_with(a, :a)", nil, `{":a":{"M":{}}}`, typeErr("begins_with", "M")},
		{"begins_with(:a, a)", nil, `{":a":{"NS":["1"]}}`, typeErr("begins_with", "NS")},
		{"begins_with(:a, a)", nil, `{":a":{"BS":["YQ=="]}}`, typeErr("begins_with", "BS")},
		{"size(size(a)) > :a", nil, `{":a":{"N":"1"}}`, typeErr("size", "N")},
		{"attribute_not_exists(size(:a))", nil, `{":a":{"N":"1"}}`, typeErr("size", "N")},
		{"size(:a) > a", nil, `{":a":{"BOOL":true}}`, typeErr("size", "BOOL")},
		{"size(:a) > a", nil, `{":a":{"NULL":true}}`, typeErr("size", "NULL")},
		{"a < :a", nil, `{":a":{"BOOL":true}}`, typeErr("<", "BOOL")},
		{"a >= :a", nil, `{":a":{"SS":["x"]}}`, typeErr(">=", "SS")},
		{"a BETWEEN :a AND :b", nil, `{":a":{"M":{}},":b":{"M":{}}}`, typeErr("BETWEEN", "M")},
		{"a BETWEEN :a AND :b", nil, `{":a":{"N":"1"},":b":{"L":[]}}`, typeErr("BETWEEN", "L")},
		// attribute_type names
		{"attribute_type(a, :a)", nil, `{":a":{"S":"1"}}`, p + "Invalid attribute type name found; type: 1, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"},
		{"attribute_type(a, :a)", nil, `{":a":{"S":"s"}}`, p + "Invalid attribute type name found; type: s, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"},
		// document path arguments
		{"attribute_exists(:a) and a=a", nil, `{":a":{"S":"1"}}`, p + "Operator or function requires a document path; operator or function: attribute_exists"},
		{"attribute_not_exists(size(:a))", nil, `{":a":{"S":"1"}}`, p + "Operator or function requires a document path; operator or function: attribute_not_exists"},
		// distinct operands (paths compared after resolving names)
		{"a = a AND #a = b AND :views > a", names, `{":views":{"N":"1"}}`, p + "The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a]"},
		{"#a <> a", names, "", p + "The first operand must be distinct from the remaining operands for this operator or function; operator: <>, first operand: [a]"},
		{"a > #a", names, "", p + "The first operand must be distinct from the remaining operands for this operator or function; operator: >, first operand: [a]"},
		{"((a=a) OR (a=a))", nil, "", p + "The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a]"},
		{"contains(ab.bc[1].a, ab.bc[1].#a)", names, "", p + "The first operand must be distinct from the remaining operands for this operator or function; operator: contains, first operand: [ab, bc, [1], a]"},
		{"attribute_type(ab.bc[1].#a, ab.bc[1].a)", names, "", p + "The first operand must be distinct from the remaining operands for this operator or function; operator: attribute_type, first operand: [ab, bc, [1], a]"},
		{"begins_with(ab.bc[1].a, ab.bc[1].#a)", names, "", p + "The first operand must be distinct from the remaining operands for this operator or function; operator: begins_with, first operand: [ab, bc, [1], a]"},
		{"a BETWEEN b AND a", nil, "", p + "The first operand must be distinct from the remaining operands for this operator or function; operator: BETWEEN, first operand: [a]"},
		{"a IN (b, a)", nil, "", p + "The first operand must be distinct from the remaining operands for this operator or function; operator: IN, first operand: [a]"},
		// BETWEEN literal bounds
		{"a between :b and :a", nil, `{":a":{"S":"a"},":b":{"N":"1"}}`, p + "The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {N:1}, upper bound operand: AttributeValue: {S:a}"},
		{"a between :b and :a", nil, `{":a":{"S":"a"},":b":{"S":"b"}}`, p + "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {S:b}, upper bound operand: AttributeValue: {S:a}"},
		{"a between :b and :a", nil, `{":a":{"N":"1"},":b":{"N":"5"}}`, p + "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:1}"},
		// limits, applied during the same walk
		{"a" + strings.Repeat(".b", 32) + " = :v", nil, `{":v":{"N":"1"}}`, p + "The document path has too many nesting levels; nesting levels: 33"},
		{"#x = :v AND a" + strings.Repeat(".b", 32) + " = :v", nil, `{":v":{"N":"1"}}`, p + "An expression attribute name used in the document path is not defined; attribute name: #x"},
		{"a IN (" + strings.TrimSuffix(strings.Repeat(":v,", 101), ",") + ")", nil, `{":v":{"N":"1"}}`, p + "The IN operator is provided with too many operands; number of operands: 101"},
		{"a<b " + strings.Repeat("or (a<b ", 150) + strings.Repeat(")", 150), nil, "", p + "The expression contains too many operators; operator count: 301"},
		{strings.Repeat("not ", 1000) + "a<b", nil, "", p + "The expression contains too many operators; operator count: 301"},
		{"a < " + strings.Repeat("size(", 400) + "b" + strings.Repeat(")", 400), nil, "", typeErr("size", "N")},
		{"a = :v AND " + strings.Repeat("size(", 301) + "b" + strings.Repeat(")", 301) + " > :v", nil, `{":v":{"N":"1"}}`, typeErr("size", "N")},
		{"a IN (" + strings.TrimSuffix(strings.Repeat("size(x),", 300), ",") + ")", nil, "", p + "The IN operator is provided with too many operands; number of operands: 300"},
		{sizes99 + " OR " + sizes99 + " OR " + sizes99, nil, "", p + "The expression contains too many operators; operator count: 301"},
		// each operator is validated after all of its operands
		{"size(:x, :y) > :undefined", nil, `{":x":{"S":"a"},":y":{"S":"b"}}`, p + "Incorrect number of operands for operator or function; operator or function: size, number of operands: 2"},
		{"a = :undefined AND size(:n) > b", nil, `{":n":{"N":"1"}}`, p + "An expression attribute value used in expression is not defined; attribute value: :undefined"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			_, err := bindCondition(t, ParamFilter, tt.text, params(t, tt.names, tt.values))
			wantErr(t, err, tt.want)
		})
	}
}

func TestBindConditionAccepts(t *testing.T) {
	vals := `{":s":{"S":"x"},":n":{"N":"1"},":m":{"M":{}},":t":{"S":"NS"},":lo":{"N":"1"},":hi":{"N":"1"}}`
	for _, text := range []string{
		":s > :s",
		"a = :m",
		"size(:s) > :n",
		"size(:m) > :n",
		"contains(a, :m)",
		"attribute_type(a, :t)",
		"a BETWEEN :lo AND :hi",
		"a BETWEEN b AND :hi",
		"a IN (:s, :n, :m)",
		"begins_with(:s, a)",
		"contains(size(a), :n)",
		"a" + strings.Repeat(".b", 31) + " = :n",
		"a IN (" + strings.TrimSuffix(strings.Repeat(":n,", 100), ",") + ")",
		"a<b " + strings.Repeat("or (a<b ", 149) + strings.Repeat(")", 149),
		sizes99 + " OR " + sizes99 + " OR a = b",
	} {
		t.Run(text, func(t *testing.T) {
			_, err := bindCondition(t, ParamCondition, text, params(t, nil, vals))
			wantErr(t, err, "")
		})
	}
}

// The comparison and function rules of the Developer Guide's condition
// expression reference (Expressions.OperatorsAndFunctions).
func TestEval(t *testing.T) {
	it := `{
		"n":{"N":"10"}, "n2":{"N":"10.0"}, "s":{"S":"abc"}, "up":{"S":"B"}, "low":{"S":"a"},
		"b":{"B":"YWJj"}, "b80":{"B":"gA=="}, "b7f":{"B":"fw=="},
		"ss":{"SS":["x","y"]}, "ns":{"NS":["1","2.5"]}, "bs":{"BS":["YQ=="]},
		"l":{"L":[{"S":"x"},{"N":"2"},{"M":{"k":{"S":"v"}}}]},
		"m":{"M":{"k":{"S":"v"},"nested":{"L":[{"N":"7"},{"N":"42"}]}}},
		"t":{"BOOL":true}, "f":{"BOOL":false}, "nul":{"NULL":true}, "blank":{"S":""},
		"uni":{"S":"héllo"}, "ss2":{"SS":["z"]}, "l2":{"L":[]}, "m2":{"M":{}}
	}`
	vals := `{
		":10":{"N":"10"}, ":10e0":{"N":"1e1"}, ":9":{"N":"9"}, ":11":{"N":"11"}, ":s10":{"S":"10"},
		":abc":{"S":"abc"}, ":ab":{"S":"ab"}, ":bc":{"S":"bc"}, ":x":{"S":"x"}, ":z":{"S":"z"},
		":bab":{"B":"YWI="}, ":bb":{"B":"Yg=="}, ":ba":{"B":"YQ=="},
		":ss":{"SS":["y","x"]}, ":ns":{"NS":["2.50","1"]}, ":n1":{"N":"1"}, ":n2":{"N":"2"}, ":n3":{"N":"3"},
		":l":{"L":[{"S":"x"},{"N":"2"},{"M":{"k":{"S":"v"}}}]}, ":lrev":{"L":[{"N":"2"},{"S":"x"},{"M":{"k":{"S":"v"}}}]},
		":m":{"M":{"k":{"S":"v"}}}, ":true":{"BOOL":true}, ":null":{"NULL":true},
		":S":{"S":"S"}, ":N":{"S":"N"}, ":SS":{"S":"SS"}, ":NS":{"S":"NS"}, ":BS":{"S":"BS"}, ":B":{"S":"B"},
		":L":{"S":"L"}, ":M":{"S":"M"}, ":BOOL":{"S":"BOOL"}, ":NULL":{"S":"NULL"}, ":lowB":{"S":"B"}, ":lowa":{"S":"a"},
		":ns10":{"NS":["10"]}, ":n5":{"N":"5"}, ":n0":{"N":"0"}, ":7":{"N":"7"}, ":v":{"S":"v"}, ":he":{"S":"hé"}
	}`
	tests := []struct {
		text string
		want bool
	}{
		// numbers compare by value
		{"n = :10", true}, {"n = :10e0", true}, {"n = n2", true}, {"n <> :10", false},
		{"n > :9", true}, {"n < :11", true}, {"n <= :10", true}, {"n >= :11", false},
		// different types are never equal, never ordered
		{"n = :s10", false}, {"n <> :s10", true}, {"n < :s10", false}, {"n >= :s10", false},
		{"n = :ns10", false},
		// strings and binaries by bytes
		{"up < low", true}, {"s > :ab", true}, {"s < :bc", true},
		{"b80 > b7f", true}, {"b > :bab", true}, {"b < :bb", true},
		// sets are unordered, numbers by value inside NS
		{"ss = :ss", true}, {"ns = :ns", true}, {"ss < ss2", false},
		// lists in order, maps by keys and values
		{"l = :l", true}, {"l = :lrev", false}, {"m.k = :v", true}, {"l[2] = :m", true},
		// BOOL/NULL/L/M have no order
		{"t = :true", true}, {"t > f", false}, {"nul = :null", true}, {"l > l2", false}, {"m >= m2", false},
		// gone operands: false, except <> (true even when both gone)
		{"gone = :10", false}, {"gone < :10", false}, {"gone <> :10", true},
		{"gone <> zz", true}, {"gone = zz", false}, {"gone BETWEEN :9 AND :11", false},
		{"gone IN (:10)", false},
		// BETWEEN inclusive
		{"n BETWEEN :9 AND :11", true}, {"n BETWEEN :10 AND :10", true}, {"n BETWEEN :11 AND gone", false},
		{"s BETWEEN :ab AND :abc", true}, {"n BETWEEN :s10 AND :s10", false},
		// IN: equality with any member, members of mixed types
		{"n IN (:s10, :10e0)", true}, {"s IN (:x, :ab)", false}, {"l[0] IN (:10, :x)", true},
		// attribute_exists / attribute_not_exists, NULL exists
		{"attribute_exists(nul)", true}, {"attribute_exists(gone)", false}, {"attribute_not_exists(gone)", true},
		{"attribute_exists(m.nested[1])", true}, {"attribute_exists(m.nested[2])", false}, {"attribute_exists(s.x)", false},
		{"attribute_exists(l.k)", false}, {"attribute_exists(m[0])", false},
		// attribute_type
		{"attribute_type(s, :S)", true}, {"attribute_type(n, :N)", true}, {"attribute_type(ss, :SS)", true},
		{"attribute_type(ns, :NS)", true}, {"attribute_type(bs, :BS)", true}, {"attribute_type(b, :B)", true},
		{"attribute_type(l, :L)", true}, {"attribute_type(m, :M)", true}, {"attribute_type(t, :BOOL)", true},
		{"attribute_type(nul, :NULL)", true}, {"attribute_type(s, :N)", false}, {"attribute_type(gone, :S)", false},
		// begins_with: S or B prefix by bytes, false across types
		{"begins_with(s, :ab)", true}, {"begins_with(s, :bc)", false}, {"begins_with(b, :bab)", true},
		{"begins_with(b, :ab)", false}, {"begins_with(gone, :ab)", false}, {"begins_with(s, :abc)", true},
		{"begins_with(n, s)", false}, {"begins_with(uni, :he)", true}, {"begins_with(s, blank)", true},
		// contains: substring, set membership of the element type, list element
		{"contains(s, :bc)", true}, {"contains(s, :x)", false}, {"contains(b, :bb)", true}, {"contains(b, :bc)", false},
		{"contains(ss, :x)", true}, {"contains(ss, :z)", false}, {"contains(ns, :n1)", true}, {"contains(ns, :s10)", false},
		{"contains(bs, :ba)", true}, {"contains(l, :x)", true}, {"contains(l, :n2)", true}, {"contains(l, :m)", true},
		{"contains(l, :z)", false}, {"contains(m, :v)", false}, {"contains(n, :10)", false}, {"contains(gone, :x)", false},
		{"contains(s, gone)", false},
		// size: S and B bytes, set/list/map elements; none for N/BOOL/NULL
		{"size(s) = :n3", true}, {"size(b) = :n3", true}, {"size(ss) = :n2", true}, {"size(l) = :n3", true},
		{"size(m) = :n2", true}, {"size(blank) = :n0", true}, {"size(uni) > :n5", true},
		{"size(n) = :n2", false}, {"size(n) <> :n2", true}, {"size(t) >= :n0", false}, {"size(gone) >= :n0", false},
		{"size(:ss) = :n2", true}, {"size(m.nested) = :n2", true}, {"m.nested[1] > :7", true},
		// AND OR NOT, precedence
		{"n = :10 OR n = :9 AND n = :11", true}, {"(n = :10 OR n = :9) AND n = :11", false},
		{"NOT n = :9 AND n = :10", true}, {"NOT (n = :10 AND n = :9)", true}, {"NOT NOT n = :10", true},
	}
	item := item(t, it)
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			c := mustCondition(t, tt.text, params(t, nil, vals))
			if got := c.Eval(item); got != tt.want {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestEvalEmptyItem(t *testing.T) {
	vals := params(t, nil, `{":v":{"S":"x"}}`)
	for text, want := range map[string]bool{
		"attribute_not_exists(pk)": true,
		"attribute_exists(pk)":     false,
		"a <> :v":                  true,
		"a = :v":                   false,
		"NOT contains(a, :v)":      true,
		"size(a) <> :v":            true,
	} {
		c := mustCondition(t, text, vals)
		if got := c.Eval(nil); got != want {
			t.Errorf("%s on a gone item: got %v, want %v", text, got, want)
		}
	}
	var none *Condition
	if !none.Eval(nil) {
		t.Error("a nil condition must be true")
	}
}

// Built nodes (as the PartiQL layer makes them) evaluate like parsed ones.
func TestBuiltCondition(t *testing.T) {
	it := item(t, `{"a":{"N":"3"},"b":{"L":[{"S":"x"}]}}`)
	three := item(t, `{"v":{"N":"3"}}`)["v"]
	c := And(
		Compare(CondGE, PathOperand(NewPath("a")), ValueOperand(three)),
		Or(Call(FuncAttributeExists, PathOperand(Path{Name("b"), Index(0)})), Not(In(PathOperand(NewPath("a"))))),
	)
	if !c.Eval(it) {
		t.Fatal("built condition should be true")
	}
	if got := c.TopLevelNames(); len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Fatalf("TopLevelNames = %v", got)
	}
	// malformed nodes are false, never a panic
	for _, bad := range []*Condition{
		{Kind: CondEQ}, {Kind: CondBetween, Args: []Operand{PathOperand(NewPath("a"))}}, {Kind: CondIn},
		{Kind: CondFunc, Func: FuncSize, Args: []Operand{PathOperand(NewPath("a"))}},
		{Kind: CondFunc, Func: FuncContains}, {Kind: CondKind(99)},
	} {
		if bad.Eval(it) {
			t.Errorf("malformed %+v evaluated true", bad)
		}
	}
}

func TestTopLevelNames(t *testing.T) {
	c := mustCondition(t, "#k = :v AND a.b[1] > :v OR size(c) > :v AND contains(#k, :v)",
		params(t, map[string]string{"#k": "pk"}, `{":v":{"N":"1"}}`))
	got := c.TopLevelNames()
	want := []string{"pk", "a", "c"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}

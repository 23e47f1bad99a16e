package expr

import (
	"strings"
	"testing"
)

// Most inputs below come from dynalite's test suite, whose expectations were
// recorded against DynamoDB; the exact token and "near" text follow the
// service's ANTLR parser (offending token, neighbours and whitespace).
func TestParseConditionErrors(t *testing.T) {
	const p = "Invalid FilterExpression: "
	syntax := func(tok, near string) string {
		return p + `Syntax error; token: "` + tok + `", near: "` + near + `"`
	}
	tests := []struct{ text, want string }{
		// empty and size limits
		{"", p + "The expression can not be empty;"},
		{strings.Repeat("x", 4097), p + "Expression size has exceeded the maximum allowed size; expression size: 4097"},
		// syntax errors
		{"a =", syntax("<EOF>", "=")},
		{"a =   ", syntax("<EOF>", "=   ")},
		{"foo", syntax("<EOF>", "foo")},
		{"attribute_not_exists(", syntax("<EOF>", "(")},
		{"contains (themes, :theme", syntax("<EOF>", ":theme")},
		{"things are not gonna be ok", syntax("are", "things are not")},
		{"a > 4", syntax("4", "> 4")},
		{"attribute_exists(Pictures-RearView)", syntax("-", "Pictures-RearView")},
		{`attribute_exists("Pictures.RearView")`, syntax(`"`, `("Pictures`)},
		{"attribute_exists(Pictures..RearView)", syntax(".", "..RearView")},
		{"attribute_exists(Pi#ctures.RearView)", syntax("#ctures", "Pi#ctures.")},
		{"attribute_exists(asdf[a])", syntax("a", "[a]")},
		{"a in b, c", syntax("b", "in b,")},
		{"a > between", syntax("between", "> between")},
		{"a in b", syntax("b", "in b")},
		{"a in (b,c,)", syntax(")", ",)")},
		{"a in ()", syntax(")", "()")},
		{"(a)between(b.(c.d))and(c)", syntax("(", ".(c")},
		{"(a)between(b.c.d)and((c)", syntax("<EOF>", ")")},
		{"#$.b > a", syntax("#", "#$")},
		{"a > :things.stuff", syntax(".", ":things.stuff")},
		{"b[:a] > a", syntax(":a", "[:a]")},
		{"b[#_] > a", syntax("#_", "[#_]")},
		{"ü > a", syntax("ü", "ü >")},
		{"(a)between(b.c[4.5].#d)and(:a)", syntax(".", "4.5")},
		{"a[01] = b", syntax("1", "01]")},
		{"a[-1] = b", syntax("-", "[-1")},
		{"a.:v = b", syntax(":v", ".:v =")},
		{"size(a).b > a", syntax(".", ").b")},
		{"(size(a)).b > a", syntax(".", ").b")},
		{"size(a)[0] > a", syntax("[", ")[0")},
		{"(size(a))[0] > a", syntax("[", ")[0")},
		{"a", syntax("<EOF>", "a")},
		{":v", syntax("<EOF>", ":v")},
		{"  _x", syntax("_", "  _x")},
		{"_abc = :v", syntax("_", "_abc")},
		{"123a = :v", syntax("123", "123a")},
		{"a AND b = c", syntax("AND", "a AND b")},
		{"(a AND b = c)", syntax("AND", "a AND b")},
		{"a = b c", syntax("c", "b c")},
		{"a = b + c", syntax("+", "b + c")},
		{"set = :v", syntax("set", "set =")},
		{"f()", syntax(")", "()")},
		{"a != b", syntax("!", "a !=")},
		{"NOT", syntax("<EOF>", "NOT")},
		{"a BETWEEN b", syntax("<EOF>", "b")},
		{"a BETWEEN b OR c", syntax("OR", "b OR c")},
		{"a IN (b", syntax("<EOF>", "b")},
		// a syntax error in the look-ahead that decides how a condition
		// starts wins over redundant parentheses inside it
		{"((a)) b", syntax("b", ") b")},
		{"((a))", syntax("<EOF>", ")")},
		// redundant parentheses
		{"((a < b))", p + "The expression has redundant parentheses;"},
		{"a=a and a > ((views))", p + "The expression has redundant parentheses;"},
		{"(a)between(((b.c)).d)and(c)", p + "The expression has redundant parentheses;"},
		{"a > whatever((:things), ((a)))", p + "The expression has redundant parentheses;"},
		{"a=a AND ((a=a AND a=a)) AND a=a", p + "The expression has redundant parentheses;"},
		{"a=a OR ((a=a OR a=a)) OR a=a", p + "The expression has redundant parentheses;"},
		{"a=a AND ((a=a AND (a=a AND a=a)))", p + "The expression has redundant parentheses;"},
		{"a=a OR ((a=a OR (a=a OR a=a)))", p + "The expression has redundant parentheses;"},
		{"((a)) = b", p + "The expression has redundant parentheses;"},
		{"NOT ((a = b))", p + "The expression has redundant parentheses;"},
		{"((a = b)) junk", p + "The expression has redundant parentheses;"},
		{"size(((a))) junk", p + "The expression has redundant parentheses;"},
		{"a = ((b)) c", p + "The expression has redundant parentheses;"},
		// invalid function names, case-sensitive
		{"a=a and whatever((:things)) > a", p + "Invalid function name; function: whatever"},
		{"attRIbute_exIsts((views), #a)", p + "Invalid function name; function: attRIbute_exIsts"},
		{"a < f(f(f(b)))", p + "Invalid function name; function: f"},
		// functions used where they are not allowed
		{"a=a and attribute_exists((views), (#a)) > b", p + "The function is not allowed to be used this way in an expression; function: attribute_exists"},
		{"attribute_not_exists(things) > b", p + "The function is not allowed to be used this way in an expression; function: attribute_not_exists"},
		{"attribute_type(things, :a) > b", p + "The function is not allowed to be used this way in an expression; function: attribute_type"},
		{"begins_with(things, a) > b", p + "The function is not allowed to be used this way in an expression; function: begins_with"},
		{"contains(:things, c) > b", p + "The function is not allowed to be used this way in an expression; function: contains"},
		{"size(contains(a, b)) > a", p + "The function is not allowed to be used this way in an expression; function: contains"},
		{"size(things)", p + "The function is not allowed to be used this way in an expression; function: size"},
		{"(size(things))", p + "The function is not allowed to be used this way in an expression; function: size"},
		{"NOT size(a)", p + "The function is not allowed to be used this way in an expression; function: size"},
		{"a between b and attribute_exists(things)", p + "The function is not allowed to be used this way in an expression; function: attribute_exists"},
		{"a in (b, attribute_exists(things))", p + "The function is not allowed to be used this way in an expression; function: attribute_exists"},
		{"if_not_exists(a, :v)", p + "The function is not allowed in a condition expression; function: if_not_exists"},
		{"a = list_append(a, :v)", p + "The function is not allowed in a condition expression; function: list_append"},
		// reserved words, as written
		{"attribute_exists(views, #a)", p + "Attribute name is a reserved keyword; reserved keyword: views"},
		{":a < abOrT", p + "Attribute name is a reserved keyword; reserved keyword: abOrT"},
		{"a.Size = :v", p + "Attribute name is a reserved keyword; reserved keyword: Size"},
		{"name = :v AND whatever(b)", p + "Attribute name is a reserved keyword; reserved keyword: name"},
		{"whatever(b) AND name = :v", p + "Invalid function name; function: whatever"},
		// list index range (32-bit)
		{"a[99999999999999] = :v", p + "List index is not within the allowable range; index: [99999999999999]"},
		{"a[2147483648] = :v", p + "List index is not within the allowable range; index: [2147483648]"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			_, err := ParseCondition(ParamFilter, tt.text)
			wantErr(t, err, tt.want)
		})
	}
}

func TestParseConditionAccepts(t *testing.T) {
	for _, text := range []string{
		"a = :v",
		"a[2147483647] = :v",
		"a" + strings.Repeat(".b", 31) + " = :v",
		"a IN (" + strings.TrimSuffix(strings.Repeat(":v,", 100), ",") + ")",
		"a<b " + strings.Repeat("or (a<b ", 149) + strings.Repeat(")", 149),
		"((a < b) AND c < d)",
		"(a) = (b)",
		"a IN ((b))",
		"(attribute_exists(a)) AND (size(b)) > :n",
		"NOT NOT a = b",
		"#0a.#_b[0] <> :_",
		"x=y AND x=z AND NOT (x=w) OR x IN (y, z)",
		"a\tBETWEEN\n:lo\rAND :hi",
		"a.b = :v AND #name = :w", // #name is a placeholder, not a reserved word
		"SIZE(a) = :v",            // unknown-function names are case-sensitive... see below
	} {
		t.Run(text, func(t *testing.T) {
			_, err := ParseCondition(ParamCondition, text)
			if text == "SIZE(a) = :v" {
				wantErr(t, err, "Invalid ConditionExpression: Invalid function name; function: SIZE")
				return
			}
			wantErr(t, err, "")
		})
	}
}

func TestParseUpdateErrors(t *testing.T) {
	const p = "Invalid UpdateExpression: "
	syntax := func(tok, near string) string {
		return p + `Syntax error; token: "` + tok + `", near: "` + near + `"`
	}
	tests := []struct{ text, want string }{
		{"", p + "The expression can not be empty;"},
		{"SET " + strings.Repeat(" ", 4085) + "a = :val", p + "Expression size has exceeded the maximum allowed size"},
		{"SET _123", syntax("_", "SET _123")},
		{"whatever", syntax("whatever", "whatever")},
		{"set a", syntax("<EOF>", "a")},
		{"add a", syntax("<EOF>", "a")},
		{"delete a", syntax("<EOF>", "a")},
		{"set a=set", syntax("set", "=set")},
		{"remove a = b", syntax("=", "a = b")},
		{"add a = b", syntax("=", "a = b")},
		{"delete a b", syntax("b", "a b")},
		{"delete a if_not_exist(b)", syntax("if_not_exist", "a if_not_exist(")},
		{"add abort b", syntax("b", "abort b")},
		{"remove a b", syntax("b", "a b")},
		{"set a b", syntax("b", "a b")},
		{"set :a = b", syntax(":a", "set :a =")},
		{"remove :a", syntax(":a", "remove :a")},
		{"set a = b / c", syntax("/", "b / c")},
		{`set a[1] = "eight"`, syntax(`"`, `= "eight`)},
		{"set a[1] = 1", syntax("1", "= 1")},
		{"SET a = if_not_exist(a, 100)", syntax("100", ", 100)")},
		{"SET if_not_exist(a, b) = a", syntax("(", "if_not_exist(a")},
		{"set (a = (b + c))", syntax("(", "set (a")},
		{"set a = (b.c).d + e", syntax(".", ").d")},
		{"set a = b + c + d", syntax("+", "c + d")},
		{"SET a = (b + c) + d", syntax("+", ") + d")},
		{"SET a = list_append(a, b + c)", syntax("+", "b + c")},
		{"SET a = b + (c + d)", syntax("+", "c + d")},
		{"SET a = :v,", syntax("<EOF>", ",")},
		{"SET a = :v REMOVE", syntax("<EOF>", "REMOVE")},
		{"SET a = ((b))", p + "The expression has redundant parentheses;"},
		{"SET a = ((b + c))", p + "The expression has redundant parentheses;"},
		{"SET a = ((b)) c", p + "The expression has redundant parentheses;"},
		{" set #c = :c set abOrt = true ", p + "Attribute name is a reserved keyword; reserved keyword: abOrt"},
		{" remove Absolute ", p + "Attribute name is a reserved keyword; reserved keyword: Absolute"},
		{"set #c = if_not_exist(:c) set c = d", p + "Invalid function name; function: if_not_exist"},
		{"set a = #c set c = :d", p + `The "SET" section can only be used once in an update expression;`},
		{"remove #d set a = b remove e", p + `The "REMOVE" section can only be used once in an update expression;`},
		{"add #d :e set a = b add e :f", p + `The "ADD" section can only be used once in an update expression;`},
		{"delete #d :e set a = b delete #e :f", p + `The "DELETE" section can only be used once in an update expression;`},
		{"SET a = :v SET b = name", p + "Attribute name is a reserved keyword; reserved keyword: name"},
		{"SET a = size(b)", p + "The function is not allowed in an update expression; function: size"},
		{"SET a = attribute_exists(b)", p + "The function is not allowed in an update expression; function: attribute_exists"},
		{"SET a = list_append(a, :b) + :c", p + "The function is not allowed to be used this way in an expression; function: list_append"},
		{"SET a = list_append(list_append(a, :b), :c)", p + "The function is not allowed to be used this way in an expression; function: list_append"},
		{"SET a = if_not_exists(a, list_append(b, :c))", p + "The function is not allowed to be used this way in an expression; function: list_append"},
		{"REMOVE a[99999999999]", p + "List index is not within the allowable range; index: [99999999999]"},
		{"SET a" + strings.Repeat(".b", 32) + " = :v", p + "The document path has too many nesting levels; nesting levels: 33"},
		{manyArithmetic(301), p + "The expression contains too many operators; operator count: 301"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			_, err := ParseUpdate(tt.text)
			wantErr(t, err, tt.want)
		})
	}
}

func TestParseUpdateAccepts(t *testing.T) {
	for _, text := range []string{
		"SET a = :v",
		"set a = :v remove b add c :n delete d :s",
		"SET a = (b + c)",
		"SET a = (b) + (c)",
		"SET a = ((b) + c)",
		"SET a = list_append(if_not_exists(a, :e), :v)",
		"SET a = if_not_exists(a, :z) + :inc",
		"SET a = if_not_exists(a, if_not_exists(b, :c))",
		"SET a[2].b = :v, c = d - :n",
		"REMOVE a, b.c, d[0]",
		"SET" + strings.Repeat(" ", 4085) + "a = :val",
		manyArithmetic(300),
	} {
		t.Run(text, func(t *testing.T) {
			_, err := ParseUpdate(text)
			wantErr(t, err, "")
		})
	}
}

func TestParseProjectionErrors(t *testing.T) {
	const p = "Invalid ProjectionExpression: "
	tests := []struct{ text, want string }{
		{"", p + "The expression can not be empty;"},
		{strings.Repeat("x", 4097), p + "Expression size has exceeded the maximum allowed size"},
		{"a,", p + `Syntax error; token: "<EOF>", near: ","`},
		{"a b", p + `Syntax error; token: "b", near: "a b"`},
		{"(a)", p + `Syntax error; token: "(", near: "(a"`},
		{":v", p + `Syntax error; token: ":v", near: ":v"`},
		{"size(a)", p + `Syntax error; token: "(", near: "size(a"`},
		{"a, and", p + `Syntax error; token: "and", near: ", and"`},
		{"name", p + "Attribute name is a reserved keyword; reserved keyword: name"},
		{"a, b.Status", p + "Attribute name is a reserved keyword; reserved keyword: Status"},
		{"a[99999999999999]", p + "List index is not within the allowable range; index: [99999999999999]"},
		{"a" + strings.Repeat(".b", 32), p + "The document path has too many nesting levels; nesting levels: 33"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			_, err := ParseProjection(tt.text)
			wantErr(t, err, tt.want)
		})
	}
	if _, err := ParseProjection(strings.Repeat("x", 4096)); err != nil {
		t.Fatal(err)
	}
	if _, err := ParseProjection("a" + strings.Repeat(".b", 31)); err != nil {
		t.Fatal(err)
	}
}

// Precedence: NOT over AND over OR; AND and OR group to the right.
func TestPrecedence(t *testing.T) {
	tests := []struct{ text, want string }{
		{"a = b OR c = d AND e = f", "(a=b OR (c=d AND e=f))"},
		{"a = b AND c = d OR e = f", "((a=b AND c=d) OR e=f)"},
		{"NOT a = b AND c = d", "((NOT a=b) AND c=d)"},
		{"NOT a = b OR c = d", "((NOT a=b) OR c=d)"},
		{"a = b AND c = d AND e = f", "(a=b AND (c=d AND e=f))"},
		{"NOT (a = b AND c = d)", "(NOT (a=b AND c=d))"},
		{"NOT NOT a = b", "(NOT (NOT a=b))"},
		{"(a = b OR c = d) AND e = f", "((a=b OR c=d) AND e=f)"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			e, err := ParseCondition(ParamCondition, tt.text)
			if err != nil {
				t.Fatal(err)
			}
			if got := shape(e.root); got != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
		})
	}
}

// shape renders a condition tree with explicit grouping.
func shape(c *Condition) string {
	switch c.Kind {
	case CondAnd:
		return "(" + shape(c.Left) + " AND " + shape(c.Right) + ")"
	case CondOr:
		return "(" + shape(c.Left) + " OR " + shape(c.Right) + ")"
	case CondNot:
		return "(NOT " + shape(c.Left) + ")"
	case CondEQ:
		return c.Args[0].Path.String() + "=" + c.Args[1].Path.String()
	}
	return "?"
}

// manyArithmetic returns SET a0=b+c, a1=b+c, ... with n operators.
func manyArithmetic(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = "a" + itoa(i) + "=b+c"
	}
	return "SET " + strings.Join(parts, ",")
}

package partiql

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"dynalab/engine/attr"
)

func TestParse(t *testing.T) {
	if len(parseCases) < 150 {
		t.Fatalf("only %d cases", len(parseCases))
	}
	for i, c := range parseCases {
		t.Run(fmt.Sprintf("%03d", i), func(t *testing.T) {
			s, err := Parse(c.in)
			if strings.HasPrefix(c.want, "!") {
				if err == nil {
					t.Fatalf("Parse(%q) = %s, want error %s", c.in, Format(s), c.want[1:])
				}
				var perr *Error
				if !errors.As(err, &perr) {
					t.Fatalf("Parse(%q): error %T, want *Error", c.in, err)
				}
				if got := err.Error(); got != c.want[1:] {
					t.Fatalf("Parse(%q):\n got error %s\nwant error %s", c.in, got, c.want[1:])
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", c.in, err)
			}
			if got := Format(s); got != c.want {
				t.Fatalf("Format(Parse(%q)):\n got %s\nwant %s", c.in, got, c.want)
			}
			checkRoundTrip(t, s)
		})
	}
}

// checkRoundTrip checks that the canonical text parses back to the same
// tree, positions aside.
func checkRoundTrip(t *testing.T, s Statement) {
	t.Helper()
	text := Format(s)
	again, err := Parse(text)
	if err != nil {
		t.Fatalf("Parse(Format(s)) = %v for %q", err, text)
	}
	if got := Format(again); got != text {
		t.Fatalf("Format not stable:\n first %s\nsecond %s", text, got)
	}
	// Positions differ between the two texts; everything else must not.
	zeroPos(reflect.ValueOf(s))
	zeroPos(reflect.ValueOf(again))
	if !reflect.DeepEqual(s, again) {
		t.Fatalf("Parse(Format(s)) differs from s for %q:\n%#v\n%#v", text, s, again)
	}
}

var (
	posType   = reflect.TypeOf(Pos{})
	valueType = reflect.TypeOf(attr.Value{})
)

func zeroPos(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			zeroPos(v.Elem())
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			zeroPos(v.Index(i))
		}
	case reflect.Struct:
		if v.Type() == valueType {
			return
		}
		for i := 0; i < v.NumField(); i++ {
			f := v.Field(i)
			if !f.CanSet() {
				continue
			}
			if f.Type() == posType {
				f.Set(reflect.Zero(posType))
				continue
			}
			zeroPos(f)
		}
	}
}

func TestServiceMessage(t *testing.T) {
	cases := []struct {
		in   string
		kind ErrorKind
		want string
	}{
		{`SELECT * FROM Music WHERE a = 1 foo`, SyntaxError,
			"Statement wasn't well formed, can't be processed: Unexpected token after expression"},
		{`SELECT * FROM Music WHERE`, SyntaxError,
			"Statement wasn't well formed, can't be processed: Unexpected term"},
		{`DELETE FROM`, SyntaxError,
			"Statement wasn't well formed, can't be processed: Expected identifier for simple path"},
		{`SELECT * FROM Music WHERE pk = 1 # note`, LexicalError,
			"Statement wasn't well formed, can't be processed: "},
		{`SELECT * FROM Music WHERE pk = 1e99999999999`, LexicalError,
			"Statement wasn't well formed, can't be processed: "},
		{`SELECT * FROM Music LIMIT 1`, ValidationError, "Unsupported clause: LIMIT"},
		{`SELECT * FROM Music m`, ValidationError, "Aliasing is not supported"},
		{`SELECT * FROM Music WHERE pk = 1e126`, ValidationError,
			"Number overflow. Attempting to store a number with magnitude larger than supported range under root"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			_, err := Parse(c.in)
			var perr *Error
			if !errors.As(err, &perr) {
				t.Fatalf("Parse(%q) = %v, want *Error", c.in, err)
			}
			if perr.Kind != c.kind || perr.ServiceMessage() != c.want {
				t.Fatalf("Parse(%q): kind %d %q, want kind %d %q", c.in, perr.Kind, perr.ServiceMessage(), c.kind, c.want)
			}
			if perr.Message == "" {
				t.Fatal("empty Message")
			}
		})
	}
}

func TestErrorPositionIsRuneColumn(t *testing.T) {
	_, err := Parse("SELECT * FROM Music\nWHERE \"ünï\" = 'ö' #")
	var perr *Error
	if !errors.As(err, &perr) {
		t.Fatal(err)
	}
	if perr.Line != 2 || perr.Column != 19 || perr.Offset != len("SELECT * FROM Music\nWHERE \"ünï\" = 'ö' ") {
		t.Fatalf("got %d:%d @%d", perr.Line, perr.Column, perr.Offset)
	}
	if perr.Pos() != (Pos{Offset: perr.Offset, Line: 2, Column: 19}) {
		t.Fatalf("Pos() = %v", perr.Pos())
	}
}

func TestSeedSelectShape(t *testing.T) {
	s, err := Parse(`SELECT * FROM "AppTable" WHERE PK='USER#u123' AND begins_with(SK,'ORDER#')`)
	if err != nil {
		t.Fatal(err)
	}
	sel := s.(*Select)
	if !sel.Star() || sel.From.Table != "AppTable" || sel.From.Index != "" {
		t.Fatalf("select %+v", sel)
	}
	conj := Conjuncts(sel.Where)
	if len(conj) != 2 {
		t.Fatalf("conjuncts %d", len(conj))
	}
	eq := conj[0].(*Binary)
	if eq.Op != OpEq || eq.Left.(*Path).Name != "PK" || !attr.Equal(eq.Right.(*Literal).Value, attr.S("USER#u123")) {
		t.Fatalf("first conjunct %s", Format(eq))
	}
	if eq.Pos != (Pos{Offset: 33, Line: 1, Column: 34}) {
		t.Fatalf("= at %v", eq.Pos)
	}
	call := conj[1].(*Call)
	if call.Name != FuncBeginsWith || len(call.Args) != 2 || call.Pos.Column != 51 {
		t.Fatalf("second conjunct %s at %v", Format(call), call.Pos)
	}
}

func TestInsertShape(t *testing.T) {
	s, err := Parse(`INSERT INTO Music VALUE {'Artist': ?, 'Tags': <<'a', 'b'>>, 'N': -1.50, 'M': {'x': [1, ?]}}`)
	if err != nil {
		t.Fatal(err)
	}
	ins := s.(*Insert)
	if ins.Table.Table != "Music" || len(ins.Item) != 4 {
		t.Fatalf("insert %+v", ins)
	}
	if p, ok := ins.Item[0].Value.(*Param); !ok || p.Index != 0 {
		t.Fatalf("Artist = %#v", ins.Item[0].Value)
	}
	ss, _ := attr.SS("a", "b")
	if !attr.Equal(ins.Item[1].Value.(*Literal).Value, ss) {
		t.Fatalf("Tags = %s", Format(ins.Item[1].Value))
	}
	if got := ins.Item[2].Value.(*Literal).Value.Str(); got != "-1.5" {
		t.Fatalf("N = %s", got)
	}
	m := ins.Item[3].Value.(*Map)
	if l := m.Fields[0].Value.(*List); l.Elems[1].(*Param).Index != 1 {
		t.Fatalf("M = %s", Format(m))
	}
	if ParamCount(s) != 2 {
		t.Fatalf("ParamCount = %d", ParamCount(s))
	}
}

func TestUpdateShape(t *testing.T) {
	s, err := Parse(`UPDATE Music SET a = set_add(a, <<1>>) REMOVE b[2] SET c = set_delete(c, ?), d = d + 1 WHERE pk = 1 RETURNING MODIFIED NEW *`)
	if err != nil {
		t.Fatal(err)
	}
	u := s.(*Update)
	kinds := []ActionKind{ActionAdd, ActionRemove, ActionDelete, ActionSet}
	if len(u.Actions) != len(kinds) {
		t.Fatalf("%d actions", len(u.Actions))
	}
	for i, k := range kinds {
		if u.Actions[i].Kind != k {
			t.Fatalf("action %d kind %d, want %d", i, u.Actions[i].Kind, k)
		}
	}
	if u.Actions[1].Path.String() != "b[2]" || u.Actions[1].Value != nil {
		t.Fatalf("remove %s", Format(u.Actions[1]))
	}
	if u.Returning != ReturnUpdatedNew || u.Returning.String() != "UPDATED_NEW" {
		t.Fatalf("returning %v", u.Returning)
	}
}

func TestParamsNumberedInOrder(t *testing.T) {
	s, err := Parse(`UPDATE t_1 SET a = ?, b = list_append(?, [?]) WHERE pk = ? AND x IN [?, 1] RETURNING ALL OLD *`)
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	Walk(s, func(n Node) bool {
		if p, ok := n.(*Param); ok {
			got = append(got, p.Index)
		}
		return true
	})
	if fmt.Sprint(got) != "[0 1 2 3 4]" || ParamCount(s) != 5 {
		t.Fatalf("params %v", got)
	}
}

func TestConjunctsAndDisjuncts(t *testing.T) {
	s, err := Parse(`SELECT * FROM Music WHERE a = 1 AND (b = 2 AND c = 3) AND (d = 4 OR e = 5 OR f = 6)`)
	if err != nil {
		t.Fatal(err)
	}
	conj := Conjuncts(s.(*Select).Where)
	if len(conj) != 4 {
		t.Fatalf("%d conjuncts", len(conj))
	}
	if d := Disjuncts(conj[3]); len(d) != 3 || Format(d[2]) != "f = 6" {
		t.Fatalf("disjuncts %v", d)
	}
	if Conjuncts(nil) != nil {
		t.Fatal("Conjuncts(nil) != nil")
	}
}

func TestPathHelpers(t *testing.T) {
	var p []*Path
	for _, src := range []string{`SELECT a.b[1] FROM Music`, `SELECT a."b"[1] FROM Music`, `SELECT c FROM Music`} {
		s, err := Parse(src)
		if err != nil {
			t.Fatal(err)
		}
		p = append(p, s.(*Select).Projection[0])
	}
	if p[0].String() != "a.b[1]" || p[0].IsTopLevel() || !p[2].IsTopLevel() {
		t.Fatalf("paths %v", p)
	}
	if !p[0].Equal(p[1]) || p[0].Equal(p[2]) {
		t.Fatal("Equal")
	}
}

func TestExplainWrapsStatement(t *testing.T) {
	s, err := Parse(`EXPLAIN DELETE FROM Music WHERE a = ?`)
	if err != nil {
		t.Fatal(err)
	}
	e := s.(*Explain)
	if _, ok := e.Statement.(*Delete); !ok || ParamCount(e) != 1 {
		t.Fatalf("explain %#v", e)
	}
}

func TestReservedAndQuoting(t *testing.T) {
	for _, c := range []struct{ name, want string }{
		{"name", "name"}, {"Year", "Year"}, {"value", `"value"`}, {"DATE", `"DATE"`},
		{"order", `"order"`}, {"my-table", `"my-table"`}, {`a"b`, `"a""b"`}, {"", `""`},
		{"_x$1", "_x$1"}, {"1a", `"1a"`}, {"size", `"size"`},
	} {
		if got := QuoteName(c.name); got != c.want {
			t.Errorf("QuoteName(%q) = %s, want %s", c.name, got, c.want)
		}
	}
	if !IsReserved("Select") || IsReserved("name") || IsReserved("explain") {
		t.Error("IsReserved")
	}
	kw := Keywords()
	if kw[0] != "SELECT" || !slices.Contains(kw, "EXPLAIN") || !slices.Contains(kw, "RETURNING") {
		t.Errorf("Keywords() = %v", kw)
	}
	kw[0] = "changed"
	if Keywords()[0] != "SELECT" {
		t.Error("Keywords returns shared storage")
	}
	if fs := Functions(); !slices.Contains(fs, FuncBeginsWith) || !slices.Contains(fs, FuncSetAdd) {
		t.Errorf("Functions() = %v", fs)
	}
}

func TestFormatNodes(t *testing.T) {
	s, err := Parse(`SELECT * FROM Music WHERE a = 1 ORDER BY b DESC`)
	if err != nil {
		t.Fatal(err)
	}
	sel := s.(*Select)
	if got := Format(sel.OrderBy[0]); got != "b DESC" {
		t.Errorf("Format(OrderKey) = %q", got)
	}
	if got := Format(sel.Where); got != "a = 1" {
		t.Errorf("Format(Expr) = %q", got)
	}
	b, _ := attr.NS("1", "2")
	lit := &Literal{Value: attr.L([]attr.Value{b, attr.B([]byte("hi")), attr.M(map[string]attr.Value{"z": attr.Bool(false), "a": attr.Null()})})}
	if got := Format(lit); got != "[<<1, 2>>, `{{aGk=}}`, {'a': NULL, 'z': FALSE}]" {
		t.Errorf("Format(Literal) = %q", got)
	}
}

func TestReturnValuesString(t *testing.T) {
	for r, want := range map[ReturnValues]string{ReturnNone: "NONE", ReturnAllOld: "ALL_OLD", ReturnUpdatedOld: "UPDATED_OLD", ReturnAllNew: "ALL_NEW", ReturnUpdatedNew: "UPDATED_NEW", 9: "?"} {
		if r.String() != want {
			t.Errorf("%d.String() = %s", r, r.String())
		}
	}
	if IsTuple.AttributeType() != "M" || IsNull.AttributeType() != "" || IsBoolean.String() != "BOOLEAN" {
		t.Error("IsType")
	}
}

func TestNestingLimit(t *testing.T) {
	deep := func(n int) string {
		return "SELECT * FROM Music WHERE a = " + strings.Repeat("[", n) + "1" + strings.Repeat("]", n)
	}
	if _, err := Parse(deep(maxNesting)); err != nil {
		t.Fatalf("depth %d: %v", maxNesting, err)
	}
	_, err := Parse(deep(maxNesting + 1))
	if err == nil || err.Error() != fmt.Sprintf("1:%d: Statement nests brackets too deeply", 31+maxNesting) {
		t.Fatalf("depth %d: %v", maxNesting+1, err)
	}
}

func TestConcurrentParse(t *testing.T) {
	done := make(chan string)
	for g := 0; g < 8; g++ {
		go func(g int) {
			for i := g; i < len(parseCases); i += 8 {
				c := parseCases[i]
				s, err := Parse(c.in)
				got := ""
				if err != nil {
					got = "!" + err.Error()
				} else {
					got = Format(s)
				}
				if got != c.want {
					done <- fmt.Sprintf("Parse(%q) = %s, want %s", c.in, got, c.want)
					return
				}
			}
			done <- ""
		}(g)
	}
	for g := 0; g < 8; g++ {
		if msg := <-done; msg != "" {
			t.Error(msg)
		}
	}
}

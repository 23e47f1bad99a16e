package partiql

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestSplitScript(t *testing.T) {
	cases := []struct {
		name string
		src  string
		want []string // "line:col text"
	}{
		{"empty", "", nil},
		{"only space and comments", "  -- nothing\n/* here; */ ;;\n", nil},
		{"one without semicolon", "SELECT * FROM t1x", []string{"1:1 SELECT * FROM t1x"}},
		{"two", "SELECT * FROM a1x;\nDELETE FROM b1x WHERE k = 1;", []string{
			"1:1 SELECT * FROM a1x", "2:1 DELETE FROM b1x WHERE k = 1"}},
		{"semicolon in string", "INSERT INTO t1x VALUE {'a': 'x;y'}; SELECT 1", []string{
			"1:1 INSERT INTO t1x VALUE {'a': 'x;y'}", "1:37 SELECT 1"}},
		{"semicolon in quoted identifier", `SELECT "a;b" FROM t1x;`, []string{`1:1 SELECT "a;b" FROM t1x`}},
		{"semicolon in comments", "SELECT * -- x;y\nFROM t1x /* ; */ WHERE a = 1;", []string{
			"1:1 SELECT * -- x;y\nFROM t1x /* ; */ WHERE a = 1"}},
		{"doubled quotes", "SELECT * FROM t1x WHERE a = 'it''s;';\n  UPDATE t1x SET b = 2", []string{
			"1:1 SELECT * FROM t1x WHERE a = 'it''s;'", "2:3 UPDATE t1x SET b = 2"}},
		{"leading comment skipped", "-- setup\n\t/* c */ SELECT 1;", []string{"2:10 SELECT 1"}},
		{"unterminated string runs to the end", "SELECT 'a; SELECT 2; SELECT 3", []string{
			"1:1 SELECT 'a; SELECT 2; SELECT 3"}},
		{"unicode columns", "SELECT 'ü';SELECT 2", []string{"1:1 SELECT 'ü'", "1:12 SELECT 2"}},
		{"crlf", "SELECT 1;\r\nSELECT 2;\r\n", []string{"1:1 SELECT 1", "2:1 SELECT 2"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, s := range SplitScript(c.src) {
				got = append(got, fmt.Sprintf("%d:%d %s", s.Pos.Line, s.Pos.Column, s.Text))
				if c.src[s.Pos.Offset:s.Pos.Offset+len(s.Text)] != s.Text {
					t.Errorf("offset %d does not locate %q", s.Pos.Offset, s.Text)
				}
			}
			if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", c.want) {
				t.Fatalf("SplitScript(%q)\n got %q\nwant %q", c.src, got, c.want)
			}
		})
	}
}

func TestScriptStatementParseReportsScriptPositions(t *testing.T) {
	src := "SELECT * FROM Music WHERE a = 1;\n\n  UPDATE Music\n    SET a = 1 LIMIT;\nSELECT * FROM Music WHERE b = ?"
	stmts := SplitScript(src)
	if len(stmts) != 3 {
		t.Fatalf("%d statements", len(stmts))
	}
	if _, err := stmts[0].Parse(); err != nil {
		t.Fatal(err)
	}
	_, err := stmts[1].Parse()
	var perr *Error
	if !errors.As(err, &perr) {
		t.Fatalf("err = %v", err)
	}
	if got := err.Error(); got != "4:15: Unexpected token after expression" {
		t.Fatalf("error %s", got)
	}
	if src[perr.Offset:perr.Offset+5] != "LIMIT" {
		t.Fatalf("offset %d points at %q", perr.Offset, src[perr.Offset:])
	}
	s, err := stmts[2].Parse()
	if err != nil {
		t.Fatal(err)
	}
	sel := s.(*Select)
	if sel.Pos != (Pos{Offset: strings.LastIndex(src, "SELECT"), Line: 5, Column: 1}) {
		t.Fatalf("select at %+v", sel.Pos)
	}
	if p := Conjuncts(sel.Where)[0].(*Binary).Right.(*Param); p.Pos.Line != 5 || p.Pos.Column != 31 {
		t.Fatalf("param at %+v", p.Pos)
	}
}

func TestIsComplete(t *testing.T) {
	cases := []struct {
		src  string
		want bool
	}{
		{"", false},
		{"SELECT * FROM t", false},
		{"SELECT * FROM t;", true},
		{"SELECT * FROM t;  \n", true},
		{"SELECT * FROM t; -- done", true},
		{"SELECT * FROM t; /* done */", true},
		{"SELECT * FROM t /* ; */", false},
		{"SELECT * FROM t -- ;", false},
		{"SELECT * FROM t WHERE a = 'x;", false},
		{"SELECT * FROM t WHERE a = 'x;';", true},
		{"SELECT * FROM t WHERE a = 'it''s';", true},
		{`SELECT "a;`, false},
		{`SELECT "a;";`, true},
		{"SELECT 1; /* open", false},
		{"SELECT `x;", false},
		{";", true},
		{"SELECT #;", true},
		{"SELECT 1;\nSELECT 2", false},
	}
	for _, c := range cases {
		if got := IsComplete(c.src); got != c.want {
			t.Errorf("IsComplete(%q) = %v, want %v", c.src, got, c.want)
		}
	}
}

package partiql

import (
	"fmt"
	"strings"
	"testing"
)

func tokenSummary(src string) string {
	var parts []string
	for _, t := range Tokens(src) {
		s := t.Kind.String() + ":" + t.Text
		if t.Unterminated {
			s += "…"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " | ")
}

func TestTokens(t *testing.T) {
	cases := []struct{ src, want string }{
		{`SELECT * FROM "App""Table" WHERE PK='it''s' AND begins_with(SK, ?)`,
			`keyword:SELECT | operator:* | keyword:FROM | quoted identifier:"App""Table" | keyword:WHERE | identifier:PK | operator:= | string:'it''s' | keyword:AND | identifier:begins_with | punctuation:( | identifier:SK | punctuation:, | parameter:? | punctuation:)`},
		{"explain select a.b[0] from t -- note\n/* block */",
			`keyword:explain | keyword:select | identifier:a | punctuation:. | identifier:b | punctuation:[ | number:0 | punctuation:] | keyword:from | identifier:t | comment:-- note | comment:/* block */`},
		{"x <> 1.5e3 != -2 <= <<'a'>> >= {'k': `ion`}",
			`identifier:x | operator:<> | number:1.5e3 | operator:!= | operator:- | number:2 | operator:<= | punctuation:<< | string:'a' | punctuation:>> | operator:>= | punctuation:{ | string:'k' | punctuation:: | ion:` + "`ion`" + ` | punctuation:}`},
		{"SELECT 'open", `keyword:SELECT | string:'open…`},
		{`SELECT "open`, `keyword:SELECT | quoted identifier:"open…`},
		{"a /* open", `identifier:a | comment:/* open…`},
		{"a # é ~", `identifier:a | invalid:# | invalid:é | invalid:~`},
		{"SELECT 1; EXPLAIN x; y explain", `keyword:SELECT | number:1 | punctuation:; | keyword:EXPLAIN | identifier:x | punctuation:; | identifier:y | identifier:explain`},
		{"", ``},
	}
	for _, c := range cases {
		if got := tokenSummary(c.src); got != c.want {
			t.Errorf("Tokens(%q)\n got %s\nwant %s", c.src, got, c.want)
		}
	}
}

func TestTokensCoverInput(t *testing.T) {
	for _, c := range parseCases {
		end := 0
		for _, tok := range Tokens(c.in) {
			if tok.Start < end || tok.End <= tok.Start || c.in[tok.Start:tok.End] != tok.Text {
				t.Fatalf("Tokens(%q): bad token %+v after %d", c.in, tok, end)
			}
			if gap := c.in[end:tok.Start]; strings.TrimSpace(gap) != "" {
				t.Fatalf("Tokens(%q): skipped %q", c.in, gap)
			}
			end = tok.End
		}
		if strings.TrimSpace(c.in[end:]) != "" {
			t.Fatalf("Tokens(%q): dropped tail %q", c.in, c.in[end:])
		}
	}
}

func TestTokenKindString(t *testing.T) {
	if fmt.Sprint(TokenQuotedIdent) != "quoted identifier" || TokenKind(99).String() != "?" {
		t.Error("TokenKind.String")
	}
}

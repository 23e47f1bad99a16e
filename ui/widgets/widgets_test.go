package widgets

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"dynalab/engine/attr"
	"dynalab/ui/internal/uitest"
)

// fidelityItems holds every attribute type, with the edge cases that break
// editors: 38-digit numbers, tiny and huge exponents, empty strings and
// binaries, control characters, quotes, non-ASCII text, nested and empty
// collections, and sets whose member order must survive.
var fidelityItems = []string{
	`{"PK":{"S":"USER#u1"},"SK":{"S":"A"}}`,
	`{"PK":{"S":"k"},"s":{"S":""},"s2":{"S":"line1\nline2\ttab \"quoted\" \\ back"},"s3":{"S":"naïve 日本語 🙂"},"s4":{"S":"\u0001\u001f"}}`,
	`{"PK":{"S":"k"},"n1":{"N":"12345678901234567890123456789012345678"},"n2":{"N":"-0.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001"},"n3":{"N":"9.9999999999999999999999999999999999999E+125"},"n4":{"N":"0"},"n5":{"N":"-12.5"}}`,
	`{"PK":{"S":"k"},"b1":{"B":"AAECAwT/"},"b2":{"B":""}}`,
	`{"PK":{"S":"k"},"t":{"BOOL":true},"f":{"BOOL":false},"z":{"NULL":true}}`,
	`{"PK":{"S":"k"},"m":{"M":{"a":{"S":"x"},"b":{"M":{}},"c":{"L":[]},"d":{"M":{"deep":{"L":[{"N":"1"},{"M":{"e":{"NULL":true}}}]}}}}}}`,
	`{"PK":{"S":"k"},"l":{"L":[{"S":"a"},{"N":"1"},{"B":"AQ=="},{"BOOL":false},{"NULL":true},{"L":[{"SS":["x"]}]},{"M":{"k":{"NS":["1"]}}}]},"empty":{"L":[]}}`,
	`{"PK":{"S":"k"},"ss":{"SS":["zeta","alpha","","mid"]},"ns":{"NS":["3","-1","12345678901234567890123456789012345678","0.5"]},"bs":{"BS":["AQ==","AA==","//8="]}}`,
}

func TestEncodeDecodeFidelity(t *testing.T) {
	for _, src := range fidelityItems {
		it, err := attr.ParseItem([]byte(src))
		if err != nil {
			t.Fatalf("seed %s: %v", src, err)
		}
		stored := attr.AppendItem(nil, it)
		text := EncodeItem(it, []string{"PK", "SK"})
		back, err := DecodeItem(text)
		if err != nil {
			t.Fatalf("decode of\n%s\n: %v", text, err)
		}
		if got := attr.AppendItem(nil, back); string(got) != string(stored) {
			t.Errorf("round trip changed the item:\n was %s\n got %s", stored, got)
		}
		// The pretty form of the decoded item is the same text too.
		if again := EncodeItem(back, []string{"PK", "SK"}); string(again) != string(text) {
			t.Errorf("text not stable:\n%s\nvs\n%s", text, again)
		}
	}
}

func TestEncodeItemLayout(t *testing.T) {
	it, _ := attr.ParseItem([]byte(`{"a":{"N":"1"},"SK":{"S":"s"},"PK":{"S":"p"},"m":{"M":{"x":{"L":[{"S":"y"}]}}}}`))
	want := `{
  "PK": {"S": "p"},
  "SK": {"S": "s"},
  "a": {"N": "1"},
  "m": {"M": {
    "x": {"L": [
      {"S": "y"}
    ]}
  }}
}
`
	if got := string(EncodeItem(it, []string{"PK", "SK"})); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestDecodeItemErrors(t *testing.T) {
	for _, src := range []string{`null`, `{"a":{"S":1}}`, `{"a":"x"}`, `{"a":{"N":"1e999"}}`, `{"s":{"SS":["a","a"]}}`, `[`} {
		if _, err := DecodeItem([]byte(src)); err == nil {
			t.Errorf("%s: no error", src)
		}
	}
}

func TestItemLinesColorsEveryType(t *testing.T) {
	th := uitest.Theme(t, "dark")
	it, _ := attr.ParseItem([]byte(fidelityItems[6]))
	lines := ItemLines(th, it, []string{"PK"})
	plainText := ansi.Strip(strings.Join(lines, "\n")) + "\n"
	if plainText != string(EncodeItem(it, []string{"PK"})) {
		t.Errorf("colored text differs from the plain form:\n%s", plainText)
	}
	joined := strings.Join(lines, "\n")
	for _, ty := range []string{"S", "N", "B", "BOOL", "NULL", "L", "SS", "M", "NS"} {
		tag := th.Type(ty).Bold(true).Render(`"` + ty + `"`)
		if !strings.Contains(joined, tag) {
			t.Errorf("type %s is not drawn in its style", ty)
		}
	}
}

func TestValueText(t *testing.T) {
	for _, tc := range []struct{ json, want string }{
		{`{"S":"a\nb"}`, `a\nb`},
		{`{"N":"12345678901234567890123456789012345678"}`, "12345678901234567890123456789012345678"},
		{`{"B":"AAE="}`, "AAE="},
		{`{"BOOL":true}`, "true"},
		{`{"NULL":true}`, "null"},
		{`{"SS":["b","a"]}`, "{b, a}"},
		{`{"NS":["1","2"]}`, "{1, 2}"},
		{`{"L":[{"S":"x"},{"N":"1"},{"B":"AA=="}]}`, `["x", 1, b"AA=="]`},
		{`{"M":{"b":{"N":"2"},"a":{"S":"x"}}}`, `{a: "x", b: 2}`},
	} {
		v, err := attr.ParseValue([]byte(tc.json))
		if err != nil {
			t.Fatal(err)
		}
		if got := ValueText(v, 60); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.json, got, tc.want)
		}
	}
	long, _ := attr.ParseValue([]byte(`{"S":"` + strings.Repeat("x", 10000) + `"}`))
	if n := len(ValueText(long, 20)); n > 200 {
		t.Errorf("a long value is formatted whole: %d bytes", n)
	}
}

func TestFit(t *testing.T) {
	out := Fit("short\n"+strings.Repeat("y", 30)+"\nthree\nfour", 10, 3)
	lines := strings.Split(out, "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines", len(lines))
	}
	for _, l := range lines {
		if ansi.StringWidth(l) != 10 {
			t.Errorf("line %q is %d wide", l, ansi.StringWidth(l))
		}
	}
	if !strings.HasSuffix(lines[1], "…") {
		t.Errorf("cut line has no ellipsis: %q", lines[1])
	}
}

func TestDiff(t *testing.T) {
	old, _ := attr.ParseItem([]byte(`{"PK":{"S":"p"},"a":{"S":"5"},"b":{"N":"1"},"c":{"BOOL":true},"same":{"N":"7"}}`))
	upd, _ := attr.ParseItem([]byte(`{"PK":{"S":"p"},"a":{"N":"5"},"b":{"N":"1.0"},"d":{"SS":["x"]},"same":{"N":"7"}}`))
	d := Diff(old, upd, []string{"PK"})
	got := map[string]DiffKind{}
	for _, e := range d {
		got[e.Name] = e.Kind
	}
	want := map[string]DiffKind{"PK": DiffSame, "a": DiffChanged, "b": DiffSame, "c": DiffRemoved, "d": DiffAdded, "same": DiffSame}
	for n, k := range want {
		if got[n] != k {
			t.Errorf("%s: kind %d, want %d", n, got[n], k)
		}
	}
	if Changes(d) != 3 {
		t.Errorf("changes = %d", Changes(d))
	}
	th := uitest.Theme(t, "dark")
	text := ansi.Strip(strings.Join(DiffLines(th, d, []string{"PK"}), "\n"))
	for _, s := range []string{"PK    S p  (key)", "~ a     S 5 → N 5", "- c     BOOL true", "+ d     SS {x}"} {
		if !strings.Contains(text, s) {
			t.Errorf("diff lacks %q:\n%s", s, text)
		}
	}
}

func TestSparkline(t *testing.T) {
	if got := Sparkline([]float64{0, 5, 10}, 5, 10); got != "  ▁▄█" {
		t.Errorf("got %q", got)
	}
	if got := Sparkline([]float64{1, 2, 3, 4}, 2, 4); got != "▆█" {
		t.Errorf("got %q", got)
	}
	if got := Sparkline([]float64{0.01}, 1, 100); got != "▂" {
		t.Errorf("a small nonzero value disappears: %q", got)
	}
}

func TestStatusBarFits(t *testing.T) {
	th := uitest.Theme(t, "dark")
	for _, w := range []int{20, 40, 80, 120} {
		out := StatusBar(th, []string{"default", "http://127.0.0.1:8000", "Query AppTable", "4 shown / 4 scanned"}, []string{"dark"}, w)
		if got := ansi.StringWidth(out); got != w {
			t.Errorf("width %d: bar is %d wide", w, got)
		}
	}
}

func TestOverlayKeepsSize(t *testing.T) {
	bg := Fit("", 30, 8)
	out := Overlay(bg, "╭──╮\n│hi│\n╰──╯", 30, 8)
	lines := strings.Split(out, "\n")
	if len(lines) != 8 {
		t.Fatalf("%d lines", len(lines))
	}
	for _, l := range lines {
		if ansi.StringWidth(l) != 30 {
			t.Errorf("line %q is %d wide", l, ansi.StringWidth(l))
		}
	}
	if !strings.Contains(out, "│hi│") {
		t.Error("box missing")
	}
}

// TestWrapFirstKeepsWords: rows fit their widths, words are never cut when
// they fit a row, and no text is lost or repeated.
func TestWrapFirstKeepsWords(t *testing.T) {
	s := " Query on AppTable.GSI2-multi (userId = 'u123'): examines that user's items instead of every item in the table"
	for _, w := range []int{12, 20, 33, 80} {
		rows := WrapFirst(s, w, w-4)
		if strings.ReplaceAll(strings.Join(rows, ""), " ", "") != strings.ReplaceAll(s, " ", "") {
			t.Fatalf("width %d: text changed: %q", w, rows)
		}
		for i, r := range rows {
			limit := w
			if i > 0 {
				limit = w - 4
			}
			if Width(r) > limit {
				t.Errorf("width %d: row %q is %d cells", w, r, Width(r))
			}
		}
		joined := " " + strings.Join(rows, " ") + " "
		for _, word := range strings.Fields(s) {
			if Width(word) <= w-4 && !strings.Contains(joined, " "+word+" ") {
				t.Errorf("width %d: %q was cut: %q", w, word, rows)
			}
		}
	}
}

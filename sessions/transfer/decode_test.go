package transfer

import (
	"strings"
	"testing"

	"dynalab/engine/attr"
)

func TestDecodeLine(t *testing.T) {
	for _, tc := range []struct {
		format Format
		line   string
		want   string // canonical DynamoDB JSON, or "error: <substring>"
	}{
		{FormatDDB, `{"pk":{"S":"a"},"n":{"N":"1e3"}}`, `{"n":{"N":"1000"},"pk":{"S":"a"}}`},
		{FormatDDB, `{"Item":{"pk":{"S":"a"}}}`, `{"pk":{"S":"a"}}`},
		{FormatDDB, ` { "Item" : {"pk":{"S":"a"}} } `, `{"pk":{"S":"a"}}`},
		{FormatDDB, `{"Item":{"S":"key"}}`, `{"Item":{"S":"key"}}`}, // a bare item keyed Item
		{FormatDDB, `{"Item":{"pk":{"S":"a"}},"x":1}`, `error: beside Item`},
		{FormatDDB, `{"pk":"a"}`, `error: is the format json?`},
		{FormatDDB, `{"pk":{"S":"a"}`, `error: malformed JSON at column`},
		{FormatDDB, `null`, `error: null is not an item`},
		{FormatDDB, `{"n":{"N":"1e400"}}`, `error: Number overflow`},
		{FormatDDB, `{"s":{"SS":[]}}`, `error: `},
		{FormatJSON, `{"pk":"a","n":12345678901234567890123456789012345678,"f":-0.5e-3,"b":true,"z":null,"l":[1,"x",[]],"m":{"k":{}}}`,
			`{"b":{"BOOL":true},"f":{"N":"-0.0005"},"l":{"L":[{"N":"1"},{"S":"x"},{"L":[]}]},"m":{"M":{"k":{"M":{}}}},"n":{"N":"12345678901234567890123456789012345678"},"pk":{"S":"a"},"z":{"NULL":true}}`},
		{FormatJSON, `{"n":123456789012345678901234567890123456789}`, `error: attribute "n": number 123456789012345678901234567890123456789: Attempting to store more than 38 significant digits`},
		{FormatJSON, `[1,2]`, `error: a line must be a JSON object, not an array`},
		{FormatJSON, `{"a":1} {"b":2}`, `error: more than one value`},
		{FormatJSON, `{"a":1,}`, `error: malformed JSON at column 8`},
		{FormatJSON, `{"a":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}`, `error: nested more than 32 levels`},
	} {
		t.Run(string(tc.format)+" "+tc.line, func(t *testing.T) {
			it, err := DecodeLine(tc.format, []byte(tc.line))
			if want, ok := strings.CutPrefix(tc.want, "error: "); ok {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Fatalf("error %v, want one containing %q", err, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := string(attr.AppendItem(nil, it)); got != tc.want {
				t.Fatalf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestSniffFormat(t *testing.T) {
	for _, tc := range []struct {
		head string
		want Format
	}{
		{`{"pk":{"S":"a"},"n":{"N":"1"}}`, FormatDDB},
		{`{"Item":{"pk":{"S":"a"}}}`, FormatDDB},
		{`{"pk":"a","n":1}`, FormatJSON},
		{`{"pk":{"S":"a"},"n":1}`, FormatJSON},
		{"\n  \n{\"pk\":\"a\"}\n", FormatJSON},
		{"garbage\n{\"pk\":\"a\"}\n", FormatJSON},
		{"{}\n{\"pk\":{\"S\":\"a\"}}", FormatDDB},
		{"pk,sk\n", FormatDDB},
		{"", FormatDDB},
	} {
		if got := SniffFormat([]byte(tc.head)); got != tc.want {
			t.Errorf("SniffFormat(%q) = %s, want %s", tc.head, got, tc.want)
		}
	}
}

func TestParseKeySchema(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"PK:S", "PK:S"},
		{"PK", "PK:S"},
		{"PK:s,SK:N", "PK:S,SK:N"},
		{"id:B", "id:B"},
		{"PK:BOOL", "error: key attributes are S, N or B"},
		{"PK:S,PK:N", "error: must differ"},
		{"a,b,c", "error: want PARTITION_KEY:TYPE"},
		{"", "error: want"},
		{":S", "error: empty"},
	} {
		ks, err := ParseKeySchema(tc.in)
		if want, ok := strings.CutPrefix(tc.want, "error: "); ok {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("ParseKeySchema(%q): error %v, want %q", tc.in, err, want)
			}
			continue
		}
		if err != nil || ks.String() != tc.want {
			t.Errorf("ParseKeySchema(%q) = %s, %v; want %s", tc.in, ks, err, tc.want)
		}
	}
}

func TestParseColumns(t *testing.T) {
	cols, err := ParseColumnList(`pk,sk:N,a:b,"c:d:NS",e:n,tags:SS,x:DDB,*`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cols {
		got = append(got, c.String())
	}
	if want := "pk:S sk:N a:b:S c:d:NS e:n:S tags:SS x:DDB *"; strings.Join(got, " ") != want {
		t.Fatalf("columns %q, want %q", strings.Join(got, " "), want)
	}
	for _, bad := range []string{"a,a:N", ":N", `"a`} {
		if _, err := ParseColumnList(bad); err == nil {
			t.Errorf("ParseColumnList(%q): no error", bad)
		}
	}
}

func TestSplitCSV(t *testing.T) {
	for _, tc := range []struct {
		in       string
		want     []string
		complete bool
		err      string
	}{
		{`a,b,c`, []string{"a", "b", "c"}, true, ""},
		{`a,,`, []string{"a", "", ""}, true, ""},
		{`"a,b","say ""hi""",c`, []string{"a,b", `say "hi"`, "c"}, true, ""},
		{`ab"c,d`, []string{`ab"c`, "d"}, true, ""},
		{`"a`, nil, false, ""},
		{`"a"b,c`, nil, true, `unexpected 'b' after a closing quote`},
		{``, []string{""}, true, ""},
	} {
		cells, complete, err := splitCSV([]byte(tc.in), nil)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("splitCSV(%q): error %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || complete != tc.complete || (complete && strings.Join(cells, "|") != strings.Join(tc.want, "|")) {
			t.Errorf("splitCSV(%q) = %q, %v, %v; want %q, %v", tc.in, cells, complete, err, tc.want, tc.complete)
		}
	}
}

func TestCSVCells(t *testing.T) {
	cols, err := ParseColumnList("pk,n:N,b:B,ok:BOOL,z:NULL,ss:SS,ns:NS,bs:BS,l:L,m:M,d:DDB,*")
	if err != nil {
		t.Fatal(err)
	}
	d := &csvDecoder{cols: cols}
	it, err := d.decode([]string{"a", " 1.50 ", "AQI=", "TRUE", "null", `["x","y"]`, `[1,"2.5"]`, `["AQ=="]`, `[1,{"k":null}]`, `{"a":[true]}`, `{"SS":["q"]}`, `{"extra":{"N":"7"}}`})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"b":{"B":"AQI="},"bs":{"BS":["AQ=="]},"d":{"SS":["q"]},"extra":{"N":"7"},"l":{"L":[{"N":"1"},{"M":{"k":{"NULL":true}}}]},"m":{"M":{"a":{"L":[{"BOOL":true}]}}},"n":{"N":"1.5"},"ns":{"NS":["1","2.5"]},"ok":{"BOOL":true},"pk":{"S":"a"},"ss":{"SS":["x","y"]},"z":{"NULL":true}}`
	if got := string(attr.AppendItem(nil, it)); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	it, err = d.decode([]string{"a", "", "", "", "", "", "", "", "", "", "", ""})
	if err != nil || len(it) != 1 {
		t.Fatalf("empty cells: %v %v", it, err)
	}
	for _, tc := range []struct {
		cells []string
		err   string
	}{
		{[]string{"a"}, "1 cells, but the header has 12 columns"},
		{[]string{"a", "x", "", "", "", "", "", "", "", "", "", ""}, `column n:N: "x": The parameter cannot be converted`},
		{[]string{"a", "", "!!", "", "", "", "", "", "", "", "", ""}, "not base64"},
		{[]string{"a", "", "", "yes", "", "", "", "", "", "", "", ""}, "want true or false"},
		{[]string{"a", "", "", "", "", `["x","x"]`, "", "", "", "", "", ""}, "duplicates"},
		{[]string{"a", "", "", "", "", `[]`, "", "", "", "", "", ""}, "a set cannot be empty"},
		{[]string{"a", "", "", "", "", `[1]`, "", "", "", "", "", ""}, "a number in a SS cell"},
		{[]string{"a", "", "", "", "", "", "", "", `{}`, "", "", ""}, "want a JSON array, not an object"},
		{[]string{"a", "", "", "", "", "", "", "", "", "", `{"S":1}`, ""}, "not DynamoDB JSON"},
		{[]string{"a", "1", "", "", "", "", "", "", "", "", "", `{"n":{"N":"2"}}`}, `attribute "n" is given both`},
	} {
		if _, err := d.decode(tc.cells); err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("decode(%q): error %v, want %q", tc.cells, err, tc.err)
		}
	}
}

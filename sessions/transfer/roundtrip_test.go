package transfer

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"dynalab/engine"
	"dynalab/engine/attr"
)

// roundTripItems are items of every type and the awkward cases of each
// format: 38-digit and extreme numbers, binary bytes, sets, deep nesting,
// empty strings, line breaks, quotes and commas, attribute names with
// colons, attributes that appear only after the CSV sample, and enough
// bytes to need several Scan pages.
func roundTripItems(t testing.TB) []attr.Item {
	t.Helper()
	fixed := []string{
		`{"pk":{"S":"all"},"sk":{"N":"1"},"s":{"S":"héllo, \"wörld\"\r\nline 2\ttab"},"n":{"N":"12345678901234567890123456789012345678"},` +
			`"neg":{"N":"-0.000000000000000000000000000000000000000000000000000001"},"big":{"N":"9.9999999999999999999999999999999999999E+125"},` +
			`"b":{"B":"AP8BAgM="},"t":{"BOOL":true},"f":{"BOOL":false},"z":{"NULL":true},` +
			`"ss":{"SS":["a,b","c\"d","e\nf"," lead"]},"ns":{"NS":["1","-2.5","1E+100"]},"bs":{"BS":["AA==","/w=="]},` +
			`"l":{"L":[{"S":"x"},{"N":"2"},{"L":[]},{"M":{}},{"NULL":true}]},"m":{"M":{"k":{"S":"v"},"deep":{"M":{"a":{"L":[{"N":"1"}]}}}}}}`,
		`{"pk":{"S":"typed-lists"},"sk":{"N":"2"},"l":{"L":[{"B":"AQ=="},{"SS":["q"]}]},"m":{"M":{"b":{"B":"AQ=="}}},"s":{"S":""},"b":{"B":""}}`,
		`{"pk":{"S":"names"},"sk":{"N":"3"},"a:b":{"S":"colon"},"a:N":{"S":"colon type"},"x,y":{"N":"3"},"q\"uote":{"S":"q"},"*":{"S":"star"}}`,
		`{"pk":{"S":"types vary"},"sk":{"N":"4"},"s":{"N":"4"},"n":{"S":"four"},"ss":{"S":"not a set"}}`,
		`{"pk":{"S":"sparse"},"sk":{"N":"-5.5"}}`,
		`{"pk":{"S":"` + strings.Repeat("k", 2048) + `"},"sk":{"N":"6"}}`,
	}
	var items []attr.Item
	for _, s := range fixed {
		items = append(items, mustItem(t, s))
	}
	nest := attr.S("bottom")
	for range 30 {
		nest = attr.M(attr.Item{"d": nest})
	}
	items = append(items, attr.Item{"pk": attr.S("deep"), "sk": attr.Int(7), "nest": nest})
	filler := strings.Repeat("0123456789", 500)
	for i := range 400 {
		it := attr.Item{"pk": attr.S(fmt.Sprintf("bulk#%03d", i%37)), "sk": attr.Int(int64(i)), "filler": attr.S(filler)}
		if i > 300 {
			it["late"] = attr.Int(int64(i)) // first seen after the CSV sample
		}
		items = append(items, it)
	}
	return items
}

func TestRoundTrips(t *testing.T) {
	for _, tc := range []struct {
		format Format
		file   string
		exact  bool
	}{
		{FormatDDB, "items.jsonl", true},
		{FormatDDB, "items.jsonl.gz", true},
		{FormatCSV, "items.csv", true},
		{FormatJSON, "items.json", false},
	} {
		t.Run(tc.file, func(t *testing.T) {
			ctx := context.Background()
			src := openDB(t)
			createTable(t, src, "Src", "pk:S,sk:N")
			putItems(t, src, "Src", roundTripItems(t))

			var out bytes.Buffer
			res, err := Export(ctx, src, &out, ExportOptions{Table: "Src", Format: tc.format, SampleSize: 100})
			if err != nil {
				t.Fatal(err)
			}
			if res.Items != int64(len(roundTripItems(t))) || res.Pages < 2 {
				t.Fatalf("exported %d items in %d pages", res.Items, res.Pages)
			}
			data := out.Bytes()
			if strings.HasSuffix(tc.file, ".gz") {
				data = gzipBytes(t, data)
			}
			path := filepath.Join(t.TempDir(), tc.file)
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}

			dst := openDB(t)
			var log bytes.Buffer
			ires, err := Import(ctx, dst, ImportOptions{Table: "Dst", Key: mustKeySchema(t, "pk:S,sk:N"), Path: path, Log: &log})
			if err != nil {
				t.Fatal(err)
			}
			if ires.Rejected != 0 || ires.Items != res.Items || !ires.Created || ires.Format != tc.format {
				t.Fatalf("import: %s\n%s", ires, log.String())
			}
			want := dump(t, src, "Src")
			if !tc.exact {
				want = nil
				for _, it := range roundTripItems(t) {
					want = append(want, string(attr.AppendItem(nil, plainJSONOf(it))))
				}
				slices.Sort(want)
			}
			got := dump(t, dst, "Dst")
			if len(got) != len(want) {
				t.Fatalf("%d items, want %d", len(got), len(want))
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("item %d:\n got %.600s\nwant %.600s", i, got[i], want[i])
				}
			}
		})
	}
}

// plainJSONOf is what an item becomes through the json format: binaries
// become base64 strings and sets become lists.
func plainJSONOf(it attr.Item) attr.Item {
	out := attr.Item{}
	for k, v := range it {
		out[k] = plainValueOf(v)
	}
	return out
}

func plainValueOf(v attr.Value) attr.Value {
	switch v.Type() {
	case attr.TypeB:
		return attr.S(base64.StdEncoding.EncodeToString(v.Bytes()))
	case attr.TypeSS, attr.TypeNS, attr.TypeBS, attr.TypeL:
		var list []attr.Value
		for _, e := range v.List() { // a set's members too
			list = append(list, plainValueOf(e))
		}
		return attr.L(list)
	case attr.TypeM:
		return attr.M(plainJSONOf(v.Map()))
	}
	return v
}

func TestExportCSVHeader(t *testing.T) {
	db := openDB(t)
	createTable(t, db, "Tab", "pk:S")
	putItems(t, db, "Tab", []attr.Item{
		mustItem(t, `{"pk":{"S":"a"},"price":{"N":"1.50"},"tags":{"SS":["x"]},"m":{"M":{"k":{"S":"v"}}},"mixed":{"S":"s"}}`),
		mustItem(t, `{"pk":{"S":"b"},"mixed":{"N":"2"},"bin":{"B":"AQ=="}}`),
	})
	var out bytes.Buffer
	res, err := Export(context.Background(), db, &out, ExportOptions{Table: "Tab", Format: FormatCSV})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(out.String(), "\n")
	if want := "pk:S,bin:B,m:M,mixed:DDB,price:N,tags:SS,*"; lines[0] != want {
		t.Fatalf("header %q, want %q", lines[0], want)
	}
	body := strings.Join(slices.Sorted(slices.Values(lines[1:3])), "\n")
	if want := "a,,\"{\"\"k\"\":\"\"v\"\"}\",\"{\"\"S\"\":\"\"s\"\"}\",1.5,\"[\"\"x\"\"]\",\nb,AQ==,,\"{\"\"N\"\":\"\"2\"\"}\",,,"; body != want {
		t.Fatalf("records:\n%s\nwant:\n%s", body, want)
	}

	// Given columns without "*": what fits no column is counted, not written.
	out.Reset()
	cols, _ := ParseColumnList("pk,price:N")
	res, err = Export(context.Background(), db, &out, ExportOptions{Table: "Tab", Format: FormatCSV, Columns: cols})
	if err != nil {
		t.Fatal(err)
	}
	if res.Dropped != 5 || !strings.Contains(res.String(), "5 attribute values not written") {
		t.Fatalf("dropped %d: %s", res.Dropped, res)
	}
	// The given columns are the header, so that the file imports back.
	if lines := strings.Split(out.String(), "\n"); lines[0] != "pk:S,price:N" || len(lines) != 4 {
		t.Fatalf("with --columns:\n%s", out.String())
	}
	out.Reset()
	cols, _ = ParseColumnList("pk:S,price:N,*")
	if _, err := Export(context.Background(), db, &out, ExportOptions{Table: "Tab", Format: FormatCSV, Columns: cols}); err != nil {
		t.Fatal(err)
	}
	createTable(t, db, "Back", "pk:S")
	if _, err := Import(context.Background(), db, ImportOptions{Table: "Back", Format: FormatCSV, Path: "-", Stdin: strings.NewReader(out.String())}); err != nil {
		t.Fatalf("import of the export: %v\n%s", err, out.String())
	}
	for _, k := range []string{"a", "b"} {
		key := attr.Item{"pk": attr.S(k)}
		src, _ := db.GetItem(context.Background(), &engine.GetItemInput{TableName: "Tab", Key: key})
		got, _ := db.GetItem(context.Background(), &engine.GetItemInput{TableName: "Back", Key: key})
		if !attr.Equal(attr.M(src.Item), attr.M(got.Item)) {
			t.Errorf("%s: exported %s, imported back %s", k, attr.AppendItem(nil, src.Item), attr.AppendItem(nil, got.Item))
		}
	}
}

func TestExportJSON(t *testing.T) {
	db := openDB(t)
	createTable(t, db, "Tab", "pk:S")
	putItems(t, db, "Tab", []attr.Item{mustItem(t, `{"pk":{"S":"a"},"n":{"N":"12345678901234567890123456789012345678"},"b":{"B":"AQ=="},"ns":{"NS":["2","1"]},"z":{"NULL":true},"l":{"L":[{"BOOL":false}]}}`)})
	var out bytes.Buffer
	if _, err := Export(context.Background(), db, &out, ExportOptions{Table: "Tab", Format: FormatJSON}); err != nil {
		t.Fatal(err)
	}
	if want := `{"b":"AQ==","l":[false],"n":12345678901234567890123456789012345678,"ns":[1,2],"pk":"a","z":null}` + "\n"; out.String() != want &&
		out.String() != strings.Replace(want, "[1,2]", "[2,1]", 1) {
		t.Fatalf("got %s want %s", out.String(), want)
	}
	if _, err := Export(context.Background(), db, &out, ExportOptions{Table: "Nope"}); err == nil || !strings.Contains(err.Error(), "table Nope does not exist") {
		t.Fatalf("missing table: %v", err)
	}
}

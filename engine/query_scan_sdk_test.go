package engine_test

import (
	"bytes"
	"fmt"
	"math/big"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"dynalab/engine"
	"dynalab/engine/enginetest"
)

// queryPages runs a Query to the end, following LastEvaluatedKey, and
// returns every page. The input is copied, not changed.
func queryPages(t *testing.T, c *dynamodb.Client, in dynamodb.QueryInput) []*dynamodb.QueryOutput {
	t.Helper()
	var pages []*dynamodb.QueryOutput
	for range 1000 {
		out, err := c.Query(enginetest.Ctx(t), &in, retryTransport)
		if err != nil {
			t.Fatalf("Query page %d: %v", len(pages), err)
		}
		pages = append(pages, out)
		if out.LastEvaluatedKey == nil {
			return pages
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
	t.Fatalf("Query did not end after 1000 pages")
	return nil
}

// scanPages is queryPages for Scan.
func scanPages(t *testing.T, c *dynamodb.Client, in dynamodb.ScanInput) []*dynamodb.ScanOutput {
	t.Helper()
	var pages []*dynamodb.ScanOutput
	for range 1000 {
		out, err := c.Scan(enginetest.Ctx(t), &in, retryTransport)
		if err != nil {
			t.Fatalf("Scan page %d: %v", len(pages), err)
		}
		pages = append(pages, out)
		if out.LastEvaluatedKey == nil {
			return pages
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
	t.Fatalf("Scan did not end after 1000 pages")
	return nil
}

func queryItems(pages []*dynamodb.QueryOutput) []av {
	var items []av
	for _, p := range pages {
		items = append(items, p.Items...)
	}
	return items
}

func scanItems(pages []*dynamodb.ScanOutput) []av {
	var items []av
	for _, p := range pages {
		items = append(items, p.Items...)
	}
	return items
}

// sortKeys renders the SK of each item, for comparing orders.
func sortKeys(items []av, name string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = show(it[name])
	}
	return out
}

func showAll(vs []types.AttributeValue) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = show(v)
	}
	return out
}

// compareKey orders two key values of one type as the service does:
// numbers by value, strings and binaries by unsigned bytes.
func compareKey(a, b types.AttributeValue) int {
	switch x := a.(type) {
	case *types.AttributeValueMemberN:
		ra, _ := new(big.Rat).SetString(x.Value)
		rb, _ := new(big.Rat).SetString(b.(*types.AttributeValueMemberN).Value)
		return ra.Cmp(rb)
	case *types.AttributeValueMemberS:
		return strings.Compare(x.Value, b.(*types.AttributeValueMemberS).Value)
	case *types.AttributeValueMemberB:
		return bytes.Compare(x.Value, b.(*types.AttributeValueMemberB).Value)
	}
	panic(fmt.Sprintf("compareKey %T", a))
}

func hasKeyPrefix(a, p types.AttributeValue) bool {
	switch x := a.(type) {
	case *types.AttributeValueMemberS:
		return strings.HasPrefix(x.Value, p.(*types.AttributeValueMemberS).Value)
	case *types.AttributeValueMemberB:
		return bytes.HasPrefix(x.Value, p.(*types.AttributeValueMemberB).Value)
	}
	return false
}

// TestQuerySortKeyConditions runs every sort-key operator of key condition
// expressions (Developer Guide, Query) on S, N and B sort keys, forward and
// backward, whole and paged, against the Developer Guide's Query order
// (numbers by value, strings and binaries by unsigned bytes).
func TestQuerySortKeyConditions(t *testing.T) {
	e := newSDKEnv(t, engine.Options{})
	b := func(v ...byte) types.AttributeValue { return bin(v...) }
	type keyset struct {
		typ    types.ScalarAttributeType
		sorted []types.AttributeValue // canonical, ascending
		input  map[int]string         // N only: index → form written in PutItem
		probes []types.AttributeValue // operands: present and absent values
		pre    []types.AttributeValue // begins_with prefixes (S, B)
	}
	sets := []keyset{
		{typ: types.ScalarAttributeTypeN,
			sorted: []types.AttributeValue{n("-1000"), n("-10"), n("-2.5"), n("-1"), n("-0.5"), n("0"), n("0.001"), n("1"), n("2"), n("9"),
				n("10"), n("10.5"), n("100"), n("1000"), n("12345678901234567890123456789012345678")},
			input:  map[int]string{0: "-1e3", 7: "1.0", 9: "+9", 13: "1E+3", 6: "0.10e-2"},
			probes: []types.AttributeValue{n("10"), n("1e1"), n("3"), n("-1"), n("-3"), n("0"), n("1e3"), n("-2000"), n("1e38")}},
		{typ: types.ScalarAttributeTypeS,
			sorted: []types.AttributeValue{s("A"), s("B"), s("Z"), s("a"), s("a\x00"), s("aa"), s("ab"), s("b"), s("ba"), s("bb"), s("z"), s("é"), s("世")},
			probes: []types.AttributeValue{s("a"), s("aa"), s("b"), s("az"), s("B"), s("é"), s("\x00"), s("~")},
			pre:    []types.AttributeValue{s("a"), s("b"), s("é"), s("z"), s("q"), s("A")}},
		{typ: types.ScalarAttributeTypeB,
			sorted: []types.AttributeValue{b(0), b(0, 0), b(0, 1), b(1), b(1, 0), b(0x7f), b(0x80), b(0x80, 0xff), b(0xfe), b(0xff), b(0xff, 0), b(0xff, 0xff)},
			probes: []types.AttributeValue{b(0x7f), b(0x80), b(0x7f, 0xff), b(0), b(0xff), b(2)},
			pre:    []types.AttributeValue{b(0), b(0xff), b(0x80), b(1), b(3)}},
	}
	for _, ks := range sets {
		t.Run(string(ks.typ), func(t *testing.T) {
			table := "Query" + string(ks.typ)
			createTable(t, e.c, table, keyDef{"PK", types.ScalarAttributeTypeS}, keyDef{"SK", ks.typ})
			for i := 1; i < len(ks.sorted); i++ {
				if compareKey(ks.sorted[i-1], ks.sorted[i]) >= 0 {
					t.Fatalf("test bug: %s not below %s", show(ks.sorted[i-1]), show(ks.sorted[i]))
				}
			}
			// Written in a scrambled order, in the queried partition and
			// in two neighbours.
			for j := range ks.sorted {
				i := (j * 7) % len(ks.sorted)
				skv := ks.sorted[i]
				if form, ok := ks.input[i]; ok {
					skv = n(form)
				}
				for _, pk := range []string{"p", "o", "pp"} {
					putItem(t, e.c, table, av{"PK": s(pk), "SK": skv, "i": n(fmt.Sprint(i))})
				}
			}
			type qcase struct {
				name, cond string
				vals       av
				keep       func(v types.AttributeValue) bool
			}
			var cases []qcase
			cases = append(cases, qcase{"no sort key condition", "PK = :p", av{}, func(types.AttributeValue) bool { return true }})
			for _, pv := range ks.probes {
				for _, op := range []struct {
					sym  string
					keep func(c int) bool
				}{
					{"=", func(c int) bool { return c == 0 }}, {"<", func(c int) bool { return c < 0 }}, {"<=", func(c int) bool { return c <= 0 }},
					{">", func(c int) bool { return c > 0 }}, {">=", func(c int) bool { return c >= 0 }},
				} {
					cases = append(cases, qcase{"SK " + op.sym + " " + show(pv), "PK = :p AND SK " + op.sym + " :v", av{":v": pv},
						func(v types.AttributeValue) bool { return op.keep(compareKey(v, pv)) }})
				}
			}
			for i, lo := range ks.probes {
				for _, hi := range ks.probes[i:] {
					if compareKey(lo, hi) > 0 {
						continue
					}
					cases = append(cases, qcase{"SK BETWEEN " + show(lo) + " AND " + show(hi), "PK = :p AND SK BETWEEN :lo AND :hi", av{":lo": lo, ":hi": hi},
						func(v types.AttributeValue) bool { return compareKey(v, lo) >= 0 && compareKey(v, hi) <= 0 }})
				}
			}
			for _, pre := range ks.pre {
				cases = append(cases, qcase{"begins_with " + show(pre), "PK = :p AND begins_with(SK, :v)", av{":v": pre},
					func(v types.AttributeValue) bool { return hasKeyPrefix(v, pre) }})
			}
			// Other spellings of the same conditions.
			mid := ks.probes[0]
			cases = append(cases,
				qcase{"reversed operands :v > SK", ":v > SK AND PK = :p", av{":v": mid}, func(v types.AttributeValue) bool { return compareKey(v, mid) < 0 }},
				qcase{"sort key condition first", "SK >= :v AND PK = :p", av{":v": mid}, func(v types.AttributeValue) bool { return compareKey(v, mid) >= 0 }},
				qcase{"placeholders and parentheses", "(#p = :p) AND (#s <= :v)", av{":v": mid}, func(v types.AttributeValue) bool { return compareKey(v, mid) <= 0 }},
			)
			for _, qc := range cases {
				t.Run(qc.name, func(t *testing.T) {
					var want []types.AttributeValue
					for _, v := range ks.sorted {
						if qc.keep(v) {
							want = append(want, v)
						}
					}
					vals := av{":p": s("p")}
					for k, v := range qc.vals {
						vals[k] = v
					}
					var names map[string]string
					if strings.Contains(qc.cond, "#") {
						names = map[string]string{"#p": "PK", "#s": "SK"}
					}
					base := dynamodb.QueryInput{TableName: aws.String(table), KeyConditionExpression: aws.String(qc.cond),
						ExpressionAttributeValues: vals, ExpressionAttributeNames: names, ConsistentRead: aws.Bool(true)}
					for _, v := range []struct {
						name    string
						forward bool
						limit   int32
					}{{"forward", true, 0}, {"backward", false, 0}, {"forward by 2", true, 2}, {"backward by 3", false, 3}} {
						in := base
						in.ScanIndexForward = aws.Bool(v.forward)
						if v.limit > 0 {
							in.Limit = aws.Int32(v.limit)
						}
						pages := queryPages(t, e.c, in)
						items := queryItems(pages)
						exp := want
						if !v.forward {
							exp = make([]types.AttributeValue, len(want))
							for i := range want {
								exp[i] = want[len(want)-1-i]
							}
						}
						got := sortKeys(items, "SK")
						if fmt.Sprint(got) != fmt.Sprint(showAll(exp)) {
							t.Fatalf("%s %s:\n got %v\nwant %v", v.name, qc.cond, got, showAll(exp))
						}
						for _, it := range items {
							if !avEqual(it["PK"], s("p")) || len(it) != 3 {
								t.Fatalf("%s: foreign or incomplete item %s", v.name, showItem(it))
							}
						}
						if v.limit == 0 && (len(pages) != 1 || pages[0].Count != int32(len(want)) || pages[0].ScannedCount != int32(len(want))) {
							t.Fatalf("%s: %d pages, Count %d, ScannedCount %d; want 1 page of %d", v.name, len(pages), pages[0].Count, pages[0].ScannedCount, len(want))
						}
					}
				})
			}
		})
	}
}

// TestQueryPaging checks Limit and LastEvaluatedKey (Developer Guide, Query
// pagination; the key after a full last page as dynalite models it): a page
// that stops at Limit carries the key of its last item, even when nothing
// follows; the next call then returns an empty page without a key.
func TestQueryPaging(t *testing.T) {
	e := newSDKEnv(t, engine.Options{})
	createAppTable(t, e.c)
	ctx := enginetest.Ctx(t)
	for i := range 10 {
		putItem(t, e.c, "AppTable", withKey("page", fmt.Sprintf("%02d", i), av{"v": n(fmt.Sprint(i))}))
	}
	putItem(t, e.c, "AppTable", withKey("page2", "00", nil))
	base := dynamodb.QueryInput{TableName: aws.String("AppTable"), KeyConditionExpression: aws.String("PK = :p"),
		ExpressionAttributeValues: av{":p": s("page")}}
	tests := []struct {
		limit   int32
		forward bool
		counts  []int32 // items per page
	}{
		{3, true, []int32{3, 3, 3, 1}},
		{5, true, []int32{5, 5, 0}},
		{10, true, []int32{10, 0}},
		{11, true, []int32{10}},
		{1, true, []int32{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0}},
		{4, false, []int32{4, 4, 2}},
		{5, false, []int32{5, 5, 0}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("limit %d forward %v", tt.limit, tt.forward), func(t *testing.T) {
			in := base
			in.Limit = aws.Int32(tt.limit)
			in.ScanIndexForward = aws.Bool(tt.forward)
			pages := queryPages(t, e.c, in)
			var counts []int32
			var all []string
			for i, p := range pages {
				counts = append(counts, p.Count)
				if p.ScannedCount != p.Count || int(p.Count) != len(p.Items) {
					t.Fatalf("page %d: Count %d ScannedCount %d items %d", i, p.Count, p.ScannedCount, len(p.Items))
				}
				if p.LastEvaluatedKey != nil {
					last := p.Items[len(p.Items)-1]
					if !itemEqual(p.LastEvaluatedKey, key("page", last["SK"].(*types.AttributeValueMemberS).Value)) {
						t.Fatalf("page %d: LastEvaluatedKey %s, want the key of %s", i, showItem(p.LastEvaluatedKey), showItem(last))
					}
				}
				for _, it := range p.Items {
					all = append(all, it["SK"].(*types.AttributeValueMemberS).Value)
				}
			}
			if fmt.Sprint(counts) != fmt.Sprint(tt.counts) {
				t.Fatalf("page sizes %v, want %v", counts, tt.counts)
			}
			want := []string{"00", "01", "02", "03", "04", "05", "06", "07", "08", "09"}
			if !tt.forward {
				sort.Sort(sort.Reverse(sort.StringSlice(want)))
			}
			if fmt.Sprint(all) != fmt.Sprint(want) {
				t.Fatalf("items %v, want %v", all, want)
			}
		})
	}

	t.Run("ExclusiveStartKey of an absent item", func(t *testing.T) {
		in := base
		in.ExclusiveStartKey = key("page", "04x")
		out, err := e.c.Query(ctx, &in)
		if err != nil {
			t.Fatal(err)
		}
		if got := sortKeys(out.Items, "SK"); fmt.Sprint(got) != `[{S:"05"} {S:"06"} {S:"07"} {S:"08"} {S:"09"}]` {
			t.Fatalf("items after 04x: %v", got)
		}
		in.ScanIndexForward = aws.Bool(false)
		out, err = e.c.Query(ctx, &in)
		if err != nil {
			t.Fatal(err)
		}
		if got := sortKeys(out.Items, "SK"); fmt.Sprint(got) != `[{S:"04"} {S:"03"} {S:"02"} {S:"01"} {S:"00"}]` {
			t.Fatalf("items before 04x backward: %v", got)
		}
	})
	t.Run("ExclusiveStartKey with a sort key condition", func(t *testing.T) {
		in := base
		in.KeyConditionExpression = aws.String("PK = :p AND SK BETWEEN :lo AND :hi")
		in.ExpressionAttributeValues = av{":p": s("page"), ":lo": s("02"), ":hi": s("06")}
		in.ExclusiveStartKey = key("page", "03")
		out, err := e.c.Query(ctx, &in)
		if err != nil {
			t.Fatal(err)
		}
		if got := sortKeys(out.Items, "SK"); fmt.Sprint(got) != `[{S:"04"} {S:"05"} {S:"06"}]` || out.LastEvaluatedKey != nil {
			t.Fatalf("items %v LastEvaluatedKey %s", got, showItem(out.LastEvaluatedKey))
		}
	})
	const outside = "The provided starting key is outside query boundaries based on provided conditions"
	for _, c := range []struct {
		name, cond string
		vals       av
		start      av
		msg        string
	}{
		{"another partition", "PK = :p", av{":p": s("page")}, key("page2", "00"), outside},
		{"below the sort key range", "PK = :p AND SK > :v", av{":p": s("page"), ":v": s("05")}, key("page", "01"), outside},
		{"above the sort key range", "PK = :p AND SK <= :v", av{":p": s("page"), ":v": s("05")}, key("page", "07"), outside},
		{"outside begins_with", "PK = :p AND begins_with(SK, :v)", av{":p": s("page"), ":v": s("0")}, key("page", "10"), outside},
		{"extra attribute", "PK = :p", av{":p": s("page")}, withKey("page", "01", av{"v": n("1")}), ""},
		{"missing sort key", "PK = :p", av{":p": s("page")}, av{"PK": s("page")}, ""},
		{"wrong type", "PK = :p", av{":p": s("page")}, av{"PK": s("page"), "SK": n("1")}, ""},
	} {
		t.Run("ExclusiveStartKey "+c.name, func(t *testing.T) {
			_, err := e.c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("AppTable"), KeyConditionExpression: aws.String(c.cond),
				ExpressionAttributeValues: c.vals, ExclusiveStartKey: c.start})
			wantAPIError(t, err, "ValidationException", c.msg)
			if c.msg == "" && !strings.HasPrefix(apiMessage(err), "The provided starting key is invalid") {
				t.Fatalf("got %v, want \"The provided starting key is invalid…\"", err)
			}
		})
	}
}

// TestQueryFilterProjectionSelect: FilterExpression applies after Limit
// (Count vs ScannedCount), ProjectionExpression keeps nested structure and
// does not add keys, Select COUNT returns no Items (Developer Guide, Query
// and projection expressions; API Reference Query, Select).
func TestQueryFilterProjectionSelect(t *testing.T) {
	e := newSDKEnv(t, engine.Options{})
	createAppTable(t, e.c)
	ctx := enginetest.Ctx(t)
	for i := range 10 {
		putItem(t, e.c, "AppTable", withKey("f", fmt.Sprintf("%02d", i), av{
			"v":   n(fmt.Sprint(i)),
			"odd": boolv(i%2 == 1),
			"doc": mapv(av{"a": n(fmt.Sprint(i * 10)), "b": s("x"), "l": list(s("l0"), s("l1"), mapv(av{"k": n(fmt.Sprint(i))}))}),
		}))
	}
	base := dynamodb.QueryInput{TableName: aws.String("AppTable"), KeyConditionExpression: aws.String("PK = :p")}
	t.Run("filter counts", func(t *testing.T) {
		in := base
		in.FilterExpression = aws.String("v >= :five")
		in.ExpressionAttributeValues = av{":p": s("f"), ":five": n("5")}
		out, err := e.c.Query(ctx, &in)
		if err != nil {
			t.Fatal(err)
		}
		if out.Count != 5 || out.ScannedCount != 10 || len(out.Items) != 5 || out.LastEvaluatedKey != nil {
			t.Fatalf("Count %d ScannedCount %d items %d LEK %v; want 5, 10, 5, none", out.Count, out.ScannedCount, len(out.Items), out.LastEvaluatedKey)
		}
		// Limit counts items read, not items returned.
		in.Limit = aws.Int32(4)
		pages := queryPages(t, e.c, in)
		var counts, scanned []int32
		for _, p := range pages {
			counts = append(counts, p.Count)
			scanned = append(scanned, p.ScannedCount)
		}
		if fmt.Sprint(counts) != "[0 3 2]" || fmt.Sprint(scanned) != "[4 4 2]" {
			t.Fatalf("paged filter: Count %v ScannedCount %v, want [0 3 2] [4 4 2]", counts, scanned)
		}
		if pages[0].Items == nil || len(pages[0].Items) != 0 || pages[0].LastEvaluatedKey == nil {
			t.Fatalf("first page: Items %v LEK %v; want an empty list and a key", pages[0].Items, pages[0].LastEvaluatedKey)
		}
		if got := sortKeys(queryItems(pages), "SK"); len(got) != 5 || got[0] != `{S:"05"}` {
			t.Fatalf("filtered items %v", got)
		}
	})
	t.Run("filter with functions and nested paths", func(t *testing.T) {
		in := base
		in.FilterExpression = aws.String("odd = :t AND doc.l[2].k > :three AND attribute_exists(doc.b)")
		in.ExpressionAttributeValues = av{":p": s("f"), ":t": boolv(true), ":three": n("3")}
		out, err := e.c.Query(ctx, &in)
		if err != nil {
			t.Fatal(err)
		}
		if got := sortKeys(out.Items, "SK"); fmt.Sprint(got) != `[{S:"05"} {S:"07"} {S:"09"}]` || out.ScannedCount != 10 {
			t.Fatalf("got %v (scanned %d)", got, out.ScannedCount)
		}
	})
	t.Run("projection", func(t *testing.T) {
		in := base
		in.KeyConditionExpression = aws.String("PK = :p AND SK = :s")
		in.ExpressionAttributeValues = av{":p": s("f"), ":s": s("03")}
		in.ProjectionExpression = aws.String("doc.l[2].k, doc.l[0], doc.a, v, nope, doc.zz")
		out, err := e.c.Query(ctx, &in)
		if err != nil {
			t.Fatal(err)
		}
		want := av{"v": n("3"), "doc": mapv(av{"a": n("30"), "l": list(s("l0"), mapv(av{"k": n("3")}))})}
		if len(out.Items) != 1 || !itemEqual(out.Items[0], want) {
			t.Fatalf("projected %v, want %s", out.Items, showItem(want))
		}
		in.ProjectionExpression = aws.String("#s, #n")
		in.ExpressionAttributeNames = map[string]string{"#s": "SK", "#n": "nope"}
		out, err = e.c.Query(ctx, &in)
		if err != nil || len(out.Items) != 1 || !itemEqual(out.Items[0], av{"SK": s("03")}) {
			t.Fatalf("projection of the sort key only: %v, %v", out.Items, err)
		}
	})
	t.Run("select COUNT", func(t *testing.T) {
		in := base
		in.ExpressionAttributeValues = av{":p": s("f"), ":five": n("5")}
		in.FilterExpression = aws.String("v < :five")
		in.Select = types.SelectCount
		out, err := e.c.Query(ctx, &in)
		if err != nil {
			t.Fatal(err)
		}
		if out.Items != nil || out.Count != 5 || out.ScannedCount != 10 {
			t.Fatalf("COUNT: Items %v Count %d ScannedCount %d", out.Items, out.Count, out.ScannedCount)
		}
		in.Limit = aws.Int32(7)
		out, err = e.c.Query(ctx, &in)
		if err != nil || out.Items != nil || out.Count != 5 || out.ScannedCount != 7 || out.LastEvaluatedKey == nil {
			t.Fatalf("COUNT with Limit: %+v, %v", out, err)
		}
	})
	t.Run("select COUNT with a projection", func(t *testing.T) {
		in := base
		in.ExpressionAttributeValues = av{":p": s("f")}
		in.Select = types.SelectCount
		in.ProjectionExpression = aws.String("v")
		_, err := e.c.Query(ctx, &in)
		wantAPIError(t, err, "ValidationException", "")
	})
	t.Run("select ALL_ATTRIBUTES", func(t *testing.T) {
		in := base
		in.ExpressionAttributeValues = av{":p": s("f")}
		in.Select = types.SelectAllAttributes
		out, err := e.c.Query(ctx, &in)
		if err != nil || out.Count != 10 || len(out.Items[0]) != 5 {
			t.Fatalf("ALL_ATTRIBUTES: %v, %v", out, err)
		}
	})
	t.Run("no match", func(t *testing.T) {
		in := base
		in.ExpressionAttributeValues = av{":p": s("nobody")}
		out, err := e.c.Query(ctx, &in)
		if err != nil || out.Items == nil || len(out.Items) != 0 || out.Count != 0 || out.ScannedCount != 0 || out.LastEvaluatedKey != nil {
			t.Fatalf("empty query: %+v, %v; want Items [] and zero counts", out, err)
		}
	})
}

// TestQueryAndScanPageSize: a page stops after about 1 MB of items read
// (Developer Guide, Query pagination; the exact boundary is not
// documented), and following LastEvaluatedKey still returns every item
// exactly once.
func TestQueryAndScanPageSize(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 3 MB")
	}
	e := newSDKEnv(t, engine.Options{NoThrottle: true}) // 400 KB items to one key: past a partition's 1,000 WCU/s
	createAppTable(t, e.c)
	const count, size = 30, 100 * 1024
	sizes := map[string]int{}
	for i := range count {
		it := padItem("big", fmt.Sprintf("%02d", i), size)
		putItem(t, e.c, "AppTable", it)
		sizes[fmt.Sprintf("%02d", i)] = itemSize(it)
	}
	check := func(t *testing.T, pageItems [][]av, scanned []int32, leks []bool) {
		t.Helper()
		seen := map[string]int{}
		for p, items := range pageItems {
			bytes := 0
			for _, it := range items {
				sk := it["SK"].(*types.AttributeValueMemberS).Value
				seen[sk]++
				bytes += sizes[sk]
			}
			if p < len(pageItems)-1 {
				// Stopped by size: at least 1 MB minus one item read, at
				// most 1 MB plus the item that crossed it.
				if !leks[p] || bytes < 1<<20-size || bytes > 1<<20+size {
					t.Fatalf("page %d: %d items, %d bytes, LastEvaluatedKey %v; want about 1 MB and a key", p, len(items), bytes, leks[p])
				}
			}
			if int(scanned[p]) != len(items) {
				t.Fatalf("page %d: ScannedCount %d, %d items", p, scanned[p], len(items))
			}
		}
		if len(pageItems) < 3 || len(seen) != count {
			t.Fatalf("%d pages, %d distinct items; want ≥ 3 pages and %d items", len(pageItems), len(seen), count)
		}
		for sk, c := range seen {
			if c != 1 {
				t.Fatalf("item %s returned %d times", sk, c)
			}
		}
	}
	t.Run("query", func(t *testing.T) {
		pages := queryPages(t, e.c, dynamodb.QueryInput{TableName: aws.String("AppTable"), KeyConditionExpression: aws.String("PK = :p"),
			ExpressionAttributeValues: av{":p": s("big")}, ConsistentRead: aws.Bool(true), ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal})
		var items [][]av
		var scanned []int32
		var leks []bool
		for _, p := range pages {
			items = append(items, p.Items)
			scanned = append(scanned, p.ScannedCount)
			leks = append(leks, p.LastEvaluatedKey != nil)
			total := 0
			for _, it := range p.Items {
				total += itemSize(it)
			}
			if want := readUnitsFor(total, true); units(p.ConsumedCapacity) != want {
				t.Fatalf("page of %d bytes: %v RCU, want %v", total, units(p.ConsumedCapacity), want)
			}
		}
		check(t, items, scanned, leks)
	})
	t.Run("query with a filter that drops everything", func(t *testing.T) {
		pages := queryPages(t, e.c, dynamodb.QueryInput{TableName: aws.String("AppTable"), KeyConditionExpression: aws.String("PK = :p"),
			FilterExpression: aws.String("attribute_exists(nope)"), ExpressionAttributeValues: av{":p": s("big")}})
		total := int32(0)
		for i, p := range pages {
			total += p.ScannedCount
			if p.Count != 0 || len(p.Items) != 0 || (i < len(pages)-1 && (p.LastEvaluatedKey == nil || p.ScannedCount > 12)) {
				t.Fatalf("page %d: Count %d ScannedCount %d LEK %v", i, p.Count, p.ScannedCount, p.LastEvaluatedKey)
			}
		}
		if len(pages) < 3 || total != count {
			t.Fatalf("%d pages scanning %d items; want ≥ 3 pages and %d", len(pages), total, count)
		}
	})
	t.Run("scan", func(t *testing.T) {
		pages := scanPages(t, e.c, dynamodb.ScanInput{TableName: aws.String("AppTable")})
		var items [][]av
		var scanned []int32
		var leks []bool
		for _, p := range pages {
			items = append(items, p.Items)
			scanned = append(scanned, p.ScannedCount)
			leks = append(leks, p.LastEvaluatedKey != nil)
		}
		check(t, items, scanned, leks)
	})
}

// TestQueryCapacity: Query sums the sizes of the items read (before the
// filter) and rounds up once to 4 KB; eventually consistent is half; an
// empty result costs the minimum (Developer Guide, capacity unit
// consumption).
func TestQueryCapacity(t *testing.T) {
	e := newSDKEnv(t, engine.Options{})
	createAppTable(t, e.c)
	ctx := enginetest.Ctx(t)
	for i := range 5 {
		putItem(t, e.c, "AppTable", padItem("cap", fmt.Sprint(i), 1000))
	}
	for i := range 3 {
		putItem(t, e.c, "AppTable", padItem("cap4k", fmt.Sprint(i), 4096))
	}
	tests := []struct {
		name       string
		pk, filter string
		limit      int32
		consistent bool
		mode       types.ReturnConsumedCapacity
		want       float64
	}{
		{"5 × 1000 B strong", "cap", "", 0, true, types.ReturnConsumedCapacityTotal, 2},
		{"5 × 1000 B eventual", "cap", "", 0, false, types.ReturnConsumedCapacityTotal, 1},
		{"filter does not reduce", "cap", "attribute_exists(nope)", 0, true, types.ReturnConsumedCapacityTotal, 2},
		{"projection does not reduce", "cap", "proj", 0, true, types.ReturnConsumedCapacityTotal, 2},
		{"Limit 2", "cap", "", 2, true, types.ReturnConsumedCapacityTotal, 1},
		{"Limit 2 eventual", "cap", "", 2, false, types.ReturnConsumedCapacityTotal, 0.5},
		{"3 × 4 KB", "cap4k", "", 0, true, types.ReturnConsumedCapacityIndexes, 3},
		{"3 × 4 KB eventual", "cap4k", "", 0, false, types.ReturnConsumedCapacityIndexes, 1.5},
		{"empty strong", "nobody", "", 0, true, types.ReturnConsumedCapacityTotal, 1},
		{"empty eventual", "nobody", "", 0, false, types.ReturnConsumedCapacityIndexes, 0.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &dynamodb.QueryInput{TableName: aws.String("AppTable"), KeyConditionExpression: aws.String("PK = :p"),
				ExpressionAttributeValues: av{":p": s(tt.pk)}, ConsistentRead: aws.Bool(tt.consistent), ReturnConsumedCapacity: tt.mode}
			switch tt.filter {
			case "":
			case "proj":
				in.ProjectionExpression = aws.String("PK")
			default:
				in.FilterExpression = aws.String(tt.filter)
			}
			if tt.limit > 0 {
				in.Limit = aws.Int32(tt.limit)
			}
			out, err := e.c.Query(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			c := out.ConsumedCapacity
			if units(c) != tt.want || c.TableName == nil || *c.TableName != "AppTable" {
				t.Fatalf("ConsumedCapacity %+v (%v units), want %v", c, units(c), tt.want)
			}
			if hasTable := c.Table != nil; hasTable != (tt.mode == types.ReturnConsumedCapacityIndexes) ||
				(hasTable && (c.Table.CapacityUnits == nil || *c.Table.CapacityUnits != tt.want)) {
				t.Fatalf("Table part %+v for mode %s", c.Table, tt.mode)
			}
		})
	}
	t.Run("NONE", func(t *testing.T) {
		out, err := e.c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("AppTable"), KeyConditionExpression: aws.String("PK = :p"),
			ExpressionAttributeValues: av{":p": s("cap")}, ReturnConsumedCapacity: types.ReturnConsumedCapacityNone})
		if err != nil || out.ConsumedCapacity != nil {
			t.Fatalf("%+v, %v", out.ConsumedCapacity, err)
		}
	})
	t.Run("scan sums like query", func(t *testing.T) {
		out, err := e.c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("AppTable"), ConsistentRead: aws.Bool(true),
			ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal})
		if err != nil {
			t.Fatal(err)
		}
		// 5 × 1000 + 3 × 4096 = 17288 bytes would be 5 units in one
		// read; a Scan rounds up each of the table's four partitions on
		// its own (scan.go, partitionCost), so it costs more, and as much
		// as the four parallel-scan segments that are those partitions.
		got := units(out.ConsumedCapacity)
		if got <= 5 || out.ScannedCount != 8 {
			t.Fatalf("Scan: %v units over %d items, want more than 5 over 8", got, out.ScannedCount)
		}
		var sum float64
		for seg := range int32(4) {
			part, err := e.c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("AppTable"), ConsistentRead: aws.Bool(true),
				Segment: aws.Int32(seg), TotalSegments: aws.Int32(4), ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal})
			if err != nil {
				t.Fatal(err)
			}
			sum += units(part.ConsumedCapacity)
		}
		if sum != got {
			t.Fatalf("Scan: %v units, its four segments %v", got, sum)
		}
	})
}

// TestQueryHashOnlyTable: a table without a sort key holds one item per
// partition key.
func TestQueryHashOnlyTable(t *testing.T) {
	e := newSDKEnv(t, engine.Options{})
	ctx := enginetest.Ctx(t)
	createTable(t, e.c, "HashOnly", keyDef{"id", types.ScalarAttributeTypeN}, keyDef{})
	for i := range 5 {
		putItem(t, e.c, "HashOnly", av{"id": n(fmt.Sprint(i)), "v": s(fmt.Sprint("v", i))})
	}
	putItem(t, e.c, "HashOnly", av{"id": n("3.0"), "v": s("replaced")})
	q := func(cond string, vals av) (*dynamodb.QueryOutput, error) {
		return e.c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("HashOnly"), KeyConditionExpression: aws.String(cond), ExpressionAttributeValues: vals})
	}
	out, err := q("id = :v", av{":v": n("3")})
	if err != nil || out.Count != 1 || !itemEqual(out.Items[0], av{"id": n("3"), "v": s("replaced")}) {
		t.Fatalf("query id=3: %v, %v", out, err)
	}
	out, err = q("id = :v", av{":v": n("7")})
	if err != nil || out.Count != 0 || len(out.Items) != 0 {
		t.Fatalf("query id=7: %v, %v", out, err)
	}
	_, err = q("id = :v AND v = :w", av{":v": n("3"), ":w": s("x")})
	wantAPIError(t, err, "ValidationException", "Query key condition not supported")
	_, err = e.c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("HashOnly"), KeyConditionExpression: aws.String("id = :v"),
		ExpressionAttributeValues: av{":v": n("3")}, ExclusiveStartKey: av{"id": n("3")}})
	wantAPIError(t, err, "ValidationException", "")
	if _, err := e.c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("HashOnly"), Key: key("a", "b")}); err == nil {
		t.Fatalf("GetItem with a two-attribute key on a hash-only table succeeded")
	}
	sc, err := e.c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("HashOnly")})
	if err != nil || sc.Count != 5 {
		t.Fatalf("Scan: %v, %v", sc, err)
	}
}

// TestScan covers full and parallel scans: every item exactly once across
// pages and across segments, segments disjoint (Developer Guide, parallel
// scan), filters, Limit, Select COUNT and bad start keys.
func TestScan(t *testing.T) {
	e := newSDKEnv(t, engine.Options{})
	createAppTable(t, e.c)
	ctx := enginetest.Ctx(t)
	all := map[string]av{}
	var reqs []types.WriteRequest
	flush := func() {
		if len(reqs) == 0 {
			return
		}
		out, err := e.c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"AppTable": reqs}})
		if err != nil || len(out.UnprocessedItems) != 0 {
			t.Fatalf("BatchWriteItem: %v, unprocessed %v", err, out.UnprocessedItems)
		}
		reqs = nil
	}
	for p := range 60 {
		for sk := range 3 {
			it := withKey(fmt.Sprintf("P%02d", p), fmt.Sprint(sk), av{"n": n(fmt.Sprint(p*3 + sk))})
			all[fmt.Sprintf("P%02d/%d", p, sk)] = it
			reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: it}})
			if len(reqs) == 25 {
				flush()
			}
		}
	}
	flush()
	id := func(it av) string {
		return it["PK"].(*types.AttributeValueMemberS).Value + "/" + it["SK"].(*types.AttributeValueMemberS).Value
	}
	exactlyAll := func(t *testing.T, items []av) {
		t.Helper()
		seen := map[string]bool{}
		for _, it := range items {
			k := id(it)
			if seen[k] {
				t.Fatalf("item %s returned twice", k)
			}
			seen[k] = true
			if !itemEqual(it, all[k]) {
				t.Fatalf("item %s = %s, want %s", k, showItem(it), showItem(all[k]))
			}
		}
		if len(seen) != len(all) {
			t.Fatalf("%d distinct items, want %d", len(seen), len(all))
		}
	}
	t.Run("one call", func(t *testing.T) {
		out, err := e.c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("AppTable")})
		if err != nil || out.LastEvaluatedKey != nil || out.Count != 180 || out.ScannedCount != 180 {
			t.Fatalf("Scan: %d items, LEK %v, %v", out.Count, out.LastEvaluatedKey, err)
		}
		exactlyAll(t, out.Items)
		// The items of one partition come out together, in sort-key order.
		for i := 0; i < len(out.Items); i += 3 {
			for j := 0; j < 3; j++ {
				if id(out.Items[i+j]) != out.Items[i]["PK"].(*types.AttributeValueMemberS).Value+"/"+fmt.Sprint(j) {
					t.Fatalf("item %d is %s: partitions split or out of order", i+j, id(out.Items[i+j]))
				}
			}
		}
	})
	for _, limit := range []int32{1, 7, 60, 180} {
		t.Run(fmt.Sprintf("paged by %d", limit), func(t *testing.T) {
			pages := scanPages(t, e.c, dynamodb.ScanInput{TableName: aws.String("AppTable"), Limit: aws.Int32(limit)})
			wantPages := 180/int(limit) + 1 // the last page is empty: 180 is a multiple of limit
			if len(pages) != wantPages {
				t.Fatalf("%d pages, want %d", len(pages), wantPages)
			}
			for i, p := range pages[:len(pages)-1] {
				if p.Count != limit || p.LastEvaluatedKey == nil || !itemEqual(p.LastEvaluatedKey, key(p.Items[limit-1]["PK"].(*types.AttributeValueMemberS).Value, p.Items[limit-1]["SK"].(*types.AttributeValueMemberS).Value)) {
					t.Fatalf("page %d: Count %d LEK %s", i, p.Count, showItem(p.LastEvaluatedKey))
				}
			}
			exactlyAll(t, scanItems(pages))
		})
	}
	for _, total := range []int32{1, 2, 3, 7} {
		t.Run(fmt.Sprintf("%d segments", total), func(t *testing.T) {
			var union []av
			owner := map[string]int32{}
			for seg := range total {
				pages := scanPages(t, e.c, dynamodb.ScanInput{TableName: aws.String("AppTable"), Segment: aws.Int32(seg), TotalSegments: aws.Int32(total), Limit: aws.Int32(5)})
				for _, it := range scanItems(pages) {
					pk := it["PK"].(*types.AttributeValueMemberS).Value
					if o, ok := owner[pk]; ok && o != seg {
						t.Fatalf("partition %s in segments %d and %d", pk, o, seg)
					}
					owner[pk] = seg
					union = append(union, it)
				}
				// The same segment in one call gives the same items.
				one, err := e.c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("AppTable"), Segment: aws.Int32(seg), TotalSegments: aws.Int32(total)})
				if err != nil {
					t.Fatal(err)
				}
				for _, it := range one.Items {
					if owner[it["PK"].(*types.AttributeValueMemberS).Value] != seg {
						t.Fatalf("segment %d: unpaged scan returned %s of another segment", seg, id(it))
					}
				}
			}
			exactlyAll(t, union)
		})
	}
	t.Run("filter and counts", func(t *testing.T) {
		pages := scanPages(t, e.c, dynamodb.ScanInput{TableName: aws.String("AppTable"), Limit: aws.Int32(50),
			FilterExpression: aws.String("SK = :one AND n < :lim"), ExpressionAttributeValues: av{":one": s("1"), ":lim": n("100")}})
		var count, scanned int32
		for _, p := range pages {
			count += p.Count
			scanned += p.ScannedCount
			if int(p.Count) != len(p.Items) || p.ScannedCount > 50 {
				t.Fatalf("page: Count %d items %d ScannedCount %d", p.Count, len(p.Items), p.ScannedCount)
			}
		}
		// SK "1" with n = 3p+1 < 100: p = 0..32.
		if count != 33 || scanned != 180 {
			t.Fatalf("filtered scan: Count %d ScannedCount %d, want 33 and 180", count, scanned)
		}
	})
	t.Run("select COUNT", func(t *testing.T) {
		out, err := e.c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("AppTable"), Select: types.SelectCount,
			FilterExpression: aws.String("begins_with(PK, :p)"), ExpressionAttributeValues: av{":p": s("P1")}})
		if err != nil || out.Items != nil || out.Count != 30 || out.ScannedCount != 180 {
			t.Fatalf("COUNT: %+v, %v", out, err)
		}
	})
	t.Run("projection", func(t *testing.T) {
		out, err := e.c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("AppTable"), ProjectionExpression: aws.String("n"), Limit: aws.Int32(3)})
		if err != nil || len(out.Items) != 3 {
			t.Fatalf("%v, %v", out, err)
		}
		for _, it := range out.Items {
			if len(it) != 1 || it["n"] == nil {
				t.Fatalf("projected item %s", showItem(it))
			}
		}
	})
	t.Run("bad start key", func(t *testing.T) {
		_, err := e.c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("AppTable"), ExclusiveStartKey: av{"PK": s("P01")}})
		wantAPIError(t, err, "ValidationException", "The provided starting key is invalid: The provided key element does not match the schema")
	})
	// An empty on-demand table still costs one unit per partition read
	// (TestScanCapacityPerPartition).
	t.Run("empty table", func(t *testing.T) {
		createTable(t, e.c, "Empty", keyDef{"id", types.ScalarAttributeTypeS}, keyDef{})
		out, err := e.c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("Empty"), ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal, ConsistentRead: aws.Bool(true)})
		if err != nil || out.Items == nil || out.Count != 0 || out.LastEvaluatedKey != nil || units(out.ConsumedCapacity) != 4 {
			t.Fatalf("empty scan: %+v (%v units), %v", out, units(out.ConsumedCapacity), err)
		}
	})
}

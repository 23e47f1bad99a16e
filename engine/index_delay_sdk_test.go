package engine_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"dynalab/engine"
	"dynalab/engine/enginetest"
)

// Tests of Options.GSIPropagationDelay: reads of a GSI see the index as it
// was the delay ago; the table, LSIs and DescribeTable are current.

const (
	gsiDelay   = 2 * time.Second
	delayTable = "Orders"
)

type delayEnv struct {
	sdkEnv
	clock *enginetest.Clock
}

// newDelayEnv serves a database with a 2 s GSI delay, an injected clock and
// no background worker, with indexedTableInput's table (delayTable).
func newDelayEnv(t *testing.T) delayEnv {
	t.Helper()
	clock := enginetest.NewClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	e := newSDKEnv(t, engine.Options{Clock: clock.Now, SweepInterval: -1, GSIPropagationDelay: gsiDelay})
	createIndexedTable(t, e.c, delayTable)
	return delayEnv{sdkEnv: e, clock: clock}
}

// delayQuery reads every page of a Query of index for hashName = hash
// (and the optional extra key condition cond with its values), limit items
// per page (0: no limit), forward or backward.
func delayQuery(t *testing.T, c *dynamodb.Client, index, hashName, hash, cond string, vals av, limit int32, forward bool) []av {
	t.Helper()
	kc := "#h = :h"
	if cond != "" {
		kc += " AND " + cond
	}
	values := av{":h": s(hash)}
	for k, v := range vals {
		values[k] = v
	}
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(delayTable),
		KeyConditionExpression:    aws.String(kc),
		ExpressionAttributeNames:  map[string]string{"#h": hashName},
		ExpressionAttributeValues: values,
		ScanIndexForward:          aws.Bool(forward),
	}
	if index != "" {
		in.IndexName = aws.String(index)
	}
	if limit > 0 {
		in.Limit = aws.Int32(limit)
	}
	var items []av
	for pages := 0; ; pages++ {
		if pages > 100 {
			t.Fatalf("Query %s: no end of pages", index)
		}
		out, err := c.Query(enginetest.Ctx(t), in)
		if err != nil {
			t.Fatalf("Query %s %s=%s: %v", index, hashName, hash, err)
		}
		items = append(items, out.Items...)
		if out.LastEvaluatedKey == nil {
			return items
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

// delayScan reads every page of a Scan of index (of one segment of total
// when total > 0), limit items per page.
func delayScan(t *testing.T, c *dynamodb.Client, index string, limit, segment, total int32) []av {
	t.Helper()
	in := &dynamodb.ScanInput{TableName: aws.String(delayTable), IndexName: aws.String(index)}
	if limit > 0 {
		in.Limit = aws.Int32(limit)
	}
	if total > 0 {
		in.Segment, in.TotalSegments = aws.Int32(segment), aws.Int32(total)
	}
	var items []av
	for pages := 0; ; pages++ {
		if pages > 100 {
			t.Fatalf("Scan %s: no end of pages", index)
		}
		out, err := c.Scan(enginetest.Ctx(t), in)
		if err != nil {
			t.Fatalf("Scan %s: %v", index, err)
		}
		items = append(items, out.Items...)
		if out.LastEvaluatedKey == nil {
			return items
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

// brief shows items as "PK/SK" plus the named attributes' values.
func brief(items []av, attrs ...string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		var b strings.Builder
		b.WriteString(showValue(it["PK"]) + "/" + showValue(it["SK"]))
		for _, a := range attrs {
			b.WriteString(" " + a + "=" + showValue(it[a]))
		}
		out[i] = b.String()
	}
	return out
}

func showValue(v types.AttributeValue) string {
	switch v := v.(type) {
	case nil:
		return "-"
	case *types.AttributeValueMemberS:
		return v.Value
	case *types.AttributeValueMemberN:
		return v.Value
	}
	return show(v)
}

func wantBrief(t *testing.T, what string, got []av, want []string, attrs ...string) {
	t.Helper()
	if g := brief(got, attrs...); !slices.Equal(g, want) && !(len(g) == 0 && len(want) == 0) {
		t.Fatalf("%s:\n got %q\nwant %q", what, g, want)
	}
}

func (e delayEnv) update(t *testing.T, pk, sk, set string, vals av) {
	t.Helper()
	in := &dynamodb.UpdateItemInput{
		TableName:                 aws.String(delayTable),
		Key:                       av{"PK": s(pk), "SK": s(sk)},
		UpdateExpression:          aws.String(set),
		ExpressionAttributeValues: vals,
	}
	if strings.Contains(set, "#s") {
		in.ExpressionAttributeNames = map[string]string{"#s": "status"}
	}
	if _, err := e.c.UpdateItem(enginetest.Ctx(t), in); err != nil {
		t.Fatalf("UpdateItem %s/%s %s: %v", pk, sk, set, err)
	}
}

func (e delayEnv) delete(t *testing.T, pk, sk string) {
	t.Helper()
	if _, err := e.c.DeleteItem(enginetest.Ctx(t), &dynamodb.DeleteItemInput{TableName: aws.String(delayTable), Key: av{"PK": s(pk), "SK": s(sk)}}); err != nil {
		t.Fatalf("DeleteItem %s/%s: %v", pk, sk, err)
	}
}

func TestGSIDelayPut(t *testing.T) {
	e := newDelayEnv(t)
	putItem(t, e.c, delayTable, av{"PK": s("a"), "SK": s("1"), "GPK": s("g"), "GPK2": s("h"), "GSK": n("1"), "LSK": n("1"), "status": s("new")})

	gsis := func(what string, want []string) {
		t.Helper()
		wantBrief(t, what+": GSI1 query", delayQuery(t, e.c, "GSI1", "GPK", "g", "", nil, 0, true), want)
		wantBrief(t, what+": GSI2 query", delayQuery(t, e.c, "GSI2", "GPK2", "h", "", nil, 0, true), want)
		wantBrief(t, what+": GSI1 scan", delayScan(t, e.c, "GSI1", 0, 0, 0), want)
		wantBrief(t, what+": GSI2 scan", delayScan(t, e.c, "GSI2", 0, 0, 0), want)
	}
	current := func(what string) {
		t.Helper()
		wantBrief(t, what+": table query", delayQuery(t, e.c, "", "PK", "a", "", nil, 0, true), []string{"a/1"})
		wantBrief(t, what+": LSI1 query", delayQuery(t, e.c, "LSI1", "PK", "a", "", nil, 0, true), []string{"a/1"})
		wantBrief(t, what+": LSI1 scan", delayScan(t, e.c, "LSI1", 0, 0, 0), []string{"a/1"})
		if getItem(t, e.c, delayTable, av{"PK": s("a"), "SK": s("1")}) == nil {
			t.Fatalf("%s: GetItem finds nothing", what)
		}
		counts := indexCounts(t, e.c, delayTable)
		for _, ix := range []string{"GSI1", "GSI2", "LSI1"} {
			if !strings.HasPrefix(counts[ix], "1/") {
				t.Fatalf("%s: DescribeTable counts %v, want the current index (1 item each)", what, counts)
			}
		}
	}
	gsis("just written", nil)
	current("just written")
	e.clock.Advance(gsiDelay - time.Millisecond)
	gsis("before the delay", nil)
	e.clock.Advance(time.Millisecond)
	gsis("after the delay", []string{"a/1"})
	current("after the delay")
}

func TestGSIDelayUpdate(t *testing.T) {
	e := newDelayEnv(t)
	putItem(t, e.c, delayTable, av{"PK": s("a"), "SK": s("1"), "GPK": s("g"), "GPK2": s("h"), "GSK": n("1"), "status": s("new"), "note": s("x")})
	e.clock.Advance(3 * time.Second)
	wantBrief(t, "settled", delayQuery(t, e.c, "GSI1", "GPK", "g", "", nil, 0, true), []string{"a/1"})

	e.update(t, "a", "1", "SET GPK = :g, #s = :st, note = :no", av{":g": s("g2"), ":st": s("shipped"), ":no": s("y")})
	// The table is current; both GSIs show the item as it was.
	if it := getItem(t, e.c, delayTable, av{"PK": s("a"), "SK": s("1")}); showValue(it["GPK"]) != "g2" {
		t.Fatalf("GetItem after update: %s", showItem(it))
	}
	wantBrief(t, "GSI1 old key", delayQuery(t, e.c, "GSI1", "GPK", "g", "", nil, 0, true), []string{"a/1 GPK=g status=new note=x"}, "GPK", "status", "note")
	wantBrief(t, "GSI1 new key", delayQuery(t, e.c, "GSI1", "GPK", "g2", "", nil, 0, true), nil)
	wantBrief(t, "GSI1 scan", delayScan(t, e.c, "GSI1", 1, 0, 0), []string{"a/1 GPK=g"}, "GPK")
	wantBrief(t, "GSI2 old projection", delayQuery(t, e.c, "GSI2", "GPK2", "h", "", nil, 0, true), []string{"a/1 status=new note=-"}, "status", "note")
	if c := indexCounts(t, e.c, delayTable); !strings.HasPrefix(c["GSI1"], "1/") || !strings.HasPrefix(c["GSI2"], "1/") {
		t.Fatalf("DescribeTable counts %v", c)
	}

	e.clock.Advance(gsiDelay)
	wantBrief(t, "GSI1 old key, delay passed", delayQuery(t, e.c, "GSI1", "GPK", "g", "", nil, 0, true), nil)
	wantBrief(t, "GSI1 new key, delay passed", delayQuery(t, e.c, "GSI1", "GPK", "g2", "", nil, 0, true), []string{"a/1 GPK=g2 status=shipped note=y"}, "GPK", "status", "note")
	wantBrief(t, "GSI2, delay passed", delayQuery(t, e.c, "GSI2", "GPK2", "h", "", nil, 0, true), []string{"a/1 status=shipped"}, "status")
}

func TestGSIDelayDelete(t *testing.T) {
	e := newDelayEnv(t)
	putItem(t, e.c, delayTable, av{"PK": s("a"), "SK": s("1"), "GPK": s("g"), "GPK2": s("h"), "GSK": n("1"), "LSK": n("1")})
	e.clock.Advance(3 * time.Second)
	e.delete(t, "a", "1")

	wantBrief(t, "GSI1 after delete", delayQuery(t, e.c, "GSI1", "GPK", "g", "", nil, 0, true), []string{"a/1"})
	wantBrief(t, "GSI2 scan after delete", delayScan(t, e.c, "GSI2", 0, 0, 0), []string{"a/1"})
	wantBrief(t, "table after delete", delayQuery(t, e.c, "", "PK", "a", "", nil, 0, true), nil)
	wantBrief(t, "LSI1 after delete", delayQuery(t, e.c, "LSI1", "PK", "a", "", nil, 0, true), nil)
	if c := indexCounts(t, e.c, delayTable); c["GSI1"] != "0/0" || c["GSI2"] != "0/0" {
		t.Fatalf("DescribeTable counts after delete %v, want the current (empty) index", c)
	}
	e.clock.Advance(gsiDelay - time.Millisecond)
	wantBrief(t, "GSI1 before the delay", delayQuery(t, e.c, "GSI1", "GPK", "g", "", nil, 0, true), []string{"a/1"})
	e.clock.Advance(time.Millisecond)
	wantBrief(t, "GSI1 after the delay", delayQuery(t, e.c, "GSI1", "GPK", "g", "", nil, 0, true), nil)
	wantBrief(t, "GSI2 after the delay", delayScan(t, e.c, "GSI2", 0, 0, 0), nil)
}

// Several changes of one entry within the delay: the read shows the state
// at now − delay, and of changes at one instant the first one's past.
func TestGSIDelayHistory(t *testing.T) {
	e := newDelayEnv(t)
	q := func(g string) []string {
		return brief(delayQuery(t, e.c, "GSI1", "GPK", g, "", nil, 0, true))
	}
	want := func(what string, g1, g2, g3 int) {
		t.Helper()
		got := []int{len(q("g1")), len(q("g2")), len(q("g3"))}
		if !slices.Equal(got, []int{g1, g2, g3}) {
			t.Fatalf("%s: items under g1, g2, g3: %v, want %v", what, got, []int{g1, g2, g3})
		}
	}
	putItem(t, e.c, delayTable, av{"PK": s("a"), "SK": s("1"), "GPK": s("g1")}) // t0
	e.clock.Advance(time.Second)
	e.update(t, "a", "1", "SET GPK = :g", av{":g": s("g2")}) // t0+1
	e.clock.Advance(500 * time.Millisecond)
	e.update(t, "a", "1", "SET GPK = :g", av{":g": s("g3")}) // t0+1.5
	want("t0+1.5", 0, 0, 0)
	e.clock.Advance(time.Second)
	want("t0+2.5", 1, 0, 0)
	e.clock.Advance(700 * time.Millisecond)
	want("t0+3.2", 0, 1, 0)
	e.clock.Advance(400 * time.Millisecond)
	want("t0+3.6", 0, 0, 1)

	// Put and update at one instant: nothing shows until the delay passes.
	putItem(t, e.c, delayTable, av{"PK": s("b"), "SK": s("1"), "GPK": s("x")})
	e.update(t, "b", "1", "SET GPK = :g", av{":g": s("y")})
	e.delete(t, "b", "1")
	putItem(t, e.c, delayTable, av{"PK": s("b"), "SK": s("1"), "GPK": s("x")})
	if got := append(q("x"), q("y")...); len(got) != 0 {
		t.Fatalf("changes at one instant show %q before the delay", got)
	}
	e.clock.Advance(gsiDelay)
	if got := append(q("x"), q("y")...); !slices.Equal(got, []string{"b/1"}) {
		t.Fatalf("after the delay: %q, want [b/1] under x", got)
	}
}

// The merged view pages like the index: Limit, LastEvaluatedKey, both
// directions, key conditions, parallel scan segments.
func TestGSIDelayPagination(t *testing.T) {
	e := newDelayEnv(t)
	item := func(i int, status string) av {
		return av{"PK": s(fmt.Sprintf("p%02d", i)), "SK": s("s"), "GPK2": s("h"), "GSK": n(fmt.Sprint(i)), "status": s(status)}
	}
	for i := 1; i <= 8; i++ {
		putItem(t, e.c, delayTable, item(i, "v1"))
	}
	e.clock.Advance(3 * time.Second)
	e.delete(t, "p02", "s")
	e.delete(t, "p05", "s")
	e.update(t, "p03", "s", "SET GSK = :k", av{":k": n("30")})
	e.update(t, "p04", "s", "SET #s = :st", av{":st": s("v2")})
	e.update(t, "p06", "s", "SET GPK2 = :o", av{":o": s("other")})
	putItem(t, e.c, delayTable, item(9, "v1"))
	putItem(t, e.c, delayTable, item(10, "v1"))
	e.clock.Advance(time.Second)
	putItem(t, e.c, delayTable, item(11, "v1"))

	var old []string
	for i := 1; i <= 8; i++ {
		old = append(old, fmt.Sprintf("p%02d/s GSK=%d status=v1", i, i))
	}
	reversed := slices.Clone(old)
	slices.Reverse(reversed)
	for _, limit := range []int32{0, 1, 2, 3, 7} {
		what := fmt.Sprintf("Limit %d", limit)
		wantBrief(t, what+" forward", delayQuery(t, e.c, "GSI2", "GPK2", "h", "", nil, limit, true), old, "GSK", "status")
		wantBrief(t, what+" backward", delayQuery(t, e.c, "GSI2", "GPK2", "h", "", nil, limit, false), reversed, "GSK", "status")
		wantBrief(t, what+" between", delayQuery(t, e.c, "GSI2", "GPK2", "h", "GSK BETWEEN :a AND :b", av{":a": n("2"), ":b": n("6")}, limit, true), old[1:6], "GSK", "status")
		wantBrief(t, what+" greater, backward", delayQuery(t, e.c, "GSI2", "GPK2", "h", "GSK > :a", av{":a": n("4")}, limit, false), reversed[:4], "GSK", "status")
		scanned := delayScan(t, e.c, "GSI2", limit, 0, 0)
		sortBrief := func(items []av) []string {
			b := brief(items, "GSK", "status")
			slices.Sort(b)
			return b
		}
		if got := sortBrief(scanned); !slices.Equal(got, old) {
			t.Fatalf("%s scan: %q, want %q", what, got, old)
		}
		var segs []av
		for seg := range int32(3) {
			segs = append(segs, delayScan(t, e.c, "GSI2", limit, seg, 3)...)
		}
		if got := sortBrief(segs); !slices.Equal(got, old) {
			t.Fatalf("%s parallel scan: %q, want %q", what, got, old)
		}
	}
	wantBrief(t, "other", delayQuery(t, e.c, "GSI2", "GPK2", "other", "", nil, 0, true), nil)

	e.clock.Advance(gsiDelay - time.Second)
	now := []string{"p01/s GSK=1 status=v1", "p04/s GSK=4 status=v2", "p07/s GSK=7 status=v1", "p08/s GSK=8 status=v1",
		"p09/s GSK=9 status=v1", "p10/s GSK=10 status=v1", "p03/s GSK=30 status=v1"}
	for _, limit := range []int32{0, 1, 3} {
		wantBrief(t, fmt.Sprintf("delay passed, Limit %d", limit), delayQuery(t, e.c, "GSI2", "GPK2", "h", "", nil, limit, true), now, "GSK", "status")
	}
	wantBrief(t, "other, delay passed", delayQuery(t, e.c, "GSI2", "GPK2", "other", "", nil, 0, true), []string{"p06/s"})
	e.clock.Advance(time.Second)
	if got := delayQuery(t, e.c, "GSI2", "GPK2", "h", "", nil, 0, true); len(got) != 8 {
		t.Fatalf("after the last put's delay: %q", brief(got))
	}
}

// RunMaintenance drops what no delayed read needs; without a delay nothing
// is recorded, and a reopen without one drops what is left.
func TestGSIDelayTrim(t *testing.T) {
	e := newDelayEnv(t)
	for i := range 3 {
		putItem(t, e.c, delayTable, av{"PK": s("a"), "SK": s(fmt.Sprint(i)), "GPK": s("g"), "GPK2": s("h"), "GSK": n("1"), "LSK": n("1")})
	}
	if got := engine.GSIPastRecords(e.db); got != 6 {
		t.Fatalf("after 3 puts into 2 GSIs: %d records, want 6", got)
	}
	if err := e.db.RunMaintenance(); err != nil {
		t.Fatal(err)
	}
	if got := engine.GSIPastRecords(e.db); got != 6 {
		t.Fatalf("trimmed too early: %d records, want 6", got)
	}
	e.clock.Advance(gsiDelay)
	e.update(t, "a", "0", "SET GPK = :g", av{":g": s("g2")})
	if err := e.db.RunMaintenance(); err != nil {
		t.Fatal(err)
	}
	if got := engine.GSIPastRecords(e.db); got != 2 {
		t.Fatalf("after the delay: %d records, want the update's 2", got)
	}
	wantBrief(t, "after trimming", delayQuery(t, e.c, "GSI1", "GPK", "g", "", nil, 0, true), []string{"a/0", "a/1", "a/2"})

	db := enginetest.Reopen(t, e.db, engine.Options{Clock: e.clock.Now, SweepInterval: -1})
	c := enginetest.Client(t, db)
	wantBrief(t, "reopened without a delay", delayQuery(t, c, "GSI1", "GPK", "g", "", nil, 0, true), []string{"a/1", "a/2"})
	putItem(t, c, delayTable, av{"PK": s("b"), "SK": s("1"), "GPK": s("g")})
	if err := db.RunMaintenance(); err != nil {
		t.Fatal(err)
	}
	if got := engine.GSIPastRecords(db); got != 0 {
		t.Fatalf("without a delay: %d records, want 0", got)
	}
}

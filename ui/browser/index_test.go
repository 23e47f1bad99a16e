package browser

import (
	"context"
	"slices"
	"strings"
	"testing"

	"dynalab/engine"
	"dynalab/ui/common"
	"dynalab/ui/internal/uitest"
)

// multiKeyBackend holds "Orders" (PK) with the multi-attribute GSI
// "GSI2-multi" (userId | status, statusAt N), projecting ALL.
func multiKeyBackend(t *testing.T) *uitest.Backend {
	t.Helper()
	b := uitest.NewBackend(t)
	b.Seed(t)
	_, err := b.CreateTable(context.Background(), &engine.CreateTableInput{
		TableName:   "Orders",
		BillingMode: engine.BillingPayPerRequest,
		AttributeDefinitions: []engine.AttributeDefinition{
			{AttributeName: "PK", AttributeType: "S"}, {AttributeName: "userId", AttributeType: "S"},
			{AttributeName: "status", AttributeType: "S"}, {AttributeName: "statusAt", AttributeType: "N"},
		},
		KeySchema: []engine.KeySchemaElement{{AttributeName: "PK", KeyType: engine.KeyTypeHash}},
		GlobalSecondaryIndexes: []engine.GlobalSecondaryIndex{{
			IndexName: "GSI2-multi",
			KeySchema: []engine.KeySchemaElement{
				{AttributeName: "userId", KeyType: engine.KeyTypeHash},
				{AttributeName: "status", KeyType: engine.KeyTypeRange},
				{AttributeName: "statusAt", KeyType: engine.KeyTypeRange},
			},
			Projection: &engine.Projection{ProjectionType: engine.ProjectionAll},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range []string{
		`{"PK":{"S":"o1"},"userId":{"S":"u1"},"status":{"S":"shipped"},"statusAt":{"N":"30"}}`,
		`{"PK":{"S":"o2"},"userId":{"S":"u1"},"status":{"S":"pending"},"statusAt":{"N":"10"}}`,
		`{"PK":{"S":"o3"},"userId":{"S":"u1"},"status":{"S":"shipped"},"statusAt":{"N":"5"}}`,
		`{"PK":{"S":"o4"},"userId":{"S":"u2"},"status":{"S":"shipped"},"statusAt":{"N":"1"}}`,
		`{"PK":{"S":"o5"},"userId":{"S":"u1"},"note":{"S":"no status: not in the index"}}`,
	} {
		b.Put(t, "Orders", it)
	}
	return b
}

// shownPKs returns the table keys of the shown rows, in order.
func shownPKs(m *Model) []string {
	var out []string
	for pos := 0; pos < m.data.shown(); pos++ {
		out = append(out, m.data.item(pos)["PK"].Str())
	}
	return out
}

func TestIndexSwitcherMultiAttributeGSI(t *testing.T) {
	b := multiKeyBackend(t)
	m := browserFor(t, b, 120, 24)
	openTable(t, m, "Orders")
	if len(m.table.Indexes) != 1 || !m.table.Indexes[0].MultiKey() {
		t.Fatalf("indexes %+v", m.table.Indexes)
	}

	press(t, m, "i")
	view := plain(m.View())
	for _, want := range []string{"Read Orders from", "› Orders      PK                         (table)", "GSI2-multi  userId | status, statusAt  (GSI, ALL)"} {
		if !strings.Contains(view, want) {
			t.Errorf("switcher lacks %q:\n%s", want, view)
		}
	}
	if h := m.ShortHelp(); len(h) == 0 || h[len(h)-1].Help().Desc != "close" {
		t.Errorf("switcher footer %v", h)
	}
	press(t, m, "down", "enter")
	if m.picker != nil || m.index != "GSI2-multi" {
		t.Fatalf("index %q, picker %v", m.index, m.picker)
	}
	st := m.Status()
	if st.Operation != "Scan" || st.Table != "Orders" || st.Index != "GSI2-multi" || st.Shown != 4 {
		t.Errorf("status %+v", st)
	}
	if m.lst.scan == nil || m.lst.scan.IndexName != "GSI2-multi" || m.lst.scan.ConsistentRead {
		t.Errorf("scan %+v", m.lst.scan)
	}
	// Sparse: o5 has no status. Within u1, the index orders by status,
	// then statusAt as a number.
	got := shownPKs(m)
	var u1 []string
	for _, pk := range got {
		if pk != "o4" {
			u1 = append(u1, pk)
		}
	}
	if !slices.Equal(u1, []string{"o2", "o3", "o1"}) || !slices.Contains(got, "o4") {
		t.Errorf("index order %v", got)
	}
	view = plain(m.View())
	for _, want := range []string{"index GSI2-multi  userId | status, statusAt (GSI, ALL)", "▾ userId u1 · 3 items"} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}

	// The key-condition bar asks for every key attribute in order.
	press(t, m, "c")
	uitest.Drive(t, m, uitest.Type("u1")...)
	press(t, m, "down")
	uitest.Drive(t, m, uitest.Type("shipped")...)
	view = plain(m.View())
	if !strings.Contains(view, "Query userId = [u1") || !strings.Contains(view, "status [shipped") || !strings.Contains(view, "statusAt [") || !strings.Contains(view, "last =") {
		t.Errorf("bar:\n%s", view)
	}
	press(t, m, "enter")
	st = m.Status()
	if st.Operation != "Query" || st.Index != "GSI2-multi" || !slices.Equal(shownPKs(m), []string{"o3", "o1"}) {
		t.Errorf("status %+v rows %v failure %v", st, shownPKs(m), m.failure)
	}
	if q := m.lst.query; q == nil || q.IndexName != "GSI2-multi" || q.ConsistentRead {
		t.Errorf("query %+v", q)
	}
	if view := plain(m.View()); !strings.Contains(view, "Query userId = u1 · status = shipped") {
		t.Errorf("condition line:\n%s", view)
	}

	// Equality on status, then a range on statusAt.
	press(t, m, "c", "down", "down")
	uitest.Drive(t, m, uitest.Type("10")...)
	press(t, m, "down", "tab", "tab", "tab", "tab", "tab", "enter") // = → begins_with → between → < → <= → >
	if got := shownPKs(m); !slices.Equal(got, []string{"o1"}) {
		t.Errorf("statusAt > 10: %v failure %v", got, m.failure)
	}
	if view := plain(m.View()); !strings.Contains(view, "Query userId = u1 · status = shipped · statusAt > 10") {
		t.Errorf("condition line:\n%s", view)
	}

	// Back to the table.
	press(t, m, "i", "up", "enter")
	if st := m.Status(); m.index != "" || st.Index != "" || st.Shown != 5 || st.Operation != "Scan" {
		t.Errorf("back on the table: %+v", st)
	}
}

func TestIndexSwitcherRefusesBackfillingGSI(t *testing.T) {
	b := multiKeyBackend(t)
	m := browserFor(t, b, 120, 24)
	openTable(t, m, "Orders")
	ix := &m.table.Indexes[0]
	ix.Status, ix.Backfilling = engine.StatusCreating, true
	press(t, m, "i")
	if view := plain(m.View()); !strings.Contains(view, "(GSI, ALL) · CREATING: backfilling") {
		t.Errorf("switcher:\n%s", view)
	}
	scans := b.Calls("Scan")
	press(t, m, "down", "enter")
	if m.index != "" || m.picker == nil || b.Calls("Scan") != scans || !strings.Contains(m.notice, "GSI2-multi is CREATING") {
		t.Errorf("index %q picker %v notice %q", m.index, m.picker, m.notice)
	}
	press(t, m, "esc")
	if m.picker != nil || m.view != viewItems {
		t.Error("esc does not close the switcher")
	}
}

func TestMultiKeyListing(t *testing.T) {
	tbl := common.TableInfo{Name: "Orders"}
	part := []common.KeyAttr{{Name: "userId", Type: "S"}, {Name: "tenant", Type: "S"}}
	sort := []common.KeyAttr{{Name: "status", Type: "S"}, {Name: "statusAt", Type: "N"}}
	// A missing partition attribute is refused before anything runs.
	_, err := buildListing(tbl, "GSI", part, sort, keyCond{pks: []string{"u1", ""}}, nil)
	if err == nil || !strings.Contains(err.Error(), "give tenant a value") {
		t.Errorf("missing tenant: %v", err)
	}
	// An empty sort input ends the prefix; the last value takes the operator.
	kc := keyCond{pks: []string{"u1", "t1"}, sks: []string{"shipped", ""}, op: "begins_with"}
	l, err := buildListing(tbl, "GSI", part, sort, kc, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := "#pk = :pk AND #p2 = :p2 AND begins_with(#sk, :sk)"
	if q := l.query; q == nil || *q.KeyConditionExpression != want || q.IndexName != "GSI" || q.ExpressionAttributeNames["#p2"] != "tenant" {
		t.Errorf("query %+v", q)
	}
	kc = keyCond{pks: []string{"u1", "t1"}, sks: []string{"shipped", "5"}, op: "between", sk2: "9"}
	if l, err = buildListing(tbl, "GSI", part, sort, kc, nil); err != nil {
		t.Fatal(err)
	}
	want = "#pk = :pk AND #p2 = :p2 AND #sk = :sk AND #s2 BETWEEN :s2 AND :sk2"
	if got := *l.query.KeyConditionExpression; got != want {
		t.Errorf("between: %s", got)
	}
	if got := kc.describe(part, sort); got != "userId = u1 · tenant = t1 · status = shipped · statusAt between 5 and 9" {
		t.Errorf("describe %q", got)
	}
}

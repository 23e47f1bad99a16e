package browser

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"dynalab/engine/attr"
	"dynalab/sessions"
	"dynalab/sessions/model"
	"dynalab/ui/internal/uitest"
)

// newModelBrowser is a browser on the seed (with emails on the profiles)
// whose session has uitest.SeedModel, with statements run by the real
// PartiQL executor; AppTable is open.
func newModelBrowser(t *testing.T, w, h int) (*Model, *uitest.Backend) {
	t.Helper()
	b := uitest.NewBackend(t)
	b.Seed(t)
	b.SeedEmails(t)
	b.RunFunc = uitest.ExecRunner(b)
	m := browserFor(t, b, w, h)
	m.SetModelSource(func(context.Context) (*model.Model, error) { return uitest.SeedModel(), nil })
	openTable(t, m, "AppTable")
	return m, b
}

// shownColumns names the columns on screen, in order.
func shownColumns(m *Model) []string {
	cols, _ := m.visibleCols()
	var out []string
	for _, i := range cols {
		out = append(out, m.data.cols[i].name)
	}
	return out
}

func TestFacetSwitcher(t *testing.T) {
	m, _ := newModelBrowser(t, 120, 30)
	view := plain(m.View())
	for _, want := range []string{"t types all 7 │ User 2 │ Order 4 │ Product 1"} {
		if !strings.Contains(view, want) {
			t.Fatalf("view lacks %q:\n%s", want, view)
		}
	}
	press(t, m, "t") // User
	if m.facet != 0 || m.data.shown() != 2 {
		t.Fatalf("facet %d shows %d rows, want User's 2", m.facet, m.data.shown())
	}
	if got := shownColumns(m); !slices.Equal(got, []string{"PK", "SK", "name", "email", "age"}) {
		t.Errorf("User columns %v", got)
	}
	view = plain(m.View())
	for _, want := range []string{"USER#{userId} / PROFILE", "ada@example.com", "grace@example.com"} {
		if !strings.Contains(view, want) {
			t.Errorf("User view lacks %q:\n%s", want, view)
		}
	}
	if st := m.Status(); !strings.Contains(st.Note, "entity type User: 2 of 7 loaded rows") {
		t.Errorf("status note %q", st.Note)
	}
	press(t, m, "t") // Order
	if got := shownColumns(m); !slices.Equal(got, []string{"PK", "SK", "total", "status", "gift"}) {
		t.Errorf("Order columns %v", got)
	}
	view = plain(m.View())
	if m.data.shown() != 4 || !strings.Contains(view, "▾ PK USER#u1 · 3 items") || strings.Contains(view, "PRODUCT#p1") || strings.Contains(view, "Ada") {
		t.Errorf("Order grid:\n%s", view)
	}
	// Sideways moves stay among the facet's columns.
	press(t, m, "l", "l", "l", "l", "l", "l")
	if name := m.data.cols[m.col].name; name != "gift" {
		t.Errorf("rightmost column %s, want gift", name)
	}
	press(t, m, "T") // back to User
	if m.facet != 0 {
		t.Errorf("T: facet %d, want 0", m.facet)
	}
	press(t, m, "t", "t", "t") // Order, Product, all items
	if m.facet != -1 || m.data.shown() != 7 {
		t.Errorf("after the last facet: facet %d with %d rows, want all 7", m.facet, m.data.shown())
	}
	if got := shownColumns(m); slices.Contains(got, "email") != true || len(got) < 8 {
		t.Errorf("all items columns %v", got)
	}
}

// TestFacetCountsFollowWrites: a deleted row leaves its facet's count.
func TestFacetCountsFollowWrites(t *testing.T) {
	m, b := newModelBrowser(t, 120, 30)
	press(t, m, "t", "t") // Order
	selectItem(t, m, "USER#u1", "ORDER#002")
	press(t, m, "d", "y")
	if got := b.Item(t, "AppTable", itemKey("USER#u1", "ORDER#002")); got != nil {
		t.Fatalf("not deleted: %v", got)
	}
	if m.data.shown() != 3 || m.data.counts[1] != 3 || len(m.data.items) != 6 {
		t.Errorf("after delete: %d shown, counts %v, %d items", m.data.shown(), m.data.counts, len(m.data.items))
	}
}

func TestFacetsWithoutModel(t *testing.T) {
	m, _ := newBrowser(t, 100, 20)
	openTable(t, m, "AppTable")
	press(t, m, "t")
	if m.facet != -1 || !strings.Contains(m.notice, "no data model in this session") {
		t.Errorf("facet %d, notice %q", m.facet, m.notice)
	}
	press(t, m, "p")
	if m.view != viewItems || !strings.Contains(m.notice, "dynalab model apply") {
		t.Errorf("p without a model: view %d, notice %q", m.view, m.notice)
	}
	if strings.Contains(plain(m.View()), "t types") {
		t.Error("a facet strip without a model")
	}
}

// patternRow returns the access-pattern view's row of the named pattern.
func patternRowOf(t *testing.T, m *Model, name string) (int, patternRow) {
	t.Helper()
	for i, r := range m.pats.rows {
		if r.ap.Name == name {
			return i, r
		}
	}
	t.Fatalf("no pattern %s", name)
	return 0, patternRow{}
}

func TestAccessPatternPlans(t *testing.T) {
	m, _ := newModelBrowser(t, 120, 30)
	press(t, m, "p")
	if m.view != viewPatterns || len(m.pats.rows) != 4 {
		t.Fatalf("view %d with %v", m.view, m.pats)
	}
	for _, c := range []struct {
		name, plan string
		returned   int
		units      string
	}{
		{"user-orders", "Query on table", 3, "RCU"},
		{"user-profile", "GetItem on table", 1, "RCU"},
		{"products-over", "Scan on table", 1, "RCU"},
		{"cancel-order", "UpdateItem on table", 1, "WCU"},
	} {
		_, r := patternRowOf(t, m, c.name)
		if !r.planned || r.failed || planText(r) != c.plan || !r.estimate || r.returned != c.returned || r.unitName != c.units || r.units <= 0 {
			t.Errorf("%s: %+v, want %s returning %d", c.name, r, c.plan, c.returned)
		}
	}
	view := plain(m.View())
	for _, want := range []string{"access patterns of model shop", "pattern", "plan", "cap/call", "items", "user-orders", "── user-orders · returns Order", "? PK = e.g. 'USER#u1'"} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}
	if st := m.Status(); st.Operation != "EXPLAIN" || st.Running != "" || st.Note != "4 access patterns" {
		t.Errorf("status %+v", st)
	}
}

func TestRunPatternWithParameter(t *testing.T) {
	m, b := newModelBrowser(t, 120, 30)
	press(t, m, "p")
	i, _ := patternRowOf(t, m, "user-orders")
	m.pats.cursor = i
	press(t, m, "enter")
	if m.prompt == nil || !m.Capturing() {
		t.Fatal("no parameter prompt")
	}
	if got := m.prompt.ed.Value(); got != "USER#u1" || m.prompt.labels[0] != "PK =" {
		t.Errorf("prompt %q labeled %q, want the example USER#u1 for PK =", got, m.prompt.labels[0])
	}
	if line := plain(m.messageLine()); !strings.Contains(line, "user-orders PK = (S): [USER#u1") {
		t.Errorf("prompt line %q", line)
	}
	press(t, m, "ctrl+u")
	uitest.Drive(t, m, uitest.Type("USER#u2")...)
	press(t, m, "enter")
	if m.prompt != nil || m.view != viewItems || m.pattern == nil {
		t.Fatalf("after the prompt: view %d, pattern %v", m.view, m.pattern)
	}
	runs := b.Runs()
	if last := runs[len(runs)-1]; !strings.Contains(last, "begins_with(SK, 'ORDER#')") {
		t.Errorf("last statement run %q", last)
	}
	if m.data.shown() != 1 || m.data.item(0)["SK"].Str() != "ORDER#001" || m.data.item(0)["PK"].Str() != "USER#u2" {
		t.Errorf("result rows %d: %v", m.data.shown(), m.data.items)
	}
	if m.facet != 1 {
		t.Errorf("the result shows facet %d, want the pattern's Order (1)", m.facet)
	}
	st := m.Status()
	if st.Operation != "Query" || !strings.Contains(st.Note, "pattern user-orders") {
		t.Errorf("status %+v", st)
	}
	if view := plain(m.View()); !strings.Contains(view, "pattern user-orders") || !strings.Contains(view, `?1 'USER#u2'`) {
		t.Errorf("condition line:\n%s", view)
	}
	press(t, m, "esc") // back to the patterns, the table listed as before
	if m.view != viewPatterns || m.pattern != nil || m.facet != -1 || m.data.shown() != 7 || m.lst.stmt != nil {
		t.Errorf("esc: view %d, pattern %v, facet %d, %d rows", m.view, m.pattern, m.facet, m.data.shown())
	}
	press(t, m, "esc")
	if m.view != viewItems {
		t.Errorf("second esc: view %d", m.view)
	}
}

func TestParameterPromptCancelsAndChecksTypes(t *testing.T) {
	m, b := newModelBrowser(t, 120, 30)
	press(t, m, "p")
	i, _ := patternRowOf(t, m, "products-over")
	m.pats.cursor = i
	before := len(b.Runs())
	press(t, m, "enter", "esc")
	if m.prompt != nil || m.view != viewPatterns || !strings.Contains(m.notice, "canceled: products-over did not run") || len(b.Runs()) != before {
		t.Errorf("esc: prompt %v, view %d, notice %q, runs %d→%d", m.prompt, m.view, m.notice, before, len(b.Runs()))
	}
	press(t, m, "enter", "ctrl+u")
	uitest.Drive(t, m, uitest.Type("ten")...)
	press(t, m, "enter")
	if m.prompt == nil || m.failure == nil || !strings.Contains(m.failure.Err.Error(), "price") || len(b.Runs()) != before {
		t.Fatalf("a bad number: prompt %v, failure %v", m.prompt, m.failure)
	}
	if line := plain(m.messageLine()); !strings.Contains(line, "price > (N)") || !strings.Contains(line, "is a number") {
		t.Errorf("prompt line %q", line)
	}
	press(t, m, "ctrl+u")
	uitest.Drive(t, m, uitest.Type("100")...)
	press(t, m, "enter")
	if m.view != viewItems || m.data.shown() != 0 || m.lst.operation() != "Scan" {
		t.Errorf("price > 100: view %d, %d rows, %s", m.view, m.data.shown(), m.lst.operation())
	}
}

func TestWritePatternConfirms(t *testing.T) {
	m, b := newModelBrowser(t, 120, 30)
	press(t, m, "p")
	i, _ := patternRowOf(t, m, "cancel-order")
	m.pats.cursor = i
	press(t, m, "enter", "enter", "enter") // both examples
	if m.confirm == nil {
		t.Fatal("a write pattern ran without asking")
	}
	if m.Unsaved() == "" {
		t.Error("an unconfirmed write is not reported on quit")
	}
	press(t, m, "n")
	if got := b.Item(t, "AppTable", itemKey("USER#u1", "ORDER#002")); got["status"].Str() != "pending" {
		t.Fatalf("written after n: %v", got)
	}
	press(t, m, "enter", "enter", "enter", "y")
	if got := b.Item(t, "AppTable", itemKey("USER#u1", "ORDER#002")); got["status"].Str() != "cancelled" {
		t.Fatalf("not written after y: %v", got)
	}
	if m.view != viewPatterns || !strings.Contains(m.notice, "cancel-order: UpdateItem done") {
		t.Errorf("view %d, notice %q", m.view, m.notice)
	}
}

func TestKeySpace(t *testing.T) {
	m, _ := newModelBrowser(t, 120, 30)
	press(t, m, "K")
	if m.view != viewKeys || m.keyspace == nil || m.keyspace.busy {
		t.Fatalf("view %d, key space %+v", m.view, m.keyspace)
	}
	ks := m.keyspace
	var got []string
	for _, r := range ks.rows {
		got = append(got, r.key+" "+m.kindsText(r.kinds))
	}
	want := []string{"PRODUCT#p1 Product 1", "USER#u1 User 1 · Order 3", "USER#u2 User 1 · Order 1"}
	if !slices.Equal(got, want) || ks.items != 7 || ks.over != 7 {
		t.Errorf("rows %q (%d items), want %q", got, ks.items, want)
	}
	var size int64
	for _, it := range m.data.items {
		size += int64(it.Size())
	}
	if ks.size != size || ks.rows[1].items != 4 {
		t.Errorf("size %d, want %d; USER#u1 %d items", ks.size, size, ks.rows[1].items)
	}
	view := plain(m.View())
	for _, want := range []string{"key space of the table by PK", "3 partitions · 7 items", "Scan over 7 of ~7 items", "USER#u1", "User 1 · Order 3"} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}
	press(t, m, "j", "enter") // USER#u1: a Query of that partition
	if m.view != viewItems || m.lst.query == nil || m.data.shown() != 4 {
		t.Errorf("enter: view %d, %s, %d rows", m.view, m.lst.operation(), m.data.shown())
	}
	press(t, m, "K", "esc")
	if m.view != viewItems || m.keyspace != nil {
		t.Errorf("esc: view %d", m.view)
	}
}

// TestKeySpaceFollowsPages: pages loaded while the view is open are
// counted again.
func TestKeySpaceFollowsPages(t *testing.T) {
	b := uitest.NewBackend(t)
	b.MakeTable(t, "Big", "PK", "SK")
	for i := range 250 {
		b.Put(t, "Big", `{"PK":{"S":"P`+string(rune('a'+i%5))+`"},"SK":{"S":"`+strings.Repeat("x", 1+i/26)+string(rune('a'+i%26))+`"}}`)
	}
	m := browserFor(t, b, 120, 30)
	openTable(t, m, "Big")
	press(t, m, "K")
	if m.keyspace.over != 100 || !m.more {
		t.Fatalf("first page: over %d, more %v", m.keyspace.over, m.more)
	}
	press(t, m, "L")
	if m.keyspace.over != 250 || len(m.keyspace.rows) != 5 || m.keyspace.busy {
		t.Errorf("after L: over %d, %d partitions, busy %v", m.keyspace.over, len(m.keyspace.rows), m.keyspace.busy)
	}
	if got := m.kindsText(m.keyspace.rows[0].kinds); got != "—" {
		t.Errorf("entity types without a model: %q", got)
	}
}

func TestParamLabels(t *testing.T) {
	for _, c := range []struct {
		stmt string
		want []string
	}{
		{`SELECT * FROM T WHERE PK = ? AND begins_with(SK, ?)`, []string{"PK =", "SK"}},
		{`SELECT * FROM T WHERE "status" >= ?`, []string{"status >="}},
		{`UPDATE T SET a = 1 WHERE PK = ? AND SK = ?`, []string{"PK =", "SK ="}},
		{`SELECT * FROM T WHERE PK IN [?, ?]`, []string{"PK IN", "PK IN"}},
		{`SELECT * FROM T WHERE PK = 'a' AND SK BETWEEN ? AND ?`, []string{"SK BETWEEN", "SK BETWEEN"}},
		{`SELECT * FROM T WHERE size(tags) > ?`, []string{"parameter 1"}},
	} {
		n := strings.Count(c.stmt, "?")
		if got := paramLabels(c.stmt, n); !slices.Equal(got, c.want) {
			t.Errorf("%s: %q, want %q", c.stmt, got, c.want)
		}
	}
	if v, err := promptValue(`{"BOOL":true}`, attr.TypeBOOL, "gift"); err != nil || !v.BoolValue() {
		t.Errorf("BOOL: %v %v", v, err)
	}
}

// TestKeySpacePerIndex: the index switcher in the key-space view groups
// by the index's partition attributes; Enter queries that partition of
// the index.
func TestKeySpacePerIndex(t *testing.T) {
	b := multiKeyBackend(t)
	m := browserFor(t, b, 120, 24)
	openTable(t, m, "Orders")
	press(t, m, "K")
	if n := len(m.keyspace.rows); n != 5 {
		t.Fatalf("table key space: %d partitions, want 5 (one per order)", n)
	}
	press(t, m, "i", "down", "enter")
	if m.view != viewKeys || m.index != "GSI2-multi" {
		t.Fatalf("view %d on index %q", m.view, m.index)
	}
	var got []string
	for _, r := range m.keyspace.rows {
		got = append(got, r.key+" "+strconv.Itoa(r.items))
	}
	if !slices.Equal(got, []string{"u1 3", "u2 1"}) || m.keyspace.items != 4 {
		t.Errorf("GSI2-multi key space %q over %d items", got, m.keyspace.items)
	}
	if view := plain(m.View()); !strings.Contains(view, "key space of the index GSI2-multi by userId") {
		t.Errorf("view:\n%s", view)
	}
	press(t, m, "enter") // u1
	if m.view != viewItems || m.lst.query == nil || m.lst.query.IndexName != "GSI2-multi" || m.data.shown() != 3 {
		t.Errorf("enter: %s on %q, %d rows", m.lst.operation(), m.index, m.data.shown())
	}
}

// TestPatternsWithoutEstimates: a remote endpoint's EXPLAIN has a plan
// but no estimate (the view says why, with dashes for the numbers); a
// backend that gives only the plan's text still shows the operation and
// target from its first line.
func TestPatternsWithoutEstimates(t *testing.T) {
	m, b := newModelBrowser(t, 120, 30)
	exec := b.RunFunc
	b.RunFunc = func(ctx context.Context, stmt string, params []attr.Value, token string) (*sessions.Result, error) {
		res, err := exec(ctx, stmt, params, token)
		if err == nil && res.Explanation != nil {
			ex := *res.Explanation
			ex.Estimate, ex.NoEstimate = nil, "not available against a remote endpoint (estimates need the embedded engine)"
			res.Explanation = &ex
		}
		return res, err
	}
	press(t, m, "p")
	_, r := patternRowOf(t, m, "user-orders")
	if !r.planned || r.estimate || planText(r) != "Query on table" || !strings.Contains(r.note, "remote endpoint") {
		t.Errorf("remote: %+v", r)
	}
	view := plain(m.View())
	if !strings.Contains(view, "Query on table       —          —") || !strings.Contains(view, "estimates need the embedded engine") {
		t.Errorf("view:\n%s", view)
	}
	b.RunFunc = uitest.SelectRunner(b, 0) // plan text only, and it reads no ? parameters: "Operation: Scan\nTable: AppTable"
	press(t, m, "r")
	_, r = patternRowOf(t, m, "user-profile")
	if !r.planned || planText(r) != "Scan" || r.estimate || r.note != "no estimate from this backend" {
		t.Errorf("text only: %+v", r)
	}
	b.RunFunc = func(ctx context.Context, stmt string, params []attr.Value, token string) (*sessions.Result, error) {
		res, err := exec(ctx, stmt, params, token)
		if err == nil {
			res.Explanation = nil // the executor's text: "Operation: GetItem on AppTable"
		}
		return res, err
	}
	press(t, m, "r")
	if _, r = patternRowOf(t, m, "user-profile"); planText(r) != "GetItem on table" || r.estimate {
		t.Errorf("executor's text only: %+v", r)
	}
}

// TestModelKeysInHelp: the help overlay (FullHelp) lists t, T, p and K
// for a table with a model; the footer shows t and p.
func TestModelKeysInHelp(t *testing.T) {
	m, _ := newModelBrowser(t, 120, 30)
	var full []string
	for _, col := range m.FullHelp() {
		for _, b := range col {
			full = append(full, b.Help().Key)
		}
	}
	for _, want := range []string{"t", "T", "p", "K"} {
		if !slices.Contains(full, want) {
			t.Errorf("help lacks %s: %v", want, full)
		}
	}
	var short []string
	for _, b := range m.ShortHelp() {
		short = append(short, b.Help().Key)
	}
	if !slices.Contains(short, "t") || !slices.Contains(short, "p") {
		t.Errorf("footer %v", short)
	}
}

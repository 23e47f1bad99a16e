package browser

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dynalab/sessions"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/ui/common"
	"dynalab/ui/internal/uitest"
)

func newBrowser(t *testing.T, w, h int) (*Model, *uitest.Backend) {
	t.Helper()
	b := uitest.NewBackend(t)
	b.Seed(t)
	return browserFor(t, b, w, h), b
}

func browserFor(t *testing.T, b *uitest.Backend, w, h int) *Model {
	t.Helper()
	c := uitest.Common(t, b, "dark")
	m := New(c, nil)
	m.SetSize(w, h)
	m.SetFocused(true)
	uitest.Drive(t, m, uitest.Exec(common.LoadTables(c, ""))...)
	return m
}

func plain(s string) string { return ansi.Strip(s) }

func press(t *testing.T, m *Model, keys ...string) {
	t.Helper()
	uitest.Drive(t, m, uitest.Keys(keys...)...)
}

// openTable opens the named table from the tables list.
func openTable(t *testing.T, m *Model, name string) {
	t.Helper()
	for i, tb := range m.tables {
		if tb.Name == name {
			m.tableCursor = i
		}
	}
	press(t, m, "enter")
	if m.view != viewItems {
		t.Fatalf("table %s did not open", name)
	}
}

// selectItem puts the cursor on the item with the given keys.
func selectItem(t *testing.T, m *Model, pk, sk string) {
	t.Helper()
	for pos := 0; pos < m.data.shown(); pos++ {
		it := m.data.item(pos)
		if it["PK"].Str() == pk && it["SK"].Str() == sk {
			m.cursor = pos
			m.follow()
			return
		}
	}
	t.Fatalf("no item %s/%s", pk, sk)
}

func selectColumn(t *testing.T, m *Model, name string) {
	t.Helper()
	for m.data.cols[m.col].name != name {
		if m.col == len(m.data.cols)-1 {
			t.Fatalf("no column %s", name)
		}
		press(t, m, "l")
	}
}

func itemKey(pk, sk string) attr.Item { return attr.Item{"PK": attr.S(pk), "SK": attr.S(sk)} }

func TestTablesList(t *testing.T) {
	m, _ := newBrowser(t, 100, 20)
	view := plain(m.View())
	for _, want := range []string{"Tables · session default", "AppTable  PK S · SK S  7", "on demand", "› AppTable"} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}
	empty := browserFor(t, uitest.NewBackend(t), 100, 20)
	if view := plain(empty.View()); !strings.Contains(view, "No tables yet") || !strings.Contains(view, "aws dynamodb create-table --endpoint-url http://127.0.0.1:8000") {
		t.Errorf("empty list:\n%s", view)
	}
}

func TestGridGroupsItemCollections(t *testing.T) {
	m, _ := newBrowser(t, 100, 20)
	openTable(t, m, "AppTable")
	view := plain(m.View())
	for _, want := range []string{"▾ PK USER#u1 · 4 items", "▾ PK USER#u2 · 2 items", "▾ PK PRODUCT#p1 · 1 item", "PK S        SK S"} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}
	st := m.Status()
	if st.Operation != "Scan" || st.Table != "AppTable" || st.Shown != 7 || st.Scanned != 7 || st.Page != 1 || st.More || !st.HasCapacity || st.Capacity <= 0 {
		t.Errorf("status %+v", st)
	}
	// Rows of a group stay together under its header.
	lines := strings.Split(view, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "▾ PK USER#u1") {
			for j := 1; j <= 4; j++ {
				if !strings.Contains(lines[i+j], "USER#u1") {
					t.Errorf("row %d under the USER#u1 header: %q", j, lines[i+j])
				}
			}
		}
	}
}

func TestKeyConditionBarQueries(t *testing.T) {
	m, b := newBrowser(t, 100, 20)
	openTable(t, m, "AppTable")
	press(t, m, "c")
	if !m.Capturing() {
		t.Fatal("the bar does not hold the keys")
	}
	uitest.Drive(t, m, uitest.Type("USER#u")...)
	press(t, m, "tab") // two partition keys start so: the menu
	if !strings.Contains(m.notice, "USER#u1") || !strings.Contains(m.notice, "USER#u2") {
		t.Errorf("completion notice %q", m.notice)
	}
	uitest.Drive(t, m, uitest.Type("1")...)
	press(t, m, "down", "tab", "tab", "down") // operator: = then begins_with; then the value
	uitest.Drive(t, m, uitest.Type("ORD")...)
	press(t, m, "tab")
	if got := m.bar.fields[fieldSK].Value(); got != "ORDER#00" {
		t.Errorf("sort key completion: %q", got)
	}
	press(t, m, "backspace", "backspace", "enter")
	if b.Calls("Query") != 1 {
		t.Fatalf("%d queries", b.Calls("Query"))
	}
	view := plain(m.View())
	if !strings.Contains(view, "Query PK = USER#u1 · SK begins_with ORDER#") {
		t.Errorf("condition line:\n%s", view)
	}
	if st := m.Status(); st.Operation != "Query" || st.Shown != 3 || st.Scanned != 3 {
		t.Errorf("status %+v", st)
	}
	// An empty partition key goes back to a Scan.
	press(t, m, "c", "ctrl+u", "enter")
	if st := m.Status(); st.Operation != "Scan" || st.Shown != 7 {
		t.Errorf("status after clearing %+v", st)
	}
	// Esc leaves the bar without running anything.
	queries := b.Calls("Query") + b.Calls("Scan")
	press(t, m, "c")
	uitest.Drive(t, m, uitest.Type("x")...)
	press(t, m, "esc")
	if m.bar != nil || b.Calls("Query")+b.Calls("Scan") != queries {
		t.Error("esc in the bar ran a listing")
	}
}

func TestFilterBar(t *testing.T) {
	m, b := newBrowser(t, 100, 20)
	openTable(t, m, "AppTable")
	press(t, m, "f")
	uitest.Drive(t, m, uitest.Type("status = shipped and total > 10")...)
	press(t, m, "enter")
	if st := m.Status(); st.Shown != 1 || st.Scanned != 7 {
		t.Errorf("status %+v", st)
	}
	if !strings.Contains(plain(m.View()), "filter status = shipped and total > 10") {
		t.Errorf("no filter in the condition line:\n%s", plain(m.View()))
	}
	scans := b.Calls("Scan")
	press(t, m, "f", "ctrl+u")
	uitest.Drive(t, m, uitest.Type("total >")...)
	press(t, m, "enter")
	if f := m.LastFailure(); f == nil || !strings.Contains(f.Message(), "filter, column 8: expected a value") {
		t.Errorf("failure %v", f)
	}
	if b.Calls("Scan") != scans || m.bar == nil {
		t.Error("a bad filter ran, or closed the bar")
	}
}

// TestFiltersWithoutValues: exists(…), attribute_exists(…) and
// attribute_not_exists(…) have no values, and an empty
// ExpressionAttributeValues is refused by the service; size(…) compares.
func TestFiltersWithoutValues(t *testing.T) {
	for _, tc := range []struct {
		filter string
		shown  int
	}{
		{"exists(gift)", 1},
		{"attribute_exists(status)", 4},
		{"attribute_not_exists(status)", 3},
		{"not_exists(tags) and exists(name)", 1},
		{"size(SK) > 7", 4},
		{"size(tags) = 2 or size(lines) between 2 and 3", 2},
	} {
		m, _ := newBrowser(t, 100, 20)
		openTable(t, m, "AppTable")
		press(t, m, "f")
		uitest.Drive(t, m, uitest.Type(tc.filter)...)
		press(t, m, "enter")
		if f := m.LastFailure(); f != nil {
			t.Errorf("%s: %s", tc.filter, f.Message())
			continue
		}
		if st := m.Status(); st.Shown != tc.shown || st.Scanned != 7 {
			t.Errorf("%s: %d shown of %d scanned; want %d of 7", tc.filter, st.Shown, st.Scanned, tc.shown)
		}
	}
}

func TestParseFilter(t *testing.T) {
	for _, tc := range []struct{ in, expr string }{
		{"a = 1", "#f0 = :f0"},
		{"a <> 'x' or not b = true", "(#f0 <> :f0) OR (NOT (#f1 = :f1))"},
		{"begins_with(SK, ORDER#) and exists(gift)", "begins_with(#f0, :f0) AND attribute_exists(#f1)"},
		{"price between 1 and 2", "#f0 BETWEEN :f0 AND :f1"},
		{"status in (a, b)", "#f0 IN (:f0, :f1)"},
		{"dims.h >= 30", "#f0.#f1 >= :f0"},
		{"size(tags) > 1 and size(a.b) between 1 and 2", "size(#f0) > :f0 AND size(#f1.#f2) BETWEEN :f1 AND :f2"},
	} {
		f, err := parseFilter(tc.in)
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if f.expr != tc.expr {
			t.Errorf("%s: %q, want %q", tc.in, f.expr, tc.expr)
		}
	}
	f, _ := parseFilter(`a = "10" and b = 10 and c = null`)
	if f.values[":f0"].Type() != attr.TypeS || f.values[":f1"].Type() != attr.TypeN || f.values[":f2"].Type() != attr.TypeNULL {
		t.Errorf("value types: %v", f.values)
	}
	for _, bad := range []string{"", "a", "a =", "a = 'x", "f(a)", "a = 1 b = 2", "(a = 1", "size(a)", "size(a = 1"} {
		if _, err := parseFilter(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestSearchLoadedRows(t *testing.T) {
	m, b := newBrowser(t, 100, 20)
	openTable(t, m, "AppTable")
	listings := b.Calls("Scan")
	press(t, m, "/")
	uitest.Drive(t, m, uitest.Type("pending")...)
	if m.data.shown() != 2 {
		t.Errorf("live search shows %d rows", m.data.shown())
	}
	press(t, m, "enter")
	st := m.Status()
	if st.Shown != 2 || st.Note != "search over 7 loaded rows: 2 match" {
		t.Errorf("status %+v", st)
	}
	if !strings.Contains(plain(m.View()), "▾ PK USER#u1 · 2 items") {
		t.Errorf("groups do not follow the search:\n%s", plain(m.View()))
	}
	if b.Calls("Scan") != listings {
		t.Error("a search over loaded rows asked the backend")
	}
	press(t, m, "esc") // clears the search before leaving the table
	if m.view != viewItems || m.data.shown() != 7 {
		t.Errorf("esc: view %d, %d shown", m.view, m.data.shown())
	}
}

// seedBig creates a table of n items, ten per partition key.
func seedBig(t testing.TB, b *uitest.Backend, n int) {
	b.MakeTable(t, "Big", "PK", "SK")
	for i := 0; i < n; i++ {
		b.Put(t, "Big", fmt.Sprintf(`{"PK":{"S":"P#%03d"},"SK":{"S":"S#%05d"},"n":{"N":"%d"}}`, i/10, i, i))
	}
}

func TestPaginationLoadsAhead(t *testing.T) {
	b := uitest.NewBackend(t)
	seedBig(t, b, 450)
	m := browserFor(t, b, 100, 24)
	openTable(t, m, "Big")
	if st := m.Status(); st.Page != 1 || !st.More || st.Shown != 100 {
		t.Fatalf("first page: %+v", st)
	}
	if !strings.Contains(plain(m.View()), "page 1 · 100 items loaded · more: n next page, L all") {
		t.Errorf("message line:\n%s", plain(m.View()))
	}
	press(t, m, "G") // to the last loaded row: the next page loads ahead
	if st := m.Status(); st.Page != 2 || len(m.data.items) != 200 {
		t.Errorf("after G: %+v, %d loaded", m.Status(), len(m.data.items))
	}
	// The last group of a page that has more says its count may grow.
	press(t, m, "L")
	if st := m.Status(); st.More || len(m.data.items) != 450 {
		t.Errorf("after L: %+v, %d loaded", st, len(m.data.items))
	}
	press(t, m, "n")
	if !strings.Contains(m.notice, "no more pages") {
		t.Errorf("n at the end: %q", m.notice)
	}
	// Every group counts its rows.
	for _, g := range m.data.groups {
		if g.count != 10 {
			t.Errorf("group %s counts %d", g.key, g.count)
		}
	}
}

func TestGroupCountOfPartialPageSaysMore(t *testing.T) {
	b := uitest.NewBackend(t)
	b.MakeTable(t, "One", "PK", "SK")
	for i := 0; i < 150; i++ {
		b.Put(t, "One", fmt.Sprintf(`{"PK":{"S":"same"},"SK":{"S":"%04d"}}`, i))
	}
	m := browserFor(t, b, 100, 24)
	openTable(t, m, "One")
	if !strings.Contains(plain(m.View()), "▾ PK same · 100+ items") {
		t.Errorf("a partial group looks complete:\n%s", plain(m.View()))
	}
}

func TestEscStopsLoading(t *testing.T) {
	b := uitest.NewBackend(t)
	seedBig(t, b, 150)
	m := browserFor(t, b, 100, 24)
	b.Gate = make(chan struct{})
	defer close(b.Gate)
	m.tableCursor = 0
	cmd := m.Update(uitest.Key("enter")) // the first page's command: held
	if m.load == nil || !strings.Contains(m.Status().Running, "esc stops") {
		t.Fatalf("not loading: %+v", m.Status())
	}
	done := make(chan []tea.Msg)
	go func() { done <- uitest.Exec(cmd) }()
	press(t, m, "esc")
	if m.load != nil || !strings.Contains(m.notice, "stopped") {
		t.Fatalf("esc did not stop: notice %q", m.notice)
	}
	select {
	case msgs := <-done:
		uitest.Drive(t, m, msgs...) // the late answer is ignored
	case <-time.After(5 * time.Second):
		t.Fatal("the stopped load did not end")
	}
	if m.view != viewItems || m.failure != nil {
		t.Errorf("view %d, failure %v", m.view, m.failure)
	}
}

func TestInlineEditShowsDiffAndConfirms(t *testing.T) {
	m, b := newBrowser(t, 120, 30)
	openTable(t, m, "AppTable")
	selectItem(t, m, "USER#u1", "ORDER#001")
	selectColumn(t, m, "total")
	press(t, m, "e")
	if m.bar == nil || m.bar.fields[0].Value() != "19.99" {
		t.Fatalf("inline bar: %+v", m.bar)
	}
	press(t, m, "ctrl+u")
	uitest.Drive(t, m, uitest.Type("abc")...)
	press(t, m, "enter")
	if f := m.LastFailure(); f == nil || !strings.Contains(f.Full(), "edit") {
		t.Fatalf("a bad number was taken: %v", f)
	}
	press(t, m, "ctrl+u")
	uitest.Drive(t, m, uitest.Type("21")...)
	if m.Unsaved() == "" {
		t.Error("a changed inline edit is not unsaved work")
	}
	press(t, m, "enter")
	view := plain(m.View())
	for _, want := range []string{"Update total of 1 item in AppTable?", "key: PK=USER#u1, SK=ORDER#001", "~ total   N 19.99 → N 21", "y writes", "n/esc cancels"} {
		if !strings.Contains(view, want) {
			t.Errorf("confirmation lacks %q:\n%s", want, view)
		}
	}
	press(t, m, "n")
	if b.Calls("UpdateItem") != 0 || !strings.Contains(m.notice, "nothing written") {
		t.Fatalf("n wrote: %d updates, notice %q", b.Calls("UpdateItem"), m.notice)
	}
	press(t, m, "e", "ctrl+u")
	uitest.Drive(t, m, uitest.Type("21")...)
	press(t, m, "enter", "y")
	if b.Calls("UpdateItem") != 1 {
		t.Fatalf("%d updates", b.Calls("UpdateItem"))
	}
	if got := b.Item(t, "AppTable", itemKey("USER#u1", "ORDER#001"))["total"].Str(); got != "21" {
		t.Errorf("stored total %s", got)
	}
	if got := m.data.item(m.cursor)["total"].Str(); got != "21" {
		t.Errorf("grid total %s", got)
	}
	if !strings.Contains(m.notice, "✓ UpdateItem AppTable · PK=USER#u1, SK=ORDER#001") {
		t.Errorf("notice %q", m.notice)
	}
}

func TestInlineEditRefusesStaleValueAndKeys(t *testing.T) {
	m, b := newBrowser(t, 120, 30)
	openTable(t, m, "AppTable")
	selectItem(t, m, "USER#u1", "ORDER#002")
	selectColumn(t, m, "SK")
	press(t, m, "e")
	if m.bar != nil || m.LastFailure() == nil || !strings.Contains(m.LastFailure().Full(), "key attributes cannot change") {
		t.Fatalf("a key attribute was edited inline: %v", m.LastFailure())
	}
	selectColumn(t, m, "status")
	press(t, m, "e", "ctrl+u")
	uitest.Drive(t, m, uitest.Type("cancelled")...)
	press(t, m, "enter")
	// Someone else changes the item meanwhile.
	b.Put(t, "AppTable", `{"PK":{"S":"USER#u1"},"SK":{"S":"ORDER#002"},"total":{"N":"5"},"status":{"S":"shipped"}}`)
	press(t, m, "y")
	if f := m.LastFailure(); f == nil || !strings.Contains(f.Line(200), "the item changed since it was loaded") || !strings.Contains(f.Line(200), "reload (r)") {
		t.Errorf("stale write: %v", f)
	}
	if got := b.Item(t, "AppTable", itemKey("USER#u1", "ORDER#002"))["status"].Str(); got != "shipped" {
		t.Errorf("the other writer's value was overwritten: %s", got)
	}
}

func TestDeleteConfirmsWithCountAndKeys(t *testing.T) {
	m, b := newBrowser(t, 120, 30)
	openTable(t, m, "AppTable")
	selectItem(t, m, "USER#u1", "ORDER#001")
	press(t, m, " ", " ") // marks ORDER#001 and ORDER#002
	press(t, m, "d")
	view := plain(m.View())
	for _, want := range []string{"Delete 2 items from AppTable?", "- PK=USER#u1, SK=ORDER#001", "- PK=USER#u1, SK=ORDER#002", "y deletes"} {
		if !strings.Contains(view, want) {
			t.Errorf("confirmation lacks %q:\n%s", want, view)
		}
	}
	press(t, m, "esc")
	if b.Calls("DeleteItem") != 0 || m.confirm != nil {
		t.Fatal("esc deleted")
	}
	press(t, m, "d", "y")
	if b.Calls("DeleteItem") != 2 || len(b.ScanAll(t, "AppTable")) != 5 {
		t.Fatalf("%d deletes, %d left", b.Calls("DeleteItem"), len(b.ScanAll(t, "AppTable")))
	}
	if !strings.Contains(plain(m.View()), "▾ PK USER#u1 · 2 items") || m.data.shown() != 5 {
		t.Errorf("grid after delete:\n%s", plain(m.View()))
	}
	// Without marks, d deletes the row under the cursor, after asking.
	press(t, m, "d")
	if !strings.Contains(plain(m.View()), "Delete 1 item from AppTable?") {
		t.Errorf("single delete:\n%s", plain(m.View()))
	}
}

func TestExternalEditReadBack(t *testing.T) {
	m, b := newBrowser(t, 120, 30)
	openTable(t, m, "AppTable")
	selectItem(t, m, "USER#u1", "PROFILE")
	old := m.data.item(m.cursor)
	edit := func(kind editKind, text string) {
		p := &pendingEdit{kind: kind, orig: []byte("x")}
		if kind != editNew {
			p.old = old
		}
		m.pending = p
		uitest.Drive(t, m, editedMsg{data: []byte(text)})
	}
	// Same item, other formatting: nothing to write.
	edit(editExisting, old.String())
	if m.confirm != nil || !strings.Contains(m.notice, "formatting only") {
		t.Errorf("reformatted: confirm %v, notice %q", m.confirm, m.notice)
	}
	// Not DynamoDB JSON: the text is kept for o.
	edit(editExisting, `{"PK": "USER#u1"}`)
	if m.pending == nil || m.pending.text == nil || m.Unsaved() == "" || !strings.Contains(m.LastFailure().Fix, "o reopens") {
		t.Errorf("bad JSON: pending %v, failure %v", m.pending, m.LastFailure())
	}
	press(t, m, "esc")
	if m.pending != nil || m.Unsaved() != "" {
		t.Error("esc kept the failed edit")
	}
	// A changed key is not an edit.
	edit(editExisting, `{"PK":{"S":"USER#u9"},"SK":{"S":"PROFILE"}}`)
	if m.confirm != nil || !strings.Contains(m.LastFailure().Full(), "key attributes cannot change") {
		t.Errorf("key change: %v", m.LastFailure())
	}
	// A duplicate needs a new key, and a new item may not overwrite.
	edit(editDuplicate, old.String())
	if m.confirm != nil || !strings.Contains(m.LastFailure().Full(), "the original's key") {
		t.Errorf("duplicate under the same key: %v", m.LastFailure())
	}
	edit(editNew, `{"PK":{"S":"USER#u2"},"SK":{"S":"PROFILE"},"name":{"S":"Impostor"}}`)
	if m.confirm == nil || !strings.Contains(plain(m.View()), "Create 1 item in AppTable?") {
		t.Fatalf("new item not confirmed:\n%s", plain(m.View()))
	}
	press(t, m, "y")
	if f := m.LastFailure(); f == nil || !strings.Contains(f.Full(), "exists already") {
		t.Errorf("overwrite: %v", f)
	}
	if got := b.Item(t, "AppTable", itemKey("USER#u2", "PROFILE"))["name"].Str(); got != "Grace" {
		t.Errorf("a new item overwrote: %s", got)
	}
	// A real change: typed diff, then the write.
	edit(editExisting, strings.Replace(old.String(), `"Ada"`, `"Ava"`, 1))
	if !strings.Contains(plain(m.View()), `~ name  S Ada → S Ava`) {
		t.Fatalf("diff:\n%s", plain(m.View()))
	}
	press(t, m, "y")
	if got := b.Item(t, "AppTable", itemKey("USER#u1", "PROFILE"))["name"].Str(); got != "Ava" {
		t.Errorf("stored name %s", got)
	}
}

func TestErrorsAreShownInOneLine(t *testing.T) {
	m, b := newBrowser(t, 80, 20)
	openTable(t, m, "AppTable")
	if _, err := b.DB.DeleteTable(context.Background(), &engine.DeleteTableInput{TableName: "AppTable"}); err != nil {
		t.Fatal(err)
	}
	press(t, m, "r")
	f := m.LastFailure()
	if f == nil {
		t.Fatal("no failure")
	}
	lines := strings.Split(plain(m.View()), "\n")
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, "✗ Scan AppTable: ResourceNotFoundException") || !strings.Contains(last, "[F2]") {
		t.Errorf("error line %q", last)
	}
	if ansi.StringWidth(last) > 80 {
		t.Errorf("error line too wide: %d", ansi.StringWidth(last))
	}
	if !strings.Contains(f.Full(), "Requested resource not found") || !strings.Contains(f.Full(), "check the table name") {
		t.Errorf("full text:\n%s", f.Full())
	}
}

func TestEscBacksOut(t *testing.T) {
	m, _ := newBrowser(t, 100, 20)
	openTable(t, m, "AppTable")
	press(t, m, "enter")
	if m.view != viewDetail || !strings.Contains(plain(m.View()), `"PK": {"S": "PRODUCT#p1"},`) {
		t.Fatalf("detail:\n%s", plain(m.View()))
	}
	press(t, m, "l") // the next item
	if !strings.Contains(plain(m.View()), "item 2 of 7") {
		t.Errorf("next item:\n%s", plain(m.View()))
	}
	press(t, m, "esc")
	if m.view != viewItems {
		t.Errorf("esc from detail: view %d", m.view)
	}
	press(t, m, "esc")
	if m.view != viewTables {
		t.Errorf("esc from items: view %d", m.view)
	}
	press(t, m, "esc", "esc")
	if m.view != viewTables {
		t.Errorf("esc on the tables list: view %d", m.view)
	}
}

func TestHjklAndArrowsMove(t *testing.T) {
	m, _ := newBrowser(t, 100, 20)
	openTable(t, m, "AppTable")
	press(t, m, "j", "down")
	if m.cursor != 2 {
		t.Errorf("j, down: cursor %d", m.cursor)
	}
	press(t, m, "k", "up")
	if m.cursor != 0 {
		t.Errorf("k, up: cursor %d", m.cursor)
	}
	press(t, m, "l", "right")
	if m.col != 2 {
		t.Errorf("l, right: column %d", m.col)
	}
	press(t, m, "h", "left")
	if m.col != 0 {
		t.Errorf("h, left: column %d", m.col)
	}
}

// TestFilterAsksBeforeReadingOn: a filter that matches little reads up to
// the page budget, then asks with what it covered and what the rest would
// cost; no stops it (only n and L read more), yes reads the rest. The
// status line says how much of the table the filter has covered.
func TestFilterAsksBeforeReadingOn(t *testing.T) {
	b := uitest.NewBackend(t)
	b.MakeTable(t, "Big", "PK", "SK")
	for i := range 1200 {
		gift := ""
		if i == 1100 {
			gift = `,"gift":{"BOOL":true}`
		}
		b.Put(t, "Big", fmt.Sprintf(`{"PK":{"S":"P%04d"},"SK":{"S":"S"}%s}`, i, gift))
	}
	for _, answer := range []string{"n", "y"} {
		m := browserFor(t, b, 100, 24)
		openTable(t, m, "Big")
		scans := b.Calls("Scan")
		press(t, m, "f")
		uitest.Drive(t, m, uitest.Type("exists(gift)")...)
		press(t, m, "enter")
		if got := b.Calls("Scan") - scans; got != 1+pageBudget {
			t.Fatalf("%d Scans before asking; want %d", got, 1+pageBudget)
		}
		v := plain(m.View())
		if m.confirm == nil || !strings.Contains(v, "Read on?") || !strings.Contains(v, "over 400 of ~1200 items (4 pages)") ||
			!strings.Contains(v, "~800 items") || !strings.Contains(v, "RCU?") {
			t.Fatalf("no question with the coverage and the estimate:\n%s", v)
		}
		if st := m.Status(); !strings.Contains(st.Note, "filter over 400 of ~1200 items") {
			t.Errorf("status note %q", st.Note)
		}
		press(t, m, answer)
		switch answer {
		case "n":
			press(t, m, "j", "j", "G")
			if got := b.Calls("Scan") - scans; got != 1+pageBudget || m.confirm != nil {
				t.Fatalf("after no, %d Scans and a question %v", got, m.confirm != nil)
			}
			press(t, m, "L")
			if st := m.Status(); st.Shown != 1 || st.More {
				t.Fatalf("L after no: %+v", st)
			}
		case "y":
			if st := m.Status(); st.Shown != 1 || st.More || !strings.Contains(st.Note, "all read") {
				t.Fatalf("after yes: %+v", st)
			}
		}
	}
}

// TestUnreachableEndpointIsNotAnEmptySession: with the endpoint down the
// tables list says it could not list them, why (connection refused, with
// the address) and what to do — not "No tables yet".
func TestUnreachableEndpointIsNotAnEmptySession(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	endpoint := "http://" + ln.Addr().String()
	ln.Close() // nothing listens there now
	remote, err := sessions.OpenRemote(context.Background(), "down", sessions.RemoteOptions{Endpoint: endpoint, Placeholder: true})
	if err != nil {
		t.Fatal(err)
	}
	defer remote.Close()
	c := uitest.Common(t, uitest.NewBackend(t), "dark")
	c.Backend = remote
	m := New(c, nil)
	m.SetSize(100, 20)
	m.SetFocused(true)
	uitest.Drive(t, m, uitest.Exec(common.LoadTables(c, ""))...)
	v := plain(m.View())
	for _, want := range []string{"Could not list the tables of " + endpoint, "ListTables", "connection refused", "Fix: nothing listens there: start the endpoint"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "No tables yet") {
		t.Errorf("an unreachable endpoint shown as an empty session:\n%s", v)
	}
	if f := m.LastFailure(); f == nil || !strings.Contains(f.Fix, "start the endpoint") {
		t.Errorf("F2's failure: %+v", f)
	}
}

// TestCreateAndDeleteTablesFromTheList: an empty session offers the sample
// models and a new table; n creates one from a one-line spec; D deletes
// one only when its name is typed.
func TestCreateAndDeleteTablesFromTheList(t *testing.T) {
	b := uitest.NewBackend(t)
	m := browserFor(t, b, 120, 24)
	v := plain(m.View())
	for _, want := range []string{"No tables yet", "dynalab sample load single-table --session", "press n for a new table"} {
		if !strings.Contains(v, want) {
			t.Errorf("the empty list lacks %q:\n%s", want, v)
		}
	}
	press(t, m, "n")
	uitest.Drive(t, m, uitest.Type("Orders PK:S SK:S gsi ByStatus status:S")...)
	press(t, m, "enter")
	if len(m.tables) != 1 || m.tables[0].Name != "Orders" || len(m.tables[0].Indexes) != 1 {
		t.Fatalf("tables %+v; view:\n%s", m.tables, plain(m.View()))
	}
	press(t, m, "n")
	uitest.Drive(t, m, uitest.Type("Bad PK")...)
	press(t, m, "enter")
	if f := m.LastFailure(); f == nil || !strings.Contains(f.Message(), "expected a key attribute") || m.bar == nil {
		t.Fatalf("a bad spec: %v, bar open %v", f, m.bar != nil)
	}
	press(t, m, "esc", "D")
	if !strings.Contains(plain(m.View()), "delete Orders and its 0 items? type its name:") {
		t.Fatalf("no question:\n%s", plain(m.View()))
	}
	uitest.Drive(t, m, uitest.Type("Order")...)
	press(t, m, "enter")
	if b.Calls("DeleteTable") != 0 || m.bar == nil {
		t.Fatal("deleted without the exact name")
	}
	uitest.Drive(t, m, uitest.Type("s")...)
	press(t, m, "enter")
	if b.Calls("DeleteTable") != 1 || len(m.tables) != 0 {
		t.Fatalf("not deleted: %d calls, tables %+v", b.Calls("DeleteTable"), m.tables)
	}
}

// TestRemoteCountsSayWhatTheyAre: a remote table's count is DescribeTable's,
// which AWS refreshes about every six hours; the title says so.
func TestRemoteCountsSayWhatTheyAre(t *testing.T) {
	b := uitest.NewBackend(t)
	b.Seed(t)
	b.SessKind = sessions.KindRemote
	m := browserFor(t, b, 140, 20)
	openTable(t, m, "AppTable")
	if v := plain(m.View()); !strings.Contains(v, "~7 items") || !strings.Contains(v, "refreshed by AWS about every 6 hours") {
		t.Fatalf("title:\n%s", v)
	}
}

// TestSplitItemFollowsTheCursor: v shows the item under the grid, and it
// follows the cursor; v again hides it.
func TestSplitItemFollowsTheCursor(t *testing.T) {
	m, _ := newBrowser(t, 100, 30)
	openTable(t, m, "AppTable")
	press(t, m, "v")
	first := plain(m.View())
	if !strings.Contains(first, "── ") || !strings.Contains(first, "item 1 of 7") {
		t.Fatalf("no item under the grid:\n%s", first)
	}
	press(t, m, "j")
	if v := plain(m.View()); !strings.Contains(v, "item 2 of 7") {
		t.Fatalf("the item does not follow the cursor:\n%s", v)
	}
	press(t, m, "v")
	if strings.Contains(plain(m.View()), "item 2 of 7") {
		t.Fatal("v did not hide the item")
	}
}

// TestReadOnlyRefusesAnEdit: on a database opened --read-only an edit is
// refused with the mode named, and nothing is written.
func TestReadOnlyRefusesAnEdit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ro.db")
	rw, err := engine.Open(engine.Options{Path: path, SweepInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	uitest.NewBackendFor(rw).Seed(t)
	if err := rw.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := engine.Open(engine.Options{Path: path, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m := browserFor(t, uitest.NewBackendFor(db), 120, 30)
	openTable(t, m, "AppTable")
	selectItem(t, m, "USER#u1", "ORDER#001")
	selectColumn(t, m, "total")
	press(t, m, "e", "ctrl+u")
	uitest.Drive(t, m, uitest.Type("21")...)
	press(t, m, "enter", "y")
	if f := m.LastFailure(); f == nil || !strings.Contains(f.Full(), "read-only (--read-only)") {
		t.Fatalf("the edit was not refused with the mode named: %v\n%s", f, plain(m.View()))
	}
	out, _ := db.GetItem(context.Background(), &engine.GetItemInput{TableName: "AppTable", Key: attr.Item{"PK": attr.S("USER#u1"), "SK": attr.S("ORDER#001")}})
	if out.Item["total"].Str() != "19.99" {
		t.Fatal("written")
	}
}

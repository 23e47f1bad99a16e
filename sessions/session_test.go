package sessions

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dynalab/engine"
	"dynalab/engine/attr"
)

// home returns a fresh data directory (and its path).
func home(t *testing.T) (Home, string) {
	t.Helper()
	dir := t.TempDir()
	return NewHome(dir), dir
}

func TestValidateName(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"default", "lab", "my-lab_2", "v1.2", "A", "_x", strings.Repeat("a", 64)} {
		if err := ValidateName(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, tc := range []struct{ name, why string }{
		{"", "empty"},
		{"..", `".."`},
		{"a..b", `".."`},
		{".hidden", "starts with '.'"},
		{"-flag", "starts with '-'"},
		{"a/b", "path separator"},
		{`a\b`, "path separator"},
		{"../etc", "path separator"},
		{"a b", "contains ' '"},
		{"café", "contains 'é'"},
		{"x.", "ends with '.'"},
		{"con", "device name"},
		{"NUL.txt", "device name"},
		{strings.Repeat("a", 65), "65 characters"},
	} {
		err := ValidateName(tc.name)
		if !errors.Is(err, ErrInvalidName) || !strings.Contains(err.Error(), tc.why) || !strings.Contains(err.Error(), NameRule) {
			t.Errorf("%q: %v; want an ErrInvalidName saying %s and the rule", tc.name, err, tc.why)
		}
	}
	if _, err := NewHome(t.TempDir()).Dir("../x"); err == nil || !strings.HasPrefix(err.Error(), `invalid session name "../x"`) {
		t.Errorf("Dir: %v", err)
	}
}

func TestLifecycle(t *testing.T) {
	t.Parallel()
	h, root := home(t)
	list, err := h.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Name != DefaultName || list[0].Settings.Kind != KindLocal || list[0].Holder != nil {
		t.Fatalf("first list %+v; want the default session, created on first use", list)
	}
	if _, err := os.Stat(filepath.Join(root, "sessions", DefaultName, "session.json")); err != nil {
		t.Fatal(err)
	}

	info, err := h.Create("lab", Settings{Theme: "light", Description: "for tests"})
	if err != nil {
		t.Fatal(err)
	}
	if info.Settings.Kind != KindLocal || info.Settings.Created.IsZero() || info.Database != filepath.Join(root, "sessions", "lab", "data.db") {
		t.Fatalf("created %+v", info)
	}
	remote, err := h.Create("dl", Settings{Endpoint: "http://127.0.0.1:8000", Region: "eu-west-1"})
	if err != nil {
		t.Fatal(err)
	}
	if remote.Settings.Kind != KindRemote || remote.Database != "" {
		t.Fatalf("remote %+v", remote)
	}
	for _, tc := range []struct {
		name string
		s    Settings
		want error
		msg  string
	}{
		{"lab", Settings{}, ErrExists, `create session "lab": already exists`},
		{"LAB", Settings{}, ErrExists, `already exists (as "lab")`},
		{DefaultName, Settings{}, ErrExists, "created on first use"},
		{"../x", Settings{}, ErrInvalidName, "path separator"},
		{"bad", Settings{Endpoint: "localhost:8000"}, nil, "not an http:// or https:// URL"},
		{"bad", Settings{Kind: KindLocal, Region: "x"}, nil, "a local session has no endpoint"},
	} {
		_, err := h.Create(tc.name, tc.s)
		if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("h.Create(%q, %+v): %v; want %v saying %q", tc.name, tc.s, err, tc.want, tc.msg)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "sessions", "bad")); !os.IsNotExist(err) {
		t.Errorf("a refused Create left a directory: %v", err)
	}

	list, err = h.List()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, i := range list {
		names = append(names, i.Name)
	}
	if strings.Join(names, ",") != "default,dl,lab" {
		t.Fatalf("sessions %v", names)
	}
	st, err := h.Update("lab", func(s *Settings) { s.Theme = "dark" })
	if err != nil || st.Theme != "dark" {
		t.Fatalf("update: %+v %v", st, err)
	}
	if st, _ := h.Load("lab"); st.Theme != "dark" || st.Description != "for tests" {
		t.Fatalf("reloaded %+v", st)
	}

	_, err = h.Load("nope")
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "dynalab session new nope") {
		t.Fatalf("missing session: %v", err)
	}
	if _, err := Open(context.Background(), Selector{Home: h, Session: "nope"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("open missing session: %v", err)
	}

	if err := h.Remove("lab"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "sessions", "lab")); !os.IsNotExist(err) {
		t.Fatalf("session directory left: %v", err)
	}
	if err := h.Remove("lab"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second remove: %v", err)
	}
}

// TestLegacyDirectory checks that a session directory without
// session.json (made before sessions had settings) is a local session.
func TestLegacyDirectory(t *testing.T) {
	t.Parallel()
	h, root := home(t)
	dir := filepath.Join(root, "sessions", "old")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	info, err := h.Show("old")
	if err != nil || info.Settings.Kind != KindLocal {
		t.Fatalf("%+v %v", info, err)
	}
}

// TestIsolation checks that two sessions have their own data.
func TestIsolation(t *testing.T) {
	t.Parallel()
	h, _ := home(t)
	ctx := context.Background()
	if _, err := h.Create("a", Settings{}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Create("b", Settings{}); err != nil {
		t.Fatal(err)
	}
	a := mustLocal(t, Selector{Home: h, Session: "a"})
	createTable(t, a, "Shared")
	put(t, a, "Shared", `{"id":{"S":"only-in-a"}}`)
	b := mustLocal(t, Selector{Home: h, Session: "b"})
	if out, err := b.ListTables(ctx, &engine.ListTablesInput{}); err != nil || len(out.TableNames) != 0 {
		t.Fatalf("session b sees %v (%v)", out, err)
	}
	createTable(t, b, "Shared")
	if n := count(t, b, "Shared"); n != 0 {
		t.Fatalf("session b's table has %d items", n)
	}
	if n := count(t, a, "Shared"); n != 1 {
		t.Fatalf("session a's table has %d items", n)
	}
	if a.Path() == b.Path() || filepath.Dir(a.Path()) == filepath.Dir(b.Path()) {
		t.Fatalf("same place: %s %s", a.Path(), b.Path())
	}
	// The default session is a third, separate one.
	d := mustLocal(t, Selector{Home: h})
	if d.Name() != DefaultName {
		t.Fatalf("default session named %q", d.Name())
	}
	if out, _ := d.ListTables(ctx, &engine.ListTablesInput{}); len(out.TableNames) != 0 {
		t.Fatalf("default sees %v", out.TableNames)
	}
}

func TestSelectorAlternatives(t *testing.T) {
	t.Parallel()
	h, _ := home(t)
	for _, sel := range []Selector{
		{Session: "a", Data: "x.db"},
		{Session: "a", Endpoint: "http://x"},
		{Data: "x.db", InMemory: true},
		{Endpoint: "http://x", InMemory: true},
	} {
		if _, err := Open(context.Background(), sel); err == nil || !strings.Contains(err.Error(), "are alternatives; give one") {
			t.Errorf("%+v: %v", sel, err)
		}
	}
	for _, tc := range []struct {
		sel Selector
		msg string
	}{
		{Selector{Home: h, Data: "x.db", Profile: "p"}, "--profile applies to remote"},
		{Selector{Home: h, Endpoint: "ftp://x"}, "not an http:// or https:// URL"},
		{Selector{Home: h, Session: "a/b"}, `invalid session name "a/b"`},
		{Selector{Home: h, Profile: "p"}, `session "default" is local`},
	} {
		if _, err := Open(context.Background(), tc.sel); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%+v: %v; want %q", tc.sel, err, tc.msg)
		}
	}
	for sel, want := range map[Selector]string{{}: DefaultName, {Session: "x"}: "x", {Data: "f"}: "", {Endpoint: "http://h"}: "", {InMemory: true}: ""} {
		if got := sel.SessionName(); got != want {
			t.Errorf("%+v: SessionName %q, want %q", sel, got, want)
		}
	}
	// --data and --in-memory open outside any session.
	data := filepath.Join(t.TempDir(), "lab.db")
	l := mustLocal(t, Selector{Home: h, Data: data})
	if l.Path() != data || l.Name() != "lab.db" || l.Kind() != KindLocal {
		t.Fatalf("--data opened %s as %q", l.Path(), l.Name())
	}
	m := mustLocal(t, Selector{Home: h, InMemory: true})
	if m.Path() != engine.InMemory {
		t.Fatalf("--in-memory opened %s", m.Path())
	}
}

func TestSavedQueries(t *testing.T) {
	t.Parallel()
	h, _ := home(t)
	if qs, err := h.Queries(DefaultName); err != nil || len(qs) != 0 {
		t.Fatalf("%v %v", qs, err)
	}
	text := "-- A user's orders,\n--   newest first.\nSELECT * FROM \"AppTable\" WHERE PK = ? AND begins_with(SK, 'ORDER#')"
	q, err := h.SaveQuery(DefaultName, "orders-by-user", text)
	if err != nil {
		t.Fatal(err)
	}
	if q.Description != "A user's orders,\nnewest first." || !strings.HasSuffix(q.Text, "')\n") {
		t.Fatalf("saved %+v", q)
	}
	if _, err := h.SaveQuery(DefaultName, "profile", "SELECT * FROM \"AppTable\" WHERE PK = ? AND SK = 'PROFILE'\n"); err != nil {
		t.Fatal(err)
	}
	qs, err := h.Queries(DefaultName)
	if err != nil || len(qs) != 2 || qs[0].Name != "orders-by-user" || qs[1].Name != "profile" || qs[1].Description != "" {
		t.Fatalf("queries %+v %v", qs, err)
	}
	got, err := h.LoadQuery(DefaultName, "orders-by-user")
	if err != nil || got.Text != text+"\n" {
		t.Fatalf("load %+v %v", got, err)
	}
	if _, err := h.SaveQuery(DefaultName, "../escape", "x"); !errors.Is(err, ErrInvalidName) {
		t.Fatalf("bad name: %v", err)
	}
	if _, err := h.SaveQuery("nope", "q", "x"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing session: %v", err)
	}
	if err := h.DeleteQuery(DefaultName, "profile"); err != nil {
		t.Fatal(err)
	}
	if err := h.DeleteQuery(DefaultName, "profile"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	if _, err := h.LoadQuery(DefaultName, "profile"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("load deleted: %v", err)
	}
}

// mustLocal opens a selection that must be local, closed with the test.
func mustLocal(t *testing.T, sel Selector) *Local {
	t.Helper()
	b, err := Open(context.Background(), sel)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	l, ok := b.(*Local)
	if !ok {
		t.Fatalf("%+v opened a %T", sel, b)
	}
	return l
}

// createTable creates a table keyed by id (S) through any Backend.
func createTable(t *testing.T, b Backend, name string) {
	t.Helper()
	_, err := b.CreateTable(context.Background(), &engine.CreateTableInput{
		TableName:            name,
		BillingMode:          engine.BillingPayPerRequest,
		AttributeDefinitions: []engine.AttributeDefinition{{AttributeName: "id", AttributeType: "S"}},
		KeySchema:            []engine.KeySchemaElement{{AttributeName: "id", KeyType: engine.KeyTypeHash}},
	})
	if err != nil {
		t.Fatal(err)
	}
}

func put(t *testing.T, b Backend, table, item string) {
	t.Helper()
	if _, err := b.PutItem(context.Background(), &engine.PutItemInput{TableName: table, Item: mustItem(t, item)}); err != nil {
		t.Fatal(err)
	}
}

func count(t *testing.T, b Backend, table string) int {
	t.Helper()
	out, err := b.Scan(context.Background(), &engine.ScanInput{TableName: table})
	if err != nil {
		t.Fatal(err)
	}
	return out.Count
}

func mustItem(t *testing.T, s string) attr.Item {
	t.Helper()
	it, err := attr.ParseItem([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return it
}

// TestHome: DefaultHome reads $DYNALAB_HOME once, and a zero Home refuses
// instead of putting sessions in the working directory.
func TestHome(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(HomeEnv, dir)
	h, err := DefaultHome()
	if err != nil {
		t.Fatal(err)
	}
	if p, err := h.Path(); err != nil || p != dir {
		t.Fatalf("DefaultHome = %q, %v; want %s", p, err, dir)
	}
	t.Setenv(HomeEnv, t.TempDir()) // resolved once: h keeps its directory
	if db, _ := h.DatabasePath("lab"); db != filepath.Join(dir, "sessions", "lab", databaseFile) {
		t.Errorf("DatabasePath = %s", db)
	}
	var zero Home
	if _, err := zero.Load(DefaultName); !errors.Is(err, errNoHome) {
		t.Errorf("zero Home Load: %v", err)
	}
	if _, err := Open(context.Background(), Selector{Session: "lab"}); !errors.Is(err, errNoHome) {
		t.Errorf("Open without a Home: %v", err)
	}
	if _, err := os.Stat(filepath.Join(".", "sessions")); err == nil {
		t.Error("a zero Home created ./sessions")
	}
}

package repl

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dynalab/engine/attr"
	"dynalab/sessions"
	"dynalab/ui/internal/uitest"
)

// TestSavedQueries: .queries lists the queries saved beside the session's
// history file and .q NAME puts one at the prompt, where Enter runs it.
func TestSavedQueries(t *testing.T) {
	b := uitest.NewBackend(t)
	b.Seed(t)
	b.RunFunc = uitest.SelectRunner(b, 0)
	dir := t.TempDir()
	hist := filepath.Join(dir, "history")
	qdir := sessions.QueriesBeside(hist)
	if err := os.MkdirAll(qdir, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(qdir, "user-one.sql"), []byte("-- User one's items.\n-- All of them.\nSELECT * FROM \"AppTable\"\nWHERE PK='USER#u1';\n"), 0o600)
	os.WriteFile(filepath.Join(qdir, "empty.sql"), []byte("-- nothing here\n"), 0o600)
	os.WriteFile(filepath.Join(qdir, "multi.sql"), []byte("-- On a multi-attribute GSI.\n-- @request Query {\"TableName\":\"AppTable\",\"IndexName\":\"GSI2-multi\",\"KeyConditionExpression\":\"userId = :u\",\"ExpressionAttributeValues\":{\":u\":{\"S\":\"u1\"}}}\n"), 0o600)
	m := newREPLAt(t, b, hist)
	m.SetSize(120, 30)

	typeLine(t, m, ".queries")
	view := plain(m.View())
	for _, w := range []string{"empty", "nothing here", "user-one", "User one's items.", "3 saved queries · .q NAME puts one at the prompt"} {
		if !strings.Contains(view, w) {
			t.Errorf(".queries: view lacks %q:\n%s", w, view)
		}
	}

	typeLine(t, m, ".q user-one")
	if got, want := m.ed.Value(), "SELECT * FROM \"AppTable\"\nWHERE PK='USER#u1';"; got != want {
		t.Fatalf(".q put %q at the prompt, want %q", got, want)
	}
	if n := len(b.Runs()); n != 0 {
		t.Fatalf(".q ran %d statements; it only fills the prompt", n)
	}
	uitest.Drive(t, m, uitest.Key("enter"))
	if n := len(b.Runs()); n != 1 {
		t.Fatalf("Enter after .q ran %d statements, want 1", n)
	}

	for line, want := range map[string]string{
		".q nope":  "no saved query nope — fix: .queries lists them",
		".q empty": "saved query empty holds no statement",
		// An API request (PartiQL cannot read such an index) is not put
		// at the PartiQL prompt.
		".q multi": "saved query multi is an API request (Query), not a PartiQL statement — fix: .code LANG multi shows it",
		".q":       "usage: .q NAME",
	} {
		typeLine(t, m, line)
		if view := plain(m.View()); !strings.Contains(view, want) {
			t.Errorf("%s: view lacks %q:\n%s", line, want, view)
		}
	}
}

func TestSavedQueriesNeedASession(t *testing.T) {
	m := newREPLAt(t, uitest.NewBackend(t), "")
	m.SetSize(160, 30)
	typeLine(t, m, ".queries")
	if view := plain(m.View()); !strings.Contains(view, "no session: saved queries belong to a session") {
		t.Errorf("view:\n%s", view)
	}
}

// TestSaveQuery: .save NAME [DESCRIPTION] saves the last statement run
// beside the session's history, where .queries and .q find it; EXPLAIN is
// not part of what is saved; a second .save of the name replaces it.
func TestSaveQuery(t *testing.T) {
	b := uitest.NewBackend(t)
	b.Seed(t)
	b.RunFunc = uitest.SelectRunner(b, 0)
	hist := filepath.Join(t.TempDir(), "history")
	qdir := sessions.QueriesBeside(hist)
	m := newREPLAt(t, b, hist)
	m.SetSize(120, 30)

	typeLine(t, m, ".save first")
	if view := plain(m.View()); !strings.Contains(view, "nothing to save — fix: run a statement first") {
		t.Fatalf("view:\n%s", view)
	}
	typeLine(t, m, selectU1)
	typeLine(t, m, ".save user-one User one's items, all of them")
	data, err := os.ReadFile(filepath.Join(qdir, "user-one.sql"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "-- User one's items, all of them\n" + strings.TrimSuffix(selectU1, ";") + ";\n"; string(data) != want {
		t.Fatalf("saved %q, want %q", data, want)
	}
	if view := plain(m.View()); !strings.Contains(view, "✓ saved query user-one · .q user-one puts it at the prompt") {
		t.Fatalf("view:\n%s", view)
	}
	typeLine(t, m, ".queries")
	if view := plain(m.View()); !strings.Contains(view, "User one's items, all of them") {
		t.Fatalf(".queries does not list it:\n%s", view)
	}

	b.RunFunc = func(context.Context, string, []attr.Value, string) (*sessions.Result, error) {
		return &sessions.Result{Plan: "Operation: Query on AppTable\n", Operation: "Query"}, nil
	}
	typeLine(t, m, `EXPLAIN SELECT * FROM "AppTable" WHERE PK = 'USER#u2';`)
	typeLine(t, m, ".save user-one")
	data, _ = os.ReadFile(filepath.Join(qdir, "user-one.sql"))
	if want := "SELECT * FROM AppTable WHERE PK = 'USER#u2';\n"; string(data) != want {
		t.Fatalf("saved %q, want %q", data, want)
	}
	if view := plain(m.View()); !strings.Contains(view, "✓ replaced query user-one") {
		t.Fatalf("view:\n%s", view)
	}
	typeLine(t, m, ".save bad/name")
	if view := plain(m.View()); !strings.Contains(view, `invalid saved query name`) && !strings.Contains(view, `invalid name "bad/name"`) {
		t.Fatalf("view:\n%s", view)
	}
}

package repl

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dynalab/engine/attr"
	"dynalab/sessions"
	"dynalab/sessions/codegen"
	"dynalab/ui/internal/uitest"
)

// TestCode: .code LANG writes the last statement as the request it plans
// as, .code LANG NAME a saved query (an access pattern with parameters),
// and mistakes say what to do.
func TestCode(t *testing.T) {
	b := uitest.NewBackend(t)
	b.Seed(t)
	b.RunFunc = uitest.SelectRunner(b, 0)
	hist := filepath.Join(t.TempDir(), "history")
	qdir := sessions.QueriesBeside(hist)
	if err := os.MkdirAll(qdir, 0o755); err != nil {
		t.Fatal(err)
	}
	pattern := "-- A user's orders, newest first.\n" +
		"-- @statement SELECT * FROM \"AppTable\" WHERE PK = ? AND begins_with(SK, 'ORDER#') ORDER BY SK DESC\n" +
		"-- @parameters [{\"S\":\"USER#u2\"}]\n" +
		"SELECT * FROM \"AppTable\" WHERE PK = 'USER#u2' AND begins_with(SK, 'ORDER#') ORDER BY SK DESC;\n"
	if err := os.WriteFile(filepath.Join(qdir, "user-orders.sql"), []byte(pattern), 0o600); err != nil {
		t.Fatal(err)
	}
	m := newREPLAt(t, b, hist)
	m.SetSize(160, 200)

	typeLine(t, m, ".code go")
	if view := plain(m.View()); !strings.Contains(view, "no statement yet — fix: run a statement first") {
		t.Errorf(".code before any statement:\n%s", view)
	}

	typeLine(t, m, `SELECT * FROM "AppTable" WHERE PK = 'USER#u1' AND SK = 'PROFILE';`)
	typeLine(t, m, ".code python")
	view := plain(m.View())
	for _, w := range []string{`response = client.get_item(`, `Key={"PK": {"S": "USER#u1"}, "SK": {"S": "PROFILE"}},`,
		"access_pattern.py, for the last statement"} {
		if !strings.Contains(view, w) {
			t.Errorf(".code python: view lacks %q:\n%s", w, view)
		}
	}

	typeLine(t, m, ".clear")
	typeLine(t, m, ".code cli user-orders")
	view = plain(m.View())
	// The exact program: the same text as codegen writes for the pattern.
	req, err := codegen.Plan(t.Context(), b, `SELECT * FROM "AppTable" WHERE PK = ? AND begins_with(SK, 'ORDER#') ORDER BY SK DESC`,
		[]attr.Value{attr.S("USER#u2")})
	if err != nil {
		t.Fatal(err)
	}
	want, err := codegen.Generate(codegen.CLI, req)
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(want) {
		if !strings.Contains(view, strings.TrimRight(line, "\n")) {
			t.Errorf(".code cli user-orders: view lacks the line %q:\n%s", line, view)
		}
	}
	if !strings.Contains(view, "--no-scan-index-forward") || !strings.Contains(view, `'{":v0":{"S":"USER#u2"},":v1":{"S":"ORDER#"}}'`) {
		t.Errorf(".code cli user-orders: not the pattern's Query:\n%s", view)
	}

	for line, want := range map[string]string{
		".code":            "usage: .code go|python|js|java|cli [NAME]",
		".code cobol":      `unknown language "cobol": one of go, python, js, java, cli`,
		".code js nope":    "no saved query nope — fix: .queries lists the saved queries",
		".code java bogus": "no saved query bogus",
	} {
		typeLine(t, m, line)
		if view := plain(m.View()); !strings.Contains(view, want) {
			t.Errorf("%s: view lacks %q:\n%s", line, want, view)
		}
	}
}

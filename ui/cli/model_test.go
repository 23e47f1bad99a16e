package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestModelCommands: check passes a good model and reports a bad one's
// problems as FILE:LINE; apply creates a session's tables and saved
// queries; export writes them back; a change that loses data is refused
// off a terminal without --yes.
func TestModelCommands(t *testing.T) {
	dir := sessionHome(t)
	good := filepath.Join("..", "..", "sessions", "samples", "data", "single-table", "model.json")
	if code, out, errOut := cli(t, "model", "check", good); code != 0 || !strings.Contains(out, "is consistent") {
		t.Fatalf("check good: exit %d\n%s%s", code, out, errOut)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte("{\n  \"Version\": 1,\n  \"Tables\": [\n    {\"TableName\": \"T\"}\n  ]\n}\n"), 0o600)
	if code, _, errOut := cli(t, "model", "check", bad); code != 1 || !strings.Contains(errOut, bad+":4: ") {
		t.Fatalf("check bad: exit %d\n%s", code, errOut)
	}
	if code, out, errOut := cli(t, "model", "apply", good, "--session", "lab"); code != 0 || !strings.Contains(out, "create table AppTable") || !strings.Contains(out, "saved") {
		t.Fatalf("apply: exit %d\n%s%s", code, out, errOut)
	}
	out := filepath.Join(dir, "out.json")
	if code, _, errOut := cli(t, "model", "export", "--session", "lab", "-o", out); code != 0 {
		t.Fatalf("export: exit %d\n%s", code, errOut)
	}
	if code, o, errOut := cli(t, "model", "check", out); code != 0 {
		t.Fatalf("the export does not check: exit %d\n%s%s", code, o, errOut)
	}
	data, _ := os.ReadFile(out)
	if !strings.Contains(string(data), `"AppTable"`) || !strings.Contains(string(data), "user-orders") {
		t.Fatalf("export:\n%s", data)
	}
	// The same model with another projection for an index: applying it
	// replaces the index, which loses what it holds, and is refused
	// without --yes off a terminal.
	s := strings.Replace(string(data), `{"ProjectionType":"ALL"}`, `{"ProjectionType":"KEYS_ONLY"}`, 1)
	if s == string(data) {
		t.Fatalf("no projection to change in:\n%s", data)
	}
	changed := filepath.Join(dir, "changed.json")
	os.WriteFile(changed, []byte(s), 0o600)
	if code, o, errOut := cli(t, "model", "apply", changed, "--session", "lab"); code != 1 || !strings.Contains(errOut, "--yes") {
		t.Fatalf("destructive without --yes: exit %d\n%s%s", code, o, errOut)
	}
	if code, o, errOut := cli(t, "model", "apply", changed, "--session", "lab", "--yes"); code != 0 {
		t.Fatalf("destructive with --yes: exit %d\n%s%s", code, o, errOut)
	}
}

// TestLearnList: dynalab learn --list lists the built-in lessons in the
// language asked; a teacher's course with a mistake says where.
func TestLearnList(t *testing.T) {
	dir := sessionHome(t)
	code, out, errOut := cli(t, "learn", "--list", "--lang", "en")
	if code != 0 || !strings.Contains(out, "Tables, keys and item collections") || !strings.Contains(out, "The closing checklist") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := cli(t, "learn", "--list", "--lang", "fr"); code != 2 || !strings.Contains(errOut, "unknown language") {
		t.Fatalf("--lang fr: exit %d %s", code, errOut)
	}
	course := filepath.Join(dir, "course", "01-keys")
	os.MkdirAll(course, 0o700)
	os.WriteFile(filepath.Join(course, "en.md"), []byte("# Keys\n"), 0o600)
	if code, _, errOut := cli(t, "learn", "--list", "--dir", filepath.Dir(course)); code != 1 || !strings.Contains(errOut, "01-keys") {
		t.Fatalf("a bad course: exit %d\n%s", code, errOut)
	}
}

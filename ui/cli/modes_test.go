package cli

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"dynalab/sessions"
)

// TestPrivateFiles runs the binary with a fresh data directory and checks
// the modes of what it creates: directories 0700, files 0600 (issue 19:
// exports, rejects, sessions and snapshots hold items any local user could
// otherwise read), and that replacing a file keeps the mode its owner gave
// it.
func TestPrivateFiles(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix file modes")
	}
	bin := binary(t)
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	t.Setenv(sessions.HomeEnv, home)
	input := filepath.Join(dir, "items.jsonl")
	if err := os.WriteFile(input, []byte("{\"id\":{\"S\":\"a\"}}\n{\"id\":{\"N\":\"1\"}}\n{\"id\":{\"S\":\"b\"}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun := func(want int, args ...string) {
		t.Helper()
		if code, out, errOut := runBinary(t, bin, nil, args...); code != want {
			t.Fatalf("dynalab %v: exit %d, want %d\n%s%s", args, code, want, out, errOut)
		}
	}
	wantMode := func(path string, want fs.FileMode) {
		t.Helper()
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s: mode %#o, want %#o", path, got, want)
		}
	}

	// A session: the data directory, the session's directory and settings.
	mustRun(0, "session", "new", "lab")
	sessionDir, err := testHome(t).Dir("lab")
	if err != nil {
		t.Fatal(err)
	}
	wantMode(home, 0o700)
	wantMode(filepath.Dir(sessionDir), 0o700)
	wantMode(sessionDir, 0o700)
	wantMode(filepath.Join(sessionDir, "session.json"), 0o600)
	if err := os.Chmod(filepath.Join(sessionDir, "session.json"), 0o640); err != nil {
		t.Fatal(err)
	}
	mustRun(0, "session", "set", "lab", "--description", "modes")
	wantMode(filepath.Join(sessionDir, "session.json"), 0o640) // rewritten, mode kept

	// Import rejects (the line with a number key) and an import checkpoint.
	rejects := filepath.Join(dir, "rejects.jsonl")
	mustRun(1, "import", "--session", "lab", "--table", "Items", "--key", "id:S", "--rejects", rejects, input)
	wantMode(rejects, 0o600)

	// Exports: a new file is private; a replaced one keeps its mode.
	out := filepath.Join(dir, "out.jsonl")
	mustRun(0, "export", "--session", "lab", "--table", "Items", out)
	wantMode(out, 0o600)
	shared := filepath.Join(dir, "shared.jsonl")
	if err := os.WriteFile(shared, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(shared, 0o644); err != nil { // whatever the umask
		t.Fatal(err)
	}
	mustRun(0, "export", "--session", "lab", "--table", "Items", shared)
	wantMode(shared, 0o644)

	// Snapshots: the directory and the copy are private; a restore keeps
	// the database file's mode.
	mustRun(0, "snapshot", "save", "s1", "--session", "lab")
	snaps, err := testHome(t).Snapshots("lab")
	if err != nil || len(snaps) != 1 {
		t.Fatalf("snapshots: %v, %v", snaps, err)
	}
	wantMode(filepath.Dir(snaps[0].Path), 0o700)
	wantMode(snaps[0].Path, 0o600)
	db, err := testHome(t).DatabasePath("lab")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(db, 0o640); err != nil {
		t.Fatal(err)
	}
	mustRun(0, "snapshot", "restore", "s1", "--session", "lab")
	wantMode(db, 0o640)
}

package sessions

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func wantMode(t *testing.T, path string, want fs.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("%s: mode %#o, want %#o", path, got, want)
	}
}

// TestPrivateModes: what sessions write under the data directory is
// private (directories 0700, files 0600: settings, saved queries and
// snapshots of a database); a rewrite keeps the mode the owner gave a file.
func TestPrivateModes(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("Unix file modes")
	}
	root := filepath.Join(t.TempDir(), "data")
	h := NewHome(root)
	if _, err := h.Load(DefaultName); err != nil { // the default session, created on first use
		t.Fatal(err)
	}
	dir, _ := h.Dir(DefaultName)
	wantMode(t, root, PrivateDir)
	wantMode(t, dir, PrivateDir)
	wantMode(t, filepath.Join(dir, settingsFile), PrivateFile)
	if _, err := h.Create("lab", Settings{}); err != nil {
		t.Fatal(err)
	}
	lab, _ := h.Dir("lab")
	wantMode(t, lab, PrivateDir)
	wantMode(t, filepath.Join(lab, settingsFile), PrivateFile)

	q, err := h.SaveQuery("lab", "q1", "SELECT 1")
	if err != nil {
		t.Fatal(err)
	}
	wantMode(t, filepath.Dir(q.Path), PrivateDir)
	wantMode(t, q.Path, PrivateFile)
	if err := os.Chmod(q.Path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := h.SaveQuery("lab", "q1", "SELECT 2"); err != nil {
		t.Fatal(err)
	}
	wantMode(t, q.Path, 0o644)

	// Snapshots: a copy is private; a copy over an existing file (restore
	// over the database) keeps that file's mode.
	src := filepath.Join(t.TempDir(), "src")
	if err := os.WriteFile(src, []byte("data"), 0o644); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(lab, "copy")
	if err := copyFile(src, dst); err != nil {
		t.Fatal(err)
	}
	wantMode(t, dst, PrivateFile)
	if err := os.Chmod(dst, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := copyFile(src, dst); err != nil {
		t.Fatal(err)
	}
	wantMode(t, dst, 0o640)
	if got := FileMode(filepath.Join(lab, "absent")); got != PrivateFile {
		t.Errorf("FileMode of a new file: %#o", got)
	}
}

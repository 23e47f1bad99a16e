package engine

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestWriteFileSyncedModes: a new backup or export file is 0600 in
// directories made 0700; rewriting a file keeps the mode its owner gave
// it; no temporary file is left beside it.
func TestWriteFileSyncedModes(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix file modes")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "a", "b", "obj")
	if err := writeFileSynced(path, []byte("one")); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]os.FileMode{path: 0o600, filepath.Dir(path): 0o700, filepath.Join(dir, "a"): 0o700} {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: %v %v, want mode %#o", p, fi.Mode(), err, want)
		}
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := writeFileSynced(path, []byte("two")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("rewritten %s: %v %v, want mode 0644", path, fi.Mode(), err)
	}
	if data, _ := os.ReadFile(path); string(data) != "two" {
		t.Errorf("content %q", data)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*")); len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}
}

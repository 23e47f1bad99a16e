package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestWriteFileReplacesKeepingTheMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	if err := WriteFile(path, []byte("one"), 0o600); err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" {
		os.Chmod(path, 0o640)
	}
	if err := WriteFile(path, []byte("two"), 0o600); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "two" {
		t.Fatalf("content %q", b)
	}
	if fi, _ := os.Stat(path); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o640 {
		t.Fatalf("mode %o", fi.Mode().Perm())
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".f.tmp-*")); len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}

// TestAbortLeavesTheOldFile: a replacement abandoned half-written (an
// error, a crash before Commit) leaves the old content and no temporary.
func TestAbortLeavesTheOldFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	WriteFile(path, []byte("old"), 0o600)
	f, err := Create(path, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("half"))
	f.Abort()
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Fatalf("content %q", b)
	}
	if err := f.Commit(); err == nil {
		t.Fatal("commit after abort")
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".f.tmp-*")); len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
	if _, err := Create(filepath.Join(t.TempDir(), "no", "dir", "f"), 0o600); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing directory: %v", err)
	}
}

// TestIsTempNamesCreatesFiles: the temporary file of a replacement in
// progress is recognised (an import skips it), the file itself is not.
func TestIsTempNamesCreatesFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data-00001.json.gz")
	f, err := Create(path, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Abort()
	if !IsTemp(filepath.Base(f.Name())) {
		t.Errorf("IsTemp(%q) = false", filepath.Base(f.Name()))
	}
	for _, name := range []string{"data-00001.json.gz", "manifest.tmp-notes", ".hidden"} {
		if IsTemp(name) {
			t.Errorf("IsTemp(%q) = true", name)
		}
	}
}

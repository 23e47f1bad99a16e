package transfer

import (
	"io"
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

// TestOutputModes: an export is created 0600 (it holds items) and an
// export over an existing file keeps that file's mode; an import
// checkpoint and its directory are private too.
func TestOutputModes(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix file modes")
	}
	dir := t.TempDir()
	write := func(file string) {
		t.Helper()
		w, commit, _, err := CreateOutput(file)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, "{}\n"); err != nil {
			t.Fatal(err)
		}
		if err := commit(); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"out.jsonl", "out.jsonl.gz"} {
		file := filepath.Join(dir, name)
		write(file)
		wantMode(t, file, 0o600)
		if err := os.Chmod(file, 0o644); err != nil {
			t.Fatal(err)
		}
		write(file)
		wantMode(t, file, 0o644)
	}
	cp := filepath.Join(dir, "imports", "T-1.json")
	if err := writeCheckpoint(cp, &Checkpoint{}); err != nil {
		t.Fatal(err)
	}
	wantMode(t, filepath.Dir(cp), 0o700)
	wantMode(t, cp, 0o600)
}

package engine_test

import (
	"io/fs"
	"path/filepath"
	"runtime"
	"testing"
)

// wantPrivateTree checks that the directories under root (root included)
// are 0700 and the files 0600: backups and export objects hold a table's
// items (issue 19, item 4). It checks nothing on Windows, which has no
// Unix modes.
func wantPrivateTree(t *testing.T, root string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		return
	}
	n := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		want := fs.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		} else {
			n++
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s: mode %#o, want %#o", path, got, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Errorf("no file under %s", root)
	}
}

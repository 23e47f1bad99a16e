package store

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidwall/buntdb"
)

// fillStore writes n keys of about 1 KiB in transactions of 100, in
// reverse key order when unsorted (so that open sorts them).
func fillStore(t *testing.T, path string, n int, unsorted bool) {
	t.Helper()
	s := mustOpen(t, path, Options{Sync: SyncNever})
	v := strings.Repeat("v", 1000)
	for i := 0; i < n; i += 100 {
		if err := s.Update(func(tx *Tx) error {
			for j := i; j < min(i+100, n); j++ {
				k := j
				if unsorted {
					k = n - 1 - j
				}
				if err := tx.Set(fmt.Sprintf("i/%08d", k), v); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

type loadReport struct{ done, total int64 }

// checkReports checks that the reports rise to total, twice the file's
// size, and end there once.
func checkReports(t *testing.T, got []loadReport, size int64) {
	t.Helper()
	if len(got) < 4 {
		t.Fatalf("%d reports for a %d-byte file, want several: %v", len(got), size, got)
	}
	for i, r := range got {
		if r.total != 2*size {
			t.Fatalf("report %d: total %d, want twice the file's %d bytes", i, r.total, size)
		}
		if i > 0 && r.done <= got[i-1].done {
			t.Fatalf("report %d: %d after %d: not increasing", i, r.done, got[i-1].done)
		}
	}
	if last := got[len(got)-1]; last.done != last.total {
		t.Fatalf("last report %v does not end at total", last)
	}
}

func TestOpenReportsLoadProgress(t *testing.T) {
	for _, unsorted := range []bool{false, true} {
		t.Run(fmt.Sprintf("unsorted=%v", unsorted), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "p.db")
			fillStore(t, path, 5000, unsorted)
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			var got []loadReport
			open := true
			s := mustOpen(t, path, Options{Sync: SyncNever, OnLoad: func(done, total int64) {
				if !open {
					t.Errorf("report (%d, %d) after Open returned", done, total)
				}
				got = append(got, loadReport{done, total})
			}})
			open = false
			defer s.Close()
			checkReports(t, got, fi.Size())
			// Both halves reported: some report in each.
			var first, second bool
			for _, r := range got[:len(got)-1] {
				first = first || r.done < fi.Size()
				second = second || r.done > fi.Size()
			}
			if !first || !second {
				t.Fatalf("reports %v miss the read (first) or the load (second) half", got)
			}
			if n := len(dump(t, s)); n != 5000+1 {
				t.Fatalf("%d keys after open, want 5001", n)
			}
		})
	}
}

// TestOpenReportsLegacyLoadProgress: a format 1 file is read by the scan
// and again by buntdb's Load; both count.
func TestOpenReportsLegacyLoadProgress(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	bdb, err := buntdb.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	v := strings.Repeat("v", 1000)
	if err := bdb.Update(func(tx *buntdb.Tx) error {
		tx.Set(keyFormat, "1", nil)
		for i := range 5000 {
			tx.Set(fmt.Sprintf("i/%08d", i), v, nil)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	bdb.Close()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	var got []loadReport
	s := mustOpen(t, path, Options{Sync: SyncNever, OnLoad: func(done, total int64) { got = append(got, loadReport{done, total}) }})
	defer s.Close()
	checkReports(t, got, fi.Size())
	if n := len(dump(t, s)); n != 5000+1 {
		t.Fatalf("%d keys after open, want 5001", n)
	}
}

// TestOpenCanceled cancels an open in each half of the load: Open returns
// ErrOpenCanceled, the file is byte for byte as it was (a canceled read
// must not look like a torn end to cut off), and the lock is released:
// the next open succeeds with every key.
func TestOpenCanceled(t *testing.T) {
	for _, half := range []string{"read", "load"} {
		t.Run(half, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "c.db")
			fillStore(t, path, 5000, true)
			before, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			size := int64(len(before))
			cancel := make(chan struct{})
			canceled := false
			_, err = Open(path, Options{Sync: SyncNever, Cancel: cancel, OnLoad: func(done, total int64) {
				past := done > 0
				if half == "load" {
					past = done > size
				}
				if past && !canceled {
					canceled = true
					close(cancel)
				}
			}})
			if !errors.Is(err, ErrOpenCanceled) {
				t.Fatalf("Open: %v, want ErrOpenCanceled", err)
			}
			after, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(before, after) {
				t.Fatalf("the canceled open changed the file (%d bytes, now %d)", len(before), len(after))
			}
			if torn, _ := filepath.Glob(path + ".torn-*"); len(torn) > 0 {
				t.Fatalf("the canceled open saved a torn end: %v", torn)
			}
			s := mustOpen(t, path, Options{Sync: SyncNever})
			defer s.Close()
			if n := len(dump(t, s)); n != 5000+1 {
				t.Fatalf("%d keys after reopening, want 5001", n)
			}
		})
	}
}

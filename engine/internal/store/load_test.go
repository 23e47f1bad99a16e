package store

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// randomKey draws keys that stress the radix sort's digits: a small
// alphabet with NUL and 0xff, lengths around the 15-byte digit and its
// multiples, and long shared prefixes.
func randomKey(r *rand.Rand) string {
	prefixes := []string{"", "i/\x00\x00\x00\x01", strings.Repeat("p", 15), strings.Repeat("q", 14), strings.Repeat("\x00", 16), strings.Repeat("r", 30)}
	var b strings.Builder
	b.WriteString(prefixes[r.IntN(len(prefixes))])
	for range r.IntN(34) {
		b.WriteByte("\x00\x01a\xff"[r.IntN(4)])
	}
	return b.String()
}

func TestSortOpsMatchesAStableSort(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 50 {
		n := 1 + r.IntN(2000)
		l := newLoader(0)
		for range n {
			l.add([]byte(randomKey(r)), []byte("v"), r.IntN(5) == 0)
		}
		want := slices.Clone(l.ops)
		slices.SortStableFunc(want, func(a, b loadOp) int { return strings.Compare(a.key(), b.key()) })
		got := l.ops
		sortOps(got, 0)
		for i := range got {
			if got[i].key() != want[i].key() || got[i].ord != want[i].ord {
				t.Fatalf("round %d: at %d got %q (op %d), want %q (op %d)", round, i, got[i].key(), got[i].ord, want[i].key(), want[i].ord)
			}
		}
	}
}

// TestLoadMatchesTheWrites writes keys in random order — overwritten,
// deleted, set again, several times in one transaction — and checks that
// a reopen (sorting the file's commands) and a reopen after compaction
// (a file already in key order) both hold exactly what was committed, and
// count the file's live bytes as the walk after open would.
func TestLoadMatchesTheWrites(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	path := filepath.Join(t.TempDir(), "l.db")
	s := mustOpen(t, path, Options{Sync: SyncNever})
	model := map[string]string{}
	var keys []string
	for txn := range 300 {
		if err := s.Update(func(tx *Tx) error {
			for range 1 + r.IntN(20) {
				k := randomKey(r)
				if len(keys) > 0 && r.IntN(3) == 0 {
					k = keys[r.IntN(len(keys))]
				}
				keys = append(keys, k)
				if r.IntN(4) == 0 {
					if err := tx.Delete(k); err != nil {
						return err
					}
					delete(model, k)
					continue
				}
				v := fmt.Sprintf("v%d-%s", txn, strings.Repeat("x", r.IntN(40)))
				if err := tx.Set(k, v); err != nil {
					return err
				}
				model[k] = v
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	model[keyFormat] = "3"
	check := func(what string, s *Store) {
		t.Helper()
		got := dump(t, s)
		if len(got) != len(model) {
			t.Fatalf("%s: %d keys, want %d", what, len(got), len(model))
		}
		for k, v := range model {
			if got[k] != v {
				t.Fatalf("%s: %q = %q, want %q", what, k, got[k], v)
			}
		}
		live := int64(len(header))
		for k, v := range got {
			if k != keyFormat {
				live += liveLen(k, v)
			}
		}
		s.wmu.Lock()
		known, counted := s.log.liveKnown, s.log.live
		s.wmu.Unlock()
		if !known || counted != live {
			t.Fatalf("%s: live bytes %d (known %v), want %d", what, counted, known, live)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = mustOpen(t, path, Options{Sync: SyncNever})
	check("reopened", s)
	if err := s.Shrink(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// A compacted file is in key order: nothing to sort.
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	size := fileSize(t, path)
	l := newLoader(size)
	fs, err := scanFramed(bufio.NewReader(f), size, func(off int64) ([]byte, error) { return readAt(f, off, size) }, l)
	f.Close()
	if err != nil || fs.end != size || !l.sorted() || l.head == nil || !l.keep(fs.end, fs.head) {
		t.Fatalf("compacted file: scan %+v, %v; sorted %v, header %v", fs, err, l.sorted(), l.head != nil)
	}
	s = mustOpen(t, path, Options{Sync: SyncNever})
	defer s.Close()
	check("reopened after compaction", s)
}

// TestUnsortedFileIsRewrittenInOrder: a large file written in random key
// order (an import) is compacted after the open that had to sort it, so
// that the next open does not.
func TestUnsortedFileIsRewrittenInOrder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "u.db")
	s := mustOpen(t, path, Options{Sync: SyncNever})
	r := rand.New(rand.NewPCG(5, 6))
	value := strings.Repeat("v", 32<<10)
	for range (autoCompactMin / len(value)) + 10 {
		if err := s.Update(func(tx *Tx) error { return tx.Set(fmt.Sprintf("i/%016x", r.Uint64()), value) }); err != nil {
			t.Fatal(err)
		}
	}
	want := dump(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	sorted := func() bool {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		size := fileSize(t, path)
		l := newLoader(size)
		if _, err := scanFramed(bufio.NewReader(f), size, func(off int64) ([]byte, error) { return readAt(f, off, size) }, l); err != nil {
			t.Fatal(err)
		}
		return !l.outOfOrder()
	}
	if sorted() {
		t.Fatal("the random writes made a sorted file")
	}
	s = mustOpen(t, path, Options{Sync: SyncNever})
	s.compacts.Wait() // the compaction after open
	if got := dump(t, s); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatal("contents changed")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if !sorted() {
		t.Fatal("the file was not rewritten in key order")
	}

	// A session's few writes after that (out of order, a delete) do not
	// make the next open rewrite the file again.
	s = mustOpen(t, path, Options{Sync: SyncNever})
	s.compacts.Wait()
	if err := s.Update(func(tx *Tx) error {
		if err := tx.Set("a/first", "x"); err != nil {
			return err
		}
		for k := range want {
			return tx.Delete(k) // any one key
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	before, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	s = mustOpen(t, path, Options{Sync: SyncNever})
	s.compacts.Wait()
	defer s.Close()
	if after, err := os.Stat(path); err != nil || !os.SameFile(before, after) {
		t.Fatalf("a compacted file with a few writes appended was rewritten on open (%v)", err)
	}
}

package store

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// history writes n transactions of several commands each (sets, an
// overwrite, a delete) and returns the file's bytes and the offset where
// each transaction ends (ends[0] is the end of the header).
func history(t *testing.T, n int) (data []byte, ends []int64) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "h.db")
	s := mustOpen(t, path, Options{Sync: SyncNever})
	ends = append(ends, fileSize(t, path))
	for i := range n {
		if err := s.Update(func(tx *Tx) error {
			for j := range 3 {
				if err := tx.Set(fmt.Sprintf("i/%d/%d", i, j), strings.Repeat("v", i+j)); err != nil {
					return err
				}
			}
			if i > 0 {
				if err := tx.Set(fmt.Sprintf("i/%d/0", i-1), "over"); err != nil {
					return err
				}
				return tx.Delete(fmt.Sprintf("i/%d/1", i-1))
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		ends = append(ends, fileSize(t, path))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data, ends
}

// stateOf opens a copy of data and returns its keys and values.
func stateOf(t *testing.T, data []byte) map[string]string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "s.db")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	s := mustOpen(t, path, Options{})
	defer s.Close()
	return dump(t, s)
}

// TestDamageBeforeTheEndIsRefused: a changed byte inside an earlier
// transaction is not a torn end. Open refuses the file, names the offset
// and the committed transactions after it, and changes nothing; Repair
// keeps everything before the damage, the original beside it, and says
// what it could not keep; a second Repair has nothing to do.
func TestDamageBeforeTheEndIsRefused(t *testing.T) {
	data, ends := history(t, 5)
	damaged := bytes.Clone(data)
	damaged[ends[2]+20] ^= 0x20 // inside the third transaction
	path := filepath.Join(t.TempDir(), "d.db")
	if err := os.WriteFile(path, damaged, 0o600); err != nil {
		t.Fatal(err)
	}
	var w warnings
	_, err := Open(path, Options{Warnf: w.warnf})
	var ce *CorruptError
	if !errors.As(err, &ce) || !errors.Is(err, ErrCorrupt) {
		t.Fatalf("open: %v", err)
	}
	if ce.Offset != ends[2] || ce.After != 2 {
		t.Fatalf("offset %d, after %d; want %d, 2", ce.Offset, ce.After, ends[2])
	}
	for _, want := range []string{path, "is corrupt", fmt.Sprintf("byte offset %d", ends[2]), "2 committed transactions follow", "dynalab repair " + path} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, damaged) {
		t.Fatal("a refused file was changed")
	}
	if msgs := w.take(); len(msgs) != 0 {
		t.Fatalf("warnings %q", msgs)
	}

	rep, err := Repair(path)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Intact || rep.Kept != 2 || rep.KeptBytes != ends[2] || rep.LostOffset != ends[2] || rep.LostTransactions != 3 ||
		rep.Incomplete || rep.LostItemWrites != 3*4 || rep.LostItemDeletes != 3 {
		t.Fatalf("report %+v", rep)
	}
	if got, _ := os.ReadFile(rep.Original); !bytes.Equal(got, damaged) {
		t.Fatal("the original was not kept as it was")
	}
	if got, want := stateOf(t, mustRead(t, path)), stateOf(t, data[:ends[2]]); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("repaired: %v\nwant %v", got, want)
	}
	again, err := Repair(path)
	if err != nil || !again.Intact {
		t.Fatalf("second repair: %+v, %v", again, err)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var everyByte = flag.Bool("every-byte", false, "TestOneChangedByteAnywhere: change every byte of the file, not a sample")

// sampledOffset reports whether TestOneChangedByteAnywhere changes the
// byte at off by default: every byte of the header and of the last
// transaction (a torn end and damage must be told apart there), and every
// fourth byte elsewhere, so that each transaction's commands and commit
// record are hit at several places. -every-byte takes them all.
func sampledOffset(off int, ends []int64) bool {
	return *everyByte || off < 64 || off%4 == 0 || int64(off) >= ends[len(ends)-2]
}

// TestOneChangedByteAnywhere changes each byte of a file in two ways (one bit, and a byte) and
// opens it: the open either refuses, naming the start of the transaction
// that holds the byte (0 for the header) and the exact number of
// transactions after it, or serves exactly what the file held before the
// damaged transaction, which must then be the last (a torn end), or
// serves everything (the header's version digit read as the other framed
// format, which reads the same). It never serves fewer transactions
// without refusing. Repair of every refused file yields the transactions
// before the damage (all of them for a damaged header). By default a
// sample of the bytes (sampledOffset); -every-byte changes each.
func TestOneChangedByteAnywhere(t *testing.T) {
	const n = 6
	data, ends := history(t, n)
	full := fmt.Sprint(stateOf(t, data))
	prefix := make([]string, n+1)
	for i := range prefix {
		prefix[i] = fmt.Sprint(stateOf(t, data[:ends[i]]))
	}
	var offsets []int
	for off := range data {
		if sampledOffset(off, ends) {
			offsets = append(offsets, off)
		}
	}
	// Four parts in parallel: each offset is an open (and a repair) of its
	// own file.
	const parts = 4
	for part := range parts {
		t.Run(fmt.Sprint("part", part), func(t *testing.T) {
			t.Parallel()
			changeBytes(t, data, ends, prefix, full, offsets[part*len(offsets)/parts:(part+1)*len(offsets)/parts])
		})
	}
}

// changeBytes is TestOneChangedByteAnywhere's check of the bytes at
// offsets (see there).
func changeBytes(t *testing.T, data []byte, ends []int64, prefix []string, full string, offsets []int) {
	n := len(ends) - 1
	dir := t.TempDir()
	for _, off := range offsets {
		for _, x := range []byte{1 << (off % 8), byte(off*37%255 + 1)} {
			// k: the transaction holding the byte (0: the header).
			k := 0
			for int64(off) >= ends[k] {
				k++
			}
			damaged := bytes.Clone(data)
			damaged[off] ^= x
			path := filepath.Join(dir, fmt.Sprintf("f%d-%x.db", off, x))
			if err := os.WriteFile(path, damaged, 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := Open(path, Options{})
			var ce *CorruptError
			switch {
			case errors.As(err, &ce):
				wantOff := int64(0)
				if k > 0 {
					wantOff = ends[k-1]
				}
				// Damage in a transaction's commit record leaves its
				// commands whole: it may then count among those after.
				inRecord := k > 0 && int64(off) >= int64(bytes.LastIndex(data[:ends[k]], commitPrefix))
				if ce.Offset != wantOff || (ce.After != n-k && !(inRecord && ce.After == n-k+1)) {
					t.Fatalf("byte %d ^%#x (transaction %d): refused at %d with %d after; want %d with %d", off, x, k, ce.Offset, ce.After, wantOff, n-k)
				}
				rep, err := Repair(path)
				if err != nil {
					t.Fatalf("byte %d ^%#x: repair: %v", off, x, err)
				}
				want := prefix[max(k-1, 0)]
				if rep.HeaderRestored {
					want = full
				}
				if got := fmt.Sprint(stateOf(t, mustRead(t, path))); got != want {
					t.Fatalf("byte %d ^%#x: repaired %s\nwant %s (report %+v)", off, x, got, want, rep)
				}
			case err != nil:
				if k == 0 && strings.Contains(err.Error(), "newer dynalab") {
					continue // the version digit now names a later format
				}
				t.Fatalf("byte %d ^%#x: %v", off, x, err)
			default:
				got := fmt.Sprint(dump(t, s))
				s.Close()
				if got != full && (k != n || got != prefix[n-1]) {
					t.Fatalf("byte %d ^%#x (transaction %d of %d) served without refusing:\n%s", off, x, k, n, got)
				}
			}
		}
	}
}

// TestDamagedHeaderIsNotAnOlderFormat: a changed byte in the header's key
// still parses as a command, which made such files load as format 1 —
// every transaction applied in part or whole, torn ones included. A file
// with commit records is refused instead, and Repair restores the header
// and keeps every transaction.
func TestDamagedHeaderIsNotAnOlderFormat(t *testing.T) {
	data, _ := history(t, 3)
	torn := append(bytes.Clone(data), "*3\r\n$3\r\nset\r\n$5\r\ni/new\r\n$1\r\nx\r\n"...)
	i := bytes.Index(torn, []byte("m/format"))
	torn[i+7] = 'x' // m/formax
	path := filepath.Join(t.TempDir(), "h.db")
	os.WriteFile(path, torn, 0o600)
	_, err := Open(path, Options{})
	var ce *CorruptError
	if !errors.As(err, &ce) || ce.Offset != 0 || ce.After != 3 || !strings.Contains(err.Error(), "header") {
		t.Fatalf("open: %v", err)
	}
	rep, err := Repair(path)
	if err != nil || !rep.HeaderRestored || rep.Kept != 3 || !rep.Incomplete || rep.LostTransactions != 0 {
		t.Fatalf("repair: %+v, %v", rep, err)
	}
	if got, want := fmt.Sprint(stateOf(t, mustRead(t, path))), fmt.Sprint(stateOf(t, data)); got != want {
		t.Fatalf("repaired %s\nwant %s", got, want)
	}
}

// TestTornWarningSaysWhatWasFound: a file ending in complete commands
// with no commit record used to be reported as "offset N: <nil>".
func TestTornWarningSaysWhatWasFound(t *testing.T) {
	data, ends := history(t, 2)
	path := filepath.Join(t.TempDir(), "t.db")
	os.WriteFile(path, append(bytes.Clone(data), appendSet(nil, "i/x", "y")...), 0o600)
	var w warnings
	s := mustOpen(t, path, Options{Warnf: w.warnf})
	s.Close()
	msgs := w.take()
	if len(msgs) != 1 || strings.Contains(msgs[0], "nil") || !strings.Contains(msgs[0], "without a commit record") ||
		!strings.Contains(msgs[0], "offset "+strconv.FormatInt(ends[2], 10)) {
		t.Fatalf("warnings %q", msgs)
	}
}

// TestLiveBytesMatchACompactedFile: the live size measured after open and
// kept by every write (sets, overwrites, deletes) is what a compaction
// writes, less its one commit record.
func TestLiveBytesMatchACompactedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "l.db")
	data, _ := history(t, 6)
	os.WriteFile(path, data, 0o600)
	s := mustOpen(t, path, Options{})
	defer s.Close()
	s.compacts.Wait() // the measurement after open
	for i := range 30 {
		if err := s.Update(func(tx *Tx) error {
			if err := tx.Set(fmt.Sprintf("i/n/%d", i%7), strings.Repeat("x", i*13)); err != nil {
				return err
			}
			return tx.Delete(fmt.Sprintf("i/%d/2", i%6))
		}); err != nil {
			t.Fatal(err)
		}
	}
	s.wmu.Lock()
	live, known, seq := s.log.live, s.log.liveKnown, s.log.seq
	s.wmu.Unlock()
	if err := s.Shrink(); err != nil {
		t.Fatal(err)
	}
	if want := fileSize(t, path) - int64(len(appendCommit(nil, seq, 0))); !known || live != want {
		t.Fatalf("live %d (known %v), compacted file %d", live, known, want)
	}
}

// TestCompactionKeepsTheFileMode: the compacted file replaces the old one
// with the old one's mode, and a new file is private.
func TestCompactionKeepsTheFileMode(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("POSIX file modes")
	}
	path := filepath.Join(t.TempDir(), "m.db")
	s := mustOpen(t, path, Options{})
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("new file mode %o", fi.Mode().Perm())
	}
	os.Chmod(path, 0o640)
	s.Update(func(tx *Tx) error { return tx.Set("i/a", "b") })
	if err := s.Shrink(); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o640 {
		t.Fatalf("mode after compaction %o, want 640", fi.Mode().Perm())
	}
}

package store

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/tidwall/buntdb"
)

// warnings collects Options.Warnf output.
type warnings struct {
	mu   sync.Mutex
	msgs []string
}

func (w *warnings) warnf(format string, args ...any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.msgs = append(w.msgs, fmt.Sprintf(format, args...))
}

func (w *warnings) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	m := w.msgs
	w.msgs = nil
	return m
}

func mustOpen(t testing.TB, path string, opts Options) *Store {
	t.Helper()
	s, err := Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// dump returns every key and value.
func dump(t testing.TB, s *Store) map[string]string {
	t.Helper()
	m := map[string]string{}
	if err := s.View(func(tx *Tx) error {
		return tx.Ascend("", func(k, v string) bool { m[k] = v; return true })
	}); err != nil {
		t.Fatal(err)
	}
	return m
}

func fileSize(t testing.TB, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// TestTornLastTransactionAtEveryOffset cuts the file at every byte of its
// last transaction (several commands: an item, an index entry, a record,
// a counter, statistics, a delete) and reopens it: the transaction is there
// whole or not at all, and everything before it always is.
func TestTornLastTransactionAtEveryOffset(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.db")
	s := mustOpen(t, path, Options{Sync: SyncNever})
	for i := range 20 {
		if err := s.Update(func(tx *Tx) error {
			if err := tx.Set("i/"+strconv.Itoa(i), strings.Repeat("v", i)); err != nil {
				return err
			}
			if err := tx.Set("n/"+strconv.Itoa(i), "entry"); err != nil {
				return err
			}
			return tx.AddStats(1, 1, int64(i))
		}); err != nil {
			t.Fatal(err)
		}
	}
	before := dump(t, s)
	start := fileSize(t, path)
	if err := s.Update(func(tx *Tx) error {
		for _, kv := range [][2]string{{"i/last", "the last item"}, {"n/last", "its index entry"}, {"r/last", "its stream record"}, {"m/sseq", "42"}} {
			if err := tx.Set(kv[0], kv[1]); err != nil {
				return err
			}
		}
		if err := tx.Delete("i/3"); err != nil {
			return err
		}
		return tx.AddStats(1, 0, 100)
	}); err != nil {
		t.Fatal(err)
	}
	after := dump(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	end := int64(len(data))
	if end <= start+100 {
		t.Fatalf("last transaction is %d bytes", end-start)
	}
	cut := filepath.Join(dir, "cut.db")
	for n := start; n <= end; n++ {
		if err := os.WriteFile(cut, data[:n], 0o644); err != nil {
			t.Fatal(err)
		}
		var w warnings
		c, err := Open(cut, Options{Sync: SyncNever, Warnf: w.warnf})
		if err != nil {
			t.Fatalf("cut at %d of %d..%d: open: %v", n, start, end, err)
		}
		got := dump(t, c)
		want, torn := before, n > start && n < end
		if n == end {
			want = after
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("cut at %d of %d..%d: got %v\nwant %v", n, start, end, got, want)
		}
		msgs := w.take()
		if torn != (len(msgs) == 1) || torn && !strings.Contains(msgs[0], "dropped an incomplete transaction") {
			t.Fatalf("cut at %d: warnings %q", n, msgs)
		}
		// The file goes on from there.
		if err := c.Update(func(tx *Tx) error { return tx.Set("after", "cut") }); err != nil {
			t.Fatal(err)
		}
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
		c = mustOpen(t, cut, Options{Sync: SyncNever, Warnf: w.warnf})
		if got := dump(t, c); got["after"] != "cut" || len(got) != len(want)+1 {
			t.Fatalf("cut at %d: after a write and a reopen: %v", n, got)
		}
		if msgs := w.take(); len(msgs) != 0 {
			t.Fatalf("cut at %d: second open warned %q", n, msgs)
		}
		c.Close()
	}
	// What was cut off is kept beside the file.
	if torn, _ := filepath.Glob(cut + ".torn-*"); len(torn) == 0 {
		t.Error("no .torn file saved")
	}
}

// TestZeroFilledTail: a power loss can leave the file longer than what
// was written, the rest zeros.
func TestZeroFilledTail(t *testing.T) {
	path := filepath.Join(t.TempDir(), "z.db")
	s := mustOpen(t, path, Options{})
	if err := s.Update(func(tx *Tx) error { return tx.Set("k", "v") }); err != nil {
		t.Fatal(err)
	}
	s.Close()
	f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	f.Write(make([]byte, 4096))
	f.Close()
	var w warnings
	s = mustOpen(t, path, Options{Warnf: w.warnf})
	defer s.Close()
	if got := dump(t, s); got["k"] != "v" {
		t.Fatalf("got %v", got)
	}
	if msgs := w.take(); len(msgs) != 1 || strings.Contains(msgs[0], "saved") {
		t.Fatalf("warnings %q (zeros are not worth saving)", msgs)
	}
}

// TestLegacyFileIsMigrated: a format 1 file (buntdb's own persistence)
// with an incomplete last command loads as buntdb loaded it and is
// rewritten in the current format.
func TestLegacyFileIsMigrated(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	bdb, err := buntdb.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := bdb.Update(func(tx *buntdb.Tx) error {
		tx.Set(keyFormat, "1", nil)
		tx.Set("t/Table", `{"name":"Table"}`, nil)
		tx.Set("i/gone", "x", nil)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	bdb.Update(func(tx *buntdb.Tx) error { _, err := tx.Delete("i/gone"); return err })
	bdb.Close()
	f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString("*3\r\n$3\r\nset\r\n$4\r\ni/to") // torn
	f.Close()
	var w warnings
	s := mustOpen(t, path, Options{Warnf: w.warnf})
	if got := dump(t, s); fmt.Sprint(got) != fmt.Sprint(map[string]string{keyFormat: strconv.Itoa(FormatVersion), "t/Table": `{"name":"Table"}`}) {
		t.Fatalf("got %v", got)
	}
	if msgs := w.take(); len(msgs) != 2 || !strings.Contains(msgs[1], fmt.Sprintf("rewrote the database file in format %d (it was in format 1)", FormatVersion)) {
		t.Fatalf("warnings %q", msgs)
	}
	s.Close()
	data, _ := os.ReadFile(path)
	if !bytes.HasPrefix(data, header) {
		t.Fatalf("not rewritten: %q", data)
	}
	s = mustOpen(t, path, Options{Warnf: w.warnf})
	defer s.Close()
	if got := dump(t, s); len(got) != 2 || len(w.take()) != 0 {
		t.Fatalf("second open: %v", got)
	}
}

// TestFormat2FileIsRewritten: a format 2 file (JSON items, same framing)
// keeps its data and is rewritten in the current format, so that format 2
// code, which cannot read binary items, refuses it from then on.
func TestFormat2FileIsRewritten(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v2.db")
	s := mustOpen(t, path, Options{})
	if err := s.Update(func(tx *Tx) error { return tx.Set("i/k", `{"PK":{"S":"a"}}`) }); err != nil {
		t.Fatal(err)
	}
	s.Close()
	data, _ := os.ReadFile(path)
	v2 := appendSet(nil, keyFormat, "2")
	if !bytes.HasPrefix(data, header) || len(v2) != len(header) {
		t.Fatalf("unexpected header %q", data)
	}
	os.WriteFile(path, append(v2, data[len(header):]...), 0o600)
	var w warnings
	s = mustOpen(t, path, Options{Warnf: w.warnf})
	if got := dump(t, s); got["i/k"] != `{"PK":{"S":"a"}}` || got[keyFormat] != strconv.Itoa(FormatVersion) {
		t.Fatalf("got %v", got)
	}
	if msgs := w.take(); len(msgs) != 1 || !strings.Contains(msgs[0], fmt.Sprintf("rewrote the database file in format %d (it was in format 2)", FormatVersion)) {
		t.Fatalf("warnings %q", msgs)
	}
	s.Close()
	if data, _ := os.ReadFile(path); !bytes.HasPrefix(data, header) {
		t.Fatalf("not rewritten: %q", data)
	}
}

func TestNewerHeaderIsRefusedUntouched(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.db")
	data := append(appendSet(nil, keyFormat, strconv.Itoa(FormatVersion+1)), "*3\r\n$3\r\nset\r\n$1\r\nk"...) // a torn end, too
	os.WriteFile(path, data, 0o644)
	if _, err := Open(path, Options{}); err == nil || !strings.Contains(err.Error(), "newer dynalab") {
		t.Fatalf("open: %v", err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, data) {
		t.Fatal("a refused file was changed")
	}
}

// faultyFile fails writes and syncs on demand.
type faultyFile struct {
	File
	failWrites atomic.Int32 // writes to fail (after writing half)
	failSync   atomic.Bool
	failTrunc  atomic.Bool
	syncs      atomic.Int64
}

func (f *faultyFile) Write(p []byte) (int, error) {
	if f.failWrites.Load() > 0 {
		f.failWrites.Add(-1)
		n, _ := f.File.Write(p[:len(p)/2])
		return n, &os.PathError{Op: "write", Path: "x", Err: syscall.ENOSPC}
	}
	return f.File.Write(p)
}

func (f *faultyFile) Sync() error {
	f.syncs.Add(1)
	if f.failSync.Load() {
		return &os.PathError{Op: "sync", Path: "x", Err: syscall.EIO}
	}
	return f.File.Sync()
}

func (f *faultyFile) Truncate(n int64) error {
	if f.failTrunc.Load() {
		return syscall.EIO
	}
	return f.File.Truncate(n)
}

func faulty(ff **faultyFile) func(File) File {
	return func(f File) File {
		*ff = &faultyFile{File: f}
		return *ff
	}
}

// TestFullDisk: a write that fails half way (ENOSPC) is refused with a
// clear error, rolled back in memory and cut off the file; writes work
// again once there is room.
func TestFullDisk(t *testing.T) {
	path := filepath.Join(t.TempDir(), "full.db")
	var ff *faultyFile
	s := mustOpen(t, path, Options{Sync: SyncAlways, WrapFile: faulty(&ff)})
	if err := s.Update(func(tx *Tx) error { return tx.Set("a", "1") }); err != nil {
		t.Fatal(err)
	}
	size := fileSize(t, path)
	ff.failWrites.Store(1)
	err := s.Update(func(tx *Tx) error {
		tx.Set("a", "2")
		return tx.Set("b", "2")
	})
	want := "write database file " + path + ": no space left on device"
	if err == nil || err.Error() != want || !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("error %v, want %q", err, want)
	}
	if got := dump(t, s); got["a"] != "1" || got["b"] != "" {
		t.Fatalf("not rolled back: %v", got)
	}
	if n := fileSize(t, path); n != size {
		t.Fatalf("file is %d bytes, was %d before the failed write", n, size)
	}
	if err := s.Update(func(tx *Tx) error { return tx.Set("c", "3") }); err != nil {
		t.Fatalf("write after the disk has room again: %v", err)
	}
	s.Close()
	var w warnings
	s = mustOpen(t, path, Options{Warnf: w.warnf})
	defer s.Close()
	if got := dump(t, s); got["a"] != "1" || got["b"] != "" || got["c"] != "3" || len(w.take()) != 0 {
		t.Fatalf("after reopen: %v", got)
	}
}

// TestFullDiskCannotCut: when the partial write cannot be cut off either,
// the store refuses writes; the next open drops the partial transaction.
func TestFullDiskCannotCut(t *testing.T) {
	path := filepath.Join(t.TempDir(), "full2.db")
	var ff *faultyFile
	s := mustOpen(t, path, Options{WrapFile: faulty(&ff)})
	s.Update(func(tx *Tx) error { return tx.Set("a", "1") })
	ff.failWrites.Store(1)
	ff.failTrunc.Store(true)
	if err := s.Update(func(tx *Tx) error { return tx.Set("b", strings.Repeat("x", 1000)) }); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("error %v", err)
	}
	err := s.Update(func(tx *Tx) error { return tx.Set("c", "3") })
	if err == nil || !strings.Contains(err.Error(), "refuses writes until it is reopened") {
		t.Fatalf("write after a failed cut: %v", err)
	}
	s.Close()
	var w warnings
	s = mustOpen(t, path, Options{Warnf: w.warnf})
	defer s.Close()
	if got := dump(t, s); got["a"] != "1" || len(got) != 2 {
		t.Fatalf("after reopen: %v", got)
	}
	if msgs := w.take(); len(msgs) != 1 {
		t.Fatalf("warnings %q", msgs)
	}
}

// TestSyncFailure: after a failed fsync the file's state is unknown: the
// write reports it and later writes are refused.
func TestSyncFailure(t *testing.T) {
	path := filepath.Join(t.TempDir(), "eio.db")
	var ff *faultyFile
	s := mustOpen(t, path, Options{Sync: SyncAlways, WrapFile: faulty(&ff)})
	defer s.Close()
	ff.failSync.Store(true)
	err := s.Update(func(tx *Tx) error { return tx.Set("a", "1") })
	if err == nil || !strings.Contains(err.Error(), "sync database file") || !errors.Is(err, syscall.EIO) {
		t.Fatalf("error %v", err)
	}
	ff.failSync.Store(false)
	if err := s.Update(func(tx *Tx) error { return tx.Set("b", "1") }); err == nil || !strings.Contains(err.Error(), "reopened") {
		t.Fatalf("write after a failed sync: %v", err)
	}
}

// TestGroupCommit: concurrent SyncAlways writers share fsyncs, and every
// write that returned is in the file.
func TestGroupCommit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "g.db")
	var ff *faultyFile
	s := mustOpen(t, path, Options{Sync: SyncAlways, WrapFile: faulty(&ff)})
	base := ff.syncs.Load()
	const writers, each = 32, 20
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if err := s.Update(func(tx *Tx) error { return tx.Set(fmt.Sprintf("k%d-%d", w, i), "v") }); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	syncs := ff.syncs.Load() - base
	t.Logf("%d writes, %d fsyncs", writers*each, syncs)
	if syncs >= writers*each {
		t.Errorf("%d fsyncs for %d writes: no group commit", syncs, writers*each)
	}
	s.Close()
	s = mustOpen(t, path, Options{})
	defer s.Close()
	if n := len(dump(t, s)); n != writers*each+1 {
		t.Fatalf("%d keys after reopen", n)
	}
}

// TestCompaction rewrites the file while writers run; the result holds
// the same data, is smaller, and appends go on.
func TestCompaction(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.db")
	s := mustOpen(t, path, Options{Sync: SyncAlways})
	for i := range 200 {
		for range 5 {
			if err := s.Update(func(tx *Tx) error { return tx.Set("k"+strconv.Itoa(i%50), strconv.Itoa(i)) }); err != nil {
				t.Fatal(err)
			}
		}
	}
	before := fileSize(t, path)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	var written atomic.Int64
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if err := s.Update(func(tx *Tx) error {
					if err := tx.Delete("k" + strconv.Itoa(i%50)); err != nil {
						return err
					}
					return tx.Set(fmt.Sprintf("w%d-%d", w, i), "v")
				}); err != nil {
					t.Error(err)
					return
				}
				written.Add(1)
			}
		}()
	}
	for range 3 {
		if err := s.Shrink(); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	want := dump(t, s)
	s.Close()
	var w warnings
	s = mustOpen(t, path, Options{Warnf: w.warnf})
	defer s.Close()
	if got := dump(t, s); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("after compaction and reopen: %d keys, want %d", len(got), len(want))
	}
	if msgs := w.take(); len(msgs) != 0 {
		t.Fatalf("warnings %q", msgs)
	}
	if err := s.Shrink(); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d bytes before, %d after; %d writes during compaction", before, fileSize(t, path), written.Load())
	if fileSize(t, path) >= before {
		t.Errorf("compaction did not shrink the file")
	}
	if _, err := os.Stat(compactPath(path)); !os.IsNotExist(err) {
		t.Errorf("temporary file left: %v", err)
	}
}

// BenchmarkUpdateSyncAlways: parallel single-key writers with an fsync
// per acknowledged write (shared by group commit).
func BenchmarkUpdateSyncAlways(b *testing.B) {
	for _, policy := range []SyncPolicy{SyncAlways, SyncEverySecond} {
		b.Run([]string{"everysecond", "always"}[policy], func(b *testing.B) {
			s := mustOpen(b, filepath.Join(b.TempDir(), "b.db"), Options{Sync: policy})
			defer s.Close()
			var n atomic.Int64
			b.SetParallelism(32)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					k := "k" + strconv.FormatInt(n.Add(1), 10)
					if err := s.Update(func(tx *Tx) error { return tx.Set(k, "value") }); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// syncTracker records how much of the file an fsync has covered.
type syncTracker struct {
	File
	size, synced atomic.Int64
}

func (f *syncTracker) Write(p []byte) (int, error) {
	n, err := f.File.Write(p)
	f.size.Add(int64(n))
	return n, err
}

func (f *syncTracker) Sync() error {
	covered := f.size.Load()
	err := f.File.Sync()
	if err == nil {
		for {
			old := f.synced.Load()
			if old >= covered || f.synced.CompareAndSwap(old, covered) {
				break
			}
		}
	}
	return err
}

// TestPowerLossKeepsAcknowledgedWrites simulates a power loss under
// concurrent SyncAlways writers: at a few instants the file as an fsync
// last left it — plus part of what was written since, torn — is copied
// and opened. Every write acknowledged before that instant must be in it.
// (A SIGKILL cannot test this: the kernel keeps what was written.)
func TestPowerLossKeepsAcknowledgedWrites(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "p.db")
	var tr *syncTracker
	s := mustOpen(t, path, Options{Sync: SyncAlways, WrapFile: func(f File) File { tr = &syncTracker{File: f}; return tr }})
	defer s.Close()
	var mu sync.Mutex
	acked := map[string]bool{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				k := fmt.Sprintf("w%d-%d", w, i)
				if err := s.Update(func(tx *Tx) error {
					tx.Set(k, strings.Repeat("v", 100))
					return tx.Set("last-"+strconv.Itoa(w), k)
				}); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				acked[k] = true
				mu.Unlock()
			}
		}()
	}
	for crash := range 5 {
		time.Sleep(50 * time.Millisecond)
		mu.Lock()
		synced, size := tr.synced.Load(), tr.size.Load()
		want := make([]string, 0, len(acked))
		for k := range acked {
			want = append(want, k)
		}
		mu.Unlock()
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		// What was written but not synced is partly on disk.
		torn := synced + (size-synced)/2
		copyPath := filepath.Join(dir, fmt.Sprintf("crash%d.db", crash))
		os.WriteFile(copyPath, data[:torn], 0o644)
		c, err := Open(copyPath, Options{})
		if err != nil {
			t.Fatal(err)
		}
		got := dump(t, c)
		c.Close()
		for _, k := range want {
			if _, ok := got[k]; !ok {
				t.Fatalf("crash %d: acknowledged write %s lost (%d bytes synced, %d written)", crash, k, synced, size)
			}
		}
		t.Logf("crash %d: %d acknowledged writes, all present; %d bytes synced of %d written", crash, len(want), synced, size)
	}
	close(stop)
	wg.Wait()
}

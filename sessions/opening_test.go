package sessions

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dynalab/engine"
)

// seedFile writes n items of about 250 bytes, one transaction each, to a
// new database file and returns its bytes.
func seedFile(t *testing.T, path string, n int) []byte {
	t.Helper()
	b, err := Open(context.Background(), Selector{Data: path, Sync: "never"})
	if err != nil {
		t.Fatal(err)
	}
	createTable(t, b, "Big")
	pad := strings.Repeat("x", 200)
	for i := range n {
		put(t, b, "Big", fmt.Sprintf(`{"id":{"S":"k%05d"},"v":{"S":"item number %05d %s"}}`, i, i, pad))
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestOpenAsyncReportsProgressThenTheBackend: the loading file's
// progress arrives while it loads and ends at its total; Ready runs
// before Done with the backend Wait then hands over.
func TestOpenAsyncReportsProgressThenTheBackend(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "big.db")
	data := seedFile(t, path, 3000)
	var readied Backend
	o, err := OpenAsync(context.Background(), Selector{Data: path}, func(b Backend) error {
		readied = b
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	if o.What() != "big.db" || o.Path() != path || o.Size() != int64(len(data)) {
		t.Fatalf("What %q Path %q Size %d, want big.db, %s, %d", o.What(), o.Path(), o.Size(), path, len(data))
	}
	reports := 0
	for waiting := true; waiting; {
		select {
		case <-o.Changed():
			if _, total := o.Progress(); total > 0 {
				reports++
			}
		case <-o.Done():
			waiting = false
		}
	}
	if reports == 0 {
		t.Fatal("no progress report before Done")
	}
	if done, total := o.Progress(); done != total || total != 2*int64(len(data)) {
		t.Fatalf("final progress %d of %d, want %d of %d", done, total, 2*len(data), 2*len(data))
	}
	b, err := o.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if b != readied {
		t.Fatalf("Ready saw %v, Wait gave %v", readied, b)
	}
	defer b.Close()
	if n := count(t, b, "Big"); n != 3000 {
		t.Fatalf("%d items, want 3000", n)
	}
}

// TestOpenAsyncCanceled: an open canceled while it loads ends with
// context.Canceled, leaves the file as it was and releases its lock: the
// next open gets every item.
func TestOpenAsyncCanceled(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "big.db")
	data := seedFile(t, path, 500)
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // before the load reads a byte: the first check stops it
	o, err := OpenAsync(ctx, Selector{Data: path}, func(Backend) error {
		t.Error("Ready ran for a canceled open")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := o.Wait()
	if !errors.Is(err, context.Canceled) || b != nil {
		t.Fatalf("Wait: %v, %v; want context.Canceled", b, err)
	}
	if err := o.Close(); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, data) {
		t.Fatal("the canceled open changed the file")
	}
	l := mustLocal(t, Selector{Data: path})
	if n := count(t, l, "Big"); n != 500 {
		t.Fatalf("%d items after reopening, want 500", n)
	}
}

// TestOpenAsyncDamage: a damaged file's refusal arrives as the engine's
// CorruptError, naming the repair command, as the CLI prints it.
func TestOpenAsyncDamage(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "big.db")
	data := seedFile(t, path, 40)
	mid := bytes.Index(data, []byte("item number 00020"))
	data[mid+5] ^= 0x04
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	o, err := OpenAsync(context.Background(), Selector{Data: path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	_, err = o.Wait()
	var ce *engine.CorruptError
	if !errors.As(err, &ce) || ce.Path != path {
		t.Fatalf("Wait: %v, want a CorruptError on %s", err, path)
	}
	if !strings.Contains(err.Error(), "Run: dynalab repair "+path) {
		t.Fatalf("the refusal does not name the repair command: %v", err)
	}
	// The lock is released (a repair can take it): opening again meets
	// the damage, not the lock.
	if _, err := Open(context.Background(), Selector{Data: path}); errors.Is(err, engine.ErrLocked) || !errors.As(err, &ce) {
		t.Fatalf("reopen: %v, want the CorruptError again", err)
	}
}

// TestOpenAsyncRefusesABadSelection: a selection naming nothing
// openable fails at once, before any goroutine or screen.
func TestOpenAsyncRefusesABadSelection(t *testing.T) {
	t.Parallel()
	h, _ := home(t)
	for _, sel := range []Selector{
		{Home: h, Session: "missing"},
		{Home: h, Data: "x.db", InMemory: true},
	} {
		if o, err := OpenAsync(context.Background(), sel, nil); err == nil || o != nil {
			t.Errorf("%+v: %v, %v; want an error at once", sel, o, err)
		}
	}
}

// fakeBackend records its Close.
type fakeBackend struct {
	Backend
	closed int
}

func (f *fakeBackend) Close() error { f.closed++; return nil }

// TestOpeningOwnsTheBackendUntilWait: Close closes a backend nobody took
// (the user quit as it arrived), never one Wait handed over; a Ready that
// fails closes it and is the error.
func TestOpeningOwnsTheBackendUntilWait(t *testing.T) {
	t.Parallel()
	opened := func(f *fakeBackend) func(context.Context, func(int64, int64)) (Backend, error) {
		return func(_ context.Context, onLoad func(int64, int64)) (Backend, error) {
			onLoad(1, 2)
			onLoad(2, 2)
			return f, nil
		}
	}
	untaken := &fakeBackend{}
	o := StartOpening(context.Background(), "x", "", opened(untaken), nil)
	<-o.Done()
	if done, total := o.Progress(); done != 2 || total != 2 {
		t.Fatalf("progress %d of %d", done, total)
	}
	if err := o.Close(); err != nil || untaken.closed != 1 {
		t.Fatalf("Close: %v, backend closed %d times, want once", err, untaken.closed)
	}

	taken := &fakeBackend{}
	o = StartOpening(context.Background(), "x", "", opened(taken), nil)
	if b, err := o.Wait(); err != nil || b != taken {
		t.Fatalf("Wait: %v, %v", b, err)
	}
	if err := o.Close(); err != nil || taken.closed != 0 {
		t.Fatalf("Close: %v, a handed-over backend closed %d times", err, taken.closed)
	}

	refused := &fakeBackend{}
	boom := errors.New("listen: address in use")
	o = StartOpening(context.Background(), "x", "", opened(refused), func(Backend) error { return boom })
	if b, err := o.Wait(); !errors.Is(err, boom) || b != nil || refused.closed != 1 {
		t.Fatalf("Wait: %v, %v; backend closed %d times, want the Ready error and once", b, err, refused.closed)
	}
	o.Close()
}

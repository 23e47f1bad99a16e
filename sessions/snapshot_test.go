package sessions

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"dynalab/engine"
)

func TestSnapshotSaveRestore(t *testing.T) {
	t.Parallel()
	h, _ := home(t)
	if _, err := h.Create("lab", Settings{}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.SaveSnapshot("lab", "clean"); err == nil || !strings.Contains(err.Error(), "has no database yet") {
		t.Fatalf("snapshot of a never-opened session: %v", err)
	}
	l, err := Open(context.Background(), Selector{Home: h, Session: "lab"})
	if err != nil {
		t.Fatal(err)
	}
	createTable(t, l, "Fixtures")
	put(t, l, "Fixtures", `{"id":{"S":"a"}}`)
	put(t, l, "Fixtures", `{"id":{"S":"b"}}`)

	// While the session is open, save and remove name the holder.
	checkHeld(t, "save snapshot", func() error { _, err := h.SaveSnapshot("lab", "clean"); return err })
	checkHeld(t, "remove session", func() error { return h.Remove("lab") })
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}

	snap, err := h.SaveSnapshot("lab", "clean")
	if err != nil {
		t.Fatal(err)
	}
	if snap.Name != "clean" || snap.Size == 0 {
		t.Fatalf("snapshot %+v", snap)
	}

	// The test suite changes the data...
	l2 := mustLocal(t, Selector{Home: h, Session: "lab"})
	put(t, l2, "Fixtures", `{"id":{"S":"c"}}`)
	if _, err := l2.DeleteItem(context.Background(), &engine.DeleteItemInput{TableName: "Fixtures", Key: mustItem(t, `{"id":{"S":"a"}}`)}); err != nil {
		t.Fatal(err)
	}
	createTable(t, l2, "Scratch")
	checkHeld(t, "restore snapshot", func() error { _, err := h.RestoreSnapshot("lab", "clean"); return err })
	l2.Close()

	// ... and the restore brings back exactly the snapshot.
	if _, err := h.RestoreSnapshot("lab", "clean"); err != nil {
		t.Fatal(err)
	}
	l3 := mustLocal(t, Selector{Home: h, Session: "lab"})
	out, err := l3.ListTables(context.Background(), &engine.ListTablesInput{})
	if err != nil || strings.Join(out.TableNames, ",") != "Fixtures" {
		t.Fatalf("tables after restore: %v %v", out, err)
	}
	scan, err := l3.Scan(context.Background(), &engine.ScanInput{TableName: "Fixtures"})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, it := range scan.Items {
		ids = append(ids, it["id"].Str())
	}
	if len(ids) != 2 || !strings.Contains(strings.Join(ids, ","), "a") || !strings.Contains(strings.Join(ids, ","), "b") {
		t.Fatalf("items after restore: %v", ids)
	}
	l3.Close()

	if _, err := h.SaveSnapshot("lab", "second"); err != nil {
		t.Fatal(err)
	}
	snaps, err := h.Snapshots("lab")
	if err != nil || len(snaps) != 2 || snaps[0].Name != "clean" || snaps[1].Name != "second" {
		t.Fatalf("snapshots %+v %v", snaps, err)
	}
	if err := h.RemoveSnapshot("lab", "second"); err != nil {
		t.Fatal(err)
	}
	for _, err := range []error{
		h.RemoveSnapshot("lab", "second"),
		func() error { _, err := h.RestoreSnapshot("lab", "second"); return err }(),
	} {
		if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "dynalab snapshot list") {
			t.Errorf("missing snapshot: %v", err)
		}
	}
	if _, err := h.SaveSnapshot("lab", "../up"); !errors.Is(err, ErrInvalidName) {
		t.Errorf("bad snapshot name: %v", err)
	}

	// Snapshots live in the session: removing it removes them.
	if err := h.Remove("lab"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Snapshots("lab"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("snapshots of a removed session: %v", err)
	}
}

func TestSnapshotRemoteSession(t *testing.T) {
	t.Parallel()
	h, _ := home(t)
	if _, err := h.Create("aws", Settings{Region: "eu-west-1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.SaveSnapshot("aws", "x"); err == nil || !strings.Contains(err.Error(), `session "aws" is remote (AWS eu-west-1)`) {
		t.Fatalf("%v", err)
	}
}

// checkHeld checks that fn fails because this process holds session
// "lab"'s database, with a message naming op, the holder and what to do.
func checkHeld(t *testing.T, op string, fn func() error) {
	t.Helper()
	err := fn()
	var held *HeldError
	if !errors.As(err, &held) || !errors.Is(err, engine.ErrLocked) || held.Holder.PID != os.Getpid() ||
		!strings.HasPrefix(err.Error(), op+`: session "lab"'s database`) || !strings.Contains(err.Error(), "Ctrl+C") {
		t.Errorf("%s while held: %v", op, err)
	}
}

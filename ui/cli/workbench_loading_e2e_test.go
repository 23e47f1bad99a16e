package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dynalab/engine"
	"dynalab/engine/attr"
)

// waitExit waits for the command line to write "EXITED <code>" to
// exitFile and returns the code.
func (tm *tmuxSession) waitExit(exitFile string) string {
	tm.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		if data, err := os.ReadFile(exitFile); err == nil && bytes.HasSuffix(data, []byte("\n")) {
			return strings.TrimPrefix(strings.TrimSpace(string(data)), "EXITED ")
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("the workbench did not exit; screen:\n%s", tm.screen())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestWorkbenchDamagedDatabaseInTmux: the workbench on a damaged file
// shows the integrity refusal — the file, the damage, the repair command —
// in its first screen instead of the panes, and exits 1 on a key with the
// same refusal on stderr, the file unchanged.
func TestWorkbenchDamagedDatabaseInTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("needs tmux (CI installs it)")
	}
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	t.Parallel()
	dir := t.TempDir()
	bin := binary(t)
	path := filepath.Join(dir, "lab.db")
	data := seedDatabase(t, path, 40)
	mid := bytes.Index(data, []byte("item number 20"))
	data[mid+5] ^= 0x04
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	exit := filepath.Join(dir, "exit")
	tm := startTmux(t, fmt.Sprintf("dynalab-damaged-%d", os.Getpid()),
		fmt.Sprintf("env DYNALAB_HOME=%s TERM=xterm-256color %s --data %s --no-listen; echo EXITED $? > %s; sleep 30", filepath.Join(dir, "home"), bin, path, exit))
	s := tm.waitFor("the refusal", func(s string) bool { return strings.Contains(s, "press any key to exit") })
	for _, want := range []string{"Cannot open", "is corrupt", "committed transactions follow", "Run: dynalab repair"} {
		if !strings.Contains(s, want) {
			t.Errorf("the screen lacks %q:\n%s", want, s)
		}
	}
	tm.run("send-keys", "-t", "wb", "x")
	if code := tm.waitExit(exit); code != "1" {
		t.Fatalf("exit %s, want 1", code)
	}
	// Back in the main screen: the refusal on stderr, one line wrapped
	// (a space at a wrap may be trimmed: compare without white space).
	squeeze := func(s string) string { return strings.Join(strings.Fields(s), "") }
	if s := squeeze(tm.screen()); !strings.Contains(s, squeeze("dynalab: open "+path)) || !strings.Contains(s, squeeze("Run: dynalab repair "+path)) {
		t.Errorf("stderr lacks the refusal:\n%s", tm.screen())
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, data) {
		t.Fatal("the damaged file was changed")
	}
}

// seedLarge writes n items of about 200 bytes to a new database file in
// BatchWriteItem batches of 25, as an import does.
func seedLarge(t *testing.T, path string, n int) {
	t.Helper()
	db, err := engine.Open(engine.Options{Path: path, Sync: "never", SweepInterval: -1, NoThrottle: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := db.CreateTable(ctx, &engine.CreateTableInput{TableName: "Big", BillingMode: engine.BillingPayPerRequest,
		AttributeDefinitions: []engine.AttributeDefinition{{AttributeName: "PK", AttributeType: "S"}},
		KeySchema:            []engine.KeySchemaElement{{AttributeName: "PK", KeyType: "HASH"}}}); err != nil {
		t.Fatal(err)
	}
	pad := attr.S(strings.Repeat("p", 160))
	for i := 0; i < n; i += 25 {
		batch := make([]engine.WriteRequest, 0, 25)
		for j := i; j < min(i+25, n); j++ {
			batch = append(batch, engine.WriteRequest{PutRequest: &engine.PutRequest{Item: attr.Item{"PK": attr.S(fmt.Sprintf("item-%07d", j)), "pad": pad}}})
		}
		if _, err := db.BatchWriteItem(ctx, &engine.BatchWriteItemInput{RequestItems: map[string][]engine.WriteRequest{"Big": batch}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestWorkbenchLargeDatabaseInTmux opens a database of 300,000 items:
// the first screen is the loading view or, on a fast machine, already the
// panes (the test asserts nothing about how long the load takes); the
// table's items then show. A second run quits with Ctrl+C twice as soon as
// anything is drawn — during the load if it is still going — and exits 0,
// leaving the database whole and unlocked.
func TestWorkbenchLargeDatabaseInTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("needs tmux (CI installs it)")
	}
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	t.Parallel()
	const n = 300_000
	dir := t.TempDir()
	bin := binary(t)
	path := filepath.Join(dir, "big.db")
	seedLarge(t, path, n)
	drawn := func(s string) bool { return strings.Contains(s, "Opening big.db") || strings.Contains(s, "Scan Big") }
	for round, quitAtOnce := range []bool{false, true} {
		exit := filepath.Join(dir, fmt.Sprintf("exit%d", round))
		tm := startTmux(t, fmt.Sprintf("dynalab-large-%d-%d", os.Getpid(), round),
			fmt.Sprintf("env DYNALAB_HOME=%s TERM=xterm-256color %s --data %s -t Big --no-listen; echo EXITED $? > %s; sleep 30", filepath.Join(dir, "home"), bin, path, exit))
		first := tm.waitFor("the first screen", drawn)
		t.Logf("round %d: first screen shows the loading view: %v", round, strings.Contains(first, "Opening big.db"))
		if !quitAtOnce {
			tm.waitFor("the table's items", func(s string) bool { return strings.Contains(s, "Scan Big") && strings.Contains(s, "item-") })
		}
		tm.run("send-keys", "-t", "wb", "C-c")
		tm.run("send-keys", "-t", "wb", "C-c")
		if code := tm.waitExit(exit); code != "0" {
			t.Fatalf("round %d: exit %s; screen:\n%s", round, code, tm.screen())
		}
		tm.run("kill-server")
	}
	// Whole and unlocked: this process opens it and counts every item.
	db, err := engine.Open(engine.Options{Path: path, SweepInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out, err := db.DescribeTable(context.Background(), &engine.DescribeTableInput{TableName: "Big"})
	if err != nil {
		t.Fatal(err)
	}
	if got := out.Table.ItemCount; got != n {
		t.Fatalf("ItemCount %v, want %d", got, n)
	}
}

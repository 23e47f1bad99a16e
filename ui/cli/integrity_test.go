package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"dynalab/engine"
	"dynalab/engine/enginetest"
)

// seedDatabase writes a database file of n transactions (a table, then
// one PutItem each) through the engine and returns its bytes.
func seedDatabase(t *testing.T, path string, n int) []byte {
	t.Helper()
	db, err := engine.Open(engine.Options{Path: path, Sync: "never", SweepInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	call := func(op, body string) {
		t.Helper()
		if _, _, err := db.Dispatch(ctx, engine.TargetPrefix+op, []byte(body)); err != nil {
			t.Fatalf("%s: %v", op, err)
		}
	}
	call("CreateTable", `{"TableName":"Lab","AttributeDefinitions":[{"AttributeName":"PK","AttributeType":"S"}],"KeySchema":[{"AttributeName":"PK","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}`)
	for i := range n {
		call("PutItem", fmt.Sprintf(`{"TableName":"Lab","Item":{"PK":{"S":"k%03d"},"note":{"S":"item number %d"}}}`, i, i))
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestCorruptDatabaseIsRefusedThenRepaired: a byte changed in the middle
// of a database file makes serve, run and export refuse it — exit 1, the
// file, the offset, the transactions after the damage and the repair
// command named — without changing it; repair keeps the original, keeps
// every transaction before the damage and reports the rest; a rerun finds
// nothing to do, and serve then opens it.
func TestCorruptDatabaseIsRefusedThenRepaired(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	t.Parallel()
	bin := binary(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "lab.db")
	data := seedDatabase(t, path, 40)
	mid := bytes.Index(data, []byte("item number 20"))
	damaged := bytes.Clone(data)
	damaged[mid+5] ^= 0x04
	if err := os.WriteFile(path, damaged, 0o600); err != nil {
		t.Fatal(err)
	}
	home := []string{"DYNALAB_HOME=" + filepath.Join(dir, "home")}

	for _, args := range [][]string{
		{"serve", "--data", path, "--listen", "127.0.0.1:0"},
		{"run", "--data", path, "-"},
		{"export", "--data", path, "--table", "Lab"},
	} {
		code, _, stderr := runBinary(t, bin, home, args...)
		if code != 1 {
			t.Errorf("%v: exit %d, want 1; stderr %s", args, code, stderr)
		}
		for _, want := range []string{path + " is corrupt", "byte offset", "committed transactions follow the damage", "dynalab repair " + path} {
			if !strings.Contains(stderr, want) {
				t.Errorf("%v: stderr lacks %q:\n%s", args, want, stderr)
			}
		}
		if got, _ := os.ReadFile(path); !bytes.Equal(got, damaged) {
			t.Fatalf("%v changed a refused file", args)
		}
	}

	code, stdout, stderr := runBinary(t, bin, home, "repair", path)
	if code != 0 {
		t.Fatalf("repair: exit %d\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{"repaired " + path, "kept: 21 transactions", "could not keep:", "20 complete transactions", "writing 20 items", "20 distinct items", ".corrupt-"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("repair output lacks %q:\n%s", want, stdout)
		}
	}
	originals, _ := filepath.Glob(path + ".corrupt-*")
	if len(originals) != 1 {
		t.Fatalf("originals kept: %v", originals)
	}
	if got, _ := os.ReadFile(originals[0]); !bytes.Equal(got, damaged) {
		t.Fatal("the original was not kept untouched")
	}
	checkFile(t, bin, path) // the repaired database is consistent
	if code, stdout, _ := runBinary(t, bin, home, "repair", path); code != 0 || !strings.Contains(stdout, "is intact") {
		t.Fatalf("second repair: exit %d: %s", code, stdout)
	}

	srv, endpoint := startServer(t, bin, path)
	defer func() { srv.Process.Kill(); srv.Wait() }()
	out, err := enginetest.NewClient(endpoint).Scan(enginetest.Ctx(t), &dynamodb.ScanInput{TableName: aws.String("Lab"), Select: types.SelectCount})
	if err != nil || out.Count != 20 {
		t.Fatalf("after repair: %v items, %v; want the 20 written before the damage", out, err)
	}
}

// TestDatabaseFileStaysBoundedAcrossRestarts is issue 19's growth test:
// 20 cycles of starting the server, overwriting every item and killing it
// (SIGKILL, so no process ever closes the file). Each process compacts
// only what it appended itself; the bound must still hold: the file never
// exceeds twice the live data plus the automatic-compaction threshold,
// and dynalab check finds it consistent after every kill.
func TestDatabaseFileStaysBoundedAcrossRestarts(t *testing.T) {
	if runtime.GOOS == "windows" || testing.Short() {
		t.Skip("needs a build of the binary and POSIX SIGKILL; skipped on Windows and under -short")
	}
	t.Parallel()
	bin := binary(t)
	path := filepath.Join(t.TempDir(), "grow.db")
	const items, size = 800, 4000 // 3.2 MB live
	const threshold = 32 << 20    // the automatic-compaction threshold (store.autoCompactMin)
	ctx := enginetest.Ctx(t)
	payload := strings.Repeat("x", size)
	var live, largest int64
	for cycle := range 20 {
		srv, endpoint := startServer(t, bin, path)
		c := enginetest.NewClient(endpoint)
		if cycle == 0 {
			if _, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
				TableName:            aws.String("Grow"),
				AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("PK"), AttributeType: types.ScalarAttributeTypeS}},
				KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("PK"), KeyType: types.KeyTypeHash}},
				BillingMode:          types.BillingModePayPerRequest,
			}); err != nil {
				t.Fatal(err)
			}
		}
		for i := 0; i < items; i += 25 {
			var reqs []types.WriteRequest
			for j := i; j < i+25; j++ {
				reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: map[string]types.AttributeValue{
					"PK": &types.AttributeValueMemberS{Value: fmt.Sprintf("k%04d", j)},
					"v":  &types.AttributeValueMemberS{Value: fmt.Sprintf("%d%s", cycle, payload)},
				}}})
			}
			if _, err := c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"Grow": reqs}}); err != nil {
				t.Fatal(err)
			}
		}
		d, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("Grow")})
		if err != nil {
			t.Fatal(err)
		}
		live = *d.Table.TableSizeBytes
		_ = srv.Process.Signal(syscall.SIGKILL)
		_ = srv.Wait()
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		largest = max(largest, fi.Size())
		checkFile(t, bin, path) // what the kill left is consistent
		if bound := 2*live + threshold; fi.Size() > bound {
			t.Fatalf("cycle %d: the file is %d bytes, over the bound %d (live data %d)", cycle, fi.Size(), bound, live)
		}
	}
	if total := int64(20 * items * size); largest >= total {
		t.Fatalf("the file reached %d bytes of %d written: never compacted", largest, total)
	}
	t.Logf("live data %d bytes; the file reached at most %d bytes over 20 kill cycles", live, largest)
}

// TestDatabaseFilesArePrivate: a new data directory is 0700 and the
// database and its lock file 0600, whatever the umask lets through.
func TestDatabaseFilesArePrivate(t *testing.T) {
	if runtime.GOOS == "windows" || testing.Short() {
		t.Skip("POSIX file modes; builds the binary")
	}
	t.Parallel()
	bin := binary(t)
	dir := filepath.Join(t.TempDir(), "new", "dir")
	path := filepath.Join(dir, "p.db")
	srv, _ := startServer(t, bin, path)
	_ = srv.Process.Signal(syscall.SIGTERM)
	_ = srv.Wait()
	for p, want := range map[string]os.FileMode{dir: 0o700, filepath.Dir(dir): 0o700, path: 0o600, path + ".lock": 0o600} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s: mode %o, want %o", p, got, want)
		}
	}
}

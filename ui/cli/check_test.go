package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/engine/enginetest"
	"dynalab/sessions"
)

// seedCheckDB writes a database with a table that has a GSI, an LSI, TTL
// and a stream, and a few items.
func seedCheckDB(t *testing.T, path string) {
	t.Helper()
	db, err := engine.Open(engine.Options{Path: path, SweepInterval: -1, TTLSettle: -1})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	_, err = db.CreateTable(ctx, &engine.CreateTableInput{
		TableName: "Orders",
		AttributeDefinitions: []engine.AttributeDefinition{{AttributeName: "pk", AttributeType: "S"}, {AttributeName: "sk", AttributeType: "S"},
			{AttributeName: "status", AttributeType: "S"}, {AttributeName: "placed", AttributeType: "S"}},
		KeySchema:   []engine.KeySchemaElement{{AttributeName: "pk", KeyType: "HASH"}, {AttributeName: "sk", KeyType: "RANGE"}},
		BillingMode: engine.BillingPayPerRequest,
		GlobalSecondaryIndexes: []engine.GlobalSecondaryIndex{{IndexName: "ByStatus",
			KeySchema:  []engine.KeySchemaElement{{AttributeName: "status", KeyType: "HASH"}},
			Projection: &engine.Projection{ProjectionType: "ALL"}}},
		LocalSecondaryIndexes: []engine.LocalSecondaryIndex{{IndexName: "ByPlaced",
			KeySchema:  []engine.KeySchemaElement{{AttributeName: "pk", KeyType: "HASH"}, {AttributeName: "placed", KeyType: "RANGE"}},
			Projection: &engine.Projection{ProjectionType: "KEYS_ONLY"}}},
		StreamSpecification: &engine.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: "NEW_IMAGE"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateTimeToLive(ctx, &engine.UpdateTimeToLiveInput{TableName: "Orders",
		TimeToLiveSpecification: &engine.TimeToLiveSpecification{AttributeName: aws.String("ttl"), Enabled: aws.Bool(true)}}); err != nil {
		t.Fatal(err)
	}
	for _, it := range []attr.Item{
		{"pk": attr.S("c1"), "sk": attr.S("o1"), "status": attr.S("open"), "placed": attr.S("2026-01-02"), "ttl": attr.MustN("4102444800")},
		{"pk": attr.S("c1"), "sk": attr.S("o2"), "status": attr.S("shipped"), "placed": attr.S("2026-01-03")},
		{"pk": attr.S("c2"), "sk": attr.S("o3"), "status": attr.S("open")},
	} {
		if _, err := db.PutItem(ctx, &engine.PutItemInput{TableName: "Orders", Item: it}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestCheckCommand runs "dynalab check" on a consistent database, on one
// damaged behind the engine's back, through a session, and with mistakes.
func TestCheckCommand(t *testing.T) {
	bin := binary(t)
	dir := t.TempDir()
	t.Setenv(sessions.HomeEnv, filepath.Join(dir, "home"))
	path := filepath.Join(dir, "orders.db")
	seedCheckDB(t, path)

	code, out, errOut := runBinary(t, bin, nil, "check", path)
	if code != 0 || out != path+": consistent\n" {
		t.Fatalf("check of a consistent database: exit %d, stdout %q, stderr %q", code, out, errOut)
	}

	if err := enginetest.SetTableStats(path, "Orders", 7, 100); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = runBinary(t, bin, nil, "check", path)
	want := "table Orders: table statistics: the table holds 3 items of "
	if code != 1 || !strings.HasPrefix(out, want) || !strings.Contains(out, "its statistics say 7 items of 100 bytes") ||
		!strings.Contains(errOut, path+" is inconsistent: 1 differences listed") {
		t.Fatalf("check of a damaged database: exit %d, stdout %q, stderr %q; want exit 1 and %q…", code, out, errOut, want)
	}

	// A session's database, by --session.
	if code, _, errOut := runBinary(t, bin, nil, "session", "new", "lab"); code != 0 {
		t.Fatalf("session new: %d %s", code, errOut)
	}
	sessionDB, err := testHome(t).DatabasePath("lab")
	if err != nil {
		t.Fatal(err)
	}
	seedCheckDB(t, sessionDB)
	if code, out, errOut := runBinary(t, bin, nil, "check", "--session", "lab"); code != 0 || !strings.HasSuffix(out, ": consistent\n") {
		t.Fatalf("check --session lab: exit %d, stdout %q, stderr %q", code, out, errOut)
	}

	for _, tc := range []struct {
		args []string
		code int
		text string
	}{
		{[]string{"check", "a.db", "b.db"}, 2, "give at most one FILE"},
		{[]string{"check", path, "--session", "lab"}, 2, "give FILE or --session, not both"},
		{[]string{"check", filepath.Join(dir, "missing.db")}, 1, "no such file"},
		{[]string{"check", "--session", "nosuch"}, 1, `session "nosuch"`},
	} {
		code, out, errOut := runBinary(t, bin, nil, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.text) {
			t.Errorf("dynalab %v: exit %d, stdout %q, stderr %q; want exit %d and %q", tc.args, code, out, errOut, tc.code, tc.text)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "missing.db")); err == nil {
		t.Error("check created the database it was asked to check")
	}
}

// checkFile runs "dynalab check" on a database file no process holds and
// fails t unless it is consistent.
func checkFile(t *testing.T, bin, path string) {
	t.Helper()
	if code, out, errOut := runBinary(t, bin, nil, "check", path); code != 0 {
		t.Errorf("dynalab check %s: exit %d\n%s%s", path, code, out, errOut)
	}
}

package transfer

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/engine/enginetest"
)

func openDB(t testing.TB) *engine.DB { return enginetest.Open(t, engine.Options{}) }

func mustKeySchema(t testing.TB, s string) *KeySchema {
	t.Helper()
	ks, err := ParseKeySchema(s)
	if err != nil {
		t.Fatal(err)
	}
	return &ks
}

func createTable(t testing.TB, db *engine.DB, table, key string) {
	t.Helper()
	if _, err := db.CreateTable(context.Background(), mustKeySchema(t, key).createInput(table)); err != nil {
		t.Fatal(err)
	}
}

// putItems writes items to a table through BatchWriteItem.
func putItems(t testing.TB, db *engine.DB, table string, items []attr.Item) {
	t.Helper()
	for len(items) > 0 {
		n := min(25, len(items))
		reqs := make([]engine.WriteRequest, n)
		for i, it := range items[:n] {
			reqs[i] = engine.WriteRequest{PutRequest: &engine.PutRequest{Item: it}}
		}
		if _, err := db.BatchWriteItem(context.Background(), &engine.BatchWriteItemInput{RequestItems: map[string][]engine.WriteRequest{table: reqs}}); err != nil {
			t.Fatal(err)
		}
		items = items[n:]
	}
}

// dump scans a table and returns its items as canonical DynamoDB JSON,
// sorted.
func dump(t testing.TB, db *engine.DB, table string) []string {
	t.Helper()
	var out []string
	in := &engine.ScanInput{TableName: table}
	for {
		page, err := db.Scan(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range page.Items {
			out = append(out, string(attr.AppendItem(nil, it)))
		}
		if len(page.LastEvaluatedKey) == 0 {
			break
		}
		in.ExclusiveStartKey = page.LastEvaluatedKey
	}
	slices.Sort(out)
	return out
}

func writeFile(t testing.TB, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func gzipBytes(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func mustItem(t testing.TB, ddb string) attr.Item {
	t.Helper()
	it, err := attr.ParseItem([]byte(ddb))
	if err != nil {
		t.Fatalf("%s: %v", ddb, err)
	}
	return it
}

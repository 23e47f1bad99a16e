package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"dynalab/engine/internal/store"
)

// commitEnds returns where each transaction of a database file ends: the
// end of each commit record (the first entry is the end of the header).
func commitEnds(t *testing.T, data []byte) []int64 {
	t.Helper()
	prefix := []byte("*3\r\n$3\r\nset\r\n$8\r\nm/commit\r\n$")
	header := []byte("*3\r\n$3\r\nset\r\n$8\r\nm/format\r\n$1\r\n3\r\n")
	if !bytes.HasPrefix(data, header) {
		t.Fatalf("unexpected header %q", data[:min(len(data), 40)])
	}
	ends := []int64{int64(len(header))}
	for i := 0; ; {
		j := bytes.Index(data[i:], prefix)
		if j < 0 {
			return ends
		}
		p := i + j + len(prefix)
		n, _, _ := bytes.Cut(data[p:], []byte("\r\n"))
		l, err := strconv.Atoi(string(n))
		if err != nil {
			t.Fatalf("commit record at %d: %q", i+j, n)
		}
		end := p + len(n) + 2 + l + 2
		ends = append(ends, int64(end))
		i = end
	}
}

// rawState returns every key and value of an open database.
func rawState(t *testing.T, db *DB) string {
	t.Helper()
	m := map[string]string{}
	if err := db.store.View(func(tx *store.Tx) error {
		return tx.Ascend("", func(k, v string) bool { m[k] = v; return true })
	}); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(m)
}

// openState opens a copy of data and returns its state.
func openState(t *testing.T, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "p.db")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := Open(Options{Path: path, Sync: "never", SweepInterval: -1, Clock: fixedClock(), Warnf: func(string, ...any) {}})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	return rawState(t, db)
}

func fixedClock() func() time.Time {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	return func() time.Time { return now }
}

// TestCorruptionAtRandomOffsets is issue 19's corruption test: one byte is
// changed at 200 random offsets of a database with two tables, a GSI, an
// LSI, a stream and TTL. Every open either cuts a torn end exactly (the
// damage was in the last transaction; it serves the transactions before
// it) or refuses with the offset of the damaged transaction, and never
// serves fewer transactions without refusing; Repair then yields exactly
// the transactions before the damage, which open.
func TestCorruptionAtRandomOffsets(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "lab.db")
	db, err := Open(Options{Path: path, Sync: "never", SweepInterval: -1, Clock: fixedClock()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	call := func(op, body string) {
		t.Helper()
		if _, _, err := db.Dispatch(ctx, TargetPrefix+op, []byte(body)); err != nil {
			t.Fatalf("%s: %v", op, err)
		}
	}
	call("CreateTable", `{"TableName":"Orders","AttributeDefinitions":[{"AttributeName":"PK","AttributeType":"S"},{"AttributeName":"SK","AttributeType":"S"},{"AttributeName":"status","AttributeType":"S"},{"AttributeName":"total","AttributeType":"N"}],
		"KeySchema":[{"AttributeName":"PK","KeyType":"HASH"},{"AttributeName":"SK","KeyType":"RANGE"}],"BillingMode":"PAY_PER_REQUEST",
		"GlobalSecondaryIndexes":[{"IndexName":"byStatus","KeySchema":[{"AttributeName":"status","KeyType":"HASH"},{"AttributeName":"SK","KeyType":"RANGE"}],"Projection":{"ProjectionType":"ALL"}}],
		"LocalSecondaryIndexes":[{"IndexName":"byTotal","KeySchema":[{"AttributeName":"PK","KeyType":"HASH"},{"AttributeName":"total","KeyType":"RANGE"}],"Projection":{"ProjectionType":"KEYS_ONLY"}}],
		"StreamSpecification":{"StreamEnabled":true,"StreamViewType":"NEW_AND_OLD_IMAGES"}}`)
	call("CreateTable", `{"TableName":"Users","AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],"KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}`)
	call("UpdateTimeToLive", `{"TableName":"Users","TimeToLiveSpecification":{"Enabled":true,"AttributeName":"exp"}}`)
	for i := range 60 {
		call("PutItem", fmt.Sprintf(`{"TableName":"Orders","Item":{"PK":{"S":"U#%d"},"SK":{"S":"O#%03d"},"status":{"S":"s%d"},"total":{"N":"%d"}}}`, i%7, i, i%3, i*10))
		if i%4 == 0 {
			call("PutItem", fmt.Sprintf(`{"TableName":"Users","Item":{"id":{"S":"u%d"},"exp":{"N":"%d"}}}`, i, 1900000000+i))
		}
		if i%5 == 4 {
			call("UpdateItem", fmt.Sprintf(`{"TableName":"Orders","Key":{"PK":{"S":"U#%d"},"SK":{"S":"O#%03d"}},"UpdateExpression":"SET #s = :s","ExpressionAttributeNames":{"#s":"status"},"ExpressionAttributeValues":{":s":{"S":"done"}}}`, (i-1)%7, i-1))
		}
		if i%9 == 8 {
			call("DeleteItem", fmt.Sprintf(`{"TableName":"Orders","Key":{"PK":{"S":"U#%d"},"SK":{"S":"O#%03d"}}}`, (i-2)%7, i-2))
		}
		if i%11 == 10 {
			call("TransactWriteItems", fmt.Sprintf(`{"TransactItems":[{"Put":{"TableName":"Users","Item":{"id":{"S":"t%d"}}}},{"Delete":{"TableName":"Orders","Key":{"PK":{"S":"U#%d"},"SK":{"S":"O#%03d"}}}}]}`, i, (i-3)%7, i-3))
		}
	}
	want := rawState(t, db)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ends := commitEnds(t, data)
	n := len(ends) - 1
	if ends[n] != int64(len(data)) {
		t.Fatalf("the file ends at %d, its last transaction at %d", len(data), ends[n])
	}
	if got := openState(t, data); got != want {
		t.Fatal("the undamaged file does not reopen as it was")
	}
	prefix := map[int]string{}
	prefixState := func(k int) string {
		if _, ok := prefix[k]; !ok {
			prefix[k] = openState(t, data[:ends[k]])
		}
		return prefix[k]
	}

	rng := rand.New(rand.NewPCG(19, uint64(len(data))))
	refused, torn := 0, 0
	for range 200 {
		off := rng.IntN(len(data))
		x := byte(rng.IntN(255) + 1)
		k := 0 // the transaction holding the byte; 0 is the header
		for int64(off) >= ends[k] {
			k++
		}
		damaged := bytes.Clone(data)
		damaged[off] ^= x
		p := filepath.Join(dir, fmt.Sprintf("d%d.db", off))
		if err := os.WriteFile(p, damaged, 0o600); err != nil {
			t.Fatal(err)
		}
		db, err := Open(Options{Path: p, Sync: "never", SweepInterval: -1, Clock: fixedClock(), Warnf: func(string, ...any) {}})
		var ce *CorruptError
		switch {
		case errors.As(err, &ce):
			refused++
			wantOff := int64(0)
			if k > 0 {
				wantOff = ends[k-1]
			}
			if ce.Offset != wantOff || ce.After < n-k || ce.After > n-k+1 {
				t.Fatalf("byte %d ^%#x (transaction %d of %d): refused at %d with %d after; want %d with %d", off, x, k, n, ce.Offset, ce.After, wantOff, n-k)
			}
			if got, _ := os.ReadFile(p); !bytes.Equal(got, damaged) {
				t.Fatalf("byte %d: a refused file was changed", off)
			}
			rep, err := Repair(p)
			if err != nil {
				t.Fatalf("byte %d: repair: %v", off, err)
			}
			wantState := prefixState(max(k-1, 0))
			if rep.HeaderRestored {
				wantState = want
			}
			rdb, err := Open(Options{Path: p, Sync: "never", SweepInterval: -1, Clock: fixedClock()})
			if err != nil {
				t.Fatalf("byte %d: open after repair: %v", off, err)
			}
			got := rawState(t, rdb)
			if diffs, err := rdb.Check(context.Background()); err != nil || len(diffs) > 0 {
				t.Fatalf("byte %d ^%#x: the repaired database does not check: %v %v", off, x, diffs, err)
			}
			rdb.Close()
			if got != wantState {
				t.Fatalf("byte %d ^%#x: the repaired file does not hold the %d transactions before the damage (report %+v)", off, x, k-1, rep)
			}
		case err != nil && k == 0 && strings.Contains(err.Error(), "newer dynalab"):
			// The header's version digit now names a later format: refused.
		case err != nil:
			t.Fatalf("byte %d ^%#x: %v", off, x, err)
		default:
			got := rawState(t, db)
			db.Close()
			if got != want {
				if k != n || got != prefixState(n-1) {
					t.Fatalf("byte %d ^%#x (transaction %d of %d) served fewer transactions without refusing", off, x, k, n)
				}
				torn++
			}
		}
	}
	t.Logf("%d transactions in %d bytes; 200 damaged copies: %d refused and repaired, %d torn ends cut", n, len(data), refused, torn)
}

package engine

import (
	"context"
	"strings"
	"testing"
	"time"

	"dynalab/engine/internal/store"
)

// TestPITRFoldKeepsOneImagePerItem: after a fold, an item unchanged in the
// window keeps one entry, a deleted one none, and changes in the window
// stay.
func TestPITRFoldKeepsOneImagePerItem(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	db := openChecked(t, Options{Clock: func() time.Time { return now }, SweepInterval: -1})
	ctx := context.Background()
	call := func(op, body string) {
		t.Helper()
		if _, _, err := db.Dispatch(ctx, TargetPrefix+op, []byte(body)); err != nil {
			t.Fatalf("%s: %v", op, err)
		}
	}
	call("CreateTable", `{"TableName":"Tab","AttributeDefinitions":[{"AttributeName":"k","AttributeType":"S"}],"KeySchema":[{"AttributeName":"k","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}`)
	for _, k := range []string{"a", "b", "c"} {
		call("PutItem", `{"TableName":"Tab","Item":{"k":{"S":"`+k+`"}}}`)
	}
	call("UpdateContinuousBackups", `{"TableName":"Tab","PointInTimeRecoverySpecification":{"PointInTimeRecoveryEnabled":true,"RecoveryPeriodInDays":1}}`)
	for i := 0; i < 5; i++ {
		now = now.Add(time.Minute)
		call("PutItem", `{"TableName":"Tab","Item":{"k":{"S":"a"},"n":{"N":"`+string(rune('0'+i))+`"}}}`)
	}
	call("DeleteItem", `{"TableName":"Tab","Key":{"k":{"S":"b"}}}`)
	now = now.Add(48 * time.Hour)
	call("PutItem", `{"TableName":"Tab","Item":{"k":{"S":"c"},"n":{"N":"1"}}}`)
	count := func() int {
		n := 0
		prefix := pitrPrefix(db.tables["Tab"].meta.ID)
		db.store.View(func(tx *store.Tx) error {
			return tx.Ascend(prefix, func(k, _ string) bool {
				if !strings.HasPrefix(k, prefix) {
					return false
				}
				n++
				return true
			})
		})
		return n
	}
	if got := count(); got != 3+5+1+1 {
		t.Fatalf("%d log entries before the fold", got)
	}
	if err := db.RunMaintenance(); err != nil {
		t.Fatal(err)
	}
	// a: its last image; b: nothing; c: its base and its new image.
	if got := count(); got != 1+0+2 {
		t.Fatalf("%d log entries after the fold, want 3", got)
	}
	// DeleteTable drops the log and the fold watermark.
	tid := db.tables["Tab"].meta.ID
	call("DeleteTable", `{"TableName":"Tab"}`)
	err := db.store.View(func(tx *store.Tx) error {
		if _, err := tx.Get(pitrFoldedKey(tid)); err == nil {
			t.Error("fold watermark left after DeleteTable")
		}
		return tx.Ascend(pitrLogPrefix, func(k, _ string) bool {
			if strings.HasPrefix(k, pitrLogPrefix) {
				t.Errorf("left after DeleteTable: %q", k)
			}
			return false
		})
	})
	if err != nil {
		t.Fatal(err)
	}
}

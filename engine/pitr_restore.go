package engine

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"dynalab/engine/attr"
	"dynalab/engine/internal/store"
)

// RestoreTableToPointInTimeInput is the RestoreTableToPointInTime request.
type RestoreTableToPointInTimeInput struct {
	SourceTableArn                string                 `json:"SourceTableArn,omitempty"`
	SourceTableName               string                 `json:"SourceTableName,omitempty"`
	TargetTableName               string                 `json:"TargetTableName"`
	UseLatestRestorableTime       *bool                  `json:"UseLatestRestorableTime,omitempty"`
	RestoreDateTime               *float64               `json:"RestoreDateTime,omitempty"`
	BillingModeOverride           string                 `json:"BillingModeOverride,omitempty"`
	GlobalSecondaryIndexOverride  []GlobalSecondaryIndex `json:"GlobalSecondaryIndexOverride,omitempty"`
	LocalSecondaryIndexOverride   []LocalSecondaryIndex  `json:"LocalSecondaryIndexOverride,omitempty"`
	ProvisionedThroughputOverride *ProvisionedThroughput `json:"ProvisionedThroughputOverride,omitempty"`
	OnDemandThroughputOverride    *OnDemandThroughput    `json:"OnDemandThroughputOverride,omitempty"`
	SSESpecificationOverride      map[string]any         `json:"SSESpecificationOverride,omitempty"`
}

// RestoreTableToPointInTimeOutput is the RestoreTableToPointInTime response.
type RestoreTableToPointInTimeOutput struct {
	TableDescription *RestoredTableDescription `json:"TableDescription"`
}

// RestoreTableToPointInTime creates a table holding the source's items as
// they were at RestoreDateTime (millisecond precision: an item written at
// or before it is in, one written after is not) or at the latest
// restorable time (now). Like RestoreTableFromBackup it runs to the end
// before returning (ACTIVE, RestoreInProgress false), takes the source's
// current key schema, indexes, billing and throughput with the same
// overrides, and leaves out stream, TTL, tags, PITR and the rest
// (pitr.go has the log it reads).
func (db *DB) RestoreTableToPointInTime(ctx context.Context, in *RestoreTableToPointInTimeInput) (*RestoreTableToPointInTimeOutput, error) {
	var c constraints
	if in.SourceTableName != "" {
		c.nameRules(in.SourceTableName, "sourceTableName")
	}
	if in.SourceTableArn != "" && len(in.SourceTableArn) > 1024 {
		c.add(quote(in.SourceTableArn), "sourceTableArn", "Member must have length less than or equal to 1024")
	}
	c.notNull(in.TargetTableName != "", "targetTableName")
	if in.TargetTableName != "" {
		c.nameRules(in.TargetTableName, "targetTableName")
	}
	c.enum(in.BillingModeOverride, "billingModeOverride", BillingProvisioned, BillingPayPerRequest)
	if pt := in.ProvisionedThroughputOverride; pt != nil {
		c.notNull(pt.WriteCapacityUnits != nil, "provisionedThroughputOverride.writeCapacityUnits")
		c.minInt(pt.WriteCapacityUnits, "provisionedThroughputOverride.writeCapacityUnits", 1)
		c.notNull(pt.ReadCapacityUnits != nil, "provisionedThroughputOverride.readCapacityUnits")
		c.minInt(pt.ReadCapacityUnits, "provisionedThroughputOverride.readCapacityUnits", 1)
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	// Wordings of these three a guess.
	latest := in.UseLatestRestorableTime != nil && *in.UseLatestRestorableTime
	switch {
	case (in.SourceTableName == "") == (in.SourceTableArn == ""):
		return nil, validationError("Exactly one of SourceTableName and SourceTableArn must be specified")
	case latest && in.RestoreDateTime != nil:
		return nil, validationError("Only one of RestoreDateTime and UseLatestRestorableTime can be specified")
	case !latest && in.RestoreDateTime == nil:
		return nil, validationError("Either RestoreDateTime or UseLatestRestorableTime must be specified")
	}
	name := in.SourceTableName
	if in.SourceTableArn != "" {
		n, rest, ok := parseTableARN(in.SourceTableArn)
		if !ok || rest != "" {
			return nil, invalidParam("Invalid TableArn: %s", in.SourceTableArn)
		}
		name = n
	}
	src, items, at, err := db.pitrSnapshot(name, in.RestoreDateTime, func(lo, hi time.Time) error {
		return &APIError{Code: CodeInvalidRestoreTime, Message: fmt.Sprintf(
			"Restore time must be between EarliestRestorableDateTime (%s) and LatestRestorableDateTime (%s)", // wording a guess
			lo.UTC().Format(time.RFC3339Nano), hi.UTC().Format(time.RFC3339Nano))}
	})
	if err != nil {
		return nil, err
	}
	rin := &RestoreTableFromBackupInput{
		TargetTableName: in.TargetTableName, BillingModeOverride: in.BillingModeOverride,
		GlobalSecondaryIndexOverride: in.GlobalSecondaryIndexOverride, LocalSecondaryIndexOverride: in.LocalSecondaryIndexOverride,
		ProvisionedThroughputOverride: in.ProvisionedThroughputOverride, OnDemandThroughputOverride: in.OnDemandThroughputOverride,
	}
	cin, err := restoreCreateInput(&backupMeta{Table: src.meta}, rin)
	if err != nil {
		return nil, err
	}
	desc, err := db.createRestored(ctx, cin, items)
	if err != nil {
		return nil, err
	}
	return &RestoreTableToPointInTimeOutput{TableDescription: &RestoredTableDescription{
		TableDescription: desc,
		RestoreSummary:   &RestoreSummary{RestoreDateTime: epochSeconds(at), SourceTableArn: src.arn},
	}}, nil
}

// pitrSnapshot reads the named table's items at the requested time (nil:
// the latest restorable time) from its PITR log, with the table as it is
// now. badTime makes the error for a time outside the window.
func (db *DB) pitrSnapshot(name string, when *float64, badTime func(lo, hi time.Time) error) (*table, []attr.Item, time.Time, error) {
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.closed {
		return nil, nil, time.Time{}, ErrClosed
	}
	t := db.tables[name]
	if t == nil {
		return nil, nil, time.Time{}, errTableNotFoundBackup(name)
	}
	p := t.meta.PITR
	if p == nil || !p.Enabled {
		return nil, nil, time.Time{}, errPITRUnavailable(name)
	}
	now := db.now()
	var items []attr.Item
	var at time.Time
	err := db.store.View(func(tx *store.Tx) error {
		folded, err := readPITRFolded(tx, t.meta.ID)
		if err != nil {
			return err
		}
		lo, hi := p.window(folded, now)
		at = hi
		if when != nil {
			at = time.UnixMilli(int64(math.Round(*when * 1000)))
			if at.Before(lo) || at.After(hi) {
				return badTime(lo, hi)
			}
		}
		items, err = pitrItemsAt(tx, t, at.UnixNano())
		return err
	})
	if err != nil {
		var api *APIError
		if errors.As(err, &api) {
			return nil, nil, time.Time{}, api
		}
		return nil, nil, time.Time{}, fmt.Errorf("read point-in-time log of %s: %w", name, err)
	}
	return t, items, at, nil
}

// errPITRUnavailable: wording a guess.
func errPITRUnavailable(name string) *APIError {
	return &APIError{Code: CodePITRUnavailable, Message: "Point in time recovery is not enabled for table '" + name + "'"}
}

package engine

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"reflect"

	"dynalab/engine/attr"
	"dynalab/engine/internal/store"
)

// RestoreTableFromBackup creates a table from a backup. It runs to the end
// before returning: the backup's items are decoded and checked first, the
// table is created by CreateTable (so every table rule applies), then the
// items are written through writeItem in batches, which builds the
// indexes and keeps ItemCount exact. The restored table is ACTIVE when the
// call returns (the service's is CREATING for minutes); the response
// carries RestoreSummary with RestoreInProgress false. As the service, a
// restore keeps billing, throughput, on-demand maxima and indexes, and
// drops the stream, TTL, tags, deletion protection, table class and
// resource policy (DDB-TABLE-215). A restore reads its backup before it
// creates anything, so BackupInUseException never happens locally.

// RestoreTableFromBackupInput is the RestoreTableFromBackup request. A nil
// index override restores every index; an empty one restores none.
type RestoreTableFromBackupInput struct {
	TargetTableName               string                 `json:"TargetTableName"`
	BackupArn                     *string                `json:"BackupArn"`
	BillingModeOverride           string                 `json:"BillingModeOverride,omitempty"`
	GlobalSecondaryIndexOverride  []GlobalSecondaryIndex `json:"GlobalSecondaryIndexOverride,omitempty"`
	LocalSecondaryIndexOverride   []LocalSecondaryIndex  `json:"LocalSecondaryIndexOverride,omitempty"`
	ProvisionedThroughputOverride *ProvisionedThroughput `json:"ProvisionedThroughputOverride,omitempty"`
	OnDemandThroughputOverride    *OnDemandThroughput    `json:"OnDemandThroughputOverride,omitempty"`
	SSESpecificationOverride      map[string]any         `json:"SSESpecificationOverride,omitempty"`
}

// RestoreTableFromBackupOutput is the RestoreTableFromBackup response.
type RestoreTableFromBackupOutput struct {
	TableDescription *RestoredTableDescription `json:"TableDescription"`
}

// RestoredTableDescription is a TableDescription with its RestoreSummary.
type RestoredTableDescription struct {
	*TableDescription
	RestoreSummary *RestoreSummary `json:"RestoreSummary,omitempty"`
}

// RestoreSummary says where a restored table came from.
type RestoreSummary struct {
	RestoreDateTime   float64 `json:"RestoreDateTime"`
	RestoreInProgress bool    `json:"RestoreInProgress"`
	SourceBackupArn   string  `json:"SourceBackupArn,omitempty"`
	SourceTableArn    string  `json:"SourceTableArn,omitempty"`
}

// restoreBatch is how many items one write transaction of a restore holds.
const restoreBatch = 1000

// RestoreTableFromBackup restores a backup into a new table.
func (db *DB) RestoreTableFromBackup(ctx context.Context, in *RestoreTableFromBackupInput) (*RestoreTableFromBackupOutput, error) {
	var c constraints
	c.notNull(in.TargetTableName != "", "targetTableName")
	if in.TargetTableName != "" {
		c.nameRules(in.TargetTableName, "targetTableName")
	}
	c.notNull(in.BackupArn != nil, "backupArn")
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
	b, err := db.lookupBackup(in.BackupArn)
	if err != nil {
		return nil, err
	}
	cin, err := restoreCreateInput(b, in)
	if err != nil {
		return nil, err
	}
	data, err := db.backupData(b)
	if err != nil {
		return nil, err
	}
	items, err := decodeBackupItems(data, b)
	if err != nil {
		return nil, err
	}
	desc, err := db.createRestored(ctx, cin, items)
	if err != nil {
		return nil, err
	}
	return &RestoreTableFromBackupOutput{TableDescription: &RestoredTableDescription{
		TableDescription: desc,
		RestoreSummary:   &RestoreSummary{RestoreDateTime: epochSeconds(db.now()), SourceBackupArn: b.ARN, SourceTableArn: b.TableARN},
	}}, nil
}

// restoreCreateInput is the CreateTable request that recreates a backup's
// table with the overrides applied; wording of the override errors from
// the ack-api-quirks lab (DDB-TABLE-273, DDB-TABLE-442).
func restoreCreateInput(b *backupMeta, in *RestoreTableFromBackupInput) (*CreateTableInput, error) {
	src := &b.Table
	mode := src.BillingMode
	if in.BillingModeOverride != "" {
		mode = in.BillingModeOverride
	}
	pt := in.ProvisionedThroughputOverride
	switch {
	case pt != nil && mode != BillingProvisioned:
		return nil, validationError("Invalid Request: Cannot override ProvisionedThroughput unless BillingMode is PROVISIONED")
	case pt == nil && mode == BillingProvisioned && src.BillingMode != BillingProvisioned:
		return nil, validationError("Invalid Request: Must override ProvisionedThroughput if BillingMode is overridden to PROVISIONED")
	}
	cin := &CreateTableInput{TableName: in.TargetTableName, KeySchema: src.KeySchema, BillingMode: mode}
	if mode == BillingProvisioned {
		cin.ProvisionedThroughput = pt
		if pt == nil {
			r, w := src.ReadCapacity, src.WriteCapacity
			cin.ProvisionedThroughput = &ProvisionedThroughput{ReadCapacityUnits: &r, WriteCapacityUnits: &w}
		}
	}
	if o := in.OnDemandThroughputOverride; !o.empty() {
		if mode != BillingPayPerRequest {
			return nil, validationError("Invalid Request: Cannot override MaxReadRequestUnits for OnDemandThroughput unless BillingModeOverride is PAY_PER_REQUEST")
		}
		for name, v := range map[string]*int64{"MaxReadRequestUnits": o.MaxReadRequestUnits, "MaxWriteRequestUnits": o.MaxWriteRequestUnits} {
			if v != nil && *v < 1 {
				return nil, Validationf("Invalid Request: Requested %s for OnDemandThroughput is outside of valid range", name)
			}
		}
		cin.OnDemandThroughput = o
	} else if mode == BillingPayPerRequest && src.BillingMode == BillingPayPerRequest && src.OnDemand != nil {
		// The recorded maxima come back, except removed ones (-1).
		o := &OnDemandThroughput{}
		if v := src.OnDemand.MaxReadRequestUnits; v != nil && *v > 0 {
			o.MaxReadRequestUnits = v
		}
		if v := src.OnDemand.MaxWriteRequestUnits; v != nil && *v > 0 {
			o.MaxWriteRequestUnits = v
		}
		if !o.empty() {
			cin.OnDemandThroughput = o
		}
	}
	if err := restoreIndexes(cin, src, in, mode); err != nil {
		return nil, err
	}
	cin.AttributeDefinitions = usedDefinitions(src.AttributeDefinitions, cin)
	return cin, nil
}

// restoreIndexes sets cin's indexes: the backup's, or the overrides, each
// of which must match a backed-up index by key schema and projection
// (renaming is allowed).
func restoreIndexes(cin *CreateTableInput, src *tableMeta, in *RestoreTableFromBackupInput, mode string) error {
	var gsis, lsis []indexMeta
	for _, im := range backedUpIndexes(src) {
		if im.Global {
			gsis = append(gsis, im)
		} else {
			lsis = append(lsis, im)
		}
	}
	matches := func(list []indexMeta, ks []KeySchemaElement, p *Projection) bool {
		for _, im := range list {
			if reflect.DeepEqual(im.KeySchema, ks) && p != nil && projectionEqual(im.Projection, *p) {
				return true
			}
		}
		return false
	}
	noMatch := func(name string) error {
		return Validationf("Invalid Request: Index %s does not match a secondary index that existed in the source table and cannot be created during the restore operation", name)
	}
	if in.GlobalSecondaryIndexOverride != nil {
		for _, g := range in.GlobalSecondaryIndexOverride {
			if !matches(gsis, g.KeySchema, g.Projection) {
				return noMatch(g.IndexName)
			}
			if mode == BillingPayPerRequest {
				g.ProvisionedThroughput = nil
			}
			cin.GlobalSecondaryIndexes = append(cin.GlobalSecondaryIndexes, g)
		}
	} else {
		for _, im := range gsis {
			p := im.Projection
			g := GlobalSecondaryIndex{IndexName: im.Name, KeySchema: im.KeySchema, Projection: &p}
			if mode == BillingProvisioned {
				r, w := im.ReadCapacity, im.WriteCapacity
				if r == 0 || w == 0 { // from an on-demand source: the table's throughput
					r, w = *cin.ProvisionedThroughput.ReadCapacityUnits, *cin.ProvisionedThroughput.WriteCapacityUnits
				}
				g.ProvisionedThroughput = &ProvisionedThroughput{ReadCapacityUnits: &r, WriteCapacityUnits: &w}
			}
			cin.GlobalSecondaryIndexes = append(cin.GlobalSecondaryIndexes, g)
		}
	}
	if in.LocalSecondaryIndexOverride != nil {
		for _, l := range in.LocalSecondaryIndexOverride {
			if !matches(lsis, l.KeySchema, l.Projection) {
				return noMatch(l.IndexName)
			}
			cin.LocalSecondaryIndexes = append(cin.LocalSecondaryIndexes, l)
		}
	} else {
		for _, im := range lsis {
			p := im.Projection
			cin.LocalSecondaryIndexes = append(cin.LocalSecondaryIndexes, LocalSecondaryIndex{IndexName: im.Name, KeySchema: im.KeySchema, Projection: &p})
		}
	}
	return nil
}

func projectionEqual(a, b Projection) bool {
	ta, tb := a.ProjectionType, b.ProjectionType
	if ta == "" {
		ta = "ALL"
	}
	if tb == "" {
		tb = "ALL"
	}
	if ta != tb || len(a.NonKeyAttributes) != len(b.NonKeyAttributes) {
		return false
	}
	seen := map[string]bool{}
	for _, n := range a.NonKeyAttributes {
		seen[n] = true
	}
	for _, n := range b.NonKeyAttributes {
		if !seen[n] {
			return false
		}
	}
	return true
}

// usedDefinitions keeps the attribute definitions the restored table's
// and indexes' key schemas use: CreateTable refuses unused ones.
func usedDefinitions(defs []AttributeDefinition, cin *CreateTableInput) []AttributeDefinition {
	used := map[string]bool{}
	mark := func(ks []KeySchemaElement) {
		for _, k := range ks {
			used[k.AttributeName] = true
		}
	}
	mark(cin.KeySchema)
	for _, g := range cin.GlobalSecondaryIndexes {
		mark(g.KeySchema)
	}
	for _, l := range cin.LocalSecondaryIndexes {
		mark(l.KeySchema)
	}
	var out []AttributeDefinition
	for _, d := range defs {
		if used[d.AttributeName] {
			out = append(out, d)
		}
	}
	return out
}

// decodeBackupItems reads a backup's items and checks each has the
// table's key attributes with their types: a damaged backup fails here,
// before any table is created.
func decodeBackupItems(data []byte, b *backupMeta) ([]attr.Item, error) {
	damaged := func(err error) error { return fmt.Errorf("backup %s is damaged: %w", b.ARN, err) }
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, damaged(err)
	}
	src := newTable(b.Table, "", "")
	var items []attr.Item
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 0, 64*1024), 2*attr.MaxItemSize+1024)
	for sc.Scan() {
		it, err := attr.ParseItem(sc.Bytes())
		if err != nil {
			return nil, damaged(err)
		}
		for _, name := range src.keyNames() {
			v, ok := it[name]
			if !ok || v.Type() != src.keyType(name) || checkKeyValue(name, v, name == src.hashName, true) != nil {
				return nil, damaged(fmt.Errorf("item %d has no valid key attribute %s", len(items)+1, name))
			}
		}
		items = append(items, it)
	}
	if err := sc.Err(); err != nil {
		return nil, damaged(err)
	}
	return items, nil
}

// loadRestoredItems writes the items into the restored table, a batch per
// transaction, and describes the table.
func (db *DB) loadRestoredItems(ctx context.Context, name string, items []attr.Item) (*TableDescription, error) {
	// The catalog lock is taken per batch, not across the whole restore,
	// so that other tables can be created and deleted meanwhile; the
	// context is checked between batches.
	for start := 0; start < len(items); start += restoreBatch {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("restore into %s: stopped after %d of %d items: %w", name, start, len(items), err)
		}
		batch := items[start:min(start+restoreBatch, len(items))]
		err := db.readTable(name, func(t *table) error {
			return db.store.Update(func(tx *store.Tx) error {
				for _, it := range batch {
					if err := t.replaceItem(tx, it); err != nil {
						return err
					}
				}
				return nil
			})
		})
		if err != nil {
			return nil, fmt.Errorf("restore into %s: %w", name, err)
		}
	}
	var desc *TableDescription
	err := db.readTable(name, func(t *table) error {
		stats, err := db.stats(t)
		if err == nil {
			desc = t.describe(stats)
		}
		return err
	})
	return desc, err
}

// createRestored creates the restored table (a name in use is the
// restore's TableAlreadyExistsException) and loads its items.
func (db *DB) createRestored(ctx context.Context, cin *CreateTableInput, items []attr.Item) (*TableDescription, error) {
	if _, err := db.CreateTable(ctx, cin); err != nil {
		var api *APIError
		if errors.As(err, &api) && api.Code == CodeResourceInUse {
			return nil, &APIError{Code: CodeTableAlreadyExists, Message: "Table already exists: " + cin.TableName}
		}
		return nil, err
	}
	desc, err := db.loadRestoredItems(ctx, cin.TableName, items)
	if err != nil {
		// Never leave half a restore behind as if it were the backup.
		if _, derr := db.DeleteTable(context.WithoutCancel(ctx), &DeleteTableInput{TableName: cin.TableName}); derr != nil {
			err = errors.Join(err, fmt.Errorf("remove the partly restored %s: %w", cin.TableName, derr))
		}
		return nil, err
	}
	return desc, nil
}

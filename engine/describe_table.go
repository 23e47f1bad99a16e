package engine

import (
	"context"
	"fmt"
	"time"

	"dynalab/engine/internal/store"
)

// DescribeTableInput is the DescribeTable request.
type DescribeTableInput struct {
	TableName string `json:"TableName"`
}

// DescribeTableOutput is the DescribeTable response.
type DescribeTableOutput struct {
	Table *TableDescription `json:"Table"`
}

// DescribeTable reports a table. ItemCount and TableSizeBytes are exact at
// all times — the service refreshes them only about every six hours.
func (db *DB) DescribeTable(ctx context.Context, in *DescribeTableInput) (*DescribeTableOutput, error) {
	var c constraints
	c.tableName(in.TableName, "tableName")
	if err := c.err(); err != nil {
		return nil, err
	}
	db.mu.RLock()
	defer db.mu.RUnlock()
	t, err := db.controlTable(in.TableName)
	if err != nil {
		return nil, err
	}
	stats, err := db.stats(t)
	if err != nil {
		return nil, err
	}
	return &DescribeTableOutput{Table: t.describe(stats)}, nil
}

func (db *DB) stats(t *table) (tableStats, error) {
	var s tableStats
	err := db.store.View(func(tx *store.Tx) error {
		var err error
		s, err = readTableStats(tx, t)
		return err
	})
	if err != nil {
		return s, fmt.Errorf("read statistics of %s: %w", t.meta.Name, err)
	}
	return s, nil
}

// describe builds the table's TableDescription.
func (t *table) describe(s tableStats) *TableDescription {
	m := &t.meta
	d := &TableDescription{
		AttributeDefinitions:      m.AttributeDefinitions,
		CreationDateTime:          epochSeconds(time.UnixMilli(m.CreatedMillis)),
		DeletionProtectionEnabled: m.DeletionProtection,
		ItemCount:                 s.Items,
		KeySchema:                 m.KeySchema,
		TableArn:                  t.arn,
		TableId:                   m.TableID,
		TableName:                 m.Name,
		TableSizeBytes:            s.Bytes,
		TableStatus:               StatusActive,
		ProvisionedThroughput: &ProvisionedThroughputDescription{
			NumberOfDecreasesToday: m.DecreasesToday,
			ReadCapacityUnits:      m.ReadCapacity,
			WriteCapacityUnits:     m.WriteCapacity,
		},
	}
	if m.LastIncreaseMillis != 0 {
		v := epochSeconds(time.UnixMilli(m.LastIncreaseMillis))
		d.ProvisionedThroughput.LastIncreaseDateTime = &v
	}
	if m.LastDecreaseMillis != 0 {
		v := epochSeconds(time.UnixMilli(m.LastDecreaseMillis))
		d.ProvisionedThroughput.LastDecreaseDateTime = &v
	}
	if m.BillingMode == BillingPayPerRequest {
		v := epochSeconds(time.UnixMilli(m.PayPerRequestMillis))
		d.BillingModeSummary = &BillingModeSummary{BillingMode: BillingPayPerRequest, LastUpdateToPayPerRequestDateTime: &v}
	} else if m.PayPerRequestMillis != 0 {
		d.BillingModeSummary = &BillingModeSummary{BillingMode: BillingProvisioned}
	}
	if m.TableClass != "" {
		d.TableClassSummary = &TableClassSummary{TableClass: m.TableClass}
	}
	d.OnDemandThroughput = m.describeOnDemand()
	t.describeStream(d)
	t.describeIndexes(d, s)
	t.describeReplicas(d)
	return d
}

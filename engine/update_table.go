package engine

import (
	"context"
	"fmt"
	"time"

	"dynalab/engine/internal/store"
)

// UpdateTableInput is the UpdateTable request.
type UpdateTableInput struct {
	TableName                   string                       `json:"TableName"`
	AttributeDefinitions        []AttributeDefinition        `json:"AttributeDefinitions,omitempty"`
	BillingMode                 string                       `json:"BillingMode,omitempty"`
	ProvisionedThroughput       *ProvisionedThroughput       `json:"ProvisionedThroughput,omitempty"`
	DeletionProtectionEnabled   *bool                        `json:"DeletionProtectionEnabled,omitempty"`
	TableClass                  string                       `json:"TableClass,omitempty"`
	GlobalSecondaryIndexUpdates []GlobalSecondaryIndexUpdate `json:"GlobalSecondaryIndexUpdates,omitempty"`
	StreamSpecification         *StreamSpecification         `json:"StreamSpecification,omitempty"`
	SSESpecification            map[string]any               `json:"SSESpecification,omitempty"`
	ReplicaUpdates              []map[string]any             `json:"ReplicaUpdates,omitempty"`
	OnDemandThroughput          *OnDemandThroughput          `json:"OnDemandThroughput,omitempty"`

	absent absentMembers // members the request left out (name_presence.go)
}

// UpdateTableOutput is the UpdateTable response.
type UpdateTableOutput struct {
	TableDescription *TableDescription `json:"TableDescription"`
}

// UpdateTable changes a table's billing mode, throughput, deletion
// protection, table class or stream (StreamSpecification: enabling starts a
// new stream with a new ARN, disabling closes its open shard), and creates,
// deletes or re-provisions GSIs (index_update.go; builds and removals run in
// the background, index_backfill.go). Changes apply at once (the service
// goes through UPDATING first).
func (db *DB) UpdateTable(ctx context.Context, in *UpdateTableInput) (*UpdateTableOutput, error) {
	if in.TableName == "" && in.absent["tableName"] {
		return nil, validationError("The parameter 'TableName' is required but was not present in the request")
	}
	c := constraints{absent: in.absent}
	if in.TableName == "" {
		// Sent empty: the model's minimum length, among the other
		// constraints (paritysuite's updateItem.test.ts records it so
		// for the same TableName shape).
		c.emptyOrNull("tableName")
	} else {
		c.tableName(in.TableName, "tableName")
	}
	c.enum(in.BillingMode, "billingMode", BillingProvisioned, BillingPayPerRequest)
	if pt := in.ProvisionedThroughput; pt != nil {
		c.notNull(pt.WriteCapacityUnits != nil, "provisionedThroughput.writeCapacityUnits")
		c.minInt(pt.WriteCapacityUnits, "provisionedThroughput.writeCapacityUnits", 1)
		c.notNull(pt.ReadCapacityUnits != nil, "provisionedThroughput.readCapacityUnits")
		c.minInt(pt.ReadCapacityUnits, "provisionedThroughput.readCapacityUnits", 1)
	}
	c.enum(in.TableClass, "tableClass", "STANDARD", "STANDARD_INFREQUENT_ACCESS")
	c.attrDefinitions(in.AttributeDefinitions)
	c.indexUpdates(in.GlobalSecondaryIndexUpdates)
	if err := c.err(); err != nil {
		return nil, err
	}
	if in.ProvisionedThroughput == nil && in.BillingMode == "" && len(in.GlobalSecondaryIndexUpdates) == 0 &&
		in.StreamSpecification == nil && in.SSESpecification == nil && in.ReplicaUpdates == nil &&
		in.DeletionProtectionEnabled == nil && in.TableClass == "" && in.OnDemandThroughput.empty() {
		return nil, validationError("At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required")
	}
	if err := checkIndexUpdates(in); err != nil {
		return nil, err
	}
	if err := checkStreamSpecification(in.StreamSpecification); err != nil {
		return nil, err
	}
	if err := checkOnDemandUpdate(in); err != nil {
		return nil, err
	}
	if in.ReplicaUpdates != nil {
		return nil, validationError("dynalab does not support global table replicas yet (ReplicaUpdates)")
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	t, err := db.controlTable(in.TableName)
	if err != nil {
		return nil, err
	}
	name := t.meta.Name
	m := t.meta // a copy: the catalog changes only after the write commits
	now := db.now()
	if err := applyTableUpdate(&m, in, now); err != nil {
		return nil, err
	}
	indexes, err := planIndexUpdates(&m, in)
	if err != nil {
		return nil, err
	}
	stream, err := db.planStreamChange(&m, in.StreamSpecification, now)
	if err != nil {
		return nil, err
	}
	var nt *table
	var stats tableStats
	err = db.store.Update(func(tx *store.Tx) error {
		if err := stream.apply(tx, &m); err != nil {
			return err
		}
		if err := indexes.apply(tx, &m); err != nil {
			return err
		}
		nt = db.catalogTable(m)
		rec, err := nt.encodeMeta()
		if err != nil {
			return err
		}
		if stats, err = readTableStats(tx, nt); err != nil {
			return err
		}
		return tx.Set(store.TableKey(name), rec)
	})
	if err != nil {
		return nil, fmt.Errorf("update table %s: %w", name, err)
	}
	db.tables[name] = nt
	stream.commit(db)
	return &UpdateTableOutput{TableDescription: nt.describe(stats)}, nil
}

// applyTableUpdate validates the billing and throughput change against the
// table's current settings and applies it to m.
func applyTableUpdate(m *tableMeta, in *UpdateTableInput, now time.Time) error {
	mode := m.BillingMode
	if in.BillingMode != "" {
		mode = in.BillingMode
	}
	pt := in.ProvisionedThroughput
	switch {
	case mode == BillingPayPerRequest && pt != nil:
		return invalidParam("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")
	case mode == BillingProvisioned && m.BillingMode == BillingPayPerRequest && pt == nil:
		return invalidParam("ProvisionedThroughput must be specified when BillingMode is PROVISIONED")
	}
	if pt != nil {
		r, w := *pt.ReadCapacityUnits, *pt.WriteCapacityUnits
		if r > maxCapacityUnits {
			return Validationf("Given value %d for ReadCapacityUnits is out of bounds", r)
		}
		if w > maxCapacityUnits {
			return Validationf("Given value %d for WriteCapacityUnits is out of bounds", w)
		}
		if m.BillingMode == BillingProvisioned && r == m.ReadCapacity && w == m.WriteCapacity {
			return Validationf("The provisioned throughput for the table will not change. The requested value equals the current value. "+
				"Current ReadCapacityUnits provisioned for the table: %d. Requested ReadCapacityUnits: %d. "+
				"Current WriteCapacityUnits provisioned for the table: %d. Requested WriteCapacityUnits: %d. "+
				"Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.",
				m.ReadCapacity, r, m.WriteCapacity, w)
		}
		day := now.UTC().Format("2006-01-02")
		if m.DecreaseDay != day {
			m.DecreaseDay, m.DecreasesToday = day, 0
		}
		if m.BillingMode == BillingProvisioned {
			if r > m.ReadCapacity || w > m.WriteCapacity {
				m.LastIncreaseMillis = now.UnixMilli()
			}
			if r < m.ReadCapacity || w < m.WriteCapacity {
				m.LastDecreaseMillis = now.UnixMilli()
				m.DecreasesToday++
			}
		}
		m.ReadCapacity, m.WriteCapacity = r, w
	}
	if mode != m.BillingMode {
		if mode == BillingPayPerRequest {
			m.PayPerRequestMillis = now.UnixMilli()
			m.ReadCapacity, m.WriteCapacity = 0, 0
		}
		m.BillingMode = mode
	}
	if in.DeletionProtectionEnabled != nil {
		m.DeletionProtection = *in.DeletionProtectionEnabled
	}
	if in.TableClass != "" {
		m.TableClass = in.TableClass
	}
	if err := checkOnDemand(in.OnDemandThroughput, m.BillingMode, true); err != nil {
		return err
	}
	m.OnDemand = mergeOnDemand(m.OnDemand, in.OnDemandThroughput)
	return nil
}

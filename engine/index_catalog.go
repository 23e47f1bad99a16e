package engine

import (
	"dynalab/engine/internal/store"
)

// tableStats are a table's statistics and its indexes', by index id.
type tableStats struct {
	store.Stats
	indexes map[uint32]store.Stats
}

// readTableStats reads the statistics of t and of its indexes in tx.
func readTableStats(tx *store.Tx, t *table) (tableStats, error) {
	s, err := tx.ReadStats(t.meta.ID)
	if err != nil || len(t.meta.Indexes) == 0 {
		return tableStats{Stats: s}, err
	}
	ts := tableStats{Stats: s, indexes: make(map[uint32]store.Stats, len(t.meta.Indexes))}
	for _, im := range t.meta.Indexes {
		if ts.indexes[im.ID], err = tx.ReadStats(im.ID); err != nil {
			return ts, err
		}
	}
	return ts, nil
}

// addCreateIndexes records CreateTable's indexes in m, each with an id of
// its own.
func addCreateIndexes(tx *store.Tx, m *tableMeta, in *CreateTableInput) error {
	for _, l := range in.LocalSecondaryIndexes {
		id, err := tx.NextTableID()
		if err != nil {
			return err
		}
		m.Indexes = append(m.Indexes, indexMeta{Name: l.IndexName, ID: id, KeySchema: l.KeySchema, Projection: *l.Projection})
	}
	for _, g := range in.GlobalSecondaryIndexes {
		id, err := tx.NextTableID()
		if err != nil {
			return err
		}
		im := indexMeta{Name: g.IndexName, ID: id, Global: true, KeySchema: g.KeySchema, Projection: *g.Projection}
		if pt := g.ProvisionedThroughput; pt != nil && m.BillingMode == BillingProvisioned {
			im.ReadCapacity, im.WriteCapacity = *pt.ReadCapacityUnits, *pt.WriteCapacityUnits
		}
		m.Indexes = append(m.Indexes, im)
	}
	return nil
}

// dropIndexes removes every index entry and index statistics of t (the
// table is being deleted).
func dropIndexes(tx *store.Tx, t *table) error {
	for _, ix := range t.indexes {
		if _, err := tx.DeleteRange(string(ix.prefix)); err != nil {
			return err
		}
		if err := tx.DropStats(ix.meta.ID); err != nil {
			return err
		}
		if err := tx.Delete(backfillKey(ix.meta.ID)); err != nil {
			return err
		}
	}
	return nil
}

// describeIndexes adds the table's indexes to d.
func (t *table) describeIndexes(d *TableDescription, s tableStats) {
	for _, ix := range t.indexes {
		m := &ix.meta
		st := s.indexes[m.ID]
		proj := m.Projection
		if !m.Global {
			d.LocalSecondaryIndexes = append(d.LocalSecondaryIndexes, LocalSecondaryIndexDescription{
				IndexArn: ix.arn, IndexName: m.Name, IndexSizeBytes: st.Bytes, ItemCount: st.Items,
				KeySchema: m.KeySchema, Projection: &proj,
			})
			continue
		}
		g := GlobalSecondaryIndexDescription{
			IndexArn: ix.arn, IndexName: m.Name, IndexSizeBytes: st.Bytes, ItemCount: st.Items,
			IndexStatus: StatusActive, KeySchema: m.KeySchema, Projection: &proj,
			ProvisionedThroughput: &ProvisionedThroughputDescription{ReadCapacityUnits: m.ReadCapacity, WriteCapacityUnits: m.WriteCapacity},
		}
		if m.Status != "" {
			g.IndexStatus = m.Status
		}
		if m.Status == StatusCreating {
			backfilling := true
			g.Backfilling = &backfilling
		}
		d.GlobalSecondaryIndexes = append(d.GlobalSecondaryIndexes, g)
	}
}

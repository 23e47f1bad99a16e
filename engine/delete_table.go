package engine

import (
	"context"
	"fmt"

	"dynalab/engine/internal/store"
)

// DeleteTableInput is the DeleteTable request.
type DeleteTableInput struct {
	TableName string `json:"TableName"`
}

// DeleteTableOutput is the DeleteTable response.
type DeleteTableOutput struct {
	TableDescription *TableDescription `json:"TableDescription"`
}

// DeleteTable deletes a table and all its items in one transaction. The
// response says DELETING, as the service's does; locally the table is
// already gone when it returns.
func (db *DB) DeleteTable(ctx context.Context, in *DeleteTableInput) (*DeleteTableOutput, error) {
	var c constraints
	c.tableName(in.TableName, "tableName")
	if err := c.err(); err != nil {
		return nil, err
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	t, err := db.controlTable(in.TableName)
	if err != nil {
		return nil, err
	}
	name := t.meta.Name
	if t.meta.DeletionProtection {
		return nil, validationError("Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.")
	}
	var stats tableStats
	var stream *streamChange
	err = db.store.Update(func(tx *store.Tx) error {
		var err error
		if stats, err = readTableStats(tx, t); err != nil {
			return err
		}
		if err := dropIndexes(tx, t); err != nil {
			return err
		}
		if _, err := tx.DeleteRange(string(t.prefix)); err != nil {
			return err
		}
		if _, err := tx.DeleteRange(t.collectionPrefix()); err != nil {
			return err
		}
		if _, err := tx.DeleteRange(store.TTLPrefix(t.meta.ID)); err != nil {
			return err
		}
		if _, err := tx.DeleteRange(replicaClockPrefix(t)); err != nil {
			return err
		}
		if err := dropPITRLog(tx, t.meta.ID); err != nil {
			return err
		}
		if stream, err = db.disableStreamOnDelete(tx, t, db.now()); err != nil {
			return err
		}
		if err := tx.DropStats(t.meta.ID); err != nil {
			return err
		}
		return tx.Delete(store.TableKey(name))
	})
	if err != nil {
		return nil, fmt.Errorf("delete table %s: %w", name, err)
	}
	delete(db.tables, name)
	db.meter.drop(t.meta.ID)
	stream.commit(db)
	// The service's DeleteTable response describes the table without its
	// schema, creation time or indexes (API reference, DeleteTable sample
	// response: TableArn, ItemCount, ProvisionedThroughput, TableName,
	// TableSizeBytes, TableStatus DELETING).
	desc := t.describe(stats)
	desc.TableStatus = StatusDeleting
	desc.KeySchema, desc.AttributeDefinitions, desc.CreationDateTime = nil, nil, 0
	desc.GlobalSecondaryIndexes, desc.LocalSecondaryIndexes = nil, nil
	return &DeleteTableOutput{TableDescription: desc}, nil
}

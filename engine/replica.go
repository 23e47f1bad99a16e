package engine

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"dynalab/engine/attr"
	"dynalab/engine/internal/store"
)

// Global tables, simulated (issue #11): each region is its own DB, and a
// router outside the engine (package regions) copies each committed change
// of a global table to the other regions. The engine keeps what a replica
// needs: the table's replica regions in its catalog record, and, for every
// item of a global table, the time and region of its last write under
// w/<item key> — attribute-free, kept after a delete as a tombstone — so
// that ApplyReplica resolves concurrent writes last-writer-wins.

// GlobalTableVersion is the global tables version dynalab simulates.
const GlobalTableVersion = "2019.11.21"

// ReplicaDescription is what DescribeTable reports of a replica.
type ReplicaDescription struct {
	RegionName    string `json:"RegionName"`
	ReplicaStatus string `json:"ReplicaStatus"`
}

// Region returns the region this DB stands for.
func (db *DB) Region() string { return db.region }

// describeReplicas adds the other regions of the table's global table.
func (t *table) describeReplicas(d *TableDescription) {
	if len(t.meta.Replicas) == 0 {
		return
	}
	d.GlobalTableVersion = GlobalTableVersion
	for _, r := range t.meta.Replicas {
		if t.db != nil && r == t.db.region {
			continue
		}
		d.Replicas = append(d.Replicas, ReplicaDescription{RegionName: r, ReplicaStatus: StatusActive})
	}
}

// replicaClockPrefix is the first key of a table's last-write times.
func replicaClockPrefix(t *table) string { return "w/" + string(t.prefix) }

// stampLocalWrite records a local write of the item at key at now.
func (t *table) stampLocalWrite(tx *store.Tx, key string, now time.Time) error {
	return tx.Set("w/"+key, stampOf(now, t.db.region))
}

func stampOf(at time.Time, region string) string {
	return strconv.FormatInt(at.UnixNano(), 10) + " " + region
}

// later reports whether the write stamped (at, region) wins over stamp:
// the later time, ties going to the greater region name.
func later(at time.Time, region, stamp string) bool {
	ns, r, _ := strings.Cut(stamp, " ")
	n, err := strconv.ParseInt(ns, 10, 64)
	if err != nil {
		return true
	}
	if at.UnixNano() != n {
		return at.UnixNano() > n
	}
	return region > r
}

// ReplicaSchema returns the CreateTable request that makes a replica of
// the named table in another region: same keys and indexes, on demand.
func (db *DB) ReplicaSchema(name string) (*CreateTableInput, error) {
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.closed {
		return nil, ErrClosed
	}
	t := db.tables[tableNameFromARN(name)]
	if t == nil {
		return nil, errTableNotFound(tableNameFromARN(name))
	}
	m := &t.meta
	in := &CreateTableInput{
		TableName:            m.Name,
		AttributeDefinitions: slices.Clone(m.AttributeDefinitions),
		KeySchema:            slices.Clone(m.KeySchema),
		BillingMode:          BillingPayPerRequest,
		TableClass:           m.TableClass,
	}
	for _, ix := range m.Indexes {
		if ix.Status == "DELETING" {
			continue
		}
		p := ix.Projection
		if ix.Global {
			in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, GlobalSecondaryIndex{IndexName: ix.Name, KeySchema: slices.Clone(ix.KeySchema), Projection: &p})
		} else {
			in.LocalSecondaryIndexes = append(in.LocalSecondaryIndexes, LocalSecondaryIndex{IndexName: ix.Name, KeySchema: slices.Clone(ix.KeySchema), Projection: &p})
		}
	}
	return in, nil
}

// Replicas returns the regions of the named table's global table (nil for
// a regional table).
func (db *DB) Replicas(name string) ([]string, error) {
	db.mu.RLock()
	defer db.mu.RUnlock()
	t := db.tables[tableNameFromARN(name)]
	if t == nil {
		return nil, errTableNotFound(tableNameFromARN(name))
	}
	return slices.Clone(t.meta.Replicas), nil
}

// SetReplicas records the regions of the named table's global table (this
// DB's region among them); fewer than two makes it a regional table again.
func (db *DB) SetReplicas(name string, regions []string) error {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.closed {
		return ErrClosed
	}
	name = tableNameFromARN(name)
	t := db.tables[name]
	if t == nil {
		return errTableNotFound(name)
	}
	m := t.meta
	m.Replicas = nil
	if len(regions) > 1 {
		m.Replicas = slices.Sorted(slices.Values(regions))
		m.Replicas = slices.Compact(m.Replicas)
	}
	nt := db.catalogTable(m)
	err := db.store.Update(func(tx *store.Tx) error {
		rec, err := nt.encodeMeta()
		if err != nil {
			return err
		}
		return tx.Set(store.TableKey(name), rec)
	})
	if err != nil {
		return fmt.Errorf("update table %s: %w", name, err)
	}
	db.tables[name] = nt
	return nil
}

// ReplicaChange is a change to an item of a global table made in another
// region.
type ReplicaChange struct {
	Table  string
	Keys   attr.Item // the item's key attributes
	Item   attr.Item // the item after the change; nil deletes it
	Time   time.Time // commit time in Region
	Region string    // where the change was made
}

// ApplyReplica applies a change replicated from another region, last
// writer wins as the service resolves concurrent writes: unless the item's
// last write here (local or replicated) is later, the item becomes
// c.Item. applied is false when the change lost — a conflict. The change
// reaches this DB's streams and subscribers with Origin c.Region.
func (db *DB) ApplyReplica(c ReplicaChange) (applied bool, err error) {
	err = db.readTable(c.Table, func(t *table) error {
		if err := t.checkKey(c.Keys); err != nil {
			return err
		}
		key := t.storageKey(c.Keys)
		return db.store.Update(func(tx *store.Tx) error {
			tx.SetOrigin(c.Region)
			stamp, err := tx.Get("w/" + key)
			switch {
			case err == nil:
				if !later(c.Time, c.Region, stamp) {
					return nil
				}
			case !errors.Is(err, store.ErrNotFound):
				return err
			}
			old, err := readItem(tx, key)
			if err != nil {
				return err
			}
			switch {
			case c.Item != nil:
				err = t.writeItem(tx, key, old, c.Item.Clone())
			case old != nil:
				err = t.deleteItem(tx, key, old)
			}
			if err != nil {
				return err
			}
			applied = true
			return tx.Set("w/"+key, stampOf(c.Time, c.Region))
		})
	})
	return applied, err
}

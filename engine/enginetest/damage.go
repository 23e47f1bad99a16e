package enginetest

import (
	"encoding/json"
	"fmt"
	"strconv"

	"dynalab/engine/internal/store"
)

// SetTableStats overwrites the stored item count and size of a table in
// the database file at path (not open elsewhere), bypassing the engine:
// damage for tests of the invariant checker (engine.DB.Check, dynalab
// check), which must report it.
func SetTableStats(path, table string, items, bytes int64) error {
	st, err := store.Open(path, store.Options{Sync: store.SyncAlways})
	if err != nil {
		return err
	}
	err = st.Update(func(tx *store.Tx) error {
		rec, err := tx.Get(store.TableKey(table))
		if err != nil {
			return fmt.Errorf("table %s: %w", table, err)
		}
		var m struct {
			ID uint32 `json:"id"`
		}
		if err := json.Unmarshal([]byte(rec), &m); err != nil {
			return fmt.Errorf("table %s: %w", table, err)
		}
		return tx.Set(store.StatsKey(m.ID), strconv.FormatInt(items, 10)+" "+strconv.FormatInt(bytes, 10))
	})
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	return err
}

package engine

import "dynalab/engine/internal/store"

// ErrCorrupt is returned (wrapped in a *CorruptError) by Open for a
// database file damaged before its last transaction: complete transactions
// follow the damage, so it is not the torn end a crash leaves, which Open
// cuts off by itself. The file is left as it was; Repair makes it usable.
var ErrCorrupt = store.ErrCorrupt

// CorruptError says where a database file is damaged and how many
// committed transactions follow the damage.
type CorruptError = store.CorruptError

// RepairReport says what Repair found and did.
type RepairReport = store.RepairReport

// Repair makes the damaged database file at path usable again without
// deleting anything: the file as it was is kept beside it as
// path.corrupt-<time>, and path becomes a database holding every
// transaction before the damage. The report says what could not be kept.
// An intact file is left alone, so Repair is safe to rerun. The database
// must not be open anywhere.
func Repair(path string) (RepairReport, error) { return store.Repair(path) }

package engine

import "dynalab/engine/internal/store"

// ErrLocked is returned (wrapped) by Open when another process holds the
// database file.
var ErrLocked = store.ErrLocked

// HolderEndpoint returns the endpoint URL recorded by the process holding
// the database at path, or "" when none is recorded. Commands use it to
// reach a database that a running workbench or server holds.
func HolderEndpoint(path string) string {
	info, err := store.ReadLockInfo(path)
	if err != nil {
		return ""
	}
	return info.Endpoint
}

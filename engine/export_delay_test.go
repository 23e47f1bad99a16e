package engine

import (
	"strings"

	"dynalab/engine/internal/store"
)

// GSIPastRecords counts the recorded GSI changes a delayed read may still
// need (index_delay.go), so tests can see them recorded and trimmed.
func GSIPastRecords(db *DB) (n int) {
	db.store.View(func(tx *store.Tx) error {
		return tx.Ascend(pastPrefix, func(k, _ string) bool {
			if !strings.HasPrefix(k, pastPrefix) {
				return false
			}
			n++
			return true
		})
	})
	return n
}

package engine

import (
	"context"
	"errors"
	"testing"
)

// openChecked opens a database for a test of this package (which cannot
// import enginetest) and, when the test ends, checks it and closes it: a
// difference Check reports or a failed Close fails the test, as
// enginetest.Open does for the tests outside.
func openChecked(tb testing.TB, opts Options) *DB {
	tb.Helper()
	db, err := Open(opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		diffs, err := db.Check(context.Background())
		if errors.Is(err, ErrClosed) {
			return
		}
		if err != nil {
			tb.Errorf("check: %v", err)
		}
		for _, d := range diffs {
			tb.Errorf("check: %s", d)
		}
		if err := db.Close(); err != nil {
			tb.Errorf("close: %v", err)
		}
	})
	return db
}

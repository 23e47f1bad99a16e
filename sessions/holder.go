package sessions

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/gofrs/flock"

	"dynalab/engine"
)

// Holder is the process holding a local database open, as its lock file
// records it.
type Holder struct {
	PID      int       `json:"pid"`
	Endpoint string    `json:"endpoint,omitempty"` // the URL it serves the database on, if any
	Since    time.Time `json:"since"`
}

// String names the holder for messages: "process 123, serving http://…".
func (h Holder) String() string {
	s := "another process"
	if h.PID != 0 {
		s = fmt.Sprintf("process %d", h.PID)
	}
	if h.Endpoint != "" {
		s += ", serving " + h.Endpoint
	}
	return s
}

// HeldError is returned when an operation needs a database that a running
// process holds.
type HeldError struct {
	Op      string // what was refused, e.g. "restore snapshot"
	Session string // the session, "" for a bare file
	Path    string // the database file
	Holder  Holder
}

func (e *HeldError) Error() string {
	what := "database " + e.Path
	if e.Session != "" {
		what = fmt.Sprintf("session %q's database (%s)", e.Session, e.Path)
	}
	return fmt.Sprintf("%s: %s is in use by %s; quit that workbench or stop that server (Ctrl+C) and try again",
		e.Op, what, e.Holder)
}

// Unwrap makes a HeldError an engine.ErrLocked.
func (e *HeldError) Unwrap() error { return engine.ErrLocked }

// lockPath is the lock file the engine keeps beside a database file
// (engine/internal/store.LockPath).
func lockPath(db string) string { return db + ".lock" }

// HolderOf returns the process holding the database at path, or nil when
// no process holds it.
func HolderOf(path string) *Holder {
	if _, err := os.Stat(lockPath(path)); err != nil {
		return nil // never opened, or opened by no dynalab
	}
	l := flock.New(lockPath(path))
	ok, err := l.TryLock()
	if err != nil {
		return nil // no lock file to lock: nobody holds it
	}
	if ok {
		l.Unlock()
		return nil
	}
	h := readHolder(path)
	return &h
}

// readHolder reads what the lock file says about its holder; unknown
// fields stay zero.
func readHolder(path string) Holder {
	var h Holder
	if data, err := os.ReadFile(lockPath(path)); err == nil {
		_ = json.Unmarshal(data, &h)
	}
	return h
}

// lockDatabase takes the lock of a local database, as the engine takes it
// when it opens the file, so that no process opens the database while op
// copies or replaces it. It fails with a *HeldError when a process holds
// the database.
func lockDatabase(session, path, op string) (unlock func(), err error) {
	l := flock.New(lockPath(path))
	ok, err := l.TryLock()
	if errors.Is(err, fs.ErrNotExist) {
		return func() {}, nil // no database directory: nothing to hold
	}
	if err != nil {
		return nil, fmt.Errorf("%s: lock %s: %w", op, path, err)
	}
	if !ok {
		return nil, &HeldError{Op: op, Session: session, Path: path, Holder: readHolder(path)}
	}
	return func() { l.Unlock() }, nil
}

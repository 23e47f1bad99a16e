// Package store is dynalab's storage layout on github.com/tidwall/buntdb:
// one file per database, one keyspace per concern, and order-preserving keys
// so that a Query is a range scan. Every change an operation makes (item,
// index entries, stream record, TTL entry, table statistics) goes through one
// buntdb write transaction, so a crash never leaves half of it applied.
//
// Keyspaces (all keys are byte strings):
//
//	"m/format"                     file format version
//	"m/seq"                        last table id handed out
//	"t/" name                      table catalog record (JSON)
//	"s/" tid                       table statistics: item count and bytes
//	"i/" tid hash pk sk            item, as canonical DynamoDB JSON
//	"n/" iid hash ipk isk pk sk    secondary index entry: the item's projection
//	                               into the index (canonical DynamoDB JSON);
//	                               iid is the index's id (drawn from the table
//	                               id counter, so "s/" iid holds its statistics),
//	                               hash the partition hash of ipk, ipk/isk the
//	                               index key values, pk/sk the table key values
//	                               (so equal index keys are distinct entries,
//	                               ordered by table key)
//	"e/" tid exp hash pk sk        TTL schedule: one entry per item whose TTL
//	                               attribute is a Number; exp is the expiry in
//	                               whole epoch seconds (8 bytes big-endian), the
//	                               value the attribute's exact number text
//	"m/sid"                        last stream id handed out
//	"m/sseq"                       last stream sequence number handed out (all
//	                               streams share one increasing counter)
//	"x/" sid                       stream catalog record (JSON); outlives its
//	                               table for the 24-hour retention
//	"h/" sid idx                   shard record (JSON): id, parent, sequence
//	                               range, trim horizon
//	"o/" sid                       index of the stream's open shard (absent
//	                               once the stream is disabled)
//	"r/" sid idx seq               stream record: creation time in epoch
//	                               milliseconds, a space, the record's wire JSON
//
// tid is a table's 4-byte big-endian id, hash the partition hash (8 bytes),
// pk and sk the order-preserving encodings from engine/internal/keys. sid
// is a stream's 4-byte id, idx a shard's 4-byte index within its stream and
// seq a sequence number (8 bytes); all big-endian, so that a shard's records
// are one range in sequence order and a table's TTL entries one range in
// expiry order.
package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/gofrs/flock"
	"github.com/tidwall/buntdb"
)

// FormatVersion is the layout version this code writes. A file with a newer
// version is refused; older versions are migrated on open.
const FormatVersion = 1

// InMemory is the path that opens a database without a file.
const InMemory = ":memory:"

// SyncPolicy says when the file is fsynced.
type SyncPolicy int

// Sync policies, as buntdb offers them.
const (
	SyncEverySecond SyncPolicy = iota // fsync at most once a second (default)
	SyncAlways                        // fsync on every commit
	SyncNever                         // leave it to the operating system
)

// ParseSyncPolicy reads "always", "everysecond" or "never".
func ParseSyncPolicy(s string) (SyncPolicy, error) {
	switch s {
	case "always":
		return SyncAlways, nil
	case "everysecond", "":
		return SyncEverySecond, nil
	case "never":
		return SyncNever, nil
	}
	return 0, fmt.Errorf("unknown sync policy %q (want always, everysecond or never)", s)
}

// Options configure Open.
type Options struct {
	Sync SyncPolicy
	// Endpoint, when set, is recorded in the lock file so that other dynalab
	// processes can reach the database through the process holding it.
	Endpoint string
}

// ErrLocked is returned (wrapped) when another process holds the database.
var ErrLocked = errors.New("database is in use by another process")

// Store is an open database.
type Store struct {
	db   *buntdb.DB
	path string
	lock *flock.Flock
	// wmu serializes write transactions together with their OnCommit
	// callbacks, so that callbacks run in commit order.
	wmu sync.Mutex
}

// LockInfo is what the lock file records about the process holding a database.
type LockInfo struct {
	PID      int       `json:"pid"`
	Endpoint string    `json:"endpoint,omitempty"`
	Since    time.Time `json:"since"`
}

// LockPath returns the lock file beside a database file.
func LockPath(path string) string { return path + ".lock" }

// ReadLockInfo reads the lock file of a database, if any.
func ReadLockInfo(path string) (LockInfo, error) {
	var info LockInfo
	data, err := os.ReadFile(LockPath(path))
	if err != nil {
		return info, err
	}
	err = json.Unmarshal(data, &info)
	return info, err
}

// Open opens (creating if needed) the database at path, or an in-memory one
// for InMemory. The file is locked for the life of the Store; a second
// process gets an error naming the file.
func Open(path string, opts Options) (*Store, error) {
	s := &Store{path: path}
	if path != InMemory {
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, fmt.Errorf("create directory for %s: %w", path, err)
			}
		}
		if err := s.acquireLock(opts.Endpoint); err != nil {
			return nil, err
		}
	}
	db, err := buntdb.Open(path)
	if err != nil {
		s.releaseLock()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	var cfg buntdb.Config
	if err := db.ReadConfig(&cfg); err != nil {
		db.Close()
		s.releaseLock()
		return nil, fmt.Errorf("read config of %s: %w", path, err)
	}
	switch opts.Sync {
	case SyncAlways:
		cfg.SyncPolicy = buntdb.Always
	case SyncNever:
		cfg.SyncPolicy = buntdb.Never
	default:
		cfg.SyncPolicy = buntdb.EverySecond
	}
	// Rewrite the append-only file once it has grown to twice its live size
	// and is past 32 MB: bounded disk use without constant rewriting.
	cfg.AutoShrinkPercentage = 100
	cfg.AutoShrinkMinSize = 32 * 1024 * 1024
	if err := db.SetConfig(cfg); err != nil {
		db.Close()
		s.releaseLock()
		return nil, fmt.Errorf("configure %s: %w", path, err)
	}
	s.db = db
	if err := s.checkFormat(); err != nil {
		db.Close()
		s.releaseLock()
		return nil, err
	}
	return s, nil
}

func (s *Store) acquireLock(endpoint string) error {
	s.lock = flock.New(LockPath(s.path))
	ok, err := s.lock.TryLock()
	if err != nil {
		return fmt.Errorf("lock %s: %w", s.path, err)
	}
	if !ok {
		msg := fmt.Sprintf("database file %s", s.path)
		if info, err := ReadLockInfo(s.path); err == nil && info.PID != 0 {
			msg += fmt.Sprintf(" (held by process %d", info.PID)
			if info.Endpoint != "" {
				msg += ", serving " + info.Endpoint
			}
			msg += ")"
		}
		s.lock = nil
		return fmt.Errorf("%s: %w", msg, ErrLocked)
	}
	return s.writeLockInfo(endpoint)
}

// SetEndpoint records the endpoint serving this database in its lock file.
func (s *Store) SetEndpoint(endpoint string) error {
	if s.lock == nil {
		return nil
	}
	return s.writeLockInfo(endpoint)
}

func (s *Store) writeLockInfo(endpoint string) error {
	data, _ := json.Marshal(LockInfo{PID: os.Getpid(), Endpoint: endpoint, Since: time.Now().UTC()})
	// The lock is on the file itself; its content is advisory information.
	if err := os.WriteFile(LockPath(s.path), data, 0o644); err != nil {
		return fmt.Errorf("write lock file for %s: %w", s.path, err)
	}
	return nil
}

func (s *Store) releaseLock() {
	if s.lock == nil {
		return
	}
	_ = os.WriteFile(LockPath(s.path), nil, 0o644)
	_ = s.lock.Unlock()
	s.lock = nil
}

const (
	keyFormat = "m/format"
	keySeq    = "m/seq"
)

// checkFormat records the format version in a new file and refuses files
// written by a newer dynalab.
func (s *Store) checkFormat() error {
	return s.db.Update(func(tx *buntdb.Tx) error {
		v, err := tx.Get(keyFormat)
		if errors.Is(err, buntdb.ErrNotFound) {
			_, _, err = tx.Set(keyFormat, strconv.Itoa(FormatVersion), nil)
			return err
		}
		if err != nil {
			return err
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("%s: unreadable format version %q", s.path, v)
		}
		if n > FormatVersion {
			return fmt.Errorf("%s was written by a newer dynalab (format %d; this one reads up to %d)", s.path, n, FormatVersion)
		}
		return nil
	})
}

// Path returns the file the store was opened on.
func (s *Store) Path() string { return s.path }

// Close flushes and closes the database and releases its lock.
func (s *Store) Close() error {
	err := s.db.Close()
	s.releaseLock()
	if err != nil {
		return fmt.Errorf("close %s: %w", s.path, err)
	}
	return nil
}

// Shrink rewrites the file to its live contents now.
func (s *Store) Shrink() error { return s.db.Shrink() }

// View runs fn in a read transaction.
func (s *Store) View(fn func(tx *Tx) error) error {
	return s.db.View(func(btx *buntdb.Tx) error { return fn(&Tx{tx: btx}) })
}

// Update runs fn in a write transaction: everything fn writes commits
// together, or nothing does if fn returns an error. After a successful
// commit the callbacks fn registered with Tx.OnCommit run, in order, before
// the next write transaction begins: callbacks of successive transactions
// run in commit order. They must not block and must not write.
func (s *Store) Update(fn func(tx *Tx) error) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	t := &Tx{}
	err := s.db.Update(func(btx *buntdb.Tx) error {
		t.tx = btx
		if err := fn(t); err != nil {
			return err
		}
		return t.flushStats()
	})
	if err != nil {
		return err
	}
	for _, f := range t.onCommit {
		f()
	}
	return nil
}

// Package store is dynalab's storage layout on github.com/tidwall/buntdb:
// one file per database, one keyspace per concern, and order-preserving keys
// so that a Query is a range scan. Every change an operation makes (item,
// index entries, stream record, TTL entry, table statistics) goes through one
// buntdb write transaction, so a crash never leaves half of it applied.
//
// The file is an append-only log of transactions that this package writes
// itself (log.go: format, torn-write recovery, group commit, compaction);
// buntdb holds the data in memory.
//
// Keyspaces (all keys are byte strings):
//
//	"m/format"                     file format version
//	"m/commit"                     commit record framing each transaction
//	                               in the file (log.go); never in memory
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
// version is refused; older versions are migrated on open. Version 3 holds
// items in the engine's binary stored form; version 2 framed every
// transaction with a commit record (log.go) and held items as JSON;
// version 1 was buntdb's own unframed persistence.
const FormatVersion = 3

// InMemory is the path that opens a database without a file.
const InMemory = ":memory:"

// SyncPolicy says when the file is fsynced.
type SyncPolicy int

// Sync policies.
const (
	SyncEverySecond SyncPolicy = iota // fsync at most once a second (default)
	SyncAlways                        // a write returns once an fsync covers it (group commit)
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
	// Warnf receives warnings: a torn transaction dropped on open, a failed
	// background fsync or compaction. Nil discards them.
	Warnf func(format string, args ...any)
	// WrapFile, when set, wraps the database file the store writes through:
	// fault injection for tests (a full disk, a failing fsync).
	WrapFile func(File) File
	// ReadOnly opens an existing file without ever writing it: no torn
	// end cut, no format upgrade, no compaction; Update returns
	// ErrReadOnly.
	ReadOnly bool
	// OnLoad, when set, is called as Open loads the file, in Open's
	// goroutine and never after Open returns: done of total, in bytes of
	// the file counted twice (read and checked, then put in memory), at
	// most every 1 MiB or 1/512 of total, increasing, and (done == total)
	// once at the end of a successful open.
	OnLoad func(done, total int64)
	// Cancel, when closed while the file loads, makes Open stop, leave the
	// file as it was, release the lock and return ErrOpenCanceled.
	Cancel <-chan struct{}
}

// ErrReadOnly is returned by Update (and Shrink) on a store opened with
// Options.ReadOnly.
var ErrReadOnly = errors.New("the database is open read-only (--read-only): nothing can be written")

// ErrLocked is returned (wrapped) when another process holds the database.
var ErrLocked = errors.New("database is in use by another process")

// Store is an open database.
type Store struct {
	db   *buntdb.DB
	path string
	lock *flock.Flock
	log  *wal // nil in memory
	// wmu serializes write transactions together with their OnCommit
	// callbacks, so that callbacks run in commit order.
	wmu      sync.Mutex
	buf      []byte // the write transaction's commands; guarded by wmu
	compacts sync.WaitGroup
	readOnly bool
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
	s := &Store{path: path, readOnly: opts.ReadOnly}
	if opts.ReadOnly && path != InMemory {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("open %s read-only: %w", path, err)
		}
	}
	if path != InMemory {
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return nil, fmt.Errorf("create directory for %s: %w", path, err)
			}
		}
		if err := s.acquireLock(opts.Endpoint); err != nil {
			return nil, err
		}
	}
	db, err := buntdb.Open(InMemory)
	if err != nil {
		s.releaseLock()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	s.db = db
	if path == InMemory {
		err = db.Update(func(tx *buntdb.Tx) error {
			_, _, err := tx.Set(keyFormat, strconv.Itoa(FormatVersion), nil)
			return err
		})
	} else {
		s.log, err = openWAL(path, opts, db)
	}
	if err == nil {
		err = s.checkFormat()
	}
	if err != nil {
		if s.log != nil {
			_ = s.log.close()
		}
		db.Close()
		s.releaseLock()
		return nil, err
	}
	if s.log != nil {
		s.log.progress.finish()
	}
	if s.log != nil && !s.readOnly {
		s.compacts.Add(1)
		go s.measureLive()
	}
	return s, nil
}

// measureLive counts the file's live bytes after open, off the request
// path (unless the load counted them), and compacts the file at once if it is over its bound: each
// process compacts once the file doubles, so restarts alone could
// otherwise grow it without limit. Writes made meanwhile are counted by
// their transactions too; the few bytes they may count twice only move
// the next compaction a little.
func (s *Store) measureLive() {
	defer s.compacts.Done()
	w := s.log
	s.wmu.Lock()
	known := w.liveKnown // counted by the load (load.go)
	s.wmu.Unlock()
	if known {
		s.compactIfOver()
		return
	}
	var live int64
	pivot := ""
	for more := true; more; {
		select {
		case <-w.stop:
			return
		default:
		}
		more = false
		err := s.db.View(func(tx *buntdb.Tx) error {
			n := 0
			return tx.AscendGreaterOrEqual("", pivot, func(k, v string) bool {
				if n == 10000 {
					pivot, more = k, true
					return false
				}
				n++
				if k != keyFormat && k != keyCommit {
					live += liveLen(k, v)
				}
				return true
			})
		})
		if err != nil {
			return // closed
		}
	}
	s.wmu.Lock()
	w.live += live + int64(len(header))
	w.liveKnown = true
	s.wmu.Unlock()
	s.compactIfOver()
}

// compactIfOver compacts the file if it is over its bound, or large and
// out of key order (written by random writes, as an import writes: every
// open then sorts it; compacted, it is in order); the caller owns a count
// in s.compacts.
func (s *Store) compactIfOver() {
	s.wmu.Lock()
	over := !s.log.closed && (s.log.overBound() || s.log.unsorted)
	s.wmu.Unlock()
	if over {
		s.compact()
	}
}

// overBound reports whether the file is due for compaction: past twice
// its live bytes and the automatic-compaction threshold. The caller holds
// Store.wmu.
func (w *wal) overBound() bool {
	if w.size <= w.retryAt {
		return false
	}
	if w.liveKnown {
		return w.size > 2*w.live+autoCompactMin
	}
	return w.size > autoCompactMin && w.size > 2*w.base
}

// compact rewrites the file unless a compaction is running; the caller
// owns a count in s.compacts.
func (s *Store) compact() {
	w := s.log
	if !w.compacting.CompareAndSwap(false, true) {
		return
	}
	defer w.compacting.Store(false)
	if err := w.compactFile(s.db, &s.wmu); err != nil && !errors.Is(err, buntdb.ErrDatabaseClosed) {
		w.warnf("dynalab: compact %s: %v", s.path, err)
		s.wmu.Lock()
		w.retryAt = 2 * w.size // not before it has doubled again
		s.wmu.Unlock()
	}
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
	if err := os.WriteFile(LockPath(s.path), data, 0o600); err != nil {
		return fmt.Errorf("write lock file for %s: %w", s.path, err)
	}
	return nil
}

func (s *Store) releaseLock() {
	if s.lock == nil {
		return
	}
	_ = os.WriteFile(LockPath(s.path), nil, 0o600)
	_ = s.lock.Unlock()
	s.lock = nil
}

const (
	keyFormat = "m/format"
	keySeq    = "m/seq"
)

// checkFormat refuses a database whose format version (as loaded, so
// including one written by a transaction) is newer than this code's.
func (s *Store) checkFormat() error {
	v, err := readFormat(s.db)
	if err != nil || v > FormatVersion {
		return formatError(s.path, v, err)
	}
	return nil
}

// Path returns the file the store was opened on.
func (s *Store) Path() string { return s.path }

// Close flushes and closes the database and releases its lock.
func (s *Store) Close() error {
	var err error
	if s.log != nil {
		s.wmu.Lock()
		err = s.log.close()
		s.wmu.Unlock()
		s.compacts.Wait()
	}
	if cerr := s.db.Close(); err == nil {
		err = cerr
	}
	s.releaseLock()
	if err != nil {
		return fmt.Errorf("close %s: %w", s.path, err)
	}
	return nil
}

// Shrink rewrites the file to its live contents now.
func (s *Store) Shrink() error {
	if s.readOnly {
		return ErrReadOnly
	}
	if s.log == nil {
		return nil
	}
	if !s.log.compacting.CompareAndSwap(false, true) {
		return errors.New("a compaction is already running")
	}
	defer s.log.compacting.Store(false)
	return s.log.compactFile(s.db, &s.wmu)
}

// View runs fn in a read transaction.
func (s *Store) View(fn func(tx *Tx) error) error {
	return s.db.View(func(btx *buntdb.Tx) error {
		tx := readTxs.Get().(*Tx)
		tx.tx = btx
		err := fn(tx)
		*tx = Tx{}
		readTxs.Put(tx)
		return err
	})
}

// readTxs recycles the wrappers of read transactions, which nothing keeps
// past View: one allocation less on every read.
var readTxs = sync.Pool{New: func() any { return new(Tx) }}

// Update runs fn in a write transaction: everything fn writes commits
// together, or nothing does if fn returns an error. After a successful
// commit the callbacks fn registered with Tx.OnCommit run, in order, before
// the next write transaction begins: callbacks of successive transactions
// run in commit order. They must not block and must not write.
//
// The transaction is appended to the file before Update returns; with
// SyncAlways, Update also waits until an fsync covers it (shared with
// concurrent writers: group commit). Its changes are visible to other
// transactions as soon as it is appended, before that fsync.
func (s *Store) Update(fn func(tx *Tx) error) error {
	if s.readOnly {
		return ErrReadOnly
	}
	seq, err := s.update(fn)
	if err != nil || seq == 0 || s.log.policy != SyncAlways {
		return err
	}
	return s.log.waitDurable(seq)
}

// update commits and returns the sequence number of the transaction in
// the file (0: nothing written, or in memory).
func (s *Store) update(fn func(tx *Tx) error) (uint64, error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	t := &Tx{}
	if s.log != nil {
		t.log, t.buf = true, s.buf[:0]
	}
	var seq uint64
	err := s.db.Update(func(btx *buntdb.Tx) error {
		t.tx = btx
		if err := fn(t); err != nil {
			return err
		}
		if err := t.flushStats(); err != nil {
			return err
		}
		if len(t.buf) == 0 {
			return nil
		}
		var err error
		t.buf, err = s.log.append(t.buf, 0)
		seq = s.log.seq
		return err
	})
	if t.log && cap(t.buf) <= 1<<20 {
		s.buf = t.buf[:0]
	}
	if err != nil {
		return 0, err
	}
	for _, f := range t.onCommit {
		f()
	}
	if w := s.log; w != nil {
		w.live += t.live
		if w.overBound() && !w.compacting.Load() {
			s.compacts.Add(1)
			go func() {
				defer s.compacts.Done()
				s.compact()
			}()
		}
	}
	return seq, nil
}

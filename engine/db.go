package engine

import (
	"context"
	"errors"
	"fmt"
	"log"
	"sort"
	"strings"
	"sync"
	"time"

	"dynalab/engine/expr"
	"dynalab/engine/internal/store"
)

// Options configure a DB.
type Options struct {
	// Path is the database file; "" or store.InMemory opens an in-memory DB.
	Path string
	// Sync is the fsync policy: "always", "everysecond" (default) or "never".
	Sync string
	// Region and Account appear in ARNs; defaults us-east-1 and 000000000000.
	Region  string
	Account string
	// Clock returns the current time; defaults to time.Now. Tests inject one.
	Clock func() time.Time
	// Endpoint, when known at open, is recorded in the lock file.
	Endpoint string
	// SweepInterval is how often the background worker runs (TTL sweep,
	// stream shard rollover, stream retention); default 1s, so expired
	// items go within about a second of their expiry. Negative disables
	// the worker; RunMaintenance then does the work on demand.
	SweepInterval time.Duration
	// ShardRollover is how long a stream shard stays open before it is
	// closed and replaced by a child; default 4h, as the service's shards.
	ShardRollover time.Duration
	// TTLSettle is how long an UpdateTimeToLive change takes to settle
	// (the sweeper waits, another change is refused), though
	// DescribeTimeToLive reports it at once; default 1s, negative settles
	// at once.
	TTLSettle time.Duration
	// NoThrottle turns throttling off: capacity is still metered and
	// reported, but no request is refused for want of it. By default
	// provisioned tables and hot partition keys throttle like the service
	// (meter.go).
	NoThrottle bool
	// GSIPropagationDelay, when positive, makes Query and Scan on a global
	// secondary index see the index as it was that long ago, as the
	// service's asynchronous GSI updates look to a client (index_delay.go).
	// The table, LSIs and DescribeTable's counts are never delayed. 0 (the
	// default) reads the current index.
	GSIPropagationDelay time.Duration
	// S3Dir is the local S3 stand-in of ExportTableToPointInTime and
	// ImportTable: object KEY of bucket B is the file S3Dir/B/KEY
	// (export_s3.go). "" refuses those operations; see also SetS3Dir.
	S3Dir string
	// ReadOnly opens an existing database file without ever writing it:
	// every write (API, PartiQL, import) is refused with
	// AccessDeniedException naming the mode, and the background work that
	// writes (TTL deletions, stream trimming) does not run.
	ReadOnly bool
	// Warnf receives the storage layer's warnings (a torn transaction
	// dropped on open, a failed background fsync); nil sends them to the
	// standard library's log package.
	Warnf func(format string, args ...any)
	// MaxTables is the account's table quota: CreateTable (and every
	// restore or import, which create a table) past it is refused with
	// LimitExceededException. 0 means DefaultMaxTables; see SetMaxTables.
	MaxTables int
	// WrapFile, when set, wraps the database file the engine writes
	// through: fault injection for tests (a full disk, a failing fsync).
	WrapFile func(File) File
	// OnLoad, when set, hears how far Open is in loading the file: done
	// of total, in bytes of the file counted twice (read and checked, then
	// put in memory). It is called in Open's goroutine, increasing, at
	// most every MiB or 1/512 of total, ending with done == total on
	// success, and never after Open returns.
	OnLoad func(done, total int64)
}

// File is the database file as the engine writes it (Options.WrapFile).
type File = store.File

// DB is a local DynamoDB database.
type DB struct {
	store   *store.Store
	region  string
	account string
	now     func() time.Time
	exprs   *expr.Cache // parsed expressions, shared by all requests
	idem    idempotency // transaction ClientRequestTokens

	shardRollover time.Duration
	ttlSettle     time.Duration
	gsiDelay      time.Duration
	s3Dir         string // guarded by mu
	maxTables     int    // guarded by mu
	feed          feed   // change events for Subscribe
	meter         *meter // capacity metering and throttling (meter.go)
	// collectionLimit overrides DefaultItemCollectionLimit (tests).
	collectionLimit int64
	bg              background // the background worker

	// mu guards the catalog. Data-plane operations hold it shared for their
	// whole storage transaction, so a table cannot be deleted under them.
	mu      sync.RWMutex
	tables  map[string]*table
	streams map[uint32]*streamMeta // by stream id, including disabled ones
	closed  bool
}

// InMemory is the Options.Path of a database without a file.
const InMemory = store.InMemory

// ErrClosed is returned by operations on a closed DB.
var ErrClosed = errors.New("database is closed")

// Open opens the database described by opts, creating it if needed.
func Open(opts Options) (*DB, error) { return OpenContext(context.Background(), opts) }

// OpenContext is Open, stopped when ctx ends while the file loads: the
// file is left as it was, its lock released, and the error wraps
// ctx.Err().
func OpenContext(ctx context.Context, opts Options) (*DB, error) {
	path := opts.Path
	if path == "" {
		path = store.InMemory
	}
	policy, err := store.ParseSyncPolicy(opts.Sync)
	if err != nil {
		return nil, err
	}
	warnf := opts.Warnf
	if warnf == nil {
		warnf = log.Printf
	}
	st, err := store.Open(path, store.Options{Sync: policy, Endpoint: opts.Endpoint, Warnf: warnf, WrapFile: opts.WrapFile, ReadOnly: opts.ReadOnly,
		OnLoad: opts.OnLoad, Cancel: ctx.Done()})
	if errors.Is(err, store.ErrOpenCanceled) && ctx.Err() != nil {
		return nil, fmt.Errorf("open %s: %w", path, ctx.Err())
	}
	if err != nil {
		return nil, err
	}
	db := &DB{
		store:   st,
		region:  defaultString(opts.Region, "us-east-1"),
		account: defaultString(opts.Account, "000000000000"),
		now:     opts.Clock,
		tables:  map[string]*table{},
		streams: map[uint32]*streamMeta{},
		exprs:   expr.NewCache(4096),

		shardRollover: opts.ShardRollover,
		ttlSettle:     opts.TTLSettle,
		gsiDelay:      opts.GSIPropagationDelay,
		s3Dir:         opts.S3Dir,
		maxTables:     opts.MaxTables,
	}
	if db.now == nil {
		db.now = time.Now
	}
	db.meter = newMeter(db.now, !opts.NoThrottle, opts.Clock == nil)
	if db.shardRollover <= 0 {
		db.shardRollover = DefaultShardRollover
	}
	switch {
	case db.ttlSettle == 0:
		db.ttlSettle = DefaultTTLSettle
	case db.ttlSettle < 0:
		db.ttlSettle = 0
	}
	if err := errors.Join(db.loadCatalog(), db.loadStreams()); err != nil {
		st.Close()
		return nil, err
	}
	if opts.ReadOnly {
		opts.SweepInterval = -1 // its work writes
	}
	db.startBackground(opts.SweepInterval)
	return db, nil
}

// catalogTable makes the in-memory table of a catalog record.
func (db *DB) catalogTable(m tableMeta) *table {
	t := newTable(m, db.region, db.account)
	t.db = db
	t.meter = db.meter.table(m, t.arn)
	return t
}

func defaultString(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// loadCatalog reads every table record into memory.
func (db *DB) loadCatalog() error {
	return db.store.View(func(tx *store.Tx) error {
		var err error
		iterErr := tx.Ascend(store.TablePrefix, func(k, v string) bool {
			if !strings.HasPrefix(k, store.TablePrefix) {
				return false
			}
			var m tableMeta
			if e := jsonUnmarshalString(v, &m); e != nil {
				err = fmt.Errorf("%s: corrupt catalog record %q: %w", db.store.Path(), k, e)
				return false
			}
			db.tables[m.Name] = db.catalogTable(m)
			return true
		})
		if iterErr != nil {
			return iterErr
		}
		return err
	})
}

// Close stops the background worker, ends every subscription, and flushes
// and closes the database. It waits for running operations. An error of the
// background worker is reported here.
func (db *DB) Close() error {
	bgErr := db.stopBackground()
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.closed {
		return nil
	}
	db.closed = true
	db.feed.close()
	db.meter.close()
	return errors.Join(bgErr, db.store.Close())
}

// Path returns the database file, or InMemory.
func (db *DB) Path() string { return db.store.Path() }

// SetEndpoint records the endpoint serving this database in its lock file.
func (db *DB) SetEndpoint(endpoint string) error { return db.store.SetEndpoint(endpoint) }

// controlTable returns the table a control-plane request names (a name
// or an ARN), for a caller holding db.mu: ErrClosed once closed, else the
// control plane's ResourceNotFoundException for a missing table.
func (db *DB) controlTable(nameOrARN string) (*table, error) {
	if db.closed {
		return nil, ErrClosed
	}
	name := tableNameFromARN(nameOrARN)
	t := db.tables[name]
	if t == nil {
		return nil, errTableNotFound(name)
	}
	return t, nil
}

// readTable runs fn with the named table while holding the catalog shared.
// Data-plane operations use it: a missing table is the data plane's
// ResourceNotFoundException.
func (db *DB) readTable(name string, fn func(t *table) error) error {
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.closed {
		return ErrClosed
	}
	t := db.tables[tableNameFromARN(name)]
	if t == nil {
		return errNotFound()
	}
	return fn(t)
}

// tableNames returns the catalog's names in order. The caller holds mu.
func (db *DB) tableNames() []string {
	names := make([]string, 0, len(db.tables))
	for n := range db.tables {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// tableNameFromARN accepts a table name or a table ARN (the service accepts
// both in TableName) and returns the name.
func tableNameFromARN(s string) string {
	if !strings.HasPrefix(s, "arn:") {
		return s
	}
	if i := strings.Index(s, ":table/"); i >= 0 {
		name := s[i+len(":table/"):]
		if j := strings.IndexByte(name, '/'); j >= 0 {
			name = name[:j]
		}
		return name
	}
	return s
}

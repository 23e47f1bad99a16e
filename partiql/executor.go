package partiql

import (
	"context"
	"crypto/rand"
	"sync"
	"time"

	"dynalab/engine"
)

// DB is what the executor needs of a DynamoDB: the operations statements
// translate into, and DescribeTable for the key schema. *engine.DB
// satisfies it.
type DB interface {
	DescribeTable(ctx context.Context, in *engine.DescribeTableInput) (*engine.DescribeTableOutput, error)
	GetItem(ctx context.Context, in *engine.GetItemInput) (*engine.GetItemOutput, error)
	PutItem(ctx context.Context, in *engine.PutItemInput) (*engine.PutItemOutput, error)
	UpdateItem(ctx context.Context, in *engine.UpdateItemInput) (*engine.UpdateItemOutput, error)
	DeleteItem(ctx context.Context, in *engine.DeleteItemInput) (*engine.DeleteItemOutput, error)
	Query(ctx context.Context, in *engine.QueryInput) (*engine.QueryOutput, error)
	Scan(ctx context.Context, in *engine.ScanInput) (*engine.ScanOutput, error)
	TransactWriteItems(ctx context.Context, in *engine.TransactWriteItemsInput) (*engine.TransactWriteItemsOutput, error)
	TransactGetItems(ctx context.Context, in *engine.TransactGetItemsInput) (*engine.TransactGetItemsOutput, error)
}

// Options configure an Executor. The zero value is usable.
type Options struct {
	// TokenKey signs NextTokens, so that a token cannot be forged or
	// altered; nil means a random key, which makes tokens die with the
	// process (a client resuming after a restart gets "Invalid NextToken").
	TokenKey []byte
	// Clock returns the current time, for NextToken expiry; nil means
	// time.Now.
	Clock func() time.Time
	// ParseCacheSize bounds the cache of parsed statements (keyed by
	// statement text); 0 means DefaultParseCacheSize, negative disables it.
	ParseCacheSize int
}

// DefaultParseCacheSize is the number of parsed statements an Executor
// keeps by default.
const DefaultParseCacheSize = 1024

// Executor runs PartiQL statements on a DB the way DynamoDB does: each
// statement becomes the GetItem, Query, Scan, PutItem, UpdateItem,
// DeleteItem or transaction the service would run, with generated
// expressions. It is safe for concurrent use.
type Executor struct {
	db       DB
	tokenKey []byte
	now      func() time.Time
	cache    *parseCache
	// describe, when set, replaces DescribeTable as the source of key
	// schemas (a Remote's planner).
	describe func(ctx context.Context, table string, withIndexes bool) (*Schema, error)
}

// New returns an Executor running statements on db.
func New(db DB, opts Options) *Executor {
	key := opts.TokenKey
	if key == nil {
		key = make([]byte, 32)
		_, _ = rand.Read(key) // crypto/rand.Read never fails
	}
	now := opts.Clock
	if now == nil {
		now = time.Now
	}
	size := opts.ParseCacheSize
	if size == 0 {
		size = DefaultParseCacheSize
	}
	return &Executor{db: db, tokenKey: key, now: now, cache: newParseCache(size)}
}

// parse parses one statement, memoized by text. Statements are immutable,
// so a cached tree can be shared by concurrent requests.
func (x *Executor) parse(text string) (Statement, error) {
	return x.cache.parse(text)
}

// parseCache memoizes Parse. It is bounded: when full, an arbitrary entry
// makes room. Parsing costs ~0.1-0.2 ms (participle's reflection), far more
// than running a key lookup, so repeated statements (a REPL, an
// application's prepared statements) skip it.
type parseCache struct {
	mu  sync.RWMutex
	max int
	m   map[string]parsed
}

type parsed struct {
	stmt Statement
	err  error
}

// maxCachedText keeps statements the service would refuse for length out
// of the cache.
const maxCachedText = 8192

func newParseCache(max int) *parseCache {
	if max < 0 {
		return nil
	}
	return &parseCache{max: max, m: make(map[string]parsed, min(max, 256))}
}

func (c *parseCache) parse(text string) (Statement, error) {
	if c == nil || len(text) > maxCachedText {
		return Parse(text)
	}
	c.mu.RLock()
	p, ok := c.m[text]
	c.mu.RUnlock()
	if ok {
		return p.stmt, p.err
	}
	stmt, err := Parse(text)
	c.mu.Lock()
	if len(c.m) >= c.max {
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
	c.m[text] = parsed{stmt, err}
	c.mu.Unlock()
	return stmt, err
}

package expr

import (
	"strings"
	"sync"
)

// Cache memoizes Parse results (errors included: they depend only on the
// text too) so the request path only binds. It is bounded: when full, an
// arbitrary entry makes room for the new one. It is safe for concurrent use;
// a nil *Cache parses every time.
type Cache struct {
	mu  sync.RWMutex
	max int
	m   map[cacheKey]cacheEntry
}

type cacheKey struct {
	param string // the expression's parameter name: its kind
	text  string
}

type cacheEntry struct {
	expr any
	err  error
}

// NewCache returns a cache holding at most max parsed expressions.
func NewCache(max int) *Cache {
	return &Cache{max: max, m: make(map[cacheKey]cacheEntry, min(max, 1024))}
}

// Len returns the number of cached expressions.
func (c *Cache) Len() int {
	if c == nil {
		return 0
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.m)
}

// Condition returns ParseCondition(param, text), memoized.
func (c *Cache) Condition(param, text string) (*ConditionExpr, error) {
	e, err := c.get(param, text, func(text string) (any, error) { return ParseCondition(param, text) })
	x, _ := e.(*ConditionExpr)
	return x, err
}

// KeyCondition returns ParseKeyCondition(text), memoized.
func (c *Cache) KeyCondition(text string) (*ConditionExpr, error) {
	return c.Condition(ParamKeyCondition, text)
}

// Update returns ParseUpdate(text), memoized.
func (c *Cache) Update(text string) (*UpdateExpr, error) {
	e, err := c.get(ParamUpdate, text, func(text string) (any, error) { return ParseUpdate(text) })
	x, _ := e.(*UpdateExpr)
	return x, err
}

// Projection returns ParseProjection(text), memoized.
func (c *Cache) Projection(text string) (*ProjectionExpr, error) {
	e, err := c.get(ParamProjection, text, func(text string) (any, error) { return ParseProjection(text) })
	x, _ := e.(*ProjectionExpr)
	return x, err
}

// get returns the cached parse of text, or parses it. A parse that is
// kept is of a copy of text: the expression, its AST's names and its error
// message share that copy's memory, not the request body text came from.
func (c *Cache) get(param, text string, parse func(text string) (any, error)) (any, error) {
	if c == nil || c.max <= 0 {
		return parse(text)
	}
	key := cacheKey{param: param, text: text}
	c.mu.RLock()
	e, ok := c.m[key]
	c.mu.RUnlock()
	if ok {
		return e.expr, e.err
	}
	text = strings.Clone(text)
	key.text = text
	expr, err := parse(text)
	c.mu.Lock()
	if _, ok := c.m[key]; !ok {
		for k := range c.m {
			if len(c.m) < c.max {
				break
			}
			delete(c.m, k)
		}
		c.m[key] = cacheEntry{expr: expr, err: err}
	}
	c.mu.Unlock()
	return expr, err
}

package expr

import (
	"testing"
	"unsafe"
)

// TestCacheKeepsACopy: the engine parses expressions that are views of a
// request body; the cache must key and parse a copy, or a later change to
// that memory corrupts the entry (and it would hold the body in memory).
func TestCacheKeepsACopy(t *testing.T) {
	c := NewCache(10)
	body := []byte("attribute_exists(a)")
	if _, err := c.Condition(ParamCondition, unsafe.String(&body[0], len(body))); err != nil {
		t.Fatal(err)
	}
	for i := range body {
		body[i] = '#'
	}
	x, err := c.Condition(ParamCondition, "attribute_exists(a)")
	if err != nil || x == nil || c.Len() != 1 {
		t.Fatalf("after the body changed: %v, %v, %d entries; want the cached parse, 1 entry", x, err, c.Len())
	}
}

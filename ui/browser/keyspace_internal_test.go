package browser

import (
	"strings"
	"testing"

	"dynalab/engine/attr"
)

// TestKeySpaceGroupsOnExactKeys: two partition keys whose shown text is
// the same (cut at the same length) are two partitions, not one.
func TestKeySpaceGroupsOnExactKeys(t *testing.T) {
	long := strings.Repeat("p", 400)
	items := []attr.Item{
		{"PK": attr.S(long + "a")},
		{"PK": attr.S(long + "b")},
		{"PK": attr.S(long + "b")},
	}
	msg := aggregateKeys(1, items, make([]int, len(items)), 1, []string{"PK"})
	if len(msg.rows) != 2 || msg.rows[0].items != 1 || msg.rows[1].items != 2 {
		t.Fatalf("rows %+v; want two partitions of 1 and 2 items", msg.rows)
	}
}

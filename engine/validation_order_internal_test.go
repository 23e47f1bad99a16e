package engine

import (
	"context"
	"encoding/json"
	"testing"

	"dynalab/engine/attr"
)

// TestConstraintsFirstMatchesOperations keeps constraintsFirst's copy of
// each operation's model constraints in step with the operation: for
// requests whose only faults are constraints, both must give the same
// message.
func TestConstraintsFirstMatchesOperations(t *testing.T) {
	db := openChecked(t, Options{Path: t.TempDir() + "/t.db"})
	ctx := context.Background()
	key := attr.Item{"PK": attr.S("a")}
	neg, big := int64(-1), int64(2000000)
	raw := func(s string) json.RawMessage { return json.RawMessage(s) }
	cases := []struct {
		in  any
		run func() error
	}{}
	add := func(in any, run func() error) {
		cases = append(cases, struct {
			in  any
			run func() error
		}{in, run})
	}
	for _, in := range []*GetItemInput{{}, {TableName: "a$", ReturnConsumedCapacity: "X", AttributesToGet: []string{}}} {
		add(in, func() error { _, err := db.GetItem(ctx, in); return err })
	}
	for _, in := range []*PutItemInput{{}, {TableName: "ab", Item: key, ReturnValues: "X", ConditionalOperator: "XOR",
		Expected: raw(`{"a":{"ComparisonOperator":"FOO"}}`)}} {
		add(in, func() error { _, err := db.PutItem(ctx, in); return err })
	}
	for _, in := range []*UpdateItemInput{{}, {TableName: "ab", Key: key, ReturnItemCollectionMetrics: "X",
		AttributeUpdates: raw(`{"a":{"Action":"X"}}`)}} {
		add(in, func() error { _, err := db.UpdateItem(ctx, in); return err })
	}
	for _, in := range []*DeleteItemInput{{}, {TableName: "ab", Key: key, ReturnValuesOnConditionCheckFailure: "X"}} {
		add(in, func() error { _, err := db.DeleteItem(ctx, in); return err })
	}
	for _, in := range []*QueryInput{{}, {TableName: "ab", IndexName: "i$", Select: "X", Limit: &neg, ReturnConsumedCapacity: "X",
		AttributesToGet: []string{}, QueryFilter: raw(`{"a":{}}`), ConditionalOperator: "X", KeyConditions: raw(`{"PK":{"ComparisonOperator":"X"}}`)}} {
		add(in, func() error { _, err := db.Query(ctx, in); return err })
	}
	for _, in := range []*ScanInput{{}, {TableName: "ab", IndexName: "i", Select: "X", Limit: &neg, Segment: &neg, TotalSegments: &big,
		ReturnConsumedCapacity: "X", ScanFilter: raw(`{"a":{"ComparisonOperator":"X"}}`), ConditionalOperator: "X"}} {
		add(in, func() error { _, err := db.Scan(ctx, in); return err })
	}
	deferred := validationError("deferred attribute value error")
	for i, tc := range cases {
		want := tc.run()
		got := constraintsFirst(tc.in, deferred)
		if want == nil || got == nil || got.Error() != want.Error() {
			t.Errorf("case %d (%T):\n operation:         %v\n constraintsFirst: %v", i, tc.in, want, got)
		}
	}
}

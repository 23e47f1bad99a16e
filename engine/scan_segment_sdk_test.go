package engine_test

// A parallel Scan's ExclusiveStartKey must lie in the requested segment
// (DynamoDB Local: "Exclusive start key must lie within the segment"; the
// service, as Alternator's maintainer captured it in scylladb/scylladb
// pull request 9270: "The provided starting key is invalid: Invalid
// ExclusiveStartKey. Please use ExclusiveStartKey with correct Segment.
// TotalSegments: 1000000 Segment: 0"). A segment's own LastEvaluatedKey
// continues it, on the table and on an index.

import (
	"fmt"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"dynalab/engine"
	"dynalab/engine/enginetest"
)

func TestParallelScanStartKeySegment(t *testing.T) {
	env := newSDKEnv(t, engine.Options{})
	ctx := enginetest.Ctx(t)
	if _, err := env.c.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String("Tab"),
		AttributeDefinitions: []types.AttributeDefinition{defS("PK"), defS("G")},
		KeySchema:            []types.KeySchemaElement{ksElem("PK", types.KeyTypeHash)},
		BillingMode:          types.BillingModePayPerRequest,
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{IndexName: aws.String("ByG"),
			KeySchema: []types.KeySchemaElement{ksElem("G", types.KeyTypeHash)}, Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}}},
	}); err != nil {
		t.Fatal(err)
	}
	var want []string
	for i := range 40 {
		id := fmt.Sprintf("k%02d", i)
		putItem(t, env.c, "Tab", av{"PK": s(id), "G": s("g" + id)})
		want = append(want, id)
	}
	const total = 4
	for _, index := range []string{"", "ByG"} {
		var got []string
		leks := map[int32]av{}
		for seg := int32(0); seg < total; seg++ {
			in := &dynamodb.ScanInput{TableName: aws.String("Tab"), Segment: aws.Int32(seg), TotalSegments: aws.Int32(total), Limit: aws.Int32(1)}
			if index != "" {
				in.IndexName = aws.String(index)
			}
			for {
				out, err := env.c.Scan(ctx, in)
				if err != nil {
					t.Fatalf("index %q segment %d: %v", index, seg, err)
				}
				for _, it := range out.Items {
					got = append(got, it["PK"].(*types.AttributeValueMemberS).Value)
				}
				if out.LastEvaluatedKey == nil {
					break
				}
				leks[seg] = out.LastEvaluatedKey
				in.ExclusiveStartKey = out.LastEvaluatedKey
			}
		}
		// Every item once, across the segments' pages.
		if slices.Sort(got); !slices.Equal(got, want) {
			t.Fatalf("index %q: segments returned %v", index, got)
		}
		for seg, lek := range leks {
			other := (seg + 1) % total
			in := &dynamodb.ScanInput{TableName: aws.String("Tab"), Segment: aws.Int32(other), TotalSegments: aws.Int32(total), ExclusiveStartKey: lek}
			if index != "" {
				in.IndexName = aws.String(index)
			}
			_, err := env.c.Scan(ctx, in)
			wantAPIError(t, err, "ValidationException", fmt.Sprintf("The provided starting key is invalid: Invalid ExclusiveStartKey. "+
				"Please use ExclusiveStartKey with correct Segment. TotalSegments: %d Segment: %d", total, other))
			// Without segments the same key is a plain start key.
			in.Segment, in.TotalSegments = nil, nil
			if _, err := env.c.Scan(ctx, in); err != nil {
				t.Fatalf("index %q: the key without segments: %v", index, err)
			}
		}
		if len(leks) == 0 {
			t.Fatalf("index %q: no segment had a second page", index)
		}
	}
}

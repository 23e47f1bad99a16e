package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	stypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"

	"dynalab/engine/enginetest"
)

// TestCrashKeepsWritesAndStreamRecordsTogether kills the real server
// (SIGKILL) in the middle of a concurrent write load with --sync always,
// restarts it on the same file and checks that every acknowledged write is
// there with its stream record, and that no stream record exists without
// its write: the item and its record commit in one storage transaction.
func TestCrashKeepsWritesAndStreamRecordsTogether(t *testing.T) {
	if runtime.GOOS == "windows" || testing.Short() {
		t.Skip("needs a build of the binary and POSIX SIGKILL; skipped on Windows and under -short")
	}
	t.Parallel()
	dir := t.TempDir()
	bin := binary(t)
	path := filepath.Join(dir, "crash.db")
	ctx := enginetest.Ctx(t)

	srv, endpoint := startServer(t, bin, path)
	c := enginetest.NewClient(endpoint)
	if _, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("Crash"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("PK"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("PK"), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
		StreamSpecification:  &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeNewAndOldImages},
	}); err != nil {
		t.Fatal(err)
	}

	// The load: each worker puts a key with n=0 and then increments n
	// three times, key after key, recording what was acknowledged.
	const workers = 8
	var mu sync.Mutex
	acked := map[string]int{} // key → the n of its last acknowledged write
	var total atomic.Int64
	const killAfter = 300 // acknowledged writes, so that the kill lands in a running load
	reached := make(chan struct{})
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; ; j++ {
				key := fmt.Sprintf("w%d-%d", w, j)
				for step := 0; step < 4; step++ {
					var err error
					if step == 0 {
						_, err = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Crash"),
							Item: map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: key}, "n": &types.AttributeValueMemberN{Value: "0"}}})
					} else {
						_, err = c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("Crash"),
							Key: map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: key}}, UpdateExpression: aws.String("SET n = n + :one"),
							ExpressionAttributeValues: map[string]types.AttributeValue{":one": &types.AttributeValueMemberN{Value: "1"}}})
					}
					if err != nil {
						return // the server is gone
					}
					mu.Lock()
					acked[key] = step
					mu.Unlock()
					if total.Add(1) == killAfter {
						close(reached)
					}
				}
			}
		}()
	}
	select {
	case <-reached:
	case <-time.After(10 * time.Second): // a slow disk: kill whatever the load has reached
	}
	if err := srv.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	_ = srv.Wait()
	wg.Wait()
	if total.Load() == 0 {
		t.Fatal("no write was acknowledged before the kill")
	}

	srv2, endpoint := startServer(t, bin, path)
	defer func() { _ = srv2.Process.Kill(); _ = srv2.Wait() }()
	items, records := readBack(t, ctx, endpoint)
	for key, n := range acked {
		got, ok := items[key]
		if !ok || got < n {
			t.Errorf("acknowledged write lost: %s has n=%d (present %v), acknowledged n=%d", key, got, ok, n)
		}
	}
	for key, n := range items {
		recs := records[key]
		want := []string{"INSERT 0"}
		for i := 1; i <= n; i++ {
			want = append(want, "MODIFY "+strconv.Itoa(i))
		}
		if fmt.Sprint(recs) != fmt.Sprint(want) {
			t.Errorf("%s (n=%d): records %v, want %v", key, n, recs, want)
		}
	}
	for key := range records {
		if _, ok := items[key]; !ok {
			t.Errorf("stream records %v for %s, which is not in the table", records[key], key)
		}
	}
	t.Logf("%d writes acknowledged before SIGKILL; %d items and their records checked after restart", total.Load(), len(items))
	_ = srv2.Process.Kill()
	_ = srv2.Wait()
	checkFile(t, bin, path)
}

// readBack returns every item's n and, per key, its stream records as
// "EVENT n" in stream order.
func readBack(t *testing.T, ctx context.Context, endpoint string) (map[string]int, map[string][]string) {
	t.Helper()
	c := enginetest.NewClient(endpoint)
	items := map[string]int{}
	var start map[string]types.AttributeValue
	for {
		out, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("Crash"), ExclusiveStartKey: start})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range out.Items {
			n, _ := strconv.Atoi(it["n"].(*types.AttributeValueMemberN).Value)
			items[it["PK"].(*types.AttributeValueMemberS).Value] = n
		}
		if start = out.LastEvaluatedKey; start == nil {
			break
		}
	}
	d, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("Crash")})
	if err != nil {
		t.Fatal(err)
	}
	sc := enginetest.NewStreamsClient(endpoint)
	arn := d.Table.LatestStreamArn
	ds, err := sc.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: arn})
	if err != nil {
		t.Fatal(err)
	}
	records := map[string][]string{}
	for _, sh := range ds.StreamDescription.Shards {
		it, err := sc.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: arn, ShardId: sh.ShardId,
			ShardIteratorType: stypes.ShardIteratorTypeTrimHorizon})
		if err != nil {
			t.Fatal(err)
		}
		iter := it.ShardIterator
		for iter != nil {
			out, err := sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: iter})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range out.Records {
				key := r.Dynamodb.Keys["PK"].(*stypes.AttributeValueMemberS).Value
				n := r.Dynamodb.NewImage["n"].(*stypes.AttributeValueMemberN).Value
				records[key] = append(records[key], string(r.EventName)+" "+n)
			}
			if len(out.Records) == 0 {
				break
			}
			iter = out.NextShardIterator
		}
	}
	return items, records
}

package cli

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"dynalab/engine/enginetest"
)

// TestSigkillLosesNoAcknowledgedWrite runs "serve --sync always" (group
// commit: concurrent writers share fsyncs) under 32 concurrent writers,
// kills it with SIGKILL mid-load, restarts it on the same file and checks
// that every acknowledged write is there, with the table's item count
// matching its items. Three kill cycles on one file, about a second of
// load each.
func TestSigkillLosesNoAcknowledgedWrite(t *testing.T) {
	if runtime.GOOS == "windows" || testing.Short() {
		t.Skip("needs a build of the binary and POSIX SIGKILL; skipped on Windows and under -short")
	}
	t.Parallel()
	dir := t.TempDir()
	bin := binary(t)
	path := filepath.Join(dir, "kill.db")
	ctx := enginetest.Ctx(t)
	payload := strings.Repeat("p", 500)

	acked := map[string]string{} // key → value of its last acknowledged write
	var mu sync.Mutex
	for cycle := range 3 {
		srv, endpoint := startServer(t, bin, path)
		c := enginetest.NewClient(endpoint)
		if cycle == 0 {
			if _, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
				TableName:            aws.String("Kill"),
				AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("PK"), AttributeType: types.ScalarAttributeTypeS}},
				KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("PK"), KeyType: types.KeyTypeHash}},
				BillingMode:          types.BillingModePayPerRequest,
			}); err != nil {
				t.Fatal(err)
			}
		} else {
			checkAcked(t, c, acked, cycle)
		}
		const workers = 32
		var total atomic.Int64
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := 0; ; j++ {
					// Overwrite earlier keys too, so that a lost
					// overwrite would show as an old value.
					key := fmt.Sprintf("w%d-%d", w, j%50)
					val := fmt.Sprintf("c%d-j%d-%s", cycle, j, payload)
					_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Kill"),
						Item: map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: key}, "v": &types.AttributeValueMemberS{Value: val}}})
					if err != nil {
						return // the server is gone
					}
					mu.Lock()
					acked[key] = val
					mu.Unlock()
					total.Add(1)
				}
			}()
		}
		time.Sleep(time.Duration(700+300*cycle) * time.Millisecond)
		if err := srv.Process.Kill(); err != nil { // SIGKILL
			t.Fatal(err)
		}
		_ = srv.Wait()
		wg.Wait()
		if total.Load() == 0 {
			t.Fatalf("cycle %d: no write was acknowledged before the kill", cycle)
		}
		t.Logf("cycle %d: %d writes acknowledged before SIGKILL", cycle, total.Load())
		checkFile(t, bin, path) // what the kill left is consistent
	}
	srv, endpoint := startServer(t, bin, path)
	defer func() { _ = srv.Process.Kill(); _ = srv.Wait() }()
	checkAcked(t, enginetest.NewClient(endpoint), acked, 3)
	_ = srv.Process.Kill()
	_ = srv.Wait()
	checkFile(t, bin, path)
}

// checkAcked scans the table: every acknowledged write must be there —
// its value, or one written after it by a write whose acknowledgment the
// kill cut off (same key, later value) — and the table's ItemCount must
// count exactly the items.
func checkAcked(t *testing.T, c *dynamodb.Client, acked map[string]string, cycle int) {
	t.Helper()
	ctx := enginetest.Ctx(t)
	items := map[string]string{}
	var start map[string]types.AttributeValue
	for {
		out, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("Kill"), ExclusiveStartKey: start, ConsistentRead: aws.Bool(true)})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range out.Items {
			items[it["PK"].(*types.AttributeValueMemberS).Value] = it["v"].(*types.AttributeValueMemberS).Value
		}
		if start = out.LastEvaluatedKey; start == nil {
			break
		}
	}
	lost := 0
	for key, want := range acked {
		got, ok := items[key]
		if !ok || valueOrder(got) < valueOrder(want) {
			if lost++; lost <= 5 {
				t.Errorf("after kill %d: acknowledged write lost: %s = %.12s…, has %.12s… (present %v)", cycle, key, want, got, ok)
			}
		}
	}
	if lost > 0 {
		t.Fatalf("after kill %d: %d of %d acknowledged writes lost", cycle, lost, len(acked))
	}
	d, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("Kill")})
	if err != nil {
		t.Fatal(err)
	}
	if n := aws.ToInt64(d.Table.ItemCount); n != int64(len(items)) {
		t.Errorf("after kill %d: ItemCount %d, %d items", cycle, n, len(items))
	}
}

// valueOrder orders the values a worker writes: cycle, then write number.
func valueOrder(v string) int {
	var c, j int
	fmt.Sscanf(v, "c%d-j%d-", &c, &j)
	return c*1_000_000 + j
}

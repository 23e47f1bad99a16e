package engine_test

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"dynalab/engine/enginetest"
)

// Index write and read capacity (Developer Guide, GSI and LSI pages: write
// capacity of index maintenance; API Reference ConsumedCapacity with
// ReturnConsumedCapacity INDEXES), on indexedTableInput's table:
//
//	GSI1  GPK               ALL
//	GSI2  GPK2, GSK (N)     INCLUDE [status]
//	LSI1  PK, LSK (N)       KEYS_ONLY

// capShape renders a ConsumedCapacity as "total | T=table | G1=… | L1=…".
func capShape(c *types.ConsumedCapacity) string {
	if c == nil {
		return "nil"
	}
	var b strings.Builder
	b.WriteString(ftoa(*c.CapacityUnits))
	if c.Table != nil {
		b.WriteString(" T=" + ftoa(*c.Table.CapacityUnits))
	}
	for _, name := range []string{"GSI1", "GSI2"} {
		if g, ok := c.GlobalSecondaryIndexes[name]; ok {
			b.WriteString(" " + name + "=" + ftoa(*g.CapacityUnits))
		}
	}
	if l, ok := c.LocalSecondaryIndexes["LSI1"]; ok {
		b.WriteString(" LSI1=" + ftoa(*l.CapacityUnits))
	}
	return b.String()
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func TestIndexWriteCapacity(t *testing.T) {
	e, _ := onlineIndexEnv(t)
	ctx := enginetest.Ctx(t)
	createIndexedTable(t, e.c, "Orders")
	idx := types.ReturnConsumedCapacityIndexes
	k := av{"PK": s("p"), "SK": s("s1")}
	update := func(expr string, vals av) string {
		t.Helper()
		var names map[string]string
		if strings.Contains(expr, "#s") {
			names = map[string]string{"#s": "status"}
		}
		out, err := e.c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("Orders"), Key: k,
			UpdateExpression: aws.String(expr), ExpressionAttributeNames: names, ExpressionAttributeValues: vals, ReturnConsumedCapacity: idx})
		if err != nil {
			t.Fatalf("UpdateItem %s: %v", expr, err)
		}
		return capShape(out.ConsumedCapacity)
	}
	// A 1,536-byte item: PK 3 + SK 4 + GPK 4 + GPK2 5 + GSK 5 + status 9
	// + LSK 5 + d 1,501 bytes.
	item := av{"PK": s("p"), "SK": s("s1"), "GPK": s("g"), "GPK2": s("h"), "GSK": n("1"), "status": s("new"), "LSK": n("5"),
		"d": s(strings.Repeat("x", 1500))}
	if got := itemSize(item); got != 1536 {
		t.Fatalf("test item is %d bytes", got)
	}
	steps := []struct {
		name string
		run  func() string
		want string
	}{
		// New item: table 2 (1,536 B); GSI1 2 (ALL: 1,536 B); GSI2 1
		// (26 B); LSI1 1 (12 B). Total 6.
		{"put new", func() string {
			out, err := e.c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Orders"), Item: item, ReturnConsumedCapacity: idx})
			if err != nil {
				t.Fatal(err)
			}
			return capShape(out.ConsumedCapacity)
		}, "6 T=2 GSI1=2 GSI2=1 LSI1=1"},
		// d shrinks to 100 B (item 136 B): table max(1,536, 136) = 2;
		// GSI1's entry changes (1 write of 136 B); d is not in GSI2 or LSI1.
		{"non-key change", func() string { return update("SET d = :d", av{":d": s(strings.Repeat("x", 100))}) }, "3 T=2 GSI1=1"},
		// A projected non-key attribute of GSI2: one write there.
		{"projected change", func() string { return update("SET #s = :s", av{":s": s("done")}) }, "3 T=1 GSI1=1 GSI2=1"},
		// GSI2's key changes: delete + put there.
		{"index key change", func() string { return update("SET GPK2 = :h", av{":h": s("h2")}) }, "4 T=1 GSI1=1 GSI2=2"},
		// LSI1's key removed: one delete there.
		{"index key removed", func() string { return update("REMOVE LSK", nil) }, "3 T=1 GSI1=1 LSI1=1"},
		// Not in LSI1 any more: the delete touches GSI1 and GSI2 only.
		{"delete", func() string {
			out, err := e.c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("Orders"), Key: k, ReturnConsumedCapacity: idx})
			if err != nil {
				t.Fatal(err)
			}
			return capShape(out.ConsumedCapacity)
		}, "3 T=1 GSI1=1 GSI2=1"},
		// In no index: the table alone, Table still reported.
		{"put unindexed", func() string {
			out, err := e.c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Orders"), Item: av{"PK": s("p"), "SK": s("s2")}, ReturnConsumedCapacity: idx})
			if err != nil {
				t.Fatal(err)
			}
			return capShape(out.ConsumedCapacity)
		}, "1 T=1"},
		// TOTAL: table + indexes, no breakdown.
		{"total", func() string {
			out, err := e.c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Orders"), Item: av{"PK": s("p"), "SK": s("s3"), "GPK": s("g")},
				ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal})
			if err != nil {
				t.Fatal(err)
			}
			return capShape(out.ConsumedCapacity)
		}, "2"},
		// Two new items in GSI1: table 1 + 1, GSI1 1 + 1.
		{"batch", func() string {
			out, err := e.c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{ReturnConsumedCapacity: idx, RequestItems: map[string][]types.WriteRequest{"Orders": {
				{PutRequest: &types.PutRequest{Item: av{"PK": s("b"), "SK": s("1"), "GPK": s("g")}}},
				{PutRequest: &types.PutRequest{Item: av{"PK": s("b"), "SK": s("2"), "GPK": s("g")}}},
			}}})
			if err != nil || len(out.ConsumedCapacity) != 1 {
				t.Fatalf("BatchWriteItem: %v %v", err, out)
			}
			return capShape(&out.ConsumedCapacity[0])
		}, "4 T=2 GSI1=2"},
		// Transactions: every write twice (prepare + commit), indexes too.
		{"transaction", func() string {
			out, err := e.c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{ReturnConsumedCapacity: idx, TransactItems: []types.TransactWriteItem{
				{Put: &types.Put{TableName: aws.String("Orders"), Item: av{"PK": s("x"), "SK": s("1"), "GPK": s("g"), "LSK": n("1")}}},
			}})
			if err != nil || len(out.ConsumedCapacity) != 1 {
				t.Fatalf("TransactWriteItems: %v %v", err, out)
			}
			return capShape(&out.ConsumedCapacity[0])
		}, "6 T=2 GSI1=2 LSI1=2"},
	}
	for _, st := range steps {
		if got := st.run(); got != st.want {
			t.Errorf("%s: ConsumedCapacity %s, want %s", st.name, got, st.want)
		}
	}
}

// TestIndexReadCapacity: Query and Scan on an index attribute their cost
// to the index under INDEXES.
func TestIndexReadCapacity(t *testing.T) {
	e, _ := onlineIndexEnv(t)
	ctx := enginetest.Ctx(t)
	createIndexedTable(t, e.c, "Orders")
	putItem(t, e.c, "Orders", av{"PK": s("p"), "SK": s("1"), "GPK": s("g"), "LSK": n("1"), "note": s("hello")})
	idx := types.ReturnConsumedCapacityIndexes
	q, err := e.c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("Orders"), IndexName: aws.String("GSI1"), ReturnConsumedCapacity: idx,
		KeyConditionExpression: aws.String("GPK = :g"), ExpressionAttributeValues: av{":g": s("g")}})
	if err != nil {
		t.Fatal(err)
	}
	// One small entry, eventually consistent: 0.5, all of it GSI1's.
	if got := capShape(q.ConsumedCapacity); got != "0.5 GSI1=0.5" {
		t.Errorf("Query GSI1: %s", got)
	}
	q, err = e.c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("Orders"), IndexName: aws.String("LSI1"), ReturnConsumedCapacity: idx,
		ConsistentRead: aws.Bool(true), KeyConditionExpression: aws.String("PK = :p"), ExpressionAttributeValues: av{":p": s("p")}})
	if err != nil {
		t.Fatal(err)
	}
	if got := capShape(q.ConsumedCapacity); got != "1 LSI1=1" {
		t.Errorf("Query LSI1: %s", got)
	}
	// Fetching a non-projected attribute through the LSI: the base read
	// is the table's.
	q, err = e.c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("Orders"), IndexName: aws.String("LSI1"), ReturnConsumedCapacity: idx,
		ConsistentRead: aws.Bool(true), KeyConditionExpression: aws.String("PK = :p"), ExpressionAttributeValues: av{":p": s("p")},
		ProjectionExpression: aws.String("note")})
	if err != nil {
		t.Fatal(err)
	}
	if got := capShape(q.ConsumedCapacity); got != "2 T=1 LSI1=1" {
		t.Errorf("Query LSI1 fetching note: %s", got)
	}
	sc, err := e.c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("Orders"), IndexName: aws.String("GSI1"), ReturnConsumedCapacity: idx})
	if err != nil {
		t.Fatal(err)
	}
	if got := capShape(sc.ConsumedCapacity); got != "0.5 GSI1=0.5" {
		t.Errorf("Scan GSI1: %s", got)
	}
}

// TestGSIThrottlesTableWrites: a GSI with 1 WCU banks 300 units of burst;
// once they are spent, writes to the table (which has plenty) are refused
// with the GSI variant, naming the index.
func TestGSIThrottlesTableWrites(t *testing.T) {
	e := newCapacityEnv(t)
	ctx := enginetest.Ctx(t)
	_, err := e.c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: aws.String("Tgsi"),
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String("id"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("g"), AttributeType: types.ScalarAttributeTypeS},
		},
		KeySchema:             []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: types.KeyTypeHash}},
		ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(10), WriteCapacityUnits: aws.Int64(100)},
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{IndexName: aws.String("Gix"),
			KeySchema:             []types.KeySchemaElement{{AttributeName: aws.String("g"), KeyType: types.KeyTypeHash}},
			Projection:            &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly},
			ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(1), WriteCapacityUnits: aws.Int64(1)}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	put := func(i int, g bool) error {
		it := av{"id": s(fmt.Sprintf("i%d", i))}
		if g {
			it["g"] = s(fmt.Sprintf("g%d", i%7))
		}
		_, err := e.c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Tgsi"), Item: it})
		return err
	}
	// Writes that skip the index cost it nothing.
	for i := range 50 {
		if err := put(1000+i, false); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 300 {
		if err := put(i, true); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	err = put(300, true)
	wantAPIError(t, err, "ProvisionedThroughputExceededException",
		"The level of configured provisioned throughput for one or more global secondary indexes of the table was exceeded. "+
			"Consider increasing your provisioning level for the under-provisioned global secondary indexes with the UpdateTable API")
	var pe *types.ProvisionedThroughputExceededException
	if !errors.As(err, &pe) || len(pe.ThrottlingReasons) != 1 || aws.ToString(pe.ThrottlingReasons[0].Reason) != "IndexWriteProvisionedThroughputExceeded" ||
		!strings.HasSuffix(aws.ToString(pe.ThrottlingReasons[0].Resource), ":table/Tgsi/index/Gix") {
		t.Fatalf("throttling reasons %+v", pe)
	}
	// The GSI's second: 300 units consumed, one throttled write; the
	// table's: 350 units.
	e.clock.Advance(time.Second)
	if err := e.db.RunMaintenance(); err != nil {
		t.Fatal(err)
	}
	h, err := e.db.IndexCapacityHistory("Tgsi", "Gix")
	if err != nil || len(h) == 0 {
		t.Fatalf("index history: %v %d", err, len(h))
	}
	last := h[len(h)-1]
	if last.Index != "Gix" || last.Table != "Tgsi" || last.ConsumedWCU != 300 || last.ThrottledWrites != 1 || last.ProvisionedWCU != 1 || last.ItemCount != 300 {
		t.Fatalf("GSI sample %+v", last)
	}
	th, _ := e.db.CapacityHistory("Tgsi")
	if tl := th[len(th)-1]; tl.Index != "" || tl.ConsumedWCU != 350 || tl.ThrottledWrites != 1 {
		t.Fatalf("table sample %+v", tl)
	}
	// A second later the GSI has 1 unit again: one write passes.
	if err := put(301, true); err != nil {
		t.Fatalf("after a refill: %v", err)
	}
	var buf bytes.Buffer
	if err := e.db.WriteMetrics(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `dynalab_consumed_write_capacity_units_total{table="Tgsi",index="Gix"} 301`) {
		t.Fatalf("metrics lack the GSI's series:\n%s", buf.String())
	}
}

// TestItemWithLSIProjectionsSizeLimit: an item plus its projections into
// the table's LSIs may not exceed 400 KB (Developer Guide, Constraints:
// item size).
func TestItemWithLSIProjectionsSizeLimit(t *testing.T) {
	e, _ := onlineIndexEnv(t)
	ctx := enginetest.Ctx(t)
	in := indexedTableInput("Orders")
	in.GlobalSecondaryIndexes = nil
	in.AttributeDefinitions = []types.AttributeDefinition{
		{AttributeName: aws.String("PK"), AttributeType: types.ScalarAttributeTypeS},
		{AttributeName: aws.String("SK"), AttributeType: types.ScalarAttributeTypeS},
		{AttributeName: aws.String("LSK"), AttributeType: types.ScalarAttributeTypeN},
	}
	in.LocalSecondaryIndexes[0].Projection = &types.Projection{ProjectionType: types.ProjectionTypeAll}
	if _, err := e.c.CreateTable(ctx, in); err != nil {
		t.Fatal(err)
	}
	big := padItem("p", "s", 250*1024)
	putItem(t, e.c, "Orders", big) // not in LSI1: 250 KB alone
	big["LSK"] = n("1")            // in LSI1 (ALL): about 500 KB with its projection
	_, err := e.c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Orders"), Item: big})
	wantAPIError(t, err, "ValidationException", "Item size has exceeded the maximum allowed size")
	_, err = e.c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("Orders"), Key: key("p", "s"),
		UpdateExpression: aws.String("SET LSK = :v"), ExpressionAttributeValues: av{":v": n("1")}})
	wantAPIError(t, err, "ValidationException", "Item size to update has exceeded the maximum allowed size")
	small := padItem("p", "t", 150*1024)
	small["LSK"] = n("1") // 300 KB with its projection
	putItem(t, e.c, "Orders", small)
}

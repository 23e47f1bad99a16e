package engine_test

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"dynalab/engine"
	"dynalab/engine/enginetest"
)

// Online GSI changes through UpdateTable: the backfill and removal are
// stepped with RunMaintenance (no background worker, injected clock).

func onlineIndexEnv(t *testing.T) (sdkEnv, engine.Options) {
	clock := enginetest.NewClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	opts := engine.Options{Clock: clock.Now, SweepInterval: -1}
	return newSDKEnv(t, opts), opts
}

// batchPut writes items 25 at a time.
func batchPut(t *testing.T, c *dynamodb.Client, table string, items []av) {
	t.Helper()
	for i := 0; i < len(items); i += 25 {
		var reqs []types.WriteRequest
		for _, it := range items[i:min(i+25, len(items))] {
			reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: it}})
		}
		out, err := c.BatchWriteItem(enginetest.Ctx(t), &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{table: reqs}}, retryTransport)
		if err != nil || len(out.UnprocessedItems) > 0 {
			t.Fatalf("BatchWriteItem: %v (%d unprocessed)", err, len(out.UnprocessedItems))
		}
	}
}

// createGSIInput is an UpdateTable that adds GSI name on the S attribute
// hash (and N attribute rng unless ""), projecting ALL.
func createGSIInput(table, name, hash, rng string) *dynamodb.UpdateTableInput {
	defs := []types.AttributeDefinition{{AttributeName: aws.String(hash), AttributeType: types.ScalarAttributeTypeS}}
	ks := []types.KeySchemaElement{{AttributeName: aws.String(hash), KeyType: types.KeyTypeHash}}
	if rng != "" {
		defs = append(defs, types.AttributeDefinition{AttributeName: aws.String(rng), AttributeType: types.ScalarAttributeTypeN})
		ks = append(ks, types.KeySchemaElement{AttributeName: aws.String(rng), KeyType: types.KeyTypeRange})
	}
	return &dynamodb.UpdateTableInput{
		TableName:            aws.String(table),
		AttributeDefinitions: defs,
		GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Create: &types.CreateGlobalSecondaryIndexAction{
			IndexName: aws.String(name), KeySchema: ks, Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		}}},
	}
}

// scanIndex returns every entry of an index, paging.
func scanIndex(t *testing.T, c *dynamodb.Client, table, index string) []av {
	t.Helper()
	var all []av
	in := &dynamodb.ScanInput{TableName: aws.String(table), IndexName: aws.String(index)}
	for {
		out, err := c.Scan(enginetest.Ctx(t), in, retryTransport)
		if err != nil {
			t.Fatalf("Scan %s: %v", index, err)
		}
		all = append(all, out.Items...)
		if out.LastEvaluatedKey == nil {
			return all
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

func gsiOf(t *testing.T, c *dynamodb.Client, table, name string) *types.GlobalSecondaryIndexDescription {
	t.Helper()
	for _, g := range describe(t, c, table).GlobalSecondaryIndexes {
		if *g.IndexName == name {
			return &g
		}
	}
	return nil
}

// checkIndexExact compares an index on the S attribute "G" (projection
// ALL) with the table's items: every item with an S value of G exactly
// once, and DescribeTable's ItemCount and IndexSizeBytes to match.
func checkIndexExact(t *testing.T, c *dynamodb.Client, table, index string, items map[string]av) {
	t.Helper()
	want, size := 0, 0
	for _, it := range items {
		if g, ok := it["G"].(*types.AttributeValueMemberS); ok && g.Value != "" {
			want++
			size += itemSize(it)
		}
	}
	seen := map[string]bool{}
	for _, e := range scanIndex(t, c, table, index) {
		pk := e["PK"].(*types.AttributeValueMemberS).Value
		if seen[pk] {
			t.Fatalf("item %s indexed twice", pk)
		}
		seen[pk] = true
		it, ok := items[pk]
		if !ok {
			t.Fatalf("index entry %s for an item that does not exist", showItem(e))
		}
		if !itemEqual(e, it) {
			t.Fatalf("index entry %s, item %s", showItem(e), showItem(it))
		}
	}
	if len(seen) != want {
		t.Fatalf("index holds %d entries, want %d", len(seen), want)
	}
	g := gsiOf(t, c, table, index)
	if *g.ItemCount != int64(want) || *g.IndexSizeBytes != int64(size) {
		t.Fatalf("DescribeTable: ItemCount %d IndexSizeBytes %d, want %d and %d", *g.ItemCount, *g.IndexSizeBytes, want, size)
	}
}

// runUntilActive steps RunMaintenance until the index is ACTIVE.
func runUntilActive(t *testing.T, db *engine.DB, c *dynamodb.Client, table, index string, maxRuns int) int {
	t.Helper()
	for runs := 1; runs <= maxRuns; runs++ {
		if err := db.RunMaintenance(); err != nil {
			t.Fatalf("RunMaintenance: %v", err)
		}
		if g := gsiOf(t, c, table, index); g.IndexStatus == types.IndexStatusActive {
			if g.Backfilling != nil {
				t.Fatalf("ACTIVE index still says Backfilling=%v", *g.Backfilling)
			}
			return runs
		}
	}
	t.Fatalf("%s not ACTIVE after %d runs", index, maxRuns)
	return 0
}

// TestAddGSIToLargeTable adds a GSI to a 10,000-item table, writes to it
// while it is being backfilled (before and after the backfill cursor: the
// items are in hash order, the changes random), and checks every item is
// indexed exactly once once it is ACTIVE.
func TestAddGSIToLargeTable(t *testing.T) {
	e, _ := onlineIndexEnv(t)
	ctx := enginetest.Ctx(t)
	createTable(t, e.c, "Big", keyDef{"PK", types.ScalarAttributeTypeS}, keyDef{})
	items := map[string]av{}
	var list []av
	for i := range 10_000 {
		pk := fmt.Sprintf("item%05d", i)
		it := av{"PK": s(pk), "v": n(strconv.Itoa(i))}
		switch {
		case i%7 == 0:
			it["G"] = n(strconv.Itoa(i)) // wrong type: skipped by the backfill
		case i%3 == 0:
			// no G: not in the (sparse) index
		default:
			it["G"] = s(fmt.Sprintf("g%02d", i%50))
		}
		items[pk] = it
		list = append(list, it)
	}
	batchPut(t, e.c, "Big", list)

	out, err := e.c.UpdateTable(ctx, createGSIInput("Big", "ByG", "G", ""))
	if err != nil {
		t.Fatalf("UpdateTable: %v", err)
	}
	g := out.TableDescription.GlobalSecondaryIndexes
	if len(g) != 1 || g[0].IndexStatus != types.IndexStatusCreating || g[0].Backfilling == nil || !*g[0].Backfilling {
		t.Fatalf("UpdateTable answered %+v", g)
	}
	_, err = e.c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("Big"), IndexName: aws.String("ByG"),
		KeyConditionExpression: aws.String("G = :g"), ExpressionAttributeValues: av{":g": s("g01")}})
	wantAPIError(t, err, "ValidationException", "Cannot read from backfilling global secondary index: ByG")

	engine.SetIndexPace(e.db, 1000, 1)
	for range 4 {
		if err := e.db.RunMaintenance(); err != nil {
			t.Fatal(err)
		}
	}
	if g := gsiOf(t, e.c, "Big", "ByG"); g.IndexStatus != types.IndexStatusCreating || *g.ItemCount == 0 {
		t.Fatalf("after 4 of 10 batches: %s with %d entries", g.IndexStatus, *g.ItemCount)
	}

	// Writes while the backfill is 40% through.
	rng := rand.New(rand.NewPCG(5, 8))
	for i := range 600 {
		pk := fmt.Sprintf("item%05d", rng.IntN(10_000))
		switch i % 5 {
		case 0: // delete
			if _, err := e.c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("Big"), Key: av{"PK": s(pk)}}); err != nil {
				t.Fatal(err)
			}
			delete(items, pk)
		case 1: // new item
			pk = fmt.Sprintf("new%05d", i)
			it := av{"PK": s(pk), "G": s("gnew")}
			putItem(t, e.c, "Big", it)
			items[pk] = it
		case 2: // remove the index key
			if it, ok := items[pk]; ok && !isN(it["G"]) {
				upd(t, e.c, pk, "REMOVE G", nil)
				delete(it, "G")
			}
		case 3: // change the index key (or add one)
			if it, ok := items[pk]; ok && !isN(it["G"]) {
				upd(t, e.c, pk, "SET G = :g", av{":g": s("moved")})
				it["G"] = s("moved")
			}
		case 4: // change a non-key attribute
			if it, ok := items[pk]; ok && !isN(it["G"]) {
				upd(t, e.c, pk, "SET v = :v", av{":v": n("-1")})
				it["v"] = n("-1")
			}
		}
	}
	// A wrong-type index key is refused from now on.
	_, err = e.c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Big"), Item: av{"PK": s("bad"), "G": n("1")}})
	wantAPIError(t, err, "ValidationException", "One or more parameter values were invalid: Type mismatch for Index Key G Expected: S Actual: N IndexName: ByG")

	runUntilActive(t, e.db, e.c, "Big", "ByG", 20)
	checkIndexExact(t, e.c, "Big", "ByG", items)

	// Query the new index.
	qout, err := e.c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("Big"), IndexName: aws.String("ByG"),
		KeyConditionExpression: aws.String("G = :g"), ExpressionAttributeValues: av{":g": s("gnew")}})
	if err != nil || qout.Count != 120 || qout.LastEvaluatedKey != nil {
		t.Fatalf("Query gnew: %v, %d items, want 120", err, qout.Count)
	}
	if d := describe(t, e.c, "Big"); len(d.AttributeDefinitions) != 2 {
		t.Fatalf("AttributeDefinitions %v", d.AttributeDefinitions)
	}
}

func isN(v types.AttributeValue) bool {
	_, ok := v.(*types.AttributeValueMemberN)
	return ok
}

func upd(t *testing.T, c *dynamodb.Client, pk, expr string, vals av) {
	t.Helper()
	_, err := c.UpdateItem(enginetest.Ctx(t), &dynamodb.UpdateItemInput{TableName: aws.String("Big"), Key: av{"PK": s(pk)},
		UpdateExpression: aws.String(expr), ExpressionAttributeValues: vals})
	if err != nil {
		t.Fatalf("UpdateItem %s %s: %v", pk, expr, err)
	}
}

// TestBackfillResumesAfterRestart stops a backfill half way, reopens the
// database and lets it finish.
func TestBackfillResumesAfterRestart(t *testing.T) {
	e, opts := onlineIndexEnv(t)
	createTable(t, e.c, "Big", keyDef{"PK", types.ScalarAttributeTypeS}, keyDef{})
	items := map[string]av{}
	var list []av
	for i := range 3000 {
		pk := fmt.Sprintf("item%05d", i)
		it := av{"PK": s(pk), "G": s(fmt.Sprintf("g%d", i%10))}
		items[pk] = it
		list = append(list, it)
	}
	batchPut(t, e.c, "Big", list)
	if _, err := e.c.UpdateTable(enginetest.Ctx(t), createGSIInput("Big", "ByG", "G", "")); err != nil {
		t.Fatal(err)
	}
	engine.SetIndexPace(e.db, 700, 1)
	for range 2 {
		if err := e.db.RunMaintenance(); err != nil {
			t.Fatal(err)
		}
	}
	if g := gsiOf(t, e.c, "Big", "ByG"); *g.ItemCount != 1400 {
		t.Fatalf("after two batches of 700: %d entries", *g.ItemCount)
	}
	db := enginetest.Reopen(t, e.db, opts)
	c := enginetest.Client(t, db)
	engine.SetIndexPace(db, 700, 1)
	if g := gsiOf(t, c, "Big", "ByG"); g.IndexStatus != types.IndexStatusCreating || *g.ItemCount != 1400 {
		t.Fatalf("after reopen: %s, %d entries", g.IndexStatus, *g.ItemCount)
	}
	// 3000 items: three more batches, the last of which reaches the end.
	if runs := runUntilActive(t, db, c, "Big", "ByG", 10); runs != 3 {
		t.Fatalf("ACTIVE after %d more runs, want 3 (resumed at the cursor)", runs)
	}
	checkIndexExact(t, c, "Big", "ByG", items)
}

// TestDeleteGSI deletes a GSI: DELETING (not readable, not maintained),
// entries removed in batches, then gone with its attribute definition.
func TestDeleteGSI(t *testing.T) {
	e, _ := onlineIndexEnv(t)
	ctx := enginetest.Ctx(t)
	createIndexedTable(t, e.c, "Orders")
	var list []av
	for i := range 100 {
		list = append(list, withKey("p"+strconv.Itoa(i%10), "s"+strconv.Itoa(i), av{"GPK": s("g" + strconv.Itoa(i%4))}))
	}
	batchPut(t, e.c, "Orders", list)
	out, err := e.c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("Orders"),
		GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Delete: &types.DeleteGlobalSecondaryIndexAction{IndexName: aws.String("GSI1")}}}})
	if err != nil {
		t.Fatal(err)
	}
	if g := out.TableDescription.GlobalSecondaryIndexes[0]; *g.IndexName != "GSI1" || g.IndexStatus != types.IndexStatusDeleting {
		t.Fatalf("UpdateTable answered %s %s", *g.IndexName, g.IndexStatus)
	}
	_, err = e.c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("Orders"), IndexName: aws.String("GSI1"),
		KeyConditionExpression: aws.String("GPK = :g"), ExpressionAttributeValues: av{":g": s("g1")}})
	wantAPIError(t, err, "ValidationException", "The table does not have the specified index: GSI1")
	// Another online change waits for this one.
	_, err = e.c.UpdateTable(ctx, createGSIInput("Orders", "GSI9", "x", ""))
	wantAPIError(t, err, "LimitExceededException", "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table")

	engine.SetIndexPace(e.db, 30, 1)
	for range 2 {
		if err := e.db.RunMaintenance(); err != nil {
			t.Fatal(err)
		}
	}
	if g := gsiOf(t, e.c, "Orders", "GSI1"); g == nil || g.IndexStatus != types.IndexStatusDeleting || *g.ItemCount != 40 {
		t.Fatalf("after two batches of 30: %+v", g)
	}
	for range 3 {
		if err := e.db.RunMaintenance(); err != nil {
			t.Fatal(err)
		}
	}
	d := describe(t, e.c, "Orders")
	if len(d.GlobalSecondaryIndexes) != 1 || *d.GlobalSecondaryIndexes[0].IndexName != "GSI2" {
		t.Fatalf("GSIs after the removal: %+v", d.GlobalSecondaryIndexes)
	}
	for _, a := range d.AttributeDefinitions {
		if *a.AttributeName == "GPK" {
			t.Fatal("GPK still defined after its only index is gone")
		}
	}
	// GPK is an ordinary attribute again; a new index may use the name.
	putItem(t, e.c, "Orders", withKey("p1", "n", av{"GPK": n("5")}))
	if _, err := e.c.UpdateTable(ctx, createGSIInput("Orders", "GSI1", "G", "")); err != nil {
		t.Fatalf("re-adding GSI1: %v", err)
	}
	// Deleting the index being built is allowed.
	if _, err := e.c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("Orders"),
		GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Delete: &types.DeleteGlobalSecondaryIndexAction{IndexName: aws.String("GSI1")}}}}); err != nil {
		t.Fatalf("deleting a CREATING index: %v", err)
	}
	for range 3 {
		if err := e.db.RunMaintenance(); err != nil {
			t.Fatal(err)
		}
	}
	if g := gsiOf(t, e.c, "Orders", "GSI1"); g != nil {
		t.Fatalf("GSI1 still there: %+v", g)
	}
}

func TestUpdateTableIndexValidation(t *testing.T) {
	e, _ := onlineIndexEnv(t)
	ctx := enginetest.Ctx(t)
	createIndexedTable(t, e.c, "Orders")
	const bad = "One or more parameter values were invalid: "
	del := func(name string) types.GlobalSecondaryIndexUpdate {
		return types.GlobalSecondaryIndexUpdate{Delete: &types.DeleteGlobalSecondaryIndexAction{IndexName: aws.String(name)}}
	}
	create := func(name, attr string) types.GlobalSecondaryIndexUpdate {
		return createGSIInput("Orders", name, attr, "").GlobalSecondaryIndexUpdates[0]
	}
	sDef := []types.AttributeDefinition{{AttributeName: aws.String("x"), AttributeType: types.ScalarAttributeTypeS}}
	pt := &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(5), WriteCapacityUnits: aws.Int64(5)}
	cases := []struct {
		name    string
		defs    []types.AttributeDefinition
		updates []types.GlobalSecondaryIndexUpdate
		code    string
		msg     string
	}{
		{"empty element", nil, []types.GlobalSecondaryIndexUpdate{{}}, "ValidationException",
			bad + "One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete must not be null"},
		{"two creates", sDef, []types.GlobalSecondaryIndexUpdate{create("A1x", "x"), create("A2x", "x")}, "LimitExceededException",
			"Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table"},
		{"create and delete", sDef, []types.GlobalSecondaryIndexUpdate{create("A1x", "x"), del("GSI1")}, "LimitExceededException", ""},
		{"same index twice", nil, []types.GlobalSecondaryIndexUpdate{del("GSI1"), {Update: &types.UpdateGlobalSecondaryIndexAction{IndexName: aws.String("GSI1"), ProvisionedThroughput: pt}}},
			"ValidationException", bad + "Only one global secondary index update per index is allowed simultaneously. Index: GSI1"},
		{"undefined key", nil, []types.GlobalSecondaryIndexUpdate{create("A1x", "x")}, "ValidationException",
			bad + "Some index key attributes are not defined in AttributeDefinitions. Keys: [x], AttributeDefinitions: []"},
		{"existing name", sDef, []types.GlobalSecondaryIndexUpdate{create("LSI1", "x")}, "ValidationException", bad + "Index with name: LSI1 already exists"},
		{"redefined type", []types.AttributeDefinition{{AttributeName: aws.String("GSK"), AttributeType: types.ScalarAttributeTypeS}},
			[]types.GlobalSecondaryIndexUpdate{create("A1x", "GSK")}, "ValidationException", ""},
		{"throughput on demand", sDef, []types.GlobalSecondaryIndexUpdate{{Create: &types.CreateGlobalSecondaryIndexAction{IndexName: aws.String("A1x"),
			KeySchema: []types.KeySchemaElement{{AttributeName: aws.String("x"), KeyType: types.KeyTypeHash}}, Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
			ProvisionedThroughput: pt}}}, "ValidationException", bad + "ProvisionedThroughput should not be specified for index: A1x when BillingMode is PAY_PER_REQUEST"},
		{"delete unknown", nil, []types.GlobalSecondaryIndexUpdate{del("nope")}, "ResourceNotFoundException", ""},
		{"delete LSI", nil, []types.GlobalSecondaryIndexUpdate{del("LSI1")}, "ValidationException", ""},
		{"update on demand", nil, []types.GlobalSecondaryIndexUpdate{{Update: &types.UpdateGlobalSecondaryIndexAction{IndexName: aws.String("GSI1"), ProvisionedThroughput: pt}}},
			"ValidationException", bad + "ProvisionedThroughput should not be specified for index: GSI1 when BillingMode is PAY_PER_REQUEST"},
	}
	for _, tc := range cases {
		_, err := e.c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("Orders"), AttributeDefinitions: tc.defs, GlobalSecondaryIndexUpdates: tc.updates})
		if err == nil {
			t.Fatalf("%s: accepted", tc.name)
		}
		t.Run(tc.name, func(t *testing.T) { wantAPIError(t, err, tc.code, tc.msg) })
	}
	// A second create while one is being built.
	if _, err := e.c.UpdateTable(ctx, createGSIInput("Orders", "A1x", "x", "")); err != nil {
		t.Fatal(err)
	}
	_, err := e.c.UpdateTable(ctx, createGSIInput("Orders", "A2x", "y", ""))
	wantAPIError(t, err, "LimitExceededException", "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table")
}

// TestUpdateGSIThroughput re-provisions a GSI of a provisioned table.
func TestUpdateGSIThroughput(t *testing.T) {
	e, _ := onlineIndexEnv(t)
	ctx := enginetest.Ctx(t)
	in := indexedTableInput("Orders")
	in.BillingMode = types.BillingModeProvisioned
	pt := func(r, w int64) *types.ProvisionedThroughput {
		return &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(r), WriteCapacityUnits: aws.Int64(w)}
	}
	in.ProvisionedThroughput = pt(5, 5)
	for i := range in.GlobalSecondaryIndexes {
		in.GlobalSecondaryIndexes[i].ProvisionedThroughput = pt(2, 3)
	}
	if _, err := e.c.CreateTable(ctx, in); err != nil {
		t.Fatal(err)
	}
	update := func(r, w int64) error {
		_, err := e.c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("Orders"),
			GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Update: &types.UpdateGlobalSecondaryIndexAction{IndexName: aws.String("GSI2"), ProvisionedThroughput: pt(r, w)}}}})
		return err
	}
	if err := update(7, 11); err != nil {
		t.Fatal(err)
	}
	g := gsiOf(t, e.c, "Orders", "GSI2")
	if *g.ProvisionedThroughput.ReadCapacityUnits != 7 || *g.ProvisionedThroughput.WriteCapacityUnits != 11 || g.IndexStatus != types.IndexStatusActive {
		t.Fatalf("GSI2 after the update: %+v", g.ProvisionedThroughput)
	}
	wantAPIError(t, update(7, 11), "ValidationException", "")
	wantAPIError(t, update(2_000_000_000_000, 1), "ValidationException",
		"This operation cannot be performed with given input values. Please contact DynamoDB service team for more info: Action Blocked: IndexUpdate")
	// A provisioned table's new GSI needs throughput.
	_, err := e.c.UpdateTable(ctx, createGSIInput("Orders", "GSI3", "x", ""))
	wantAPIError(t, err, "ValidationException", "One or more parameter values were invalid: ProvisionedThroughput is not specified for index: GSI3")
	// Switching to on-demand zeroes the GSIs' throughput.
	if _, err := e.c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("Orders"), BillingMode: types.BillingModePayPerRequest}); err != nil {
		t.Fatal(err)
	}
	if g := gsiOf(t, e.c, "Orders", "GSI2"); *g.ProvisionedThroughput.WriteCapacityUnits != 0 {
		t.Fatalf("on-demand GSI2 has %d WCU", *g.ProvisionedThroughput.WriteCapacityUnits)
	}
}

package engine_test

import (
	"errors"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"dynalab/engine"
	"dynalab/engine/enginetest"
)

// indexedTableInput is a PK/SK table with three indexes:
//
//	GSI1  GPK (S)                 ALL
//	GSI2  GPK2 (S), GSK (N)       INCLUDE [status]
//	LSI1  PK (S), LSK (N)         KEYS_ONLY
func indexedTableInput(name string) *dynamodb.CreateTableInput {
	def := func(n string, typ types.ScalarAttributeType) types.AttributeDefinition {
		return types.AttributeDefinition{AttributeName: aws.String(n), AttributeType: typ}
	}
	ks := func(h, r string) []types.KeySchemaElement {
		k := []types.KeySchemaElement{{AttributeName: aws.String(h), KeyType: types.KeyTypeHash}}
		if r != "" {
			k = append(k, types.KeySchemaElement{AttributeName: aws.String(r), KeyType: types.KeyTypeRange})
		}
		return k
	}
	return &dynamodb.CreateTableInput{
		TableName: aws.String(name),
		AttributeDefinitions: []types.AttributeDefinition{
			def("PK", types.ScalarAttributeTypeS), def("SK", types.ScalarAttributeTypeS), def("GPK", types.ScalarAttributeTypeS),
			def("GPK2", types.ScalarAttributeTypeS), def("GSK", types.ScalarAttributeTypeN), def("LSK", types.ScalarAttributeTypeN),
		},
		KeySchema:   ks("PK", "SK"),
		BillingMode: types.BillingModePayPerRequest,
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{
			{IndexName: aws.String("GSI1"), KeySchema: ks("GPK", ""), Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}},
			{IndexName: aws.String("GSI2"), KeySchema: ks("GPK2", "GSK"), Projection: &types.Projection{ProjectionType: types.ProjectionTypeInclude, NonKeyAttributes: []string{"status"}}},
		},
		LocalSecondaryIndexes: []types.LocalSecondaryIndex{
			{IndexName: aws.String("LSI1"), KeySchema: ks("PK", "LSK"), Projection: &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly}},
		},
	}
}

func createIndexedTable(t *testing.T, c *dynamodb.Client, name string) *types.TableDescription {
	t.Helper()
	out, err := c.CreateTable(enginetest.Ctx(t), indexedTableInput(name))
	if err != nil {
		t.Fatalf("CreateTable %s: %v", name, err)
	}
	return out.TableDescription
}

// indexCounts returns "name=count/bytes" for every index of the table.
func indexCounts(t *testing.T, c *dynamodb.Client, table string) map[string]string {
	t.Helper()
	d := describe(t, c, table)
	got := map[string]string{}
	for _, g := range d.GlobalSecondaryIndexes {
		got[*g.IndexName] = fmt.Sprintf("%d/%d", *g.ItemCount, *g.IndexSizeBytes)
	}
	for _, l := range d.LocalSecondaryIndexes {
		got[*l.IndexName] = fmt.Sprintf("%d/%d", *l.ItemCount, *l.IndexSizeBytes)
	}
	return got
}

// wantCounts computes indexCounts from the items (projection sizes by the
// Developer Guide's item size rules), the way the service defines them.
func wantCounts(items []av) map[string]string {
	type acc struct{ n, size int }
	a := map[string]*acc{"GSI1": {}, "GSI2": {}, "LSI1": {}}
	pick := func(it av, names ...string) av {
		p := av{}
		for _, n := range names {
			if v, ok := it[n]; ok {
				p[n] = v
			}
		}
		return p
	}
	for _, it := range items {
		if _, ok := it["GPK"]; ok {
			a["GSI1"].n++
			a["GSI1"].size += itemSize(it)
		}
		_, h := it["GPK2"]
		_, r := it["GSK"]
		if h && r {
			a["GSI2"].n++
			a["GSI2"].size += itemSize(pick(it, "PK", "SK", "GPK2", "GSK", "status"))
		}
		if _, ok := it["LSK"]; ok {
			a["LSI1"].n++
			a["LSI1"].size += itemSize(pick(it, "PK", "SK", "LSK"))
		}
	}
	got := map[string]string{}
	for k, v := range a {
		got[k] = fmt.Sprintf("%d/%d", v.n, v.size)
	}
	return got
}

func sameCounts(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestCreateTableWithIndexesDescribes(t *testing.T) {
	e := newSDKEnv(t, engine.Options{})
	d := createIndexedTable(t, e.c, "Orders")
	if len(d.GlobalSecondaryIndexes) != 2 || len(d.LocalSecondaryIndexes) != 1 {
		t.Fatalf("CreateTable reports %d GSIs, %d LSIs", len(d.GlobalSecondaryIndexes), len(d.LocalSecondaryIndexes))
	}
	d = describe(t, e.c, "Orders")
	g := d.GlobalSecondaryIndexes[1]
	if *g.IndexName != "GSI2" || g.IndexStatus != types.IndexStatusActive || *g.IndexArn != *d.TableArn+"/index/GSI2" ||
		g.Projection.ProjectionType != types.ProjectionTypeInclude || len(g.Projection.NonKeyAttributes) != 1 ||
		len(g.KeySchema) != 2 || *g.KeySchema[1].AttributeName != "GSK" || g.ProvisionedThroughput == nil ||
		*g.ProvisionedThroughput.ReadCapacityUnits != 0 {
		t.Fatalf("GSI2 described as %+v", g)
	}
	l := d.LocalSecondaryIndexes[0]
	if *l.IndexName != "LSI1" || *l.IndexArn != *d.TableArn+"/index/LSI1" || l.Projection.ProjectionType != types.ProjectionTypeKeysOnly {
		t.Fatalf("LSI1 described as %+v", l)
	}
	// The catalog record survives a reopen.
	db := enginetest.Reopen(t, e.db, engine.Options{})
	c := enginetest.Client(t, db)
	if d := describe(t, c, "Orders"); len(d.GlobalSecondaryIndexes) != 2 || len(d.LocalSecondaryIndexes) != 1 {
		t.Fatalf("after reopen: %d GSIs, %d LSIs", len(d.GlobalSecondaryIndexes), len(d.LocalSecondaryIndexes))
	}
}

func TestCreateTableIndexValidation(t *testing.T) {
	e := newSDKEnv(t, engine.Options{})
	ctx := enginetest.Ctx(t)
	const bad = "One or more parameter values were invalid: "
	cases := []struct {
		name   string
		modify func(in *dynamodb.CreateTableInput)
		msg    string
	}{
		{"LSI on hash-only table", func(in *dynamodb.CreateTableInput) {
			in.KeySchema = in.KeySchema[:1]
		}, bad + "Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex"},
		{"LSI with another hash key", func(in *dynamodb.CreateTableInput) {
			in.LocalSecondaryIndexes[0].KeySchema[0].AttributeName = aws.String("GPK")
		}, bad + "Index KeySchema does not have the same leading hash key as table KeySchema for index: LSI1. index hash key: GPK, table hash key: PK"},
		{"LSI without range key", func(in *dynamodb.CreateTableInput) {
			in.LocalSecondaryIndexes[0].KeySchema = in.LocalSecondaryIndexes[0].KeySchema[:1]
		}, bad + "Index KeySchema does not have a range key for index: LSI1"},
		{"undefined index key", func(in *dynamodb.CreateTableInput) {
			in.GlobalSecondaryIndexes[0].KeySchema[0].AttributeName = aws.String("nope")
		}, bad + "Some index key attributes are not defined in AttributeDefinitions. Keys: [nope], AttributeDefinitions: [PK, SK, GPK, GPK2, GSK, LSK]"},
		{"unused definition", func(in *dynamodb.CreateTableInput) {
			in.GlobalSecondaryIndexes = in.GlobalSecondaryIndexes[1:]
		}, bad + "Some AttributeDefinitions are not used. AttributeDefinitions: [PK, SK, GPK, GPK2, GSK, LSK], keys used: [PK, SK, LSK, GPK2, GSK]"},
		{"NonKeyAttributes with ALL", func(in *dynamodb.CreateTableInput) {
			in.GlobalSecondaryIndexes[0].Projection.NonKeyAttributes = []string{"x"}
		}, bad + "ProjectionType is ALL, but NonKeyAttributes is specified"},
		{"INCLUDE without NonKeyAttributes", func(in *dynamodb.CreateTableInput) {
			in.GlobalSecondaryIndexes[1].Projection.NonKeyAttributes = nil
		}, bad + "ProjectionType is INCLUDE, but NonKeyAttributes is not specified"},
		{"duplicate index name", func(in *dynamodb.CreateTableInput) {
			in.GlobalSecondaryIndexes[1].IndexName = aws.String("LSI1")
		}, bad + "Duplicate index name: LSI1"},
		{"GSI throughput on demand", func(in *dynamodb.CreateTableInput) {
			in.GlobalSecondaryIndexes[0].ProvisionedThroughput = &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(1), WriteCapacityUnits: aws.Int64(1)}
		}, bad + "ProvisionedThroughput should not be specified for index: GSI1 when BillingMode is PAY_PER_REQUEST"},
		{"GSI without throughput on provisioned", func(in *dynamodb.CreateTableInput) {
			in.BillingMode = types.BillingModeProvisioned
			in.ProvisionedThroughput = &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(1), WriteCapacityUnits: aws.Int64(1)}
		}, bad + "ProvisionedThroughput is not specified for index: GSI1"},
		{"six LSIs", func(in *dynamodb.CreateTableInput) {
			for i := range 5 {
				l := in.LocalSecondaryIndexes[0]
				l.IndexName = aws.String(fmt.Sprintf("LSIx%d", i))
				in.LocalSecondaryIndexes = append(in.LocalSecondaryIndexes, l)
			}
		}, bad + "Number of LocalSecondaryIndexes exceeds per-table limit of 5"},
		{"21 GSIs", func(in *dynamodb.CreateTableInput) {
			for i := range 19 {
				g := in.GlobalSecondaryIndexes[0]
				g.IndexName = aws.String(fmt.Sprintf("GSIx%d", i))
				in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, g)
			}
		}, bad + "GlobalSecondaryIndex count exceeds the per-table limit of 20"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := indexedTableInput("Bad")
			tc.modify(in)
			_, err := e.c.CreateTable(ctx, in)
			wantAPIError(t, err, "ValidationException", tc.msg)
		})
	}
}

func TestIndexMaintenanceCounts(t *testing.T) {
	e := newSDKEnv(t, engine.Options{})
	ctx := enginetest.Ctx(t)
	createIndexedTable(t, e.c, "Orders")
	items := map[string]av{}
	put := func(it av) {
		t.Helper()
		putItem(t, e.c, "Orders", it)
		items[it["PK"].(*types.AttributeValueMemberS).Value+"/"+it["SK"].(*types.AttributeValueMemberS).Value] = it
	}
	check := func(when string) {
		t.Helper()
		all := make([]av, 0, len(items))
		for _, it := range items {
			all = append(all, it)
		}
		if got, want := indexCounts(t, e.c, "Orders"), wantCounts(all); !sameCounts(got, want) {
			t.Fatalf("%s: index counts %v, want %v", when, got, want)
		}
	}
	check("empty")
	put(av{"PK": s("a"), "SK": s("1"), "GPK": s("g"), "x": s("data")})                                   // GSI1 only
	put(av{"PK": s("a"), "SK": s("2"), "GPK2": s("open"), "GSK": n("5"), "status": s("s"), "y": n("1")}) // GSI2 only
	put(av{"PK": s("a"), "SK": s("3"), "GPK2": s("open")})                                               // sparse: no GSK
	put(av{"PK": s("b"), "SK": s("1"), "LSK": n("7"), "GPK": s("g")})                                    // GSI1 + LSI1
	check("after puts")
	// Change the index key, the projected and the non-projected attributes.
	put(av{"PK": s("a"), "SK": s("1"), "GPK": s("h"), "x": s("other data")})
	put(av{"PK": s("a"), "SK": s("2"), "GPK2": s("open"), "GSK": n("5"), "status": s("longer status"), "y": n("2")})
	check("after replacing puts")
	out, err := e.c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("Orders"), Key: key("a", "3"),
		UpdateExpression: aws.String("SET GSK = :n, LSK = :n"), ExpressionAttributeValues: av{":n": n("9")}, ReturnValues: types.ReturnValueAllNew})
	if err != nil {
		t.Fatal(err)
	}
	items["a/3"] = out.Attributes
	out, err = e.c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("Orders"), Key: key("b", "1"),
		UpdateExpression: aws.String("REMOVE GPK"), ReturnValues: types.ReturnValueAllNew})
	if err != nil {
		t.Fatal(err)
	}
	items["b/1"] = out.Attributes
	check("after updates")
	if _, err := e.c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("Orders"), Key: key("a", "2")}); err != nil {
		t.Fatal(err)
	}
	delete(items, "a/2")
	_, err = e.c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"Orders": {
		{PutRequest: &types.PutRequest{Item: av{"PK": s("c"), "SK": s("1"), "GPK": s("g"), "LSK": n("1")}}},
		{DeleteRequest: &types.DeleteRequest{Key: key("a", "1")}},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	items["c/1"] = av{"PK": s("c"), "SK": s("1"), "GPK": s("g"), "LSK": n("1")}
	delete(items, "a/1")
	check("after delete and batch")
	_, err = e.c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: aws.String("Orders"), Item: av{"PK": s("d"), "SK": s("1"), "GPK2": s("x"), "GSK": n("1")}}},
		{Update: &types.Update{TableName: aws.String("Orders"), Key: key("c", "1"), UpdateExpression: aws.String("SET GPK = :v"), ExpressionAttributeValues: av{":v": s("moved")}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	items["d/1"] = av{"PK": s("d"), "SK": s("1"), "GPK2": s("x"), "GSK": n("1")}
	items["c/1"]["GPK"] = s("moved")
	check("after transaction")
	// A failed transaction indexes nothing.
	_, err = e.c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: aws.String("Orders"), Item: av{"PK": s("e"), "SK": s("1"), "GPK": s("g"), "LSK": n("3")}}},
		{ConditionCheck: &types.ConditionCheck{TableName: aws.String("Orders"), Key: key("zzz", "1"), ConditionExpression: aws.String("attribute_exists(PK)")}},
	}})
	wantAPIError(t, err, "TransactionCanceledException", "")
	check("after a cancelled transaction")
	// The same holds after a reopen.
	db := enginetest.Reopen(t, e.db, engine.Options{})
	e.c = enginetest.Client(t, db)
	check("after reopen")
}

func TestIndexKeyTypeMismatch(t *testing.T) {
	e := newSDKEnv(t, engine.Options{})
	ctx := enginetest.Ctx(t)
	createIndexedTable(t, e.c, "Orders")
	const msg = "One or more parameter values were invalid: Type mismatch for Index Key GSK Expected: N Actual: S IndexName: GSI2"
	_, err := e.c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Orders"), Item: av{"PK": s("a"), "SK": s("1"), "GSK": s("five")}})
	wantAPIError(t, err, "ValidationException", msg)
	_, err = e.c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"Orders": {
		{PutRequest: &types.PutRequest{Item: av{"PK": s("a"), "SK": s("1"), "GSK": s("five")}}},
	}}})
	wantAPIError(t, err, "ValidationException", msg)
	putItem(t, e.c, "Orders", av{"PK": s("a"), "SK": s("1"), "GSK": n("5")})
	_, err = e.c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("Orders"), Key: key("a", "1"),
		UpdateExpression: aws.String("SET GSK = :v"), ExpressionAttributeValues: av{":v": s("five")}})
	wantAPIError(t, err, "ValidationException", msg)
	// An update setting an index key to another type, NULL or a document
	// included, names the type it got; to an empty value, the update
	// wording without the index (paritysuite's
	// tests/tier3/error-messages/transactWriteItems.test.ts, four regions:
	// "…Expected: S Actual: L IndexName: gsi1"; "…The update expression
	// attempted to update a secondary index key to a value that is not
	// supported…", for the whole request).
	update := func(v types.AttributeValue) error {
		_, err := e.c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("Orders"), Key: key("a", "1"),
			UpdateExpression: aws.String("SET GSK = :v"), ExpressionAttributeValues: av{":v": v}})
		return err
	}
	mismatch := func(actual string) string {
		return "One or more parameter values were invalid: Type mismatch for Index Key GSK Expected: N Actual: " + actual + " IndexName: GSI2"
	}
	wantAPIError(t, update(mapv(av{"a": s("b")})), "ValidationException", mismatch("M"))
	wantAPIError(t, update(&types.AttributeValueMemberNULL{Value: true}), "ValidationException", mismatch("NULL"))
	wantAPIError(t, update(&types.AttributeValueMemberL{Value: []types.AttributeValue{s("x")}}), "ValidationException", mismatch("L"))
	wantAPIError(t, update(&types.AttributeValueMemberBOOL{Value: true}), "ValidationException", mismatch("BOOL"))
	const updateEmpty = "One or more parameter values are not valid. The update expression attempted to update a secondary index key to a value that is not supported. The AttributeValue for a key attribute cannot contain an empty string value."
	_, err = e.c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("Orders"), Key: key("a", "1"),
		UpdateExpression: aws.String("SET GPK = :v"), ExpressionAttributeValues: av{":v": s("")}})
	wantAPIError(t, err, "ValidationException", updateEmpty)
	txUpdate := func(attr string, v types.AttributeValue) error {
		_, err := e.c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{{Update: &types.Update{
			TableName: aws.String("Orders"), Key: key("a", "1"), UpdateExpression: aws.String("SET #k = :v"),
			ExpressionAttributeNames: map[string]string{"#k": attr}, ExpressionAttributeValues: av{":v": v}}}}})
		return err
	}
	// In a transaction the empty value fails the whole request, the
	// mismatch cancels the action with it as the reason.
	wantAPIError(t, txUpdate("GPK", s("")), "ValidationException", updateEmpty)
	err = txUpdate("GSK", &types.AttributeValueMemberL{Value: []types.AttributeValue{s("x")}})
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) || len(tce.CancellationReasons) != 1 || aws.ToString(tce.CancellationReasons[0].Code) != "ValidationError" ||
		aws.ToString(tce.CancellationReasons[0].Message) != mismatch("L") {
		t.Fatalf("transaction: %v", err)
	}
	_, err = e.c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Orders"), Item: av{"PK": s("a"), "SK": s("2"), "GPK": s("")}})
	wantAPIError(t, err, "ValidationException", "One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: GSI1, IndexKey: GPK")
	if got := getItem(t, e.c, "Orders", key("a", "1")); !avEqual(got["GSK"], n("5")) {
		t.Fatalf("item after refused writes: %s", showItem(got))
	}
	if got, want := indexCounts(t, e.c, "Orders"), wantCounts([]av{{"PK": s("a"), "SK": s("1"), "GSK": n("5")}}); !sameCounts(got, want) {
		t.Fatalf("index counts %v, want %v", got, want)
	}
}

func TestTTLDeleteRemovesIndexEntries(t *testing.T) {
	clock := enginetest.NewClock(time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC))
	e := newSDKEnv(t, engine.Options{Clock: clock.Now, SweepInterval: -1, TTLSettle: -1})
	ctx := enginetest.Ctx(t)
	createIndexedTable(t, e.c, "Orders")
	_, err := e.c.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{TableName: aws.String("Orders"),
		TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String("exp"), Enabled: aws.Bool(true)}})
	if err != nil {
		t.Fatal(err)
	}
	past := strconv.FormatInt(clock.Now().Unix()-10, 10)
	keep := av{"PK": s("a"), "SK": s("2"), "GPK": s("g"), "LSK": n("2")}
	putItem(t, e.c, "Orders", av{"PK": s("a"), "SK": s("1"), "GPK": s("g"), "LSK": n("1"), "exp": n(past)})
	putItem(t, e.c, "Orders", keep)
	if err := e.db.RunMaintenance(); err != nil {
		t.Fatal(err)
	}
	if got, want := indexCounts(t, e.c, "Orders"), wantCounts([]av{keep}); !sameCounts(got, want) {
		t.Fatalf("index counts after the sweep %v, want %v", got, want)
	}
}

// queryAll pages through a Query with Limit 1 and returns every item, in
// order, checking that each LastEvaluatedKey carries the index and table
// keys.
func queryAll(t *testing.T, c *dynamodb.Client, in *dynamodb.QueryInput, keyNames ...string) []av {
	t.Helper()
	var all []av
	in.Limit = aws.Int32(1)
	for pages := 0; ; pages++ {
		if pages > 100 {
			t.Fatal("too many pages")
		}
		out, err := c.Query(enginetest.Ctx(t), in)
		if err != nil {
			t.Fatalf("Query: %v", err)
		}
		all = append(all, out.Items...)
		if out.LastEvaluatedKey == nil {
			return all
		}
		if len(out.LastEvaluatedKey) != len(keyNames) {
			t.Fatalf("LastEvaluatedKey %s, want the attributes %v", showItem(out.LastEvaluatedKey), keyNames)
		}
		for _, k := range keyNames {
			if _, ok := out.LastEvaluatedKey[k]; !ok {
				t.Fatalf("LastEvaluatedKey %s lacks %s", showItem(out.LastEvaluatedKey), k)
			}
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

func skOf(items []av) string {
	var out []string
	for _, it := range items {
		out = append(out, it["PK"].(*types.AttributeValueMemberS).Value+"/"+it["SK"].(*types.AttributeValueMemberS).Value)
	}
	return fmt.Sprint(out)
}

func TestQueryGSIDuplicateKeysPaginated(t *testing.T) {
	e := newSDKEnv(t, engine.Options{})
	createIndexedTable(t, e.c, "Orders")
	// Equal GSI2 keys (open, 5) on several items: ordered by table key.
	for _, k := range []struct{ pk, sk, gsk string }{
		{"b", "2", "5"}, {"a", "1", "5"}, {"c", "1", "3"}, {"a", "2", "5"}, {"b", "1", "7"}, {"d", "1", "5"},
	} {
		putItem(t, e.c, "Orders", av{"PK": s(k.pk), "SK": s(k.sk), "GPK2": s("open"), "GSK": n(k.gsk), "status": s("s" + k.pk), "other": s("x")})
	}
	putItem(t, e.c, "Orders", av{"PK": s("e"), "SK": s("1"), "GPK2": s("closed"), "GSK": n("5")})
	putItem(t, e.c, "Orders", av{"PK": s("f"), "SK": s("1"), "GPK2": s("open")}) // sparse: no GSK
	q := func(cond string, vals av, forward bool) string {
		in := &dynamodb.QueryInput{TableName: aws.String("Orders"), IndexName: aws.String("GSI2"),
			KeyConditionExpression: aws.String(cond), ExpressionAttributeValues: vals, ScanIndexForward: aws.Bool(forward)}
		items := queryAll(t, e.c, in, "PK", "SK", "GPK2", "GSK")
		for _, it := range items {
			if _, ok := it["other"]; ok {
				t.Fatalf("GSI2 (INCLUDE status) returned a non-projected attribute: %s", showItem(it))
			}
			if _, ok := it["status"]; !ok {
				t.Fatalf("GSI2 lost its projected attribute: %s", showItem(it))
			}
		}
		return skOf(items)
	}
	open := av{":p": s("open")}
	if got, want := q("GPK2 = :p", open, true), "[c/1 a/1 a/2 b/2 d/1 b/1]"; got != want {
		t.Fatalf("forward: %s, want %s", got, want)
	}
	if got, want := q("GPK2 = :p", open, false), "[b/1 d/1 b/2 a/2 a/1 c/1]"; got != want {
		t.Fatalf("backward: %s, want %s", got, want)
	}
	with := func(k string, v types.AttributeValue) av { return av{":p": s("open"), k: v} }
	for _, tc := range []struct {
		cond string
		vals av
		want string
	}{
		{"GPK2 = :p AND GSK = :v", with(":v", n("5")), "[a/1 a/2 b/2 d/1]"},
		{"GPK2 = :p AND GSK <= :v", with(":v", n("5")), "[c/1 a/1 a/2 b/2 d/1]"},
		{"GPK2 = :p AND GSK < :v", with(":v", n("5")), "[c/1]"},
		{"GPK2 = :p AND GSK > :v", with(":v", n("5")), "[b/1]"},
		{"GPK2 = :p AND GSK >= :v", with(":v", n("5")), "[a/1 a/2 b/2 d/1 b/1]"},
	} {
		if got := q(tc.cond, tc.vals, true); got != tc.want {
			t.Fatalf("%s: %s, want %s", tc.cond, got, tc.want)
		}
	}
	// A sparse GSI holds only the items with its key.
	out, err := e.c.Scan(enginetest.Ctx(t), &dynamodb.ScanInput{TableName: aws.String("Orders"), IndexName: aws.String("GSI2"), Select: types.SelectCount})
	if err != nil {
		t.Fatal(err)
	}
	if out.Count != 7 {
		t.Fatalf("Scan GSI2 counts %d, want 7", out.Count)
	}
	// Parallel scan of the index: every entry exactly once.
	seen := map[string]int{}
	for seg := range int32(3) {
		in := &dynamodb.ScanInput{TableName: aws.String("Orders"), IndexName: aws.String("GSI2"), Segment: aws.Int32(seg), TotalSegments: aws.Int32(3), Limit: aws.Int32(1)}
		for {
			out, err := e.c.Scan(enginetest.Ctx(t), in)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range out.Items {
				seen[skOf([]av{it})]++
			}
			if out.LastEvaluatedKey == nil {
				break
			}
			in.ExclusiveStartKey = out.LastEvaluatedKey
		}
	}
	if len(seen) != 7 {
		t.Fatalf("parallel scan saw %v", seen)
	}
	for k, c := range seen {
		if c != 1 {
			t.Fatalf("parallel scan saw %s %d times", k, c)
		}
	}
}

func TestIndexReadRules(t *testing.T) {
	e := newSDKEnv(t, engine.Options{})
	ctx := enginetest.Ctx(t)
	createIndexedTable(t, e.c, "Orders")
	putItem(t, e.c, "Orders", av{"PK": s("a"), "SK": s("1"), "GPK": s("g"), "GPK2": s("o"), "GSK": n("1"), "LSK": n("4"), "big": s("payload")})
	gsi := func(index string, mod func(*dynamodb.QueryInput)) error {
		in := &dynamodb.QueryInput{TableName: aws.String("Orders"), IndexName: aws.String(index),
			KeyConditionExpression: aws.String("GPK2 = :p"), ExpressionAttributeValues: av{":p": s("o")}}
		if index == "GSI1" {
			in.KeyConditionExpression = aws.String("GPK = :p")
			in.ExpressionAttributeValues = av{":p": s("g")}
		}
		mod(in)
		_, err := e.c.Query(ctx, in)
		return err
	}
	err := gsi("GSI1", func(in *dynamodb.QueryInput) { in.ConsistentRead = aws.Bool(true) })
	wantAPIError(t, err, "ValidationException", "Consistent reads are not supported on global secondary indexes")
	err = gsi("GSI2", func(in *dynamodb.QueryInput) { in.Select = types.SelectAllAttributes })
	wantAPIError(t, err, "ValidationException", "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index GSI2 because its projection type is not ALL")
	err = gsi("Nope", func(in *dynamodb.QueryInput) {})
	wantAPIError(t, err, "ValidationException", "The table does not have the specified index: Nope")
	err = gsi("GSI2", func(in *dynamodb.QueryInput) {
		in.ExclusiveStartKey = av{"PK": s("a"), "SK": s("1")}
	})
	wantAPIError(t, err, "ValidationException", "The provided starting key is invalid")
	err = gsi("GSI2", func(in *dynamodb.QueryInput) {
		in.ExclusiveStartKey = av{"PK": s("a"), "SK": s("1"), "GPK2": s("other"), "GSK": n("1")}
	})
	wantAPIError(t, err, "ValidationException", "The provided starting key is outside query boundaries based on provided conditions")
	err = gsi("GSI2", func(in *dynamodb.QueryInput) {
		in.FilterExpression = aws.String("GSK > :p")
	})
	wantAPIError(t, err, "ValidationException", "Filter Expression can only contain non-primary key attributes: Primary key attribute: GSK")
	if err := gsi("GSI1", func(in *dynamodb.QueryInput) { in.FilterExpression = aws.String("SK = :p") }); err != nil {
		t.Fatalf("filter on a table key in a GSI query: %v", err)
	}
	_, err = e.c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("Orders"), KeyConditionExpression: aws.String("PK = :p"),
		ExpressionAttributeValues: av{":p": s("a")}, Select: types.SelectAllProjectedAttributes})
	if err == nil {
		t.Fatal("ALL_PROJECTED_ATTRIBUTES without an index was accepted")
	}

	// LSI1 (KEYS_ONLY): projected attributes come from the index, others
	// are fetched from the table and charged as base-table reads.
	lsi := func(sel types.Select, projection string) *dynamodb.QueryOutput {
		t.Helper()
		in := &dynamodb.QueryInput{TableName: aws.String("Orders"), IndexName: aws.String("LSI1"),
			KeyConditionExpression: aws.String("PK = :p AND LSK > :z"), ExpressionAttributeValues: av{":p": s("a"), ":z": n("0")},
			Select: sel, ConsistentRead: aws.Bool(true), ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal}
		if projection != "" {
			in.ProjectionExpression = aws.String(projection)
		}
		out, err := e.c.Query(ctx, in)
		if err != nil {
			t.Fatalf("LSI query: %v", err)
		}
		if len(out.Items) != 1 {
			t.Fatalf("LSI query returned %d items", len(out.Items))
		}
		return out
	}
	out := lsi("", "")
	if got := showItem(out.Items[0]); len(out.Items[0]) != 3 || units(out.ConsumedCapacity) != 1 {
		t.Fatalf("LSI default select: %s, %v units", got, units(out.ConsumedCapacity))
	}
	out = lsi(types.SelectAllAttributes, "")
	if len(out.Items[0]) != 7 || units(out.ConsumedCapacity) != 2 {
		t.Fatalf("LSI ALL_ATTRIBUTES: %s, %v units", showItem(out.Items[0]), units(out.ConsumedCapacity))
	}
	out = lsi("", "big, LSK")
	if len(out.Items[0]) != 2 || !avEqual(out.Items[0]["big"], s("payload")) || units(out.ConsumedCapacity) != 2 {
		t.Fatalf("LSI projection of a non-projected attribute: %s, %v units", showItem(out.Items[0]), units(out.ConsumedCapacity))
	}
	// Strongly consistent LSI reads are allowed; a GSI scan is eventual.
	sc, err := e.c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("Orders"), IndexName: aws.String("GSI1"), ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal})
	if err != nil || sc.Count != 1 || units(sc.ConsumedCapacity) != 0.5 || len(sc.Items[0]) != 7 {
		t.Fatalf("Scan GSI1: %v %+v", err, sc)
	}
}

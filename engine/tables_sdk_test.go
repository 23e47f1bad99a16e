package engine_test

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"dynalab/engine"
	"dynalab/engine/enginetest"
)

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// tableSummary renders the fields of a TableDescription that the tests
// compare, in a stable form.
func tableSummary(d *types.TableDescription) string {
	var b strings.Builder
	fmt.Fprintf(&b, "name=%s arn=%s id=%s status=%s created=%s items=%d bytes=%d protect=%v",
		aws.ToString(d.TableName), aws.ToString(d.TableArn), aws.ToString(d.TableId), d.TableStatus,
		aws.ToTime(d.CreationDateTime).UTC().Format(time.RFC3339Nano), aws.ToInt64(d.ItemCount), aws.ToInt64(d.TableSizeBytes),
		aws.ToBool(d.DeletionProtectionEnabled))
	for _, k := range d.KeySchema {
		fmt.Fprintf(&b, " key=%s/%s", aws.ToString(k.AttributeName), k.KeyType)
	}
	for _, a := range d.AttributeDefinitions {
		fmt.Fprintf(&b, " def=%s/%s", aws.ToString(a.AttributeName), a.AttributeType)
	}
	if m := d.BillingModeSummary; m != nil {
		fmt.Fprintf(&b, " billing=%s", m.BillingMode)
		if m.LastUpdateToPayPerRequestDateTime != nil {
			fmt.Fprintf(&b, " ppr-since=%s", m.LastUpdateToPayPerRequestDateTime.UTC().Format(time.RFC3339Nano))
		}
	}
	if p := d.ProvisionedThroughput; p != nil {
		fmt.Fprintf(&b, " rcu=%d wcu=%d decreases=%d", aws.ToInt64(p.ReadCapacityUnits), aws.ToInt64(p.WriteCapacityUnits), aws.ToInt64(p.NumberOfDecreasesToday))
		if p.LastIncreaseDateTime != nil {
			fmt.Fprintf(&b, " inc=%s", p.LastIncreaseDateTime.UTC().Format(time.RFC3339Nano))
		}
		if p.LastDecreaseDateTime != nil {
			fmt.Fprintf(&b, " dec=%s", p.LastDecreaseDateTime.UTC().Format(time.RFC3339Nano))
		}
	}
	return b.String()
}

// TestCreateAndDescribeTable checks the control-plane description of
// on-demand and provisioned tables (API Reference CreateTable and
// DescribeTable; error texts as dynalite's tests have them).
func TestCreateAndDescribeTable(t *testing.T) {
	start := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := enginetest.NewClock(start)
	e := newSDKEnv(t, engine.Options{Clock: clock.Now})
	ctx := enginetest.Ctx(t)

	out, err := e.c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: aws.String("Orders"),
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String("customer"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("order"), AttributeType: types.ScalarAttributeTypeN},
		},
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String("customer"), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String("order"), KeyType: types.KeyTypeRange},
		},
		BillingMode: types.BillingModePayPerRequest,
	})
	if err != nil {
		t.Fatal(err)
	}
	created := out.TableDescription
	checkOnDemand := func(t *testing.T, d *types.TableDescription, what string) {
		t.Helper()
		if aws.ToString(d.TableName) != "Orders" ||
			aws.ToString(d.TableArn) != "arn:aws:dynamodb:us-east-1:000000000000:table/Orders" ||
			!uuidRE.MatchString(aws.ToString(d.TableId)) ||
			!aws.ToTime(d.CreationDateTime).Equal(start) ||
			aws.ToInt64(d.ItemCount) != 0 || aws.ToInt64(d.TableSizeBytes) != 0 ||
			d.DeletionProtectionEnabled == nil || *d.DeletionProtectionEnabled {
			t.Fatalf("%s: %s", what, tableSummary(d))
		}
		if len(d.KeySchema) != 2 || aws.ToString(d.KeySchema[0].AttributeName) != "customer" || d.KeySchema[0].KeyType != types.KeyTypeHash ||
			aws.ToString(d.KeySchema[1].AttributeName) != "order" || d.KeySchema[1].KeyType != types.KeyTypeRange {
			t.Fatalf("%s: KeySchema %s", what, tableSummary(d))
		}
		defs := map[string]types.ScalarAttributeType{}
		for _, a := range d.AttributeDefinitions {
			defs[aws.ToString(a.AttributeName)] = a.AttributeType
		}
		if len(defs) != 2 || defs["customer"] != types.ScalarAttributeTypeS || defs["order"] != types.ScalarAttributeTypeN {
			t.Fatalf("%s: AttributeDefinitions %s", what, tableSummary(d))
		}
		if d.BillingModeSummary == nil || d.BillingModeSummary.BillingMode != types.BillingModePayPerRequest {
			t.Fatalf("%s: BillingModeSummary %+v", what, d.BillingModeSummary)
		}
		p := d.ProvisionedThroughput
		if p == nil || aws.ToInt64(p.ReadCapacityUnits) != 0 || aws.ToInt64(p.WriteCapacityUnits) != 0 ||
			p.NumberOfDecreasesToday == nil || *p.NumberOfDecreasesToday != 0 {
			t.Fatalf("%s: on-demand ProvisionedThroughput %+v, want 0/0/0", what, p)
		}
	}
	checkOnDemand(t, created, "CreateTable")
	clock.Advance(time.Hour)
	d := describe(t, e.c, "Orders")
	checkOnDemand(t, d, "DescribeTable")
	if d.TableStatus != types.TableStatusActive || aws.ToString(d.TableId) != aws.ToString(created.TableId) {
		t.Fatalf("DescribeTable: %s (created %s)", tableSummary(d), tableSummary(created))
	}

	prov, err := e.c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:             aws.String("Prov.Table-1"),
		AttributeDefinitions:  []types.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: types.ScalarAttributeTypeB}},
		KeySchema:             []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: types.KeyTypeHash}},
		ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(5), WriteCapacityUnits: aws.Int64(7)},
	})
	if err != nil {
		t.Fatal(err)
	}
	for what, d := range map[string]*types.TableDescription{"CreateTable": prov.TableDescription, "DescribeTable": describe(t, e.c, "Prov.Table-1")} {
		p := d.ProvisionedThroughput
		if p == nil || aws.ToInt64(p.ReadCapacityUnits) != 5 || aws.ToInt64(p.WriteCapacityUnits) != 7 || aws.ToInt64(p.NumberOfDecreasesToday) != 0 ||
			(d.BillingModeSummary != nil && d.BillingModeSummary.BillingMode != types.BillingModeProvisioned) ||
			!aws.ToTime(d.CreationDateTime).Equal(start.Add(time.Hour)) ||
			aws.ToString(d.TableArn) != "arn:aws:dynamodb:us-east-1:000000000000:table/Prov.Table-1" ||
			len(d.KeySchema) != 1 || len(d.AttributeDefinitions) != 1 || d.AttributeDefinitions[0].AttributeType != types.ScalarAttributeTypeB {
			t.Fatalf("%s of a provisioned table: %s", what, tableSummary(d))
		}
		if aws.ToString(d.TableId) == aws.ToString(created.TableId) {
			t.Fatalf("two tables share TableId %s", aws.ToString(d.TableId))
		}
	}

	t.Run("region and account in ARNs", func(t *testing.T) {
		e := newSDKEnv(t, engine.Options{Region: "eu-west-1", Account: "123456789012"})
		d := createTable(t, e.c, "Elsewhere", keyDef{"id", types.ScalarAttributeTypeS}, keyDef{})
		if aws.ToString(d.TableArn) != "arn:aws:dynamodb:eu-west-1:123456789012:table/Elsewhere" {
			t.Fatalf("TableArn %s", aws.ToString(d.TableArn))
		}
	})
}

// TestTableStatistics: ItemCount and TableSizeBytes are exact after every
// kind of write, with sizes by the Developer Guide's item size rules.
func TestTableStatistics(t *testing.T) {
	e := newSDKEnv(t, engine.Options{})
	createAppTable(t, e.c)
	ctx := enginetest.Ctx(t)
	table := aws.String("AppTable")
	model := map[string]av{}
	id := func(k av) string {
		return k["PK"].(*types.AttributeValueMemberS).Value + "\x00" + k["SK"].(*types.AttributeValueMemberS).Value
	}
	check := func(step string) {
		t.Helper()
		size := 0
		for _, it := range model {
			size += itemSize(it)
		}
		d := describe(t, e.c, "AppTable")
		if aws.ToInt64(d.ItemCount) != int64(len(model)) || aws.ToInt64(d.TableSizeBytes) != int64(size) {
			t.Fatalf("after %s: ItemCount %d TableSizeBytes %d, want %d and %d", step, aws.ToInt64(d.ItemCount), aws.ToInt64(d.TableSizeBytes), len(model), size)
		}
	}
	put := func(item av) {
		t.Helper()
		putItem(t, e.c, "AppTable", item)
		model[id(item)] = item
	}
	update := func(k av, expr string, vals av) {
		t.Helper()
		out, err := e.c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: table, Key: k, UpdateExpression: aws.String(expr),
			ExpressionAttributeValues: vals, ReturnValues: types.ReturnValueAllNew})
		if err != nil {
			t.Fatalf("UpdateItem %s: %v", expr, err)
		}
		if out.Attributes == nil {
			delete(model, id(k))
		} else {
			model[id(k)] = out.Attributes
		}
	}
	check("create")
	// Numbers of every size class of the formula.
	put(withKey("a", "1", av{"n0": n("0"), "n12": n("12"), "n123": n("123"), "n15": n("1.5"), "nm15": n("-1.5"), "n100": n("100"),
		"nsmall": n("0.001"), "nbig": n("1e30"), "n38": n("12345678901234567890123456789012345678"), "n1234": n("1234"),
		"n1234f": n("12.34"), "n1234g": n("1.234"), "nneg": n("-98765"), "ns": nsv("1", "22", "-333", "0.4444")}))
	check("put of numbers")
	put(withKey("a", "2", av{"s": s("héllo"), "b": bin(1, 2, 3), "t": boolv(true), "z": null(), "ss": ssv("a", "bb", ""), "bs": bsv([]byte{1, 2}, []byte{}),
		"l": list(s("x"), n("1"), list(), mapv(nil)), "m": mapv(av{"k": s("v"), "ключ": mapv(av{"x": n("-1")})}), "empty": s("")}))
	check("put of other types")
	put(withKey("a", "1", av{"only": s("replaced")}))
	check("replacing put")
	update(key("a", "2"), "SET added = :v, m.k = :w REMOVE s ADD cnt :one DELETE ss :a", av{":v": s(strings.Repeat("u", 300)), ":w": n("42"), ":one": n("1"), ":a": ssv("a")})
	check("update")
	update(key("a", "3"), "SET v = :v", av{":v": n("7")})
	check("update creating an item")
	update(key("a", "4"), "REMOVE v", nil)
	check("REMOVE-only update of a missing item")
	if _, err := e.c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: table, Key: key("a", "2")}); err != nil {
		t.Fatal(err)
	}
	delete(model, id(key("a", "2")))
	check("delete")
	if _, err := e.c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: table, Key: key("a", "2")}); err != nil {
		t.Fatal(err)
	}
	check("delete of a missing item")
	_, err := e.c.PutItem(ctx, &dynamodb.PutItemInput{TableName: table, Item: withKey("a", "1", av{"big": s(strings.Repeat("b", 5000))}),
		ConditionExpression: aws.String("attribute_not_exists(PK)")})
	wantAPIError(t, err, "ConditionalCheckFailedException", "The conditional request failed")
	check("failed conditional put")
	_, err = e.c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: table, Key: key("a", "1"), UpdateExpression: aws.String("SET x = nope")})
	wantAPIError(t, err, "ValidationException", "")
	check("failed update")
	e1, e2 := withKey("b", "1", av{"v": s("batch")}), withKey("b", "2", av{"v": n("3.25")})
	if _, err := e.c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"AppTable": {
		{PutRequest: &types.PutRequest{Item: e1}}, {PutRequest: &types.PutRequest{Item: e2}},
		{DeleteRequest: &types.DeleteRequest{Key: key("a", "3")}},
	}}}); err != nil {
		t.Fatal(err)
	}
	model[id(e1)], model[id(e2)] = e1, e2
	delete(model, id(key("a", "3")))
	check("batch write")
	update(key("b", "2"), "REMOVE v", nil)
	check("update leaving a key-only item")
	if len(model) != 3 {
		t.Fatalf("test bug: model has %d items", len(model))
	}
}

// TestListTables: names in order, Limit and ExclusiveStartTableName
// paging, LastEvaluatedTableName only when more tables remain.
func TestListTables(t *testing.T) {
	e := newSDKEnv(t, engine.Options{})
	ctx := enginetest.Ctx(t)
	names := []string{"b-table", "abd", "A_table", "abc-1", "Z99", "abc", "a.table"}
	for _, name := range names {
		createTable(t, e.c, name, keyDef{"id", types.ScalarAttributeTypeS}, keyDef{})
	}
	sorted := append([]string(nil), names...)
	sort.Strings(sorted) // A_table Z99 a.table abc abc-1 abd b-table
	list := func(limit int32, start string) (*dynamodb.ListTablesOutput, error) {
		in := &dynamodb.ListTablesInput{}
		if limit != 0 {
			in.Limit = aws.Int32(limit)
		}
		if start != "" {
			in.ExclusiveStartTableName = aws.String(start)
		}
		return e.c.ListTables(ctx, in)
	}
	tests := []struct {
		limit     int32
		start     string
		want      []string
		lastEvald string
	}{
		{0, "", sorted, ""},
		{3, "", sorted[:3], "a.table"},
		{3, "a.table", sorted[3:6], "abd"},
		{3, "abd", sorted[6:], ""},
		{7, "", sorted, ""},
		{6, "", sorted[:6], "abd"},
		{100, "", sorted, ""},
		{2, "abc0", []string{"abd", "b-table"}, ""},
		{1, "abc0", []string{"abd"}, "abd"},
		{0, "zzz", []string{}, ""},
		{0, "AAA", sorted, ""},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("limit %d after %q", tt.limit, tt.start), func(t *testing.T) {
			out, err := list(tt.limit, tt.start)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(out.TableNames) != fmt.Sprint(tt.want) || aws.ToString(out.LastEvaluatedTableName) != tt.lastEvald {
				t.Fatalf("got %v last %q, want %v last %q", out.TableNames, aws.ToString(out.LastEvaluatedTableName), tt.want, tt.lastEvald)
			}
		})
	}
	t.Run("paginator", func(t *testing.T) {
		var got []string
		p := dynamodb.NewListTablesPaginator(e.c, &dynamodb.ListTablesInput{Limit: aws.Int32(2)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, out.TableNames...)
		}
		if fmt.Sprint(got) != fmt.Sprint(sorted) {
			t.Fatalf("paginated %v, want %v", got, sorted)
		}
	})
	t.Run("limit bounds", func(t *testing.T) {
		_, err := list(-1, "")
		wantAPIError(t, err, "ValidationException", "1 validation error detected: Value '-1' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1")
		_, err = list(101, "")
		wantAPIError(t, err, "ValidationException", "1 validation error detected: Value '101' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100")
	})
}

// TestUpdateTable: throughput changes, billing mode switches both ways,
// the "will not change" refusal, and data kept across updates.
func TestUpdateTable(t *testing.T) {
	start := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := enginetest.NewClock(start)
	e := newSDKEnv(t, engine.Options{Clock: clock.Now})
	ctx := enginetest.Ctx(t)
	created, err := e.c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:             aws.String("Prov"),
		AttributeDefinitions:  []types.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:             []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: types.KeyTypeHash}},
		ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(5), WriteCapacityUnits: aws.Int64(5)},
	})
	if err != nil {
		t.Fatal(err)
	}
	item := av{"id": s("kept"), "v": n("1")}
	putItem(t, e.c, "Prov", item)
	update := func(in *dynamodb.UpdateTableInput) (*types.TableDescription, error) {
		in.TableName = aws.String("Prov")
		out, err := e.c.UpdateTable(ctx, in)
		if err != nil {
			return nil, err
		}
		if d := describe(t, e.c, "Prov"); tableSummary(d) != tableSummary(out.TableDescription) {
			t.Fatalf("UpdateTable response and DescribeTable differ:\n%s\n%s", tableSummary(out.TableDescription), tableSummary(d))
		}
		return out.TableDescription, nil
	}
	pt := func(r, w int64) *types.ProvisionedThroughput {
		return &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(r), WriteCapacityUnits: aws.Int64(w)}
	}

	clock.Advance(time.Minute)
	d, err := update(&dynamodb.UpdateTableInput{ProvisionedThroughput: pt(10, 5)})
	if err != nil {
		t.Fatal(err)
	}
	p := d.ProvisionedThroughput
	if aws.ToInt64(p.ReadCapacityUnits) != 10 || aws.ToInt64(p.WriteCapacityUnits) != 5 || aws.ToInt64(p.NumberOfDecreasesToday) != 0 ||
		!aws.ToTime(p.LastIncreaseDateTime).Equal(start.Add(time.Minute)) || p.LastDecreaseDateTime != nil {
		t.Fatalf("after increase: %s", tableSummary(d))
	}

	_, err = update(&dynamodb.UpdateTableInput{ProvisionedThroughput: pt(10, 5)})
	wantAPIError(t, err, "ValidationException", "The provisioned throughput for the table will not change. The requested value equals the current value. "+
		"Current ReadCapacityUnits provisioned for the table: 10. Requested ReadCapacityUnits: 10. "+
		"Current WriteCapacityUnits provisioned for the table: 5. Requested WriteCapacityUnits: 5. "+
		"Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.")

	clock.Advance(time.Minute)
	d, err = update(&dynamodb.UpdateTableInput{ProvisionedThroughput: pt(2, 3)})
	if err != nil {
		t.Fatal(err)
	}
	p = d.ProvisionedThroughput
	if aws.ToInt64(p.ReadCapacityUnits) != 2 || aws.ToInt64(p.WriteCapacityUnits) != 3 || aws.ToInt64(p.NumberOfDecreasesToday) != 1 ||
		!aws.ToTime(p.LastDecreaseDateTime).Equal(start.Add(2*time.Minute)) || !aws.ToTime(p.LastIncreaseDateTime).Equal(start.Add(time.Minute)) {
		t.Fatalf("after decrease: %s", tableSummary(d))
	}

	clock.Advance(time.Minute)
	d, err = update(&dynamodb.UpdateTableInput{BillingMode: types.BillingModePayPerRequest})
	if err != nil {
		t.Fatal(err)
	}
	if d.BillingModeSummary == nil || d.BillingModeSummary.BillingMode != types.BillingModePayPerRequest ||
		!aws.ToTime(d.BillingModeSummary.LastUpdateToPayPerRequestDateTime).Equal(start.Add(3*time.Minute)) ||
		aws.ToInt64(d.ProvisionedThroughput.ReadCapacityUnits) != 0 || aws.ToInt64(d.ProvisionedThroughput.WriteCapacityUnits) != 0 {
		t.Fatalf("after switching to on-demand: %s", tableSummary(d))
	}

	_, err = update(&dynamodb.UpdateTableInput{ProvisionedThroughput: pt(1, 1)})
	wantAPIError(t, err, "ValidationException", "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")
	_, err = update(&dynamodb.UpdateTableInput{BillingMode: types.BillingModePayPerRequest, ProvisionedThroughput: pt(1, 1)})
	wantAPIError(t, err, "ValidationException", "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")
	_, err = update(&dynamodb.UpdateTableInput{BillingMode: types.BillingModeProvisioned})
	wantAPIError(t, err, "ValidationException", "")

	clock.Advance(time.Minute)
	d, err = update(&dynamodb.UpdateTableInput{BillingMode: types.BillingModeProvisioned, ProvisionedThroughput: pt(4, 6)})
	if err != nil {
		t.Fatal(err)
	}
	if d.BillingModeSummary == nil || d.BillingModeSummary.BillingMode != types.BillingModeProvisioned ||
		aws.ToInt64(d.ProvisionedThroughput.ReadCapacityUnits) != 4 || aws.ToInt64(d.ProvisionedThroughput.WriteCapacityUnits) != 6 {
		t.Fatalf("after switching back to provisioned: %s", tableSummary(d))
	}

	if d := describe(t, e.c, "Prov"); aws.ToString(d.TableId) != aws.ToString(created.TableDescription.TableId) ||
		!aws.ToTime(d.CreationDateTime).Equal(start) || aws.ToInt64(d.ItemCount) != 1 || aws.ToInt64(d.TableSizeBytes) != int64(itemSize(item)) {
		t.Fatalf("identity or statistics changed by UpdateTable: %s", tableSummary(d))
	}
	if got := getItem(t, e.c, "Prov", av{"id": s("kept")}); !itemEqual(got, item) {
		t.Fatalf("item after UpdateTable: %s", showItem(got))
	}
	_, err = e.c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("Nope"), BillingMode: types.BillingModePayPerRequest})
	wantAPIError(t, err, "ResourceNotFoundException", "Requested resource not found: Table: Nope not found")
}

// TestDeleteTable: the response says DELETING; afterwards the data plane
// answers ResourceNotFoundException and a table of the same name starts
// empty.
func TestDeleteTable(t *testing.T) {
	e := newSDKEnv(t, engine.Options{})
	ctx := enginetest.Ctx(t)
	first := createTable(t, e.c, "Gone", keyDef{"PK", types.ScalarAttributeTypeS}, keyDef{"SK", types.ScalarAttributeTypeS})
	createTable(t, e.c, "Stays", keyDef{"PK", types.ScalarAttributeTypeS}, keyDef{"SK", types.ScalarAttributeTypeS})
	for i := range 3 {
		putItem(t, e.c, "Gone", withKey("p", fmt.Sprint(i), av{"v": n("1")}))
	}
	putItem(t, e.c, "Stays", key("p", "0"))
	out, err := e.c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("Gone")})
	if err != nil {
		t.Fatal(err)
	}
	if d := out.TableDescription; d.TableStatus != types.TableStatusDeleting || aws.ToString(d.TableName) != "Gone" ||
		aws.ToString(d.TableArn) != aws.ToString(first.TableArn) || aws.ToString(d.TableId) != aws.ToString(first.TableId) {
		t.Fatalf("DeleteTable: %s", tableSummary(d))
	}
	// As the API reference's DeleteTable sample response: no schema,
	// creation time or index lists; the sizes and throughput are there.
	if d := out.TableDescription; d.KeySchema != nil || d.AttributeDefinitions != nil || d.CreationDateTime != nil ||
		d.GlobalSecondaryIndexes != nil || d.LocalSecondaryIndexes != nil || aws.ToInt64(d.ItemCount) != 3 || d.TableSizeBytes == nil {
		t.Fatalf("DeleteTable describes too much or too little: %s", tableSummary(d))
	}
	gone := aws.String("Gone")
	const dataPlane = "Requested resource not found"
	for name, call := range map[string]func() error{
		"GetItem": func() error {
			_, err := e.c.GetItem(ctx, &dynamodb.GetItemInput{TableName: gone, Key: key("p", "0")})
			return err
		},
		"PutItem": func() error {
			_, err := e.c.PutItem(ctx, &dynamodb.PutItemInput{TableName: gone, Item: key("p", "0")})
			return err
		},
		"UpdateItem": func() error {
			_, err := e.c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: gone, Key: key("p", "0"), UpdateExpression: aws.String("REMOVE v")})
			return err
		},
		"DeleteItem": func() error {
			_, err := e.c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: gone, Key: key("p", "0")})
			return err
		},
		"Query": func() error {
			_, err := e.c.Query(ctx, &dynamodb.QueryInput{TableName: gone, KeyConditionExpression: aws.String("PK = :p"), ExpressionAttributeValues: av{":p": s("p")}})
			return err
		},
		"Scan": func() error { _, err := e.c.Scan(ctx, &dynamodb.ScanInput{TableName: gone}); return err },
	} {
		t.Run(name+" after DeleteTable", func(t *testing.T) {
			wantAPIError(t, call(), "ResourceNotFoundException", dataPlane)
		})
	}
	_, err = e.c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: gone})
	wantAPIError(t, err, "ResourceNotFoundException", "Requested resource not found: Table: Gone not found")
	_, err = e.c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: gone})
	wantAPIError(t, err, "ResourceNotFoundException", "Requested resource not found: Table: Gone not found")
	lt, err := e.c.ListTables(ctx, &dynamodb.ListTablesInput{})
	if err != nil || fmt.Sprint(lt.TableNames) != "[Stays]" {
		t.Fatalf("ListTables after delete: %v, %v", lt, err)
	}
	if got := getItem(t, e.c, "Stays", key("p", "0")); got == nil {
		t.Fatalf("the other table lost its item")
	}

	again := createTable(t, e.c, "Gone", keyDef{"PK", types.ScalarAttributeTypeS}, keyDef{"SK", types.ScalarAttributeTypeS})
	if aws.ToString(again.TableId) == aws.ToString(first.TableId) {
		t.Fatalf("recreated table kept TableId %s", aws.ToString(again.TableId))
	}
	sc, err := e.c.Scan(ctx, &dynamodb.ScanInput{TableName: gone})
	if err != nil || sc.Count != 0 {
		t.Fatalf("recreated table has %d items, %v", sc.Count, err)
	}
	if d := describe(t, e.c, "Gone"); aws.ToInt64(d.ItemCount) != 0 || aws.ToInt64(d.TableSizeBytes) != 0 {
		t.Fatalf("recreated table statistics: %s", tableSummary(d))
	}
}

// TestDeletionProtection: DeleteTable is refused with the service's
// message (Developer Guide, deletion protection) until protection is
// turned off.
func TestDeletionProtection(t *testing.T) {
	e := newSDKEnv(t, engine.Options{})
	ctx := enginetest.Ctx(t)
	out, err := e.c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:                 aws.String("Guarded"),
		AttributeDefinitions:      []types.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:                 []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: types.KeyTypeHash}},
		BillingMode:               types.BillingModePayPerRequest,
		DeletionProtectionEnabled: aws.Bool(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	if !aws.ToBool(out.TableDescription.DeletionProtectionEnabled) || !aws.ToBool(describe(t, e.c, "Guarded").DeletionProtectionEnabled) {
		t.Fatalf("DeletionProtectionEnabled not reported")
	}
	putItem(t, e.c, "Guarded", av{"id": s("x")})
	const refused = "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first."
	_, err = e.c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("Guarded")})
	wantAPIError(t, err, "ValidationException", refused)
	if got := getItem(t, e.c, "Guarded", av{"id": s("x")}); got == nil {
		t.Fatalf("refused DeleteTable lost data")
	}
	up, err := e.c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("Guarded"), DeletionProtectionEnabled: aws.Bool(false)})
	if err != nil || aws.ToBool(up.TableDescription.DeletionProtectionEnabled) {
		t.Fatalf("UpdateTable disabling protection: %v, %v", up, err)
	}
	if _, err := e.c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("Guarded")}); err != nil {
		t.Fatalf("DeleteTable after disabling protection: %v", err)
	}
	createTable(t, e.c, "Later", keyDef{"id", types.ScalarAttributeTypeS}, keyDef{})
	if _, err := e.c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("Later"), DeletionProtectionEnabled: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	_, err = e.c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("Later")})
	wantAPIError(t, err, "ValidationException", refused)
}

// TestTableNameAsARN: every TableName parameter also accepts the table's
// ARN (API Reference: TableName accepts a table ARN).
func TestTableNameAsARN(t *testing.T) {
	e := newSDKEnv(t, engine.Options{})
	ctx := enginetest.Ctx(t)
	createAppTable(t, e.c)
	arn := aws.String("arn:aws:dynamodb:us-east-1:000000000000:table/AppTable")
	item := withKey("p", "s", av{"v": n("1")})
	if _, err := e.c.PutItem(ctx, &dynamodb.PutItemInput{TableName: arn, Item: item}); err != nil {
		t.Fatalf("PutItem by ARN: %v", err)
	}
	g, err := e.c.GetItem(ctx, &dynamodb.GetItemInput{TableName: arn, Key: key("p", "s")})
	if err != nil || !itemEqual(g.Item, item) {
		t.Fatalf("GetItem by ARN: %v, %v", g, err)
	}
	u, err := e.c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: arn, Key: key("p", "s"), UpdateExpression: aws.String("ADD v :one"),
		ExpressionAttributeValues: av{":one": n("1")}, ReturnValues: types.ReturnValueUpdatedNew})
	if err != nil || !itemEqual(u.Attributes, av{"v": n("2")}) {
		t.Fatalf("UpdateItem by ARN: %v, %v", u, err)
	}
	q, err := e.c.Query(ctx, &dynamodb.QueryInput{TableName: arn, KeyConditionExpression: aws.String("PK = :p"), ExpressionAttributeValues: av{":p": s("p")}})
	if err != nil || q.Count != 1 {
		t.Fatalf("Query by ARN: %v, %v", q, err)
	}
	sc, err := e.c.Scan(ctx, &dynamodb.ScanInput{TableName: arn})
	if err != nil || sc.Count != 1 {
		t.Fatalf("Scan by ARN: %v, %v", sc, err)
	}
	d, err := e.c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: arn})
	if err != nil || aws.ToString(d.Table.TableName) != "AppTable" || aws.ToString(d.Table.TableArn) != aws.ToString(arn) || aws.ToInt64(d.Table.ItemCount) != 1 {
		t.Fatalf("DescribeTable by ARN: %v, %v", d, err)
	}
	if _, err := e.c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: arn, DeletionProtectionEnabled: aws.Bool(false)}); err != nil {
		t.Fatalf("UpdateTable by ARN: %v", err)
	}
	_, err = e.c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("arn:aws:dynamodb:us-east-1:000000000000:table/Missing"), Key: key("p", "s")})
	wantAPIError(t, err, "ResourceNotFoundException", "Requested resource not found")
	if _, err := e.c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: arn, Key: key("p", "s")}); err != nil {
		t.Fatalf("DeleteItem by ARN: %v", err)
	}
	if _, err := e.c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: arn}); err != nil {
		t.Fatalf("DeleteTable by ARN: %v", err)
	}
	if _, err := e.c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("AppTable")}); err == nil {
		t.Fatalf("table still there after DeleteTable by ARN")
	}
}

// TestConsumedCapacityEchoesARN: "the response then echoes the ARN in
// ConsumedCapacity.TableName" (API Reference, ConsumedCapacity).
func TestConsumedCapacityEchoesARN(t *testing.T) {
	e := newSDKEnv(t, engine.Options{})
	ctx := enginetest.Ctx(t)
	createAppTable(t, e.c)
	arn := "arn:aws:dynamodb:us-east-1:000000000000:table/AppTable"
	total := types.ReturnConsumedCapacityTotal
	for name, call := range map[string]func() (*types.ConsumedCapacity, error){
		"PutItem": func() (*types.ConsumedCapacity, error) {
			out, err := e.c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(arn), Item: key("p", "s"), ReturnConsumedCapacity: total})
			if err != nil {
				return nil, err
			}
			return out.ConsumedCapacity, nil
		},
		"GetItem": func() (*types.ConsumedCapacity, error) {
			out, err := e.c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(arn), Key: key("p", "s"), ReturnConsumedCapacity: total})
			if err != nil {
				return nil, err
			}
			return out.ConsumedCapacity, nil
		},
		"Query": func() (*types.ConsumedCapacity, error) {
			out, err := e.c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String(arn), KeyConditionExpression: aws.String("PK = :p"),
				ExpressionAttributeValues: av{":p": s("p")}, ReturnConsumedCapacity: total})
			if err != nil {
				return nil, err
			}
			return out.ConsumedCapacity, nil
		},
	} {
		t.Run(name, func(t *testing.T) {
			c, err := call()
			if err != nil {
				t.Fatal(err)
			}
			if c == nil || aws.ToString(c.TableName) != arn {
				t.Fatalf("ConsumedCapacity.TableName = %q, want the ARN %q", aws.ToString(c.TableName), arn)
			}
		})
	}
}

// TestPersistenceAcrossReopen: tables, items and statistics survive
// closing and reopening the database file, twice, with writes in between.
func TestPersistenceAcrossReopen(t *testing.T) {
	clock := enginetest.NewClock(time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC))
	opts := engine.Options{Clock: clock.Now}
	db := enginetest.Open(t, opts)
	c := enginetest.Client(t, db)
	ctx := enginetest.Ctx(t)
	createAppTable(t, c)
	if _, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:                 aws.String("Counters"),
		AttributeDefinitions:      []types.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: types.ScalarAttributeTypeN}},
		KeySchema:                 []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: types.KeyTypeHash}},
		ProvisionedThroughput:     &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(3), WriteCapacityUnits: aws.Int64(4)},
		DeletionProtectionEnabled: aws.Bool(true),
	}); err != nil {
		t.Fatal(err)
	}
	createTable(t, c, "Dropped", keyDef{"id", types.ScalarAttributeTypeS}, keyDef{})
	putItem(t, c, "Dropped", av{"id": s("x")})
	if _, err := c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("Dropped")}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Hour)
	if _, err := c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("Counters"),
		ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(6), WriteCapacityUnits: aws.Int64(2)}}); err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		putItem(t, c, "AppTable", withKey(fmt.Sprintf("P%d", i%4), fmt.Sprintf("S%02d", i), av{
			"n": n(fmt.Sprint(i)), "l": list(s("x"), mapv(av{"k": bin(byte(i))})), "ss": ssv("a", fmt.Sprint(i)),
		}))
		putItem(t, c, "Counters", av{"id": n(fmt.Sprint(i)), "count": n(fmt.Sprintf("%d.5", i))})
	}
	for i := range 5 {
		if _, err := c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("AppTable"), Key: key(fmt.Sprintf("P%d", i%4), fmt.Sprintf("S%02d", i))}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("Counters"), Key: av{"id": n(fmt.Sprint(i))},
			UpdateExpression: aws.String("ADD #c :d SET extra = :e"), ExpressionAttributeNames: map[string]string{"#c": "count"},
			ExpressionAttributeValues: av{":d": n("100"), ":e": s(strings.Repeat("e", 100))}}); err != nil {
			t.Fatal(err)
		}
	}

	// snapshot renders everything a client can observe.
	snapshot := func(c *dynamodb.Client) string {
		var b strings.Builder
		lt, err := c.ListTables(ctx, &dynamodb.ListTablesInput{})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(&b, "tables", lt.TableNames)
		for _, name := range lt.TableNames {
			fmt.Fprintln(&b, tableSummary(describe(t, c, name)))
			sc, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(name), ConsistentRead: aws.Bool(true)})
			if err != nil {
				t.Fatal(err)
			}
			items := make([]string, len(sc.Items))
			for i, it := range sc.Items {
				items[i] = showItem(it)
			}
			fmt.Fprintln(&b, strings.Join(items, "\n"))
		}
		q, err := c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("AppTable"), KeyConditionExpression: aws.String("PK = :p"),
			ExpressionAttributeValues: av{":p": s("P1")}, ScanIndexForward: aws.Bool(false)})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(&b, "query", sortKeys(q.Items, "SK"))
		return b.String()
	}
	before := snapshot(c)
	if !strings.Contains(before, "items=15") || !strings.Contains(before, "items=20") || strings.Contains(before, "Dropped") {
		t.Fatalf("unexpected state before reopen:\n%s", before)
	}
	db = enginetest.Reopen(t, db, opts)
	c = enginetest.Client(t, db)
	if after := snapshot(c); after != before {
		t.Fatalf("state changed across reopen:\nbefore:\n%s\nafter:\n%s", before, after)
	}

	// Writes after reopening keep the statistics exact.
	extra := withKey("P9", "S99", av{"big": s(strings.Repeat("z", 2000))})
	putItem(t, c, "AppTable", extra)
	if _, err := c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("AppTable"), Key: key("P1", "S05")}); err != nil {
		t.Fatal(err)
	}
	sc, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("AppTable")})
	if err != nil {
		t.Fatal(err)
	}
	size := 0
	for _, it := range sc.Items {
		size += itemSize(it)
	}
	if d := describe(t, c, "AppTable"); aws.ToInt64(d.ItemCount) != 15 || sc.Count != 15 || aws.ToInt64(d.TableSizeBytes) != int64(size) {
		t.Fatalf("after writes on the reopened file: %s (scan %d items, %d bytes)", tableSummary(d), sc.Count, size)
	}
	before = snapshot(c)
	db = enginetest.Reopen(t, db, opts)
	c = enginetest.Client(t, db)
	if after := snapshot(c); after != before {
		t.Fatalf("state changed across the second reopen:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	_, err = c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("Counters")})
	wantAPIError(t, err, "ValidationException", "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.")
}

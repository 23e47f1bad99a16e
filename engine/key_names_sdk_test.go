package engine_test

// Key attribute names: 1..255 bytes (botocore's service-2.json,
// KeySchemaAttributeName and NonKeyAttributeName: "max":255, "min":1) for
// table keys, index keys, AttributeDefinitions and projected names, while
// other attribute names may be 65535 bytes (TestLimits). Alternator's
// test_limits.py, run against the service
// (test_limit_attribute_length_key_good/_bad, _gsi_lsi_good/_bad,
// _bad_incoherent_names, _gsi_lsi_projection_bad/_all): 255 works, 256 is
// a ValidationException naming the limit, the length error is reported
// even when the request is also incoherent (a name missing from
// AttributeDefinitions), and an attribute over 255 bytes may still be
// projected by ALL. The message is the model constraint's:
// "Value '<name>' at '<path>' failed to satisfy constraint: Member must
// have length less than or equal to 255". Where several members fail, the
// order is the engine's (the service's order is not documented).

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"dynalab/engine"
	"dynalab/engine/enginetest"
)

func tooLong(v, path string) string {
	return at(v, path, "Member must have length less than or equal to 255")
}

func defS(name string) types.AttributeDefinition {
	return types.AttributeDefinition{AttributeName: aws.String(name), AttributeType: types.ScalarAttributeTypeS}
}

func ksElem(name string, kt types.KeyType) types.KeySchemaElement {
	return types.KeySchemaElement{AttributeName: aws.String(name), KeyType: kt}
}

func TestKeyAttributeNameLength(t *testing.T) {
	env := newSDKEnv(t, engine.Options{})
	ctx := enginetest.Ctx(t)
	n255 := func(c string) string { return strings.Repeat(c, 255) }
	long := strings.Repeat("z", 256)
	all := &types.Projection{ProjectionType: types.ProjectionTypeAll}

	// 255 bytes everywhere a key name goes, and a 256-byte non-key
	// attribute projected by ALL (_gsi_lsi_good, _projection_all).
	h, r, g1, g2 := n255("h"), n255("r"), n255("g"), n255("l")
	_, err := env.c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("Long"),
		AttributeDefinitions: []types.AttributeDefinition{defS(h), defS(r), defS(g1), defS(g2)},
		KeySchema:            []types.KeySchemaElement{ksElem(h, types.KeyTypeHash), ksElem(r, types.KeyTypeRange)},
		BillingMode:          types.BillingModePayPerRequest,
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{IndexName: aws.String("gsi"), Projection: all,
			KeySchema: []types.KeySchemaElement{ksElem(g1, types.KeyTypeHash), ksElem(g2, types.KeyTypeRange)}}},
		LocalSecondaryIndexes: []types.LocalSecondaryIndex{{IndexName: aws.String("lsi"), Projection: all,
			KeySchema: []types.KeySchemaElement{ksElem(h, types.KeyTypeHash), ksElem(g2, types.KeyTypeRange)}}},
	})
	if err != nil {
		t.Fatalf("255-byte key names: %v", err)
	}
	item := av{h: s("hi"), r: s("ho"), g1: s("dog"), g2: s("cat"), long: s("long name")}
	if _, err := env.c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Long"), Item: item}); err != nil {
		t.Fatal(err)
	}
	if got := getItem(t, env.c, "Long", av{h: s("hi"), r: s("ho")}); !itemEqual(got, item) {
		t.Fatalf("got %s", showItem(got))
	}
	out, err := env.c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("Long"), IndexName: aws.String("gsi"),
		KeyConditionExpression: aws.String("#g = :g"), ExpressionAttributeNames: map[string]string{"#g": g1},
		ExpressionAttributeValues: av{":g": s("dog")}})
	if err != nil || len(out.Items) != 1 || !itemEqual(out.Items[0], item) {
		t.Fatalf("GSI query: %v %v", err, out)
	}

	base := func() *dynamodb.CreateTableInput {
		return &dynamodb.CreateTableInput{
			TableName:            aws.String("Bad"),
			AttributeDefinitions: []types.AttributeDefinition{defS("a"), defS("b")},
			KeySchema:            []types.KeySchemaElement{ksElem("a", types.KeyTypeHash), ksElem("b", types.KeyTypeRange)},
			BillingMode:          types.BillingModePayPerRequest,
		}
	}
	cases := []struct {
		name string
		edit func(*dynamodb.CreateTableInput)
		msg  string
	}{
		{"HASH key (_key_bad)", func(in *dynamodb.CreateTableInput) {
			in.AttributeDefinitions = []types.AttributeDefinition{defS(long)}
			in.KeySchema = []types.KeySchemaElement{ksElem(long, types.KeyTypeHash)}
		}, "2 validation errors detected: " + tooLong(long, "attributeDefinitions.1.member.attributeName") + "; " + tooLong(long, "keySchema.1.member.attributeName")},
		{"RANGE key (_key_bad)", func(in *dynamodb.CreateTableInput) {
			in.AttributeDefinitions[1] = defS(long)
			in.KeySchema[1] = ksElem(long, types.KeyTypeRange)
		}, "2 validation errors detected: " + tooLong(long, "attributeDefinitions.2.member.attributeName") + "; " + tooLong(long, "keySchema.2.member.attributeName")},
		{"key schema only, incoherent (_key_bad_incoherent_names)", func(in *dynamodb.CreateTableInput) {
			in.KeySchema[0] = ksElem(long, types.KeyTypeHash)
		}, one(tooLong(long, "keySchema.1.member.attributeName"))},
		{"definition only, incoherent", func(in *dynamodb.CreateTableInput) {
			in.AttributeDefinitions = append(in.AttributeDefinitions, defS(long))
		}, one(tooLong(long, "attributeDefinitions.3.member.attributeName"))},
		{"GSI key, incoherent", func(in *dynamodb.CreateTableInput) {
			in.GlobalSecondaryIndexes = []types.GlobalSecondaryIndex{{IndexName: aws.String("gsi"), Projection: all,
				KeySchema: []types.KeySchemaElement{ksElem(long, types.KeyTypeHash)}}}
		}, one(tooLong(long, "globalSecondaryIndexes.1.member.keySchema.1.member.attributeName"))},
		{"LSI key, incoherent", func(in *dynamodb.CreateTableInput) {
			in.LocalSecondaryIndexes = []types.LocalSecondaryIndex{{IndexName: aws.String("lsi"), Projection: all,
				KeySchema: []types.KeySchemaElement{ksElem("a", types.KeyTypeHash), ksElem(long, types.KeyTypeRange)}}}
		}, one(tooLong(long, "localSecondaryIndexes.1.member.keySchema.2.member.attributeName"))},
		{"GSI projection (_gsi_lsi_projection_bad)", func(in *dynamodb.CreateTableInput) {
			in.AttributeDefinitions = append(in.AttributeDefinitions, defS("c"))
			in.GlobalSecondaryIndexes = []types.GlobalSecondaryIndex{{IndexName: aws.String("gsi"),
				Projection: &types.Projection{ProjectionType: types.ProjectionTypeInclude, NonKeyAttributes: []string{"x", long}},
				KeySchema:  []types.KeySchemaElement{ksElem("c", types.KeyTypeHash)}}}
		}, one(at("[x, "+long+"]", "globalSecondaryIndexes.1.member.projection.nonKeyAttributes",
			"Member must satisfy constraint: [Member must have length less than or equal to 255, Member must have length greater than or equal to 1]"))},
		{"LSI projection (_gsi_lsi_projection_bad)", func(in *dynamodb.CreateTableInput) {
			in.AttributeDefinitions = append(in.AttributeDefinitions, defS("c"))
			in.LocalSecondaryIndexes = []types.LocalSecondaryIndex{{IndexName: aws.String("lsi"),
				Projection: &types.Projection{ProjectionType: types.ProjectionTypeInclude, NonKeyAttributes: []string{long}},
				KeySchema:  []types.KeySchemaElement{ksElem("a", types.KeyTypeHash), ksElem("c", types.KeyTypeRange)}}}
		}, one(at("["+long+"]", "localSecondaryIndexes.1.member.projection.nonKeyAttributes",
			"Member must satisfy constraint: [Member must have length less than or equal to 255, Member must have length greater than or equal to 1]"))},
	}
	for _, tc := range cases {
		in := base()
		tc.edit(in)
		_, err := env.c.CreateTable(ctx, in)
		if err == nil {
			t.Fatalf("%s: created", tc.name)
		}
		wantAPIError(t, err, "ValidationException", tc.msg)
	}

	// UpdateTable's Create takes the same limits, also before the rules.
	createTable(t, env.c, "Base", keyDef{"PK", tS}, keyDef{})
	up := createGSIInput("Base", "GSI", long, "")
	_, err = env.c.UpdateTable(ctx, up)
	wantAPIError(t, err, "ValidationException", "2 validation errors detected: "+
		tooLong(long, "attributeDefinitions.1.member.attributeName")+"; "+
		tooLong(long, "globalSecondaryIndexUpdates.1.member.create.keySchema.1.member.attributeName"))
	up = createGSIInput("Base", "GSI", "g", "")
	up.GlobalSecondaryIndexUpdates[0].Create.Projection = &types.Projection{ProjectionType: types.ProjectionTypeInclude, NonKeyAttributes: []string{long}}
	_, err = env.c.UpdateTable(ctx, up)
	wantAPIError(t, err, "ValidationException", one(at("["+long+"]", "globalSecondaryIndexUpdates.1.member.create.projection.nonKeyAttributes",
		"Member must satisfy constraint: [Member must have length less than or equal to 255, Member must have length greater than or equal to 1]")))
	up = createGSIInput("Base", "GSI", n255("g"), "")
	if _, err := env.c.UpdateTable(ctx, up); err != nil {
		t.Fatalf("255-byte GSI key by UpdateTable: %v", err)
	}
}

// TestKeyAttributeNameEmpty: an empty key attribute name breaks the same
// model constraint from below (KeySchemaAttributeName "min":1 in
// botocore's service-2.json), worded
//
//	Value '' at '<path>' failed to satisfy constraint: Member must have length greater than or equal to 1
//
// the form paritysuite's tests/tier3/validation-ordering/updateItem.test.ts
// records from the service for an empty member of the same kind (an
// empty tableName). It is a model constraint, so it is reported before the
// key schema's own rules, like the 256-byte names above. An absent name
// stays "Member must not be null" (TestValidationOrder's rows: the SDK
// refuses to send one). An empty TableName is that constraint on
// tableName, reported alone (paritysuite's createTable.test.ts).
func TestKeyAttributeNameEmpty(t *testing.T) {
	env := newSDKEnv(t, engine.Options{})
	ctx := enginetest.Ctx(t)
	min1 := "Member must have length greater than or equal to 1"
	all := &types.Projection{ProjectionType: types.ProjectionTypeAll}
	base := func() *dynamodb.CreateTableInput {
		return &dynamodb.CreateTableInput{
			TableName:            aws.String("Bad"),
			AttributeDefinitions: []types.AttributeDefinition{defS("a"), defS("b")},
			KeySchema:            []types.KeySchemaElement{ksElem("a", types.KeyTypeHash), ksElem("b", types.KeyTypeRange)},
			BillingMode:          types.BillingModePayPerRequest,
		}
	}
	cases := []struct {
		name string
		edit func(*dynamodb.CreateTableInput)
		msg  string
	}{
		{"HASH key and its definition", func(in *dynamodb.CreateTableInput) {
			in.AttributeDefinitions[0] = defS("")
			in.KeySchema[0] = ksElem("", types.KeyTypeHash)
		}, "2 validation errors detected: " + at("", "attributeDefinitions.1.member.attributeName", min1) + "; " + at("", "keySchema.1.member.attributeName", min1)},
		{"RANGE key, incoherent", func(in *dynamodb.CreateTableInput) {
			in.KeySchema[1] = ksElem("", types.KeyTypeRange)
		}, one(at("", "keySchema.2.member.attributeName", min1))},
		{"GSI key", func(in *dynamodb.CreateTableInput) {
			in.GlobalSecondaryIndexes = []types.GlobalSecondaryIndex{{IndexName: aws.String("gsi"), Projection: all,
				KeySchema: []types.KeySchemaElement{ksElem("b", types.KeyTypeHash), ksElem("", types.KeyTypeRange)}}}
		}, one(at("", "globalSecondaryIndexes.1.member.keySchema.2.member.attributeName", min1))},
		{"LSI key", func(in *dynamodb.CreateTableInput) {
			in.LocalSecondaryIndexes = []types.LocalSecondaryIndex{{IndexName: aws.String("lsi"), Projection: all,
				KeySchema: []types.KeySchemaElement{ksElem("a", types.KeyTypeHash), ksElem("", types.KeyTypeRange)}}}
		}, one(at("", "localSecondaryIndexes.1.member.keySchema.2.member.attributeName", min1))},
		{"LSI projection", func(in *dynamodb.CreateTableInput) {
			in.AttributeDefinitions = append(in.AttributeDefinitions, defS("c"))
			in.LocalSecondaryIndexes = []types.LocalSecondaryIndex{{IndexName: aws.String("lsi"),
				Projection: &types.Projection{ProjectionType: types.ProjectionTypeInclude, NonKeyAttributes: []string{""}},
				KeySchema:  []types.KeySchemaElement{ksElem("a", types.KeyTypeHash), ksElem("c", types.KeyTypeRange)}}}
		}, one(at("[]", "localSecondaryIndexes.1.member.projection.nonKeyAttributes",
			"Member must satisfy constraint: [Member must have length less than or equal to 255, Member must have length greater than or equal to 1]"))},
		{"empty and too long together", func(in *dynamodb.CreateTableInput) {
			in.KeySchema[0] = ksElem("", types.KeyTypeHash)
			in.KeySchema[1] = ksElem(strings.Repeat("z", 256), types.KeyTypeRange)
		}, "2 validation errors detected: " + at("", "keySchema.1.member.attributeName", min1) + "; " + tooLong(strings.Repeat("z", 256), "keySchema.2.member.attributeName")},
		{"TableName", func(in *dynamodb.CreateTableInput) {
			in.TableName = aws.String("")
			in.KeySchema = []types.KeySchemaElement{}
		}, one(at("", "tableName", min1))},
	}
	for _, tc := range cases {
		in := base()
		tc.edit(in)
		_, err := env.c.CreateTable(ctx, in)
		if err == nil {
			t.Fatalf("%s: created", tc.name)
		}
		wantAPIError(t, err, "ValidationException", tc.msg)
	}

	createTable(t, env.c, "Base", keyDef{"PK", tS}, keyDef{})
	up := createGSIInput("Base", "GSI", "", "")
	_, err := env.c.UpdateTable(ctx, up)
	wantAPIError(t, err, "ValidationException", "2 validation errors detected: "+
		at("", "attributeDefinitions.1.member.attributeName", min1)+"; "+
		at("", "globalSecondaryIndexUpdates.1.member.create.keySchema.1.member.attributeName", min1))
	up = createGSIInput("", "GSI", "g", "")
	_, err = env.c.UpdateTable(ctx, up)
	wantAPIError(t, err, "ValidationException", one(at("", "tableName", min1)))
	if _, err := env.c.UpdateTable(ctx, createGSIInput("Base", "GSI", "g", "")); err != nil {
		t.Fatalf("the same index with a name: %v", err)
	}
}

package engine_test

// Tags over the wire. Expected texts: ExtendDB pull request 227 (the tag
// operations' ResourceNotFoundException, "ResourceArn" as the service words
// it now; dynalite's older "ResourcArn" sic), the Developer Guide's tagging
// restrictions, and the
// ack-api-quirks DynamoDB lab (findings DDB-TABLE-071/105/106/107/108/372).

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"dynalab/engine"
	"dynalab/engine/enginetest"
)

func tag(k, v string) types.Tag { return types.Tag{Key: aws.String(k), Value: aws.String(v)} }

// tagMap lists a resource's tags as a map.
func tagMap(t *testing.T, c *dynamodb.Client, arn string) map[string]string {
	t.Helper()
	out, err := c.ListTagsOfResource(enginetest.Ctx(t), &dynamodb.ListTagsOfResourceInput{ResourceArn: aws.String(arn)})
	if err != nil {
		t.Fatalf("ListTagsOfResource: %v", err)
	}
	if out.NextToken != nil {
		t.Fatalf("NextToken %q with %d tags", *out.NextToken, len(out.Tags))
	}
	m := map[string]string{}
	for _, tg := range out.Tags {
		m[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
	}
	return m
}

func showTags(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + m[k]
	}
	return strings.Join(parts, ",")
}

func TestTagsLifecycle(t *testing.T) {
	e := newSDKEnv(t, engine.Options{})
	ctx := enginetest.Ctx(t)
	arn := aws.ToString(createTable(t, e.c, "Tagged", keyDef{"PK", types.ScalarAttributeTypeS}, keyDef{}).TableArn)

	if got := tagMap(t, e.c, arn); len(got) != 0 {
		t.Fatalf("new table has tags %v", got)
	}
	_, err := e.c.TagResource(ctx, &dynamodb.TagResourceInput{ResourceArn: aws.String(arn),
		Tags: []types.Tag{tag("env", "prod"), tag("Env", ""), tag("sp ace", "a b+c-d=e.f_g:h/i@j"), tag("ключ", "значение")}})
	if err != nil {
		t.Fatal(err)
	}
	// Upsert: an existing key gets the new value.
	if _, err := e.c.TagResource(ctx, &dynamodb.TagResourceInput{ResourceArn: aws.String(arn), Tags: []types.Tag{tag("env", "test")}}); err != nil {
		t.Fatal(err)
	}
	if got, want := showTags(tagMap(t, e.c, arn)), "Env=,env=test,sp ace=a b+c-d=e.f_g:h/i@j,ключ=значение"; got != want {
		t.Fatalf("tags %q, want %q", got, want)
	}
	// Removing absent keys is fine (DDB-TABLE-105).
	if _, err := e.c.UntagResource(ctx, &dynamodb.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"Env", "absent"}}); err != nil {
		t.Fatal(err)
	}
	if got, want := showTags(tagMap(t, e.c, arn)), "env=test,sp ace=a b+c-d=e.f_g:h/i@j,ключ=значение"; got != want {
		t.Fatalf("tags %q, want %q", got, want)
	}
	// Tags survive a restart (catalog record).
	db := enginetest.Reopen(t, e.db, engine.Options{})
	c := enginetest.Client(t, db)
	if got := tagMap(t, c, arn); len(got) != 3 {
		t.Fatalf("after reopen: %v", got)
	}
}

func TestTagsAtCreateTable(t *testing.T) {
	e := newSDKEnv(t, engine.Options{})
	ctx := enginetest.Ctx(t)
	in := func(name string, tags []types.Tag) *dynamodb.CreateTableInput {
		return &dynamodb.CreateTableInput{
			TableName:            aws.String(name),
			AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("PK"), AttributeType: types.ScalarAttributeTypeS}},
			KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("PK"), KeyType: types.KeyTypeHash}},
			BillingMode:          types.BillingModePayPerRequest,
			Tags:                 tags,
		}
	}
	out, err := e.c.CreateTable(ctx, in("WithTags", []types.Tag{tag("a", "1"), tag("b", "2")}))
	if err != nil {
		t.Fatal(err)
	}
	if got := showTags(tagMap(t, e.c, aws.ToString(out.TableDescription.TableArn))); got != "a=1,b=2" {
		t.Fatalf("tags %q", got)
	}
	many := make([]types.Tag, 51)
	for i := range many {
		many[i] = tag(fmt.Sprint("k", i), "v")
	}
	_, err = e.c.CreateTable(ctx, in("TooMany", many))
	wantAPIError(t, err, "ValidationException", "Number of Tags exceed the current limit for the provided ResourceArn")
	_, err = e.c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("TooMany")})
	wantAPIError(t, err, "ResourceNotFoundException", "")
}

func TestTagErrors(t *testing.T) {
	e := newSDKEnv(t, engine.Options{})
	ctx := enginetest.Ctx(t)
	arn := aws.ToString(createTable(t, e.c, "Tagged", keyDef{"PK", types.ScalarAttributeTypeS}, keyDef{}).TableArn)
	missing := strings.Replace(arn, "Tagged", "Missing", 1)
	long := strings.Repeat("k", 129)
	tests := []struct {
		name      string
		arn       string
		tags      []types.Tag
		code, msg string
	}{
		{"bare name", "Tagged", []types.Tag{tag("a", "b")}, "ValidationException",
			"One or more parameter values were invalid: ARNs must start with 'arn:': Tagged"},
		{"short table name", "arn:aws:dynamodb:us-east-1:000000000000:table/ab", []types.Tag{tag("a", "b")}, "ValidationException",
			"Invalid TableArn: Invalid ResourceArn provided as input arn:aws:dynamodb:us-east-1:000000000000:table/ab"},
		{"backup arn", arn + "/backup/01700000000000-0badf00d", []types.Tag{tag("a", "b")}, "ValidationException",
			"One or more parameter values were invalid: Provided Arn is not a DynamoDB resource arn: " + arn + "/backup/01700000000000-0badf00d"},
		{"index arn", arn + "/index/byX", []types.Tag{tag("a", "b")}, "ValidationException",
			"One or more parameter values were invalid: Invalid resource arn provided, only table or stream is accepted. Provided resource arn: " + arn + "/index/byX"},
		{"empty tags", missing, []types.Tag{}, "ValidationException", "Atleast one Tag needs to be provided as Input."},
		{"missing table", missing, []types.Tag{tag("a", "b")}, "ResourceNotFoundException",
			"Requested resource not found: ResourceArn: " + missing + " not found"},
		{"long key", arn, []types.Tag{tag("ok", "1"), tag(long, "x")}, "ValidationException", "The Tag Key provided is invalid, Key: " + long},
		{"empty key", arn, []types.Tag{tag("", "x")}, "ValidationException", "The Tag Key provided is invalid, Key: "},
		{"long value", arn, []types.Tag{tag("k", strings.Repeat("v", 257))}, "ValidationException",
			"The Tag Value provided is invalid, Value: " + strings.Repeat("v", 257)},
		{"bad char", arn, []types.Tag{tag("bad#char", "x")}, "ValidationException", "The Tag Key provided is invalid, Key: bad#char"},
		{"bad value char", arn, []types.Tag{tag("k", "100%")}, "ValidationException", "The Tag Value provided is invalid, Value: 100%"},
		{"aws prefix", arn, []types.Tag{tag("ok", "1"), tag("AWS:zzz", "x")}, "ValidationException", "Tag Key cannot be prefixed with aws:, Key: AWS:zzz"},
		{"duplicate", arn, []types.Tag{tag("dup", "1"), tag("dup", "2")}, "ValidationException",
			"Duplicate Tag Keys provided as input: Duplicate Tag Key found dup"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.c.TagResource(ctx, &dynamodb.TagResourceInput{ResourceArn: aws.String(tc.arn), Tags: tc.tags})
			wantAPIError(t, err, tc.code, tc.msg)
		})
	}
	// All or nothing: the valid tag of a refused request was not applied.
	if got := tagMap(t, e.c, arn); len(got) != 0 {
		t.Fatalf("tags after refused requests: %v", got)
	}
	_, err := e.c.UntagResource(ctx, &dynamodb.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{}})
	wantAPIError(t, err, "ValidationException", "Atleast one Tag Key needs to be provided as Input.")
	_, err = e.c.UntagResource(ctx, &dynamodb.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"aws:foo"}})
	wantAPIError(t, err, "ValidationException", "Tag Key cannot be prefixed with aws:, Key: aws:foo")
	_, err = e.c.ListTagsOfResource(ctx, &dynamodb.ListTagsOfResourceInput{ResourceArn: aws.String(arn + "/index/byX")})
	wantAPIError(t, err, "ValidationException", "One or more parameter values were invalid: Invalid resource arn provided, only table or stream is accepted. Provided resource arn: "+arn+"/index/byX")
	_, err = e.c.ListTagsOfResource(ctx, &dynamodb.ListTagsOfResourceInput{ResourceArn: aws.String(missing)})
	wantAPIError(t, err, "ResourceNotFoundException", "Requested resource not found: ResourceArn: "+missing+" not found")
}

func TestTagLimit(t *testing.T) {
	e := newSDKEnv(t, engine.Options{})
	ctx := enginetest.Ctx(t)
	arn := aws.ToString(createTable(t, e.c, "Tagged", keyDef{"PK", types.ScalarAttributeTypeS}, keyDef{}).TableArn)
	fifty := make([]types.Tag, 50)
	for i := range fifty {
		fifty[i] = tag(fmt.Sprintf("k%02d", i), "v")
	}
	if _, err := e.c.TagResource(ctx, &dynamodb.TagResourceInput{ResourceArn: aws.String(arn), Tags: fifty}); err != nil {
		t.Fatal(err)
	}
	// The limit applies to the merged set (DDB-TABLE-108): new values for
	// existing keys pass, a 51st key does not.
	if _, err := e.c.TagResource(ctx, &dynamodb.TagResourceInput{ResourceArn: aws.String(arn), Tags: []types.Tag{tag("k00", "new")}}); err != nil {
		t.Fatal(err)
	}
	_, err := e.c.TagResource(ctx, &dynamodb.TagResourceInput{ResourceArn: aws.String(arn), Tags: []types.Tag{tag("k00", "x"), tag("k50", "v")}})
	wantAPIError(t, err, "ValidationException", "Number of Tags exceed the current limit for the provided ResourceArn")
	got := tagMap(t, e.c, arn) // one page: no NextToken at 50 tags
	if len(got) != 50 || got["k00"] != "new" {
		t.Fatalf("%d tags, k00=%q", len(got), got["k00"])
	}
}

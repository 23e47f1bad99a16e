package engine_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	stypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"

	"dynalab/engine"
)

// writeEveryWay changes item (PK=p, SK=s) through every write operation,
// including writes that change nothing, and returns the records a
// NEW_AND_OLD_IMAGES stream must hold, rendered.
func writeEveryWay(e *streamEnv, table string) []string {
	t := e.t
	tn := aws.String(table)
	k := map[string]types.AttributeValue{"PK": s("p"), "SK": s("s")}
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	e.put(table, map[string]types.AttributeValue{"PK": s("p"), "SK": s("s"), "x": n("2")})
	e.put(table, map[string]types.AttributeValue{"PK": s("p"), "SK": s("s"), "x": n("2")}) // identical: no record
	e.put(table, map[string]types.AttributeValue{"PK": s("p"), "SK": s("s"), "y": n("3")})
	must(e.c.UpdateItem(e.ctx, &dynamodb.UpdateItemInput{TableName: tn, Key: k, UpdateExpression: aws.String("SET y = :v"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": n("3.0")}})) // same value: no record
	must(e.c.UpdateItem(e.ctx, &dynamodb.UpdateItemInput{TableName: tn, Key: k, UpdateExpression: aws.String("REMOVE gone")})) // no record
	must(e.c.UpdateItem(e.ctx, &dynamodb.UpdateItemInput{TableName: tn, Key: k, UpdateExpression: aws.String("ADD y :one"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":one": n("1")}}))
	must(e.c.DeleteItem(e.ctx, &dynamodb.DeleteItemInput{TableName: tn, Key: k}))
	must(e.c.DeleteItem(e.ctx, &dynamodb.DeleteItemInput{TableName: tn, Key: k})) // missing: no record
	must(e.c.UpdateItem(e.ctx, &dynamodb.UpdateItemInput{TableName: tn, Key: k, UpdateExpression: aws.String("SET b = :v"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": s("new")}}))
	// A failed condition writes nothing.
	_, err := e.c.PutItem(e.ctx, &dynamodb.PutItemInput{TableName: tn, Item: map[string]types.AttributeValue{"PK": s("p"), "SK": s("s")},
		ConditionExpression: aws.String("attribute_not_exists(PK)")})
	wantCode(t, err, "ConditionalCheckFailedException", "")
	must(e.c.BatchWriteItem(e.ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{table: {
		{PutRequest: &types.PutRequest{Item: map[string]types.AttributeValue{"PK": s("p"), "SK": s("s"), "x": n("5")}}},
		{PutRequest: &types.PutRequest{Item: map[string]types.AttributeValue{"PK": s("q"), "SK": s("s")}}},
		{DeleteRequest: &types.DeleteRequest{Key: map[string]types.AttributeValue{"PK": s("nobody"), "SK": s("s")}}},
	}}}))
	must(e.c.TransactWriteItems(e.ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Delete: &types.Delete{TableName: tn, Key: map[string]types.AttributeValue{"PK": s("q"), "SK": s("s")}}},
		{Update: &types.Update{TableName: tn, Key: k, UpdateExpression: aws.String("SET x = :x"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":x": n("5")}}}, // same value: no record
		{Put: &types.Put{TableName: tn, Item: map[string]types.AttributeValue{"PK": s("r"), "SK": s("s"), "m": &types.AttributeValueMemberM{
			Value: map[string]types.AttributeValue{"z": &types.AttributeValueMemberL{Value: []types.AttributeValue{n("1")}}}}}}},
	}}))
	// A cancelled transaction writes nothing.
	_, err = e.c.TransactWriteItems(e.ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: tn, Item: map[string]types.AttributeValue{"PK": s("t"), "SK": s("s")}}},
		{ConditionCheck: &types.ConditionCheck{TableName: tn, Key: k, ConditionExpression: aws.String("attribute_not_exists(PK)")}},
	}})
	wantCode(t, err, "TransactionCanceledException", "")
	return []string{
		"INSERT {PK=S:p,SK=S:s} new{PK=S:p,SK=S:s,x=N:2}",
		"MODIFY {PK=S:p,SK=S:s} new{PK=S:p,SK=S:s,y=N:3} old{PK=S:p,SK=S:s,x=N:2}",
		"MODIFY {PK=S:p,SK=S:s} new{PK=S:p,SK=S:s,y=N:4} old{PK=S:p,SK=S:s,y=N:3}",
		"REMOVE {PK=S:p,SK=S:s} old{PK=S:p,SK=S:s,y=N:4}",
		"INSERT {PK=S:p,SK=S:s} new{PK=S:p,SK=S:s,b=S:new}",
		"MODIFY {PK=S:p,SK=S:s} new{PK=S:p,SK=S:s,x=N:5} old{PK=S:p,SK=S:s,b=S:new}",
		"INSERT {PK=S:q,SK=S:s} new{PK=S:q,SK=S:s}",
		"REMOVE {PK=S:q,SK=S:s} old{PK=S:q,SK=S:s}",
		"INSERT {PK=S:r,SK=S:s} new{PK=S:r,SK=S:s,m=M:{z=L:[N:1]}}",
	}
}

// forView cuts a NEW_AND_OLD_IMAGES rendering down to what a view type
// carries.
func forView(rendered string, view stypes.StreamViewType) string {
	keys, rest, _ := strings.Cut(rendered, "} ")
	keys += "}"
	var newImg, oldImg string
	for _, part := range strings.Split(rest, " ") {
		switch {
		case strings.HasPrefix(part, "new"):
			newImg = " " + part
		case strings.HasPrefix(part, "old"):
			oldImg = " " + part
		}
	}
	if rest == rendered {
		return rendered
	}
	switch view {
	case stypes.StreamViewTypeKeysOnly:
		return keys
	case stypes.StreamViewTypeNewImage:
		return keys + newImg
	case stypes.StreamViewTypeOldImage:
		return keys + oldImg
	}
	return keys + newImg + oldImg
}

func TestStreamViewTypesAndNoOpWrites(t *testing.T) {
	for _, view := range []stypes.StreamViewType{stypes.StreamViewTypeKeysOnly, stypes.StreamViewTypeNewImage,
		stypes.StreamViewTypeOldImage, stypes.StreamViewTypeNewAndOldImages} {
		t.Run(string(view), func(t *testing.T) {
			e := newStreamEnv(t, engine.Options{})
			arn := e.table("Tab", view)
			want := writeEveryWay(e, "Tab")
			recs := e.readAll(arn)
			if len(recs) != len(want) {
				var got []string
				for _, r := range recs {
					got = append(got, render(r))
				}
				t.Fatalf("%d records, want %d:\n%s", len(recs), len(want), strings.Join(got, "\n"))
			}
			ids := map[string]bool{}
			prev := ""
			for i, r := range recs {
				if got, w := render(r), forView(want[i], view); got != w {
					t.Errorf("record %d = %s, want %s", i, got, w)
				}
				d := r.Dynamodb
				if aws.ToString(r.EventVersion) != "1.1" || aws.ToString(r.EventSource) != "aws:dynamodb" ||
					aws.ToString(r.AwsRegion) != "us-east-1" || d.StreamViewType != view || r.UserIdentity != nil {
					t.Errorf("record %d: version %s source %s region %s view %s identity %v", i, aws.ToString(r.EventVersion),
						aws.ToString(r.EventSource), aws.ToString(r.AwsRegion), d.StreamViewType, r.UserIdentity)
				}
				if !d.ApproximateCreationDateTime.Equal(streamStart) {
					t.Errorf("record %d: ApproximateCreationDateTime %v, want %v", i, d.ApproximateCreationDateTime, streamStart)
				}
				seq := aws.ToString(d.SequenceNumber)
				if _, err := strconv.ParseUint(seq, 10, 64); len(seq) < 21 || err == nil && len(seq) != 21 || seq <= prev {
					t.Errorf("record %d: sequence number %q after %q", i, seq, prev)
				}
				prev = seq
				id := aws.ToString(r.EventID)
				if len(id) != 32 || ids[id] {
					t.Errorf("record %d: eventID %q (length %d, seen %v)", i, id, len(id), ids[id])
				}
				ids[id] = true
			}
		})
	}
}

func TestStreamRecordSizeBytes(t *testing.T) {
	// Two public data points: KEYS_ONLY ForumName="DynamoDB",
	// Subject="DynamoDB Thread 3" is 41 bytes (an AWS docs Streams
	// example); an INSERT of {"id":"Fred"} with NEW_AND_OLD_IMAGES is 12
	// (LocalStack's AWS-recorded snapshot).
	e := newStreamEnv(t, engine.Options{})
	_, err := e.c.CreateTable(e.ctx, &dynamodb.CreateTableInput{
		TableName: aws.String("Thread"),
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String("ForumName"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("Subject"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String("ForumName"), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String("Subject"), KeyType: types.KeyTypeRange}},
		BillingMode:         types.BillingModePayPerRequest,
		StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeKeysOnly},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.c.CreateTable(e.ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("People"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
		StreamSpecification:  &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeNewAndOldImages},
	})
	if err != nil {
		t.Fatal(err)
	}
	e.put("Thread", map[string]types.AttributeValue{"ForumName": s("DynamoDB"), "Subject": s("DynamoDB Thread 3"), "Views": n("10")})
	e.put("People", map[string]types.AttributeValue{"id": s("Fred")})
	for table, want := range map[string]int64{"Thread": 41, "People": 12} {
		d, err := e.c.DescribeTable(e.ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)})
		if err != nil {
			t.Fatal(err)
		}
		recs := e.readAll(aws.ToString(d.Table.LatestStreamArn))
		if len(recs) != 1 || aws.ToInt64(recs[0].Dynamodb.SizeBytes) != want {
			t.Errorf("%s: %d records, SizeBytes %d, want %d", table, len(recs), aws.ToInt64(recs[0].Dynamodb.SizeBytes), want)
		}
	}
}

func TestStreamSpecificationInTableDescriptions(t *testing.T) {
	e := newStreamEnv(t, engine.Options{})
	arn := e.table("Tab", stypes.StreamViewTypeKeysOnly)
	label := "2025-03-01T09:00:00.000"
	if want := "arn:aws:dynamodb:us-east-1:000000000000:table/Tab/stream/" + label; arn != want {
		t.Fatalf("LatestStreamArn %q, want %q", arn, want)
	}
	d, err := e.c.DescribeTable(e.ctx, &dynamodb.DescribeTableInput{TableName: aws.String("Tab")})
	if err != nil {
		t.Fatal(err)
	}
	spec := d.Table.StreamSpecification
	if aws.ToString(d.Table.LatestStreamArn) != arn || aws.ToString(d.Table.LatestStreamLabel) != label ||
		spec == nil || !aws.ToBool(spec.StreamEnabled) || spec.StreamViewType != types.StreamViewTypeKeysOnly {
		t.Fatalf("DescribeTable: arn %v label %v spec %+v", aws.ToString(d.Table.LatestStreamArn), aws.ToString(d.Table.LatestStreamLabel), spec)
	}
	// An unrelated update reports the stream too.
	u, err := e.c.UpdateTable(e.ctx, &dynamodb.UpdateTableInput{TableName: aws.String("Tab"), BillingMode: types.BillingModePayPerRequest})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(u.TableDescription.LatestStreamArn) != arn || u.TableDescription.StreamSpecification == nil {
		t.Fatalf("UpdateTable description: %+v", u.TableDescription)
	}
	// A table created with StreamEnabled false has no stream.
	_, err = e.c.CreateTable(e.ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("Plain"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
		StreamSpecification:  &types.StreamSpecification{StreamEnabled: aws.Bool(false)},
	})
	if err != nil {
		t.Fatal(err)
	}
	d, err = e.c.DescribeTable(e.ctx, &dynamodb.DescribeTableInput{TableName: aws.String("Plain")})
	if err != nil || d.Table.LatestStreamArn != nil || d.Table.StreamSpecification != nil {
		t.Fatalf("table without stream: %v %+v", err, d.Table)
	}
}

func TestStreamSpecificationErrors(t *testing.T) {
	e := newStreamEnv(t, engine.Options{})
	e.table("Tab", stypes.StreamViewTypeKeysOnly)
	e.table("Plain", "")
	update := func(table string, spec *types.StreamSpecification) error {
		_, err := e.c.UpdateTable(e.ctx, &dynamodb.UpdateTableInput{TableName: aws.String(table), StreamSpecification: spec})
		return err
	}
	cases := []struct {
		name, table string
		spec        *types.StreamSpecification
		msg         string
	}{
		{"enable twice", "Tab", &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeKeysOnly},
			"Table already has an enabled stream: TableName: Tab"},
		{"change view type", "Tab", &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeNewImage},
			"Table already has an enabled stream: TableName: Tab"},
		{"disable none", "Plain", &types.StreamSpecification{StreamEnabled: aws.Bool(false)},
			"Table has no stream to disable: TableName: Plain"},
		{"no view type", "Plain", &types.StreamSpecification{StreamEnabled: aws.Bool(true)},
			"One or more parameter values were invalid: You must specify a StreamViewType when enabling a stream"},
		{"view type when disabling", "Tab", &types.StreamSpecification{StreamEnabled: aws.Bool(false), StreamViewType: types.StreamViewTypeKeysOnly},
			"StreamViewType can only be specified when StreamEnabled is true"},
		{"bad view type", "Plain", &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: "Fisk"},
			"1 validation error detected: Value 'Fisk' at 'streamSpecification.streamViewType' failed to satisfy constraint: Member must satisfy enum value set: [NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES, KEYS_ONLY]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { wantCode(t, update(c.table, c.spec), "ValidationException", c.msg) })
	}
}

func TestStreamDisableAndReEnable(t *testing.T) {
	e := newStreamEnv(t, engine.Options{})
	first := e.table("Tab", stypes.StreamViewTypeNewImage)
	e.put("Tab", map[string]types.AttributeValue{"PK": s("a"), "SK": s("1")})
	shard := *e.shards(first)[0].ShardId
	latest := e.iterator(first, shard, stypes.ShardIteratorTypeLatest, "")
	e.put("Tab", map[string]types.AttributeValue{"PK": s("a"), "SK": s("2")})

	if _, err := e.c.UpdateTable(e.ctx, &dynamodb.UpdateTableInput{TableName: aws.String("Tab"),
		StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(false)}}); err != nil {
		t.Fatal(err)
	}
	e.put("Tab", map[string]types.AttributeValue{"PK": s("a"), "SK": s("3")}) // no stream: no record
	d, _ := e.c.DescribeTable(e.ctx, &dynamodb.DescribeTableInput{TableName: aws.String("Tab")})
	if aws.ToString(d.Table.LatestStreamArn) != first || d.Table.StreamSpecification != nil {
		t.Fatalf("after disabling: arn %v spec %+v", aws.ToString(d.Table.LatestStreamArn), d.Table.StreamSpecification)
	}
	ds, err := e.sc.DescribeStream(e.ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(first)})
	if err != nil {
		t.Fatal(err)
	}
	sd := ds.StreamDescription
	if sd.StreamStatus != stypes.StreamStatusDisabled || len(sd.Shards) != 1 || sd.Shards[0].SequenceNumberRange.EndingSequenceNumber == nil {
		t.Fatalf("disabled stream: status %s shards %+v", sd.StreamStatus, sd.Shards)
	}
	// The iterator taken before disabling reads the one later record, then
	// reaches the end of the closed shard: no NextShardIterator.
	out := e.getRecords(latest, 0)
	if len(out.Records) != 1 || render(out.Records[0]) != "INSERT {PK=S:a,SK=S:2} new{PK=S:a,SK=S:2}" || out.NextShardIterator != nil {
		t.Fatalf("closed shard read: %d records, next %v", len(out.Records), out.NextShardIterator)
	}

	// Re-enabling in the same millisecond still gets a new label and ARN.
	u, err := e.c.UpdateTable(e.ctx, &dynamodb.UpdateTableInput{TableName: aws.String("Tab"),
		StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeKeysOnly}})
	if err != nil {
		t.Fatal(err)
	}
	second := aws.ToString(u.TableDescription.LatestStreamArn)
	if second == first || !strings.HasSuffix(second, "/stream/2025-03-01T09:00:00.001") {
		t.Fatalf("re-enabled stream ARN %q (first %q)", second, first)
	}
	e.put("Tab", map[string]types.AttributeValue{"PK": s("a"), "SK": s("4")})
	if recs := e.readAll(second); len(recs) != 1 || render(recs[0]) != "INSERT {PK=S:a,SK=S:4}" {
		t.Fatalf("second stream: %v", recs)
	}
	if recs := e.readAll(first); len(recs) != 2 {
		t.Fatalf("first stream still has %d records, want 2", len(recs))
	}
	ls, err := e.sc.ListStreams(e.ctx, &dynamodbstreams.ListStreamsInput{TableName: aws.String("Tab")})
	if err != nil || len(ls.Streams) != 2 || aws.ToString(ls.Streams[0].StreamArn) != first || aws.ToString(ls.Streams[1].StreamArn) != second {
		t.Fatalf("ListStreams: %v %+v", err, ls)
	}

	// Disabled streams are forgotten after 24 hours.
	e.clock.Advance(24*time.Hour + time.Second)
	if err := e.db.RunMaintenance(); err != nil {
		t.Fatal(err)
	}
	ls, err = e.sc.ListStreams(e.ctx, &dynamodbstreams.ListStreamsInput{TableName: aws.String("Tab")})
	if err != nil || len(ls.Streams) != 1 || aws.ToString(ls.Streams[0].StreamArn) != second {
		t.Fatalf("ListStreams a day later: %v %+v", err, ls)
	}
	_, err = e.sc.DescribeStream(e.ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(first)})
	wantCode(t, err, "ResourceNotFoundException", "Requested resource not found: Stream: "+first+" not found")
}

func TestListStreamsPaging(t *testing.T) {
	e := newStreamEnv(t, engine.Options{})
	var arns []string
	for _, name := range []string{"Gamma", "Alpha", "Beta"} {
		arns = append(arns, e.table(name, stypes.StreamViewTypeKeysOnly))
	}
	e.table("NoStream", "")
	var got []string
	in := &dynamodbstreams.ListStreamsInput{Limit: aws.Int32(1)}
	for page := 0; ; page++ {
		out, err := e.sc.ListStreams(e.ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range out.Streams {
			got = append(got, aws.ToString(st.TableName)+" "+aws.ToString(st.StreamLabel))
			if aws.ToString(st.StreamArn) == "" {
				t.Fatal("stream without ARN")
			}
		}
		if out.LastEvaluatedStreamArn == nil {
			break
		}
		if page > 5 {
			t.Fatal("ListStreams does not end")
		}
		in.ExclusiveStartStreamArn = out.LastEvaluatedStreamArn
	}
	want := "Alpha 2025-03-01T09:00:00.000,Beta 2025-03-01T09:00:00.000,Gamma 2025-03-01T09:00:00.000"
	if strings.Join(got, ",") != want {
		t.Fatalf("paged ListStreams = %v, want %s", got, want)
	}
	out, err := e.sc.ListStreams(e.ctx, &dynamodbstreams.ListStreamsInput{TableName: aws.String("NoStream")})
	if err != nil || len(out.Streams) != 0 || out.LastEvaluatedStreamArn != nil {
		t.Fatalf("table without streams: %v %+v", err, out)
	}
	_, err = e.sc.ListStreams(e.ctx, &dynamodbstreams.ListStreamsInput{TableName: aws.String("Missing")})
	wantCode(t, err, "ResourceNotFoundException", "Table: Missing not found")
	_, err = e.sc.ListStreams(e.ctx, &dynamodbstreams.ListStreamsInput{Limit: aws.Int32(0)})
	wantCode(t, err, "ValidationException", "Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1")
	_, err = e.sc.ListStreams(e.ctx, &dynamodbstreams.ListStreamsInput{Limit: aws.Int32(101)})
	wantCode(t, err, "ValidationException", "Member must have value less than or equal to 100")
	_, err = e.sc.ListStreams(e.ctx, &dynamodbstreams.ListStreamsInput{ExclusiveStartStreamArn: aws.String("kossaapaaasdafsdaasdasdasdasasdasfadfadfasdasdas")})
	wantCode(t, err, "ValidationException", "Invalid StreamArn")
}

func TestDeleteTableDisablesItsStream(t *testing.T) {
	e := newStreamEnv(t, engine.Options{})
	arn := e.table("Tab", stypes.StreamViewTypeKeysOnly)
	e.put("Tab", map[string]types.AttributeValue{"PK": s("a"), "SK": s("1")})
	if _, err := e.c.DeleteTable(e.ctx, &dynamodb.DeleteTableInput{TableName: aws.String("Tab")}); err != nil {
		t.Fatal(err)
	}
	ds, err := e.sc.DescribeStream(e.ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(arn)})
	if err != nil || ds.StreamDescription.StreamStatus != stypes.StreamStatusDisabled {
		t.Fatalf("stream of a deleted table: %v %+v", err, ds)
	}
	if recs := e.readAll(arn); len(recs) != 1 {
		t.Fatalf("stream of a deleted table has %d records, want 1", len(recs))
	}
	// A new table of the same name gets its own stream.
	second := e.table("Tab", stypes.StreamViewTypeKeysOnly)
	if second == arn {
		t.Fatal("new table reuses the deleted table's stream ARN")
	}
	ls, err := e.sc.ListStreams(e.ctx, &dynamodbstreams.ListStreamsInput{TableName: aws.String("Tab")})
	if err != nil || len(ls.Streams) != 2 {
		t.Fatalf("ListStreams: %v %+v", err, ls)
	}
}

package engine_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	stypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
	"github.com/aws/smithy-go"

	"dynalab/engine"
	"dynalab/engine/enginetest"
)

// Helpers of the Streams and TTL tests: a database on a fake clock with
// the background worker off (tests call RunMaintenance), both SDK clients,
// and renderings of items that compare easily.

// streamStart is the fake clock's start: a whole second, so that record
// times are exact.
var streamStart = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

type streamEnv struct {
	t     *testing.T
	db    *engine.DB
	clock *enginetest.Clock
	c     *dynamodb.Client
	sc    *dynamodbstreams.Client
	ctx   context.Context
}

func newStreamEnv(t *testing.T, opts engine.Options) *streamEnv {
	t.Helper()
	clock := enginetest.NewClock(streamStart)
	opts.Clock = clock.Now
	if opts.SweepInterval == 0 {
		opts.SweepInterval = -1
	}
	db := enginetest.Open(t, opts)
	return &streamEnv{t: t, db: db, clock: clock, c: enginetest.Client(t, db), sc: enginetest.StreamsClient(t, db), ctx: enginetest.Ctx(t)}
}

// reopen closes the database and opens its file again, with new clients.
func (e *streamEnv) reopen() {
	e.t.Helper()
	e.db = enginetest.Reopen(e.t, e.db, engine.Options{Clock: e.clock.Now, SweepInterval: -1})
	e.c, e.sc = enginetest.Client(e.t, e.db), enginetest.StreamsClient(e.t, e.db)
}

// table creates a PK/SK table, with a stream of the given view type unless
// view is "", and returns its LatestStreamArn.
func (e *streamEnv) table(name string, view stypes.StreamViewType) string {
	e.t.Helper()
	in := &dynamodb.CreateTableInput{
		TableName: aws.String(name),
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String("PK"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("SK"), AttributeType: types.ScalarAttributeTypeS},
		},
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String("PK"), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String("SK"), KeyType: types.KeyTypeRange},
		},
		BillingMode: types.BillingModePayPerRequest,
	}
	if view != "" {
		in.StreamSpecification = &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewType(view)}
	}
	out, err := e.c.CreateTable(e.ctx, in)
	if err != nil {
		e.t.Fatalf("CreateTable %s: %v", name, err)
	}
	return aws.ToString(out.TableDescription.LatestStreamArn)
}

func (e *streamEnv) put(table string, item map[string]types.AttributeValue) {
	e.t.Helper()
	if _, err := e.c.PutItem(e.ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: item}); err != nil {
		e.t.Fatalf("PutItem: %v", err)
	}
}

// shards lists every shard of a stream, following LastEvaluatedShardId.
func (e *streamEnv) shards(arn string) []stypes.Shard {
	e.t.Helper()
	var all []stypes.Shard
	in := &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(arn)}
	for {
		out, err := e.sc.DescribeStream(e.ctx, in)
		if err != nil {
			e.t.Fatalf("DescribeStream: %v", err)
		}
		all = append(all, out.StreamDescription.Shards...)
		if out.StreamDescription.LastEvaluatedShardId == nil {
			return all
		}
		in.ExclusiveStartShardId = out.StreamDescription.LastEvaluatedShardId
	}
}

func (e *streamEnv) iterator(arn, shard string, typ stypes.ShardIteratorType, seq string) string {
	e.t.Helper()
	in := &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(arn), ShardId: aws.String(shard), ShardIteratorType: typ}
	if seq != "" {
		in.SequenceNumber = aws.String(seq)
	}
	out, err := e.sc.GetShardIterator(e.ctx, in)
	if err != nil {
		e.t.Fatalf("GetShardIterator %s %s: %v", typ, seq, err)
	}
	return aws.ToString(out.ShardIterator)
}

func (e *streamEnv) getRecords(iter string, limit int32) *dynamodbstreams.GetRecordsOutput {
	e.t.Helper()
	in := &dynamodbstreams.GetRecordsInput{ShardIterator: aws.String(iter)}
	if limit > 0 {
		in.Limit = aws.Int32(limit)
	}
	out, err := e.sc.GetRecords(e.ctx, in)
	if err != nil {
		e.t.Fatalf("GetRecords: %v", err)
	}
	return out
}

// readShard reads a shard from iter until a call returns nothing; it also
// returns whether the last response still had a NextShardIterator.
func (e *streamEnv) readShard(iter string) (recs []stypes.Record, open bool) {
	e.t.Helper()
	for {
		out := e.getRecords(iter, 0)
		recs = append(recs, out.Records...)
		if out.NextShardIterator == nil {
			return recs, false
		}
		if len(out.Records) == 0 {
			return recs, true
		}
		iter = *out.NextShardIterator
	}
}

// readAll reads every retained record of a stream, shard by shard from
// TRIM_HORIZON.
func (e *streamEnv) readAll(arn string) []stypes.Record {
	e.t.Helper()
	var all []stypes.Record
	for _, sh := range e.shards(arn) {
		recs, _ := e.readShard(e.iterator(arn, *sh.ShardId, stypes.ShardIteratorTypeTrimHorizon, ""))
		all = append(all, recs...)
	}
	return all
}

// render shows a stream record's parts compactly: "INSERT {PK=S:a,SK=S:b} new{…} old{…}".
func render(r stypes.Record) string {
	d := r.Dynamodb
	s := string(r.EventName) + " " + renderStreamItem(d.Keys)
	if d.NewImage != nil {
		s += " new" + renderStreamItem(d.NewImage)
	}
	if d.OldImage != nil {
		s += " old" + renderStreamItem(d.OldImage)
	}
	return s
}

func renderStreamItem(m map[string]stypes.AttributeValue) string {
	parts := make([]string, 0, len(m))
	for k, v := range m {
		parts = append(parts, k+"="+renderStreamValue(v))
	}
	sort.Strings(parts)
	return "{" + strings.Join(parts, ",") + "}"
}

func renderStreamValue(v stypes.AttributeValue) string {
	switch v := v.(type) {
	case *stypes.AttributeValueMemberS:
		return "S:" + v.Value
	case *stypes.AttributeValueMemberN:
		return "N:" + v.Value
	case *stypes.AttributeValueMemberBOOL:
		return fmt.Sprintf("BOOL:%v", v.Value)
	case *stypes.AttributeValueMemberM:
		return "M:" + renderStreamItem(v.Value)
	case *stypes.AttributeValueMemberL:
		parts := make([]string, len(v.Value))
		for i, e := range v.Value {
			parts[i] = renderStreamValue(e)
		}
		return "L:[" + strings.Join(parts, ",") + "]"
	case *stypes.AttributeValueMemberSS:
		return "SS:" + strings.Join(v.Value, "|")
	}
	return fmt.Sprintf("%T", v)
}

// apiCode returns the error code and message of an SDK error.
func apiCode(err error) (code, msg string) {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode(), ae.ErrorMessage()
	}
	if err == nil {
		return "", ""
	}
	return "not an API error", err.Error()
}

// wantCode fails unless err is the API error code whose message contains
// msgPart.
func wantCode(t *testing.T, err error, code, msgPart string) {
	t.Helper()
	gotCode, msg := apiCode(err)
	if gotCode != code || !strings.Contains(msg, msgPart) {
		t.Fatalf("got %s %q, want %s containing %q", gotCode, msg, code, msgPart)
	}
}

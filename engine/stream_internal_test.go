package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"dynalab/engine/attr"
	"dynalab/engine/internal/store"
)

// Storage-level tests of streams and TTL: the wire JSON of records, the
// TTL schedule, request validation the SDKs would catch client-side, and a
// fuzz target for the Streams operations.

type rawEnv struct {
	t   *testing.T
	db  *DB
	now time.Time
}

func newRawEnv(t *testing.T) *rawEnv {
	e := &rawEnv{t: t, now: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}
	db := openChecked(t, Options{Clock: func() time.Time { return e.now }, SweepInterval: -1, TTLSettle: -1})
	e.db = db
	return e
}

// call dispatches a wire request and returns the response body or error.
func (e *rawEnv) call(op, body string) (string, error) {
	target := TargetPrefix + op
	if _, ok := streamHandlers[op]; ok {
		target = StreamsTargetPrefix + op
	}
	resp, _, err := e.db.Dispatch(context.Background(), target, []byte(body))
	return string(resp), err
}

func (e *rawEnv) must(op, body string) string {
	e.t.Helper()
	resp, err := e.call(op, body)
	if err != nil {
		e.t.Fatalf("%s: %v", op, err)
	}
	return resp
}

const rawTableJSON = `{"TableName":"Tab","AttributeDefinitions":[{"AttributeName":"PK","AttributeType":"S"}],` +
	`"KeySchema":[{"AttributeName":"PK","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"`

func TestStreamRecordWireJSON(t *testing.T) {
	e := newRawEnv(t)
	e.must("CreateTable", rawTableJSON+`,"StreamSpecification":{"StreamEnabled":true,"StreamViewType":"NEW_AND_OLD_IMAGES"}}`)
	e.must("UpdateTimeToLive", `{"TableName":"Tab","TimeToLiveSpecification":{"AttributeName":"exp","Enabled":true}}`)
	e.must("PutItem", `{"TableName":"Tab","Item":{"PK":{"S":"Fred"},"exp":{"N":"1740819599"}}}`)
	if err := e.db.RunMaintenance(); err != nil {
		t.Fatal(err)
	}
	var ls ListStreamsOutput
	if err := json.Unmarshal([]byte(e.must("ListStreams", `{}`)), &ls); err != nil || len(ls.Streams) != 1 {
		t.Fatalf("ListStreams: %v %+v", err, ls)
	}
	arn := ls.Streams[0].StreamArn
	var ds DescribeStreamOutput
	if err := json.Unmarshal([]byte(e.must("DescribeStream", `{"StreamArn":"`+arn+`"}`)), &ds); err != nil {
		t.Fatal(err)
	}
	var it GetShardIteratorOutput
	body := fmt.Sprintf(`{"StreamArn":%q,"ShardId":%q,"ShardIteratorType":"TRIM_HORIZON"}`, arn, ds.StreamDescription.Shards[0].ShardId)
	if err := json.Unmarshal([]byte(e.must("GetShardIterator", body)), &it); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(it.ShardIterator, arn+"|1|") {
		t.Fatalf("iterator %q", it.ShardIterator)
	}
	resp := e.must("GetRecords", `{"ShardIterator":"`+it.ShardIterator+`"}`)
	var out struct {
		Records           []map[string]json.RawMessage
		NextShardIterator string
	}
	if err := json.Unmarshal([]byte(resp), &out); err != nil || len(out.Records) != 2 || out.NextShardIterator == "" {
		t.Fatalf("GetRecords %s: %v", resp, err)
	}
	insert, remove := out.Records[0], out.Records[1]
	for _, member := range []string{"eventID", "eventName", "eventVersion", "eventSource", "awsRegion", "dynamodb"} {
		if insert[member] == nil {
			t.Errorf("record without %s: %s", member, resp)
		}
	}
	if insert["userIdentity"] != nil {
		t.Errorf("INSERT with userIdentity")
	}
	wantDynamodb := `{"ApproximateCreationDateTime":1740819600,"Keys":{"PK":{"S":"Fred"}},"NewImage":{"PK":{"S":"Fred"},"exp":{"N":"1740819599"}},` +
		`"SequenceNumber":"100000000000000000002","SizeBytes":21,"StreamViewType":"NEW_AND_OLD_IMAGES"}`
	if got := string(insert["dynamodb"]); got != wantDynamodb {
		t.Errorf("dynamodb member\n got %s\nwant %s", got, wantDynamodb)
	}
	if got := string(remove["userIdentity"]); got != `{"PrincipalId":"dynamodb.amazonaws.com","Type":"Service"}` {
		t.Errorf("userIdentity %s", got)
	}
	if string(insert["eventVersion"]) != `"1.1"` || string(insert["eventSource"]) != `"aws:dynamodb"` || string(remove["eventName"]) != `"REMOVE"` {
		t.Errorf("record %s", resp)
	}
}

// ttlEntries returns the TTL schedule of a table, as "exp=value" strings.
func ttlEntries(t *testing.T, db *DB, table string) []string {
	t.Helper()
	tid := db.tables[table].meta.ID
	var out []string
	err := db.store.View(func(tx *store.Tx) error {
		prefix := store.TTLPrefix(tid)
		return tx.Ascend(prefix, func(k, v string) bool {
			if !strings.HasPrefix(k, prefix) {
				return false
			}
			_, exp, _, _ := store.ParseTTLKey(k)
			out = append(out, fmt.Sprintf("%d=%s", exp, v))
			return true
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func TestTTLScheduleFollowsWrites(t *testing.T) {
	e := newRawEnv(t)
	e.must("CreateTable", rawTableJSON+`}`)
	e.must("PutItem", `{"TableName":"Tab","Item":{"PK":{"S":"old"},"exp":{"N":"100"}}}`)
	e.must("UpdateTimeToLive", `{"TableName":"Tab","TimeToLiveSpecification":{"AttributeName":"exp","Enabled":true}}`)
	steps := []struct{ op, body, want string }{
		{"", "", "100=100"}, // built from the existing items when enabled
		{"PutItem", `{"TableName":"Tab","Item":{"PK":{"S":"a"},"exp":{"N":"2000.5"}}}`, "100=100 2000=2000.5"},
		{"UpdateItem", `{"TableName":"Tab","Key":{"PK":{"S":"a"}},"UpdateExpression":"SET exp = :v","ExpressionAttributeValues":{":v":{"N":"3e3"}}}`, "100=100 3000=3000"},
		{"UpdateItem", `{"TableName":"Tab","Key":{"PK":{"S":"a"}},"UpdateExpression":"SET exp = :v","ExpressionAttributeValues":{":v":{"S":"3000"}}}`, "100=100"},
		{"PutItem", `{"TableName":"Tab","Item":{"PK":{"S":"b"},"exp":{"N":"1e30"}}}`, "100=100 18446744073709551615=1000000000000000000000000000000"},
		{"DeleteItem", `{"TableName":"Tab","Key":{"PK":{"S":"b"}}}`, "100=100"},
		{"BatchWriteItem", `{"RequestItems":{"Tab":[{"PutRequest":{"Item":{"PK":{"S":"c"},"exp":{"N":"0.9"}}}},{"DeleteRequest":{"Key":{"PK":{"S":"old"}}}}]}}`, "0=0.9"},
		{"TransactWriteItems", `{"TransactItems":[{"Put":{"TableName":"Tab","Item":{"PK":{"S":"d"},"exp":{"N":"-1"}}}},{"Delete":{"TableName":"Tab","Key":{"PK":{"S":"c"}}}}]}`, ""},
	}
	for i, st := range steps {
		if st.op != "" {
			e.must(st.op, st.body)
		}
		if got := strings.Join(ttlEntries(t, e.db, "Tab"), " "); got != st.want {
			t.Fatalf("step %d (%s): schedule %q, want %q", i, st.op, got, st.want)
		}
	}
	e.must("PutItem", `{"TableName":"Tab","Item":{"PK":{"S":"e"},"exp":{"N":"5"}}}`)
	e.must("UpdateTimeToLive", `{"TableName":"Tab","TimeToLiveSpecification":{"AttributeName":"exp","Enabled":false}}`)
	if got := ttlEntries(t, e.db, "Tab"); len(got) != 0 {
		t.Fatalf("schedule after disabling: %v", got)
	}
}

func TestSweepReadsOnlyDueEntries(t *testing.T) {
	e := newRawEnv(t)
	e.must("CreateTable", rawTableJSON+`}`)
	e.must("UpdateTimeToLive", `{"TableName":"Tab","TimeToLiveSpecification":{"AttributeName":"exp","Enabled":true}}`)
	var reqs []string
	for i := range 600 {
		reqs = append(reqs, fmt.Sprintf(`{"PutRequest":{"Item":{"PK":{"S":"k%d"},"exp":{"N":"%d"}}}}`, i, 1740819600+3600+i))
		if len(reqs) == 25 {
			e.must("BatchWriteItem", `{"RequestItems":{"Tab":[`+strings.Join(reqs, ",")+`]}}`)
			reqs = nil
		}
	}
	e.must("PutItem", `{"TableName":"Tab","Item":{"PK":{"S":"due"},"exp":{"N":"1740819599"}}}`)
	e.must("PutItem", `{"TableName":"Tab","Item":{"PK":{"S":"ancient"},"exp":{"N":"1000"}}}`) // > 5 years ago
	tid := e.db.tables["Tab"].meta.ID
	cands, next, err := e.db.dueEntries(tid, store.TTLPrefix(tid), uint64(e.now.Unix()))
	if err != nil || len(cands) != 2 || next != "" {
		t.Fatalf("due entries: %d (next %q), %v", len(cands), next, err)
	}
	if err := e.db.RunMaintenance(); err != nil {
		t.Fatal(err)
	}
	if got := len(ttlEntries(t, e.db, "Tab")); got != 600 {
		t.Fatalf("%d schedule entries after the sweep, want 600 (the due and the ignored one gone)", got)
	}
	if resp := e.must("GetItem", `{"TableName":"Tab","Key":{"PK":{"S":"ancient"}}}`); !strings.Contains(resp, "ancient") {
		t.Fatal("an item more than five years past its TTL was deleted")
	}
}

func TestStreamsAndTTLRequestValidation(t *testing.T) {
	e := newRawEnv(t)
	e.must("CreateTable", rawTableJSON+`}`)
	cases := []struct{ op, body, code, msg string }{
		{"UpdateTable", `{"TableName":"Tab","StreamSpecification":{"StreamViewType":"KEYS_ONLY"}}`, CodeValidation,
			"1 validation error detected: Value null at 'streamSpecification.streamEnabled' failed to satisfy constraint: Member must not be null"},
		{"CreateTable", `{"TableName":"Tab2","AttributeDefinitions":[{"AttributeName":"PK","AttributeType":"S"}],"KeySchema":[{"AttributeName":"PK","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST","StreamSpecification":{"StreamEnabled":true}}`,
			CodeValidation, "You must specify a StreamViewType when enabling a stream"},
		{"UpdateTimeToLive", `{"TableName":"Tab"}`, CodeValidation,
			"Value null at 'timeToLiveSpecification' failed to satisfy constraint: Member must not be null"},
		{"UpdateTimeToLive", `{"TableName":"Tab","TimeToLiveSpecification":{}}`, CodeValidation,
			"2 validation errors detected: Value null at 'timeToLiveSpecification.attributeName' failed to satisfy constraint: Member must not be null; Value null at 'timeToLiveSpecification.enabled' failed to satisfy constraint: Member must not be null"},
		{"UpdateTimeToLive", `{"TableName":"Tab","TimeToLiveSpecification":{"AttributeName":"x","Enabled":"dog"}}`, CodeSerialization, ""},
		{"UpdateTimeToLive", `{"TableName":"Tab","TimeToLiveSpecification":{"AttributeName":3,"Enabled":true}}`, CodeSerialization, ""},
		{"DescribeTimeToLive", `{}`, CodeValidation, "Value null at 'tableName' failed to satisfy constraint: Member must not be null"},
		{"DescribeStream", `{}`, CodeValidation, "Value null at 'streamArn' failed to satisfy constraint: Member must not be null"},
		{"GetShardIterator", `{"StreamArn":"arn:aws:dynamodb:us-east-1:000000000000:table/Tab/stream/x"}`, CodeValidation,
			"2 validation errors detected: Value null at 'shardId'"},
		{"GetRecords", `{}`, CodeValidation, "Value null at 'shardIterator' failed to satisfy constraint: Member must not be null"},
		{"GetRecords", `{"ShardIterator":"x","Limit":1001}`, CodeValidation, "Member must have value less than or equal to 1000"},
		{"DescribeStream", `{"StreamArn":"arn:aws:dynamodb:us-east-1:000000000000:table/Tab/stream/x","ShardFilter":{"Type":"PARENT"}}`, CodeValidation,
			"Member must satisfy enum value set: [CHILD_SHARDS]"},
	}
	for _, c := range cases {
		_, err := e.call(c.op, c.body)
		var api *APIError
		if !errors.As(err, &api) || api.Code != c.code || !strings.Contains(api.Message, c.msg) {
			t.Errorf("%s %s: %v, want %s %q", c.op, c.body, err, c.code, c.msg)
		}
	}
}

// FuzzStreamsDispatch feeds arbitrary bodies to the Streams and TTL
// operations: nothing may panic, and every failure must be an error a
// client can see.
func FuzzStreamsDispatch(f *testing.F) {
	ops := []string{"ListStreams", "DescribeStream", "GetShardIterator", "GetRecords", "UpdateTimeToLive", "DescribeTimeToLive"}
	arn := "arn:aws:dynamodb:us-east-1:000000000000:table/Tab/stream/2025-03-01T09:00:00.000"
	for i, s := range []string{
		`{"TableName":"Tab","Limit":1}`,
		`{"StreamArn":"` + arn + `","Limit":1,"ShardFilter":{"Type":"CHILD_SHARDS","ShardId":"shardId-00000001740819600000-00000000"}}`,
		`{"StreamArn":"` + arn + `","ShardId":"shardId-00000001740819600000-00000000","ShardIteratorType":"AT_SEQUENCE_NUMBER","SequenceNumber":"100000000000000000001"}`,
		`{"ShardIterator":"` + arn + `|1|AAAAAQAAAAAAAAAAAAAAAAAAAZVR1fxAAAAAAA","Limit":5}`,
		`{"TableName":"Tab","TimeToLiveSpecification":{"AttributeName":"exp","Enabled":true}}`,
		`{"TableName":"Tab"}`, `{`, `[]`, ``,
	} {
		f.Add(uint8(i), []byte(s))
	}
	clock := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	db := openChecked(f, Options{Clock: func() time.Time { return clock }, SweepInterval: -1})
	ctx := context.Background()
	create := rawTableJSON + `,"StreamSpecification":{"StreamEnabled":true,"StreamViewType":"NEW_AND_OLD_IMAGES"}}`
	if _, _, err := db.Dispatch(ctx, TargetPrefix+"CreateTable", []byte(create)); err != nil {
		f.Fatal(err)
	}
	if _, _, err := db.Dispatch(ctx, TargetPrefix+"PutItem", []byte(`{"TableName":"Tab","Item":{"PK":{"S":"a"}}}`)); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, op uint8, body []byte) {
		name := ops[int(op)%len(ops)]
		target := StreamsTargetPrefix + name
		if _, ok := streamHandlers[name]; !ok {
			target = TargetPrefix + name
		}
		_, _, err := db.Dispatch(ctx, target, body)
		if err == nil {
			return
		}
		var api *APIError
		if !errors.As(err, &api) || api.Code == CodeInternalServerError {
			t.Fatalf("%s %q: %v", name, body, err)
		}
	})
}

func TestIteratorRoundTrip(t *testing.T) {
	it := shardIterator{sid: 7, idx: 3, pos: 1 << 40, issued: 1740819600123}
	arn := "arn:aws:dynamodb:us-east-1:000000000000:table/T|x/stream/2025-03-01T09:00:00.000"
	got, gotARN, ok := decodeIterator(it.encode(arn))
	if !ok || got != it || gotARN != arn {
		t.Fatalf("round trip: %+v %q %v", got, gotARN, ok)
	}
	enc := it.encode(arn)
	for _, bad := range []string{enc[:len(enc)-1], enc + "A", strings.Replace(enc, "|1|", "|2|", 1), "x|1|" + strings.Repeat("A", 38)} {
		if _, _, ok := decodeIterator(bad); ok {
			t.Errorf("decoded %q", bad)
		}
	}
	if n, ok := parseSequenceNumber(sequenceNumber(42)); !ok || n != 42 || len(sequenceNumber(1<<63)) != 21 {
		t.Fatal("sequence number round trip")
	}
	v, _ := attr.N("1740819600.999")
	if exp, ok := ttlExpiry(v); !ok || exp != 1740819600 {
		t.Fatalf("ttlExpiry %d %v", exp, ok)
	}
}

package engine_test

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	stypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"

	"dynalab/engine"
)

func (e *streamEnv) updateTTL(table, attrName string, enabled bool) error {
	_, err := e.c.UpdateTimeToLive(e.ctx, &dynamodb.UpdateTimeToLiveInput{TableName: aws.String(table),
		TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String(attrName), Enabled: aws.Bool(enabled)}})
	return err
}

func (e *streamEnv) ttlStatus(table string) string {
	e.t.Helper()
	out, err := e.c.DescribeTimeToLive(e.ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String(table)})
	if err != nil {
		e.t.Fatalf("DescribeTimeToLive: %v", err)
	}
	d := out.TimeToLiveDescription
	if d.AttributeName == nil {
		return string(d.TimeToLiveStatus)
	}
	return string(d.TimeToLiveStatus) + " " + *d.AttributeName
}

func TestTimeToLiveSettings(t *testing.T) {
	e := newStreamEnv(t, engine.Options{})
	e.table("Tab", "")
	const tooFast = "Time to live has been modified multiple times within a fixed interval"
	steps := []struct {
		do      func() error
		advance time.Duration
		err     string // "" for success
		status  string // after the step
	}{
		{func() error { return nil }, 0, "", "DISABLED"},
		{func() error { return e.updateTTL("Tab", "exp", false) }, 0, "TimeToLive is already disabled", "DISABLED"},
		// Reported at once (ScyllaDB test/alternator/test_ttl.py
		// test_ttl_enable, run against DynamoDB: ENABLED right after the
		// update); the change settles internally, so a second change is
		// refused until then.
		{func() error { return e.updateTTL("Tab", "exp", true) }, 0, "", "ENABLED exp"},
		{func() error { return e.updateTTL("Tab", "exp", true) }, 0, "TimeToLive is already enabled", "ENABLED exp"},
		{func() error { return e.updateTTL("Tab", "other", true) }, 0, "TimeToLive is active on a different AttributeName", "ENABLED exp"},
		{func() error { return e.updateTTL("Tab", "dog", false) }, 0, "TimeToLive is active on a different AttributeName", "ENABLED exp"},
		{func() error { return e.updateTTL("Tab", "exp", false) }, 0, tooFast, "ENABLED exp"},
		{func() error { return nil }, 999 * time.Millisecond, "", "ENABLED exp"},
		{func() error { return e.updateTTL("Tab", "exp", false) }, 0, tooFast, "ENABLED exp"},
		{func() error { return nil }, time.Millisecond, "", "ENABLED exp"},
		{func() error { return e.updateTTL("Tab", "exp", true) }, 0, "TimeToLive is already enabled", "ENABLED exp"},
		// test_ttl_disable: DISABLED, without the attribute, right after.
		{func() error { return e.updateTTL("Tab", "exp", false) }, 0, "", "DISABLED"},
		{func() error { return e.updateTTL("Tab", "exp", false) }, 0, "TimeToLive is already disabled", "DISABLED"},
		{func() error { return e.updateTTL("Tab", "exp", true) }, 0, tooFast, "DISABLED"},
		{func() error { return nil }, time.Second, "", "DISABLED"},
		{func() error { return e.updateTTL("Tab", "other", true) }, 0, "", "ENABLED other"},
	}
	for i, st := range steps {
		e.clock.Advance(st.advance)
		err := st.do()
		if st.err == "" && err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if st.err != "" {
			wantCode(t, err, "ValidationException", st.err)
		}
		if got := e.ttlStatus("Tab"); got != st.status {
			t.Fatalf("step %d: status %q, want %q", i, got, st.status)
		}
	}
	out, err := e.c.UpdateTimeToLive(e.ctx, &dynamodb.UpdateTimeToLiveInput{TableName: aws.String("Plain2"),
		TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String("exp"), Enabled: aws.Bool(true)}})
	wantCode(t, err, "ResourceNotFoundException", "Requested resource not found: Table: Plain2 not found")
	if out != nil {
		t.Fatal("output with an error")
	}
	_, err = e.c.DescribeTimeToLive(e.ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String("Plain2")})
	wantCode(t, err, "ResourceNotFoundException", "Requested resource not found: Table: Plain2 not found")
	for name, msg := range map[string]string{
		"":                       "Value '' at 'timeToLiveSpecification.attributeName' failed to satisfy constraint: Member must have length greater than or equal to 1",
		strings.Repeat("x", 256): "failed to satisfy constraint: Member must have length less than or equal to 255",
	} {
		wantCode(t, e.updateTTL("Tab", name, true), "ValidationException", msg)
	}
	echo, err := e.c.UpdateTimeToLive(e.ctx, &dynamodb.UpdateTimeToLiveInput{TableName: aws.String("Tab"),
		TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String("other"), Enabled: aws.Bool(false)}})
	wantCode(t, err, "ValidationException", tooFast)
	if echo != nil {
		t.Fatal("output with an error")
	}
}

// ttlItem is an item of the sweep test: its TTL value and whether the
// sweep must delete it.
type ttlItem struct {
	name    string
	ttl     types.AttributeValue // nil: no TTL attribute
	expires bool
}

func TestTTLSweepDeletesExpiredItems(t *testing.T) {
	e := newStreamEnv(t, engine.Options{})
	arn := e.table("Tab", stypes.StreamViewTypeNewAndOldImages)
	now := streamStart.Unix()
	at := func(sec int64) types.AttributeValue { return n(strconv.FormatInt(sec, 10)) }
	items := []ttlItem{
		{"before-enable", at(now - 60), true}, // written before TTL was enabled
		{"none", nil, false},
		{"past", at(now - 60), true},
		{"over-five-years", n("162777600"), false}, // ignored, as the service does
		{"future", at(now + 100), false},
		{"string", s(strconv.FormatInt(now-60, 10)), false},
		{"exponent", n(strconv.FormatInt((now-60)/10, 10) + "e1"), true},
		{"fraction", n(strconv.FormatInt(now-60, 10) + ".25"), true},
		{"negative", n("-5"), false},
		{"map", &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"exp": at(now - 60)}}, false},
		{"rescued", at(now - 60), false}, // its TTL moves to the future before the sweep
	}
	put := func(it ttlItem) {
		item := map[string]types.AttributeValue{"PK": s(it.name), "SK": s("x")}
		if it.ttl != nil {
			item["exp"] = it.ttl
		}
		e.put("Tab", item)
	}
	put(items[0])
	if err := e.updateTTL("Tab", "exp", true); err != nil {
		t.Fatal(err)
	}
	for _, it := range items[1:] {
		put(it)
	}
	_, err := e.c.UpdateItem(e.ctx, &dynamodb.UpdateItemInput{TableName: aws.String("Tab"),
		Key: map[string]types.AttributeValue{"PK": s("rescued"), "SK": s("x")}, UpdateExpression: aws.String("SET exp = :f"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":f": at(now + 3600)}})
	if err != nil {
		t.Fatal(err)
	}
	events, cancel := e.db.Subscribe(100)
	defer cancel()

	// Until the change settles, nothing is swept; expired items stay readable.
	if err := e.db.RunMaintenance(); err != nil {
		t.Fatal(err)
	}
	if !e.exists("Tab", "past") {
		t.Fatal("an expired item was swept before the TTL change settled")
	}
	e.clock.Advance(time.Second)
	if !e.exists("Tab", "past") {
		t.Fatal("an expired item is gone before the sweep")
	}
	if err := e.db.RunMaintenance(); err != nil {
		t.Fatal(err)
	}
	var removed []string
	for _, it := range items {
		if got := e.exists("Tab", it.name); got == it.expires {
			t.Errorf("%s: present %v after the sweep", it.name, got)
		}
		if it.expires {
			removed = append(removed, it.name)
		}
	}
	d, err := e.c.DescribeTable(e.ctx, &dynamodb.DescribeTableInput{TableName: aws.String("Tab")})
	if err != nil || d.Table.ItemCount == nil || *d.Table.ItemCount != int64(len(items)-len(removed)) {
		t.Fatalf("ItemCount after the sweep: %v %v", err, d.Table.ItemCount)
	}

	// Each deletion: a REMOVE record naming the service, and an event.
	var ttlRemoves []string
	for _, r := range e.readAll(arn) {
		if r.EventName != stypes.OperationTypeRemove {
			if r.UserIdentity != nil {
				t.Errorf("%s record with a userIdentity", r.EventName)
			}
			continue
		}
		u := r.UserIdentity
		if u == nil || aws.ToString(u.Type) != "Service" || aws.ToString(u.PrincipalId) != "dynamodb.amazonaws.com" || r.Dynamodb.OldImage == nil {
			t.Errorf("TTL REMOVE record: identity %+v, old image %v", u, r.Dynamodb.OldImage)
		}
		ttlRemoves = append(ttlRemoves, r.Dynamodb.Keys["PK"].(*stypes.AttributeValueMemberS).Value)
	}
	sort.Strings(ttlRemoves) // the sweep goes in expiry order, then storage (hash) order
	if strings.Join(ttlRemoves, ",") != "before-enable,exponent,fraction,past" {
		t.Errorf("TTL REMOVE records for %v", ttlRemoves)
	}
	for range removed {
		ev := <-events
		if ev.EventName != engine.EventRemove || !ev.TTL || ev.NewImage != nil || ev.OldImage == nil || ev.SequenceNumber == "" {
			t.Errorf("TTL event %+v", ev)
		}
	}

	// A user's delete is not a TTL delete.
	if _, err := e.c.DeleteItem(e.ctx, &dynamodb.DeleteItemInput{TableName: aws.String("Tab"),
		Key: map[string]types.AttributeValue{"PK": s("future"), "SK": s("x")}}); err != nil {
		t.Fatal(err)
	}
	if ev := <-events; ev.TTL || ev.EventName != engine.EventRemove {
		t.Errorf("user delete event %+v", ev)
	}
	// Later expiries are swept as they come, and not before.
	e.put("Tab", map[string]types.AttributeValue{"PK": s("later"), "SK": s("x"), "exp": at(now + 100)})
	e.clock.Advance(98 * time.Second)
	if err := e.db.RunMaintenance(); err != nil {
		t.Fatal(err)
	}
	if !e.exists("Tab", "later") {
		t.Fatal("swept before its expiry")
	}
	e.clock.Advance(2 * time.Second)
	if err := e.db.RunMaintenance(); err != nil {
		t.Fatal(err)
	}
	if e.exists("Tab", "later") || !e.exists("Tab", "rescued") {
		t.Fatal("later expiry not swept, or the rescued item swept")
	}
}

func (e *streamEnv) exists(table, pk string) bool {
	e.t.Helper()
	out, err := e.c.GetItem(e.ctx, &dynamodb.GetItemInput{TableName: aws.String(table),
		Key: map[string]types.AttributeValue{"PK": s(pk), "SK": s("x")}})
	if err != nil {
		e.t.Fatal(err)
	}
	return out.Item != nil
}

func TestTTLOnKeyAttributeAndDisable(t *testing.T) {
	e := newStreamEnv(t, engine.Options{TTLSettle: -1})
	_, err := e.c.CreateTable(e.ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("Keyed"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("p"), AttributeType: types.ScalarAttributeTypeN}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("p"), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.updateTTL("Keyed", "p", true); err != nil {
		t.Fatal(err)
	}
	if got := e.ttlStatus("Keyed"); got != "ENABLED p" {
		t.Fatalf("with TTLSettle -1: %s", got)
	}
	now := streamStart.Unix()
	for _, v := range []int64{now - 60, now + 3600, now - 30} {
		e.put("Keyed", map[string]types.AttributeValue{"p": n(fmt.Sprint(v))})
	}
	if err := e.db.RunMaintenance(); err != nil {
		t.Fatal(err)
	}
	scan, err := e.c.Scan(e.ctx, &dynamodb.ScanInput{TableName: aws.String("Keyed")})
	if err != nil || len(scan.Items) != 1 {
		t.Fatalf("after the sweep: %v, %d items", err, len(scan.Items))
	}
	// Once TTL is disabled, nothing more expires.
	if err := e.updateTTL("Keyed", "p", false); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(2 * time.Hour)
	if err := e.db.RunMaintenance(); err != nil {
		t.Fatal(err)
	}
	if scan, _ := e.c.Scan(e.ctx, &dynamodb.ScanInput{TableName: aws.String("Keyed")}); len(scan.Items) != 1 {
		t.Fatalf("swept with TTL disabled: %d items", len(scan.Items))
	}
}

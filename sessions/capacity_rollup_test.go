package sessions

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/engine/enginetest"
)

// rollupStart is the fake clock's start: 10 s into a minute, so the first
// minute closes within the test.
var rollupStart = time.Date(2026, 12, 1, 10, 0, 10, 0, time.UTC)

// openMetered opens a local session's database on a fake clock with the
// background worker off (the test ticks the meter with RunMaintenance),
// and creates table Hot (PK), provisioned at 1 RCU and 1 WCU.
func openMetered(t *testing.T, path string, clock *enginetest.Clock) *Local {
	t.Helper()
	l, err := OpenLocal("lab", engine.Options{Path: path, Clock: clock.Now, SweepInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	one := int64(1)
	_, err = l.DescribeTable(context.Background(), &engine.DescribeTableInput{TableName: "Hot"})
	var api *engine.APIError
	if errors.As(err, &api) && api.Code == engine.CodeResourceNotFound {
		_, err = l.CreateTable(context.Background(), &engine.CreateTableInput{
			TableName:             "Hot",
			AttributeDefinitions:  []engine.AttributeDefinition{{AttributeName: "PK", AttributeType: "S"}},
			KeySchema:             []engine.KeySchemaElement{{AttributeName: "PK", KeyType: "HASH"}},
			ProvisionedThroughput: &engine.ProvisionedThroughput{ReadCapacityUnits: &one, WriteCapacityUnits: &one},
		})
	}
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// hammer puts n 1 KB items to one partition key in the clock's current
// second and returns how many were throttled.
func hammer(t *testing.T, l *Local, key string, n int) int {
	t.Helper()
	throttled := 0
	pad := attr.S(strings.Repeat("x", 1000))
	for i := range n {
		_, err := l.PutItem(context.Background(), &engine.PutItemInput{TableName: "Hot",
			Item: attr.Item{"PK": attr.S(key), "n": attr.Int(int64(i)), "pad": pad}})
		var api *engine.APIError
		switch {
		case errors.As(err, &api) && api.Code == engine.CodeProvisionedThroughput:
			throttled++
		case err != nil:
			t.Fatal(err)
		}
	}
	return throttled
}

// TestCapacityRollupSurvivesTheProcess records a throttled burst on one
// key, closes the recorder and the database, reopens both, records more in
// the same minute, and reads one merged minute with the hot key and the
// throttles of both runs.
func TestCapacityRollupSurvivesTheProcess(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dbPath, rollup := filepath.Join(dir, "data.db"), filepath.Join(dir, capacityFile)
	clock := enginetest.NewClock(rollupStart)

	l := openMetered(t, dbPath, clock)
	rec, err := RecordCapacity(l, rollup, RollupOptions{Clock: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	// A new 1-WCU table banks 300 s of capacity: 300 writes of 1 KB pass,
	// the rest of the second's are refused.
	first := hammer(t, l, "sensor#boiler-3", 400)
	if first == 0 {
		t.Fatal("no write was throttled")
	}
	clock.Advance(time.Second)
	if err := l.RunMaintenance(); err != nil {
		t.Fatal(err)
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}

	l = openMetered(t, dbPath, clock)
	defer l.Close()
	rec, err = RecordCapacity(l, rollup, RollupOptions{Clock: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	// A reopened database's meter starts with a full bucket again.
	second := hammer(t, l, "sensor#boiler-3", 400)
	clock.Advance(time.Minute) // into the next minute: the first closes
	if err := l.RunMaintenance(); err != nil {
		t.Fatal(err)
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}

	minutes, err := ReadCapacity(rollup)
	if err != nil {
		t.Fatal(err)
	}
	var m *CapacityMinute
	for i := range minutes {
		if minutes[i].Table == "Hot" && minutes[i].Index == "" && minutes[i].Time.Equal(rollupStart.Truncate(time.Minute)) {
			m = &minutes[i]
		}
	}
	if m == nil {
		t.Fatalf("no minute of Hot at %s in %+v", rollupStart.Truncate(time.Minute), minutes)
	}
	if m.ThrottledWrites != first+second || first != 100 || second != 100 {
		t.Errorf("throttled writes %d, want %d + %d (100 each)", m.ThrottledWrites, first, second)
	}
	if m.WriteUnits != 600 || m.PeakWCU != 300 || m.ProvisionedWCU != 1 || m.OnDemand {
		t.Errorf("minute %+v; want 300 WCU consumed in each of two seconds of a 1-WCU table", m)
	}
	if len(m.HotKeys) != 1 || m.HotKeys[0].Key != "sensor#boiler-3" || m.HotKeys[0].WriteUnits != 600 ||
		m.HotKeys[0].PeakWCU != 300 || m.HotKeys[0].ThrottledSeconds != 2 {
		t.Errorf("hot keys %+v", m.HotKeys)
	}
	// Both runs metered part of the minute: 10:00:10, then 10:00:11 to
	// 10:00:59 (the advance closes the minute).
	if m.Seconds != 50 {
		t.Errorf("seconds %d, want 50", m.Seconds)
	}
}

// TestCapacityRollupBounded: minutes past the retention and a torn last
// line are dropped when a recorder starts; a file past MaxBytes is
// rewritten with its newest half.
func TestCapacityRollupBounded(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rollup := filepath.Join(dir, capacityFile)
	clock := enginetest.NewClock(rollupStart)
	old, _ := json.Marshal(CapacityMinute{Time: rollupStart.Add(-8 * 24 * time.Hour).Truncate(time.Minute), Table: "Old", Seconds: 60})
	recent, _ := json.Marshal(CapacityMinute{Time: rollupStart.Add(-time.Hour).Truncate(time.Minute), Table: "Recent", Seconds: 60})
	torn := `{"time":"2026-12-01T09:59:00Z","table":"To`
	if err := os.WriteFile(rollup, []byte(string(old)+"\n"+string(recent)+"\n"+torn), 0o600); err != nil {
		t.Fatal(err)
	}
	feed := &feedBackend{capacity: make(chan CapacitySample)}
	const maxBytes = 4000
	rec, err := RecordCapacity(feed, rollup, RollupOptions{Clock: clock.Now, MaxBytes: maxBytes})
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(rollup)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != string(recent)+"\n" {
		t.Fatalf("after start the file holds\n%s\nwant only the recent minute", data)
	}
	// Three hours of minutes of Hot, far more than 4000 bytes, sent on an
	// unbuffered feed (the engine's drops samples a slow reader misses).
	for range 180 * 60 {
		feed.capacity <- CapacitySample{Time: clock.Now(), Table: "Hot", ConsumedWCU: 1, ProvisionedRCU: 1, ProvisionedWCU: 1,
			HotKeys: []HotKey{{Key: "k", Units: 1, WriteUnits: 1}}}
		clock.Advance(time.Second)
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(rollup)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() > maxBytes {
		t.Errorf("file of %d bytes, bound %d", fi.Size(), maxBytes)
	}
	minutes, err := ReadCapacity(rollup)
	if err != nil {
		t.Fatal(err)
	}
	// The last sample was at 13:00:09: its minute is written on Close.
	last := minutes[len(minutes)-1]
	if last.Table != "Hot" || !last.Time.Equal(clock.Now().Truncate(time.Minute)) || last.Seconds != 10 || last.WriteUnits != 10 {
		t.Errorf("last minute %+v; want Hot's at %s with 10 seconds", last, clock.Now().Truncate(time.Minute))
	}
	if minutes[0].Table == "Recent" || len(minutes) >= 180 {
		t.Errorf("%d minutes from %s (%s): the oldest were not dropped", len(minutes), minutes[0].Time, minutes[0].Table)
	}
}

// TestCapacityRecorderRefusesRemote: a remote endpoint has no capacity
// feed to record.
func TestCapacityRecorderRefusesRemote(t *testing.T) {
	t.Parallel()
	r, err := OpenRemote(context.Background(), "r", RemoteOptions{Endpoint: "http://127.0.0.1:1", Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := RecordCapacity(r, filepath.Join(t.TempDir(), capacityFile), RollupOptions{}); err == nil {
		t.Fatal("recording a remote backend's capacity succeeded")
	}
}

// feedBackend is a local Backend whose only feed is the test's capacity
// channel.
type feedBackend struct {
	Backend  // nil: only the methods below are called
	capacity chan CapacitySample
}

func (f *feedBackend) Name() string { return "feed" }
func (f *feedBackend) Kind() Kind   { return KindLocal }
func (f *feedBackend) SubscribeCapacity(ctx context.Context) <-chan CapacitySample {
	out := make(chan CapacitySample)
	go func() {
		defer close(out)
		for {
			select {
			case <-ctx.Done():
				return
			case s := <-f.capacity:
				out <- s // the recorder reads until out closes
			}
		}
	}()
	return out
}

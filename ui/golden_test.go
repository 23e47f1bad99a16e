package ui

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/sessions"
	"dynalab/sessions/model"
	"dynalab/ui/internal/uitest"
)

// Goldens: every pane at 80×24 and 120×40 in two themes, drawn by a real
// Bubble Tea program (teatest) with a fixed clock and a renderer pinned to
// true color, so the files are the same on any machine. Regenerate with
// go test ./ui/... -update.

type goldenCase struct {
	changes  bool                                  // feed the streams pane
	capacity bool                                  // feed the capacity pane
	prepare  func(t *testing.T, b *uitest.Backend) // more data than the seed
	model    bool                                  // the session has uitest.SeedModel
	setup    func(t *testing.T, tm *teatest.TestModel)
}

var goldenPanes = map[string]goldenCase{
	"1-repl": {setup: func(t *testing.T, tm *teatest.TestModel) {
		tm.Type(`SELECT * FROM "AppTable" WHERE PK='USER#u1';`)
		tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
		waitOutput(t, tm, "4 items · 4 scanned")
	}},
	"2-browser": {setup: func(t *testing.T, tm *teatest.TestModel) {
		tm.Send(altKey('2'))
		waitOutput(t, tm, "ListTables · 1 table") // the browser has its tables: Enter opens one
		tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
		waitOutput(t, tm, "7 items loaded")
		tm.Type("jj")
	}},
	"2-browser-export": {setup: func(t *testing.T, tm *teatest.TestModel) {
		tm.Send(altKey('2'))
		waitOutput(t, tm, "ListTables · 1 table")
		tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
		waitOutput(t, tm, "7 items loaded")
		tm.Type("x")
		waitOutput(t, tm, "export AppTable to")
	}},
	"2-browser-index": {prepare: ordersWithMultiKeyGSI, setup: func(t *testing.T, tm *teatest.TestModel) {
		tm.Send(altKey('2'))
		waitOutput(t, tm, "ListTables · 2 tables")
		tm.Type("j")
		tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
		waitOutput(t, tm, "3 items loaded")
		tm.Type("i")
		waitOutput(t, tm, "Read Orders from")
	}},
	"2-browser-facets": {prepare: withModel, model: true, setup: func(t *testing.T, tm *teatest.TestModel) {
		openWithModel(t, tm)
		tm.Type("tt") // User, then Order: total is a column of Order only
		waitOutput(t, tm, "total N")
	}},
	"2-browser-patterns": {prepare: withModel, model: true, setup: func(t *testing.T, tm *teatest.TestModel) {
		openWithModel(t, tm)
		tm.Type("p")
		waitAll(t, tm, "Query on table", "GetItem on table", "Scan on table", "UpdateItem on table")
	}},
	"2-browser-keyspace": {prepare: withModel, model: true, setup: func(t *testing.T, tm *teatest.TestModel) {
		openWithModel(t, tm)
		tm.Type("K")
		waitOutput(t, tm, "3 partitions")
	}},
	"3-streams": {changes: true, setup: func(t *testing.T, tm *teatest.TestModel) {
		tm.Send(altKey('3'))
		waitOutput(t, tm, "5 changes")
	}},
	"4-capacity": {capacity: true, setup: func(t *testing.T, tm *teatest.TestModel) {
		tm.Send(altKey('4'))
		waitOutput(t, tm, "hot keys: ")
	}},
	"5-activity": {setup: func(t *testing.T, tm *teatest.TestModel) {
		tm.Type(`SELECT * FROM "AppTable" WHERE PK='USER#u1';`)
		tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
		waitOutput(t, tm, "4 items · 4 scanned")
		tm.Type(`SELECT * FROM "Missing";`)
		tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
		waitOutput(t, tm, "ResourceNotFoundException")
		tm.Send(altKey('5'))
		waitOutput(t, tm, "2 operations")
	}},
	"3-streams-nofeed": {setup: func(t *testing.T, tm *teatest.TestModel) {
		tm.Send(altKey('3'))
		waitOutput(t, tm, "No change feed")
	}},
	"4-capacity-nofeed": {setup: func(t *testing.T, tm *teatest.TestModel) {
		tm.Send(altKey('4'))
		waitOutput(t, tm, "No capacity feed")
	}},
}

func altKey(r rune) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: true} }

func waitOutput(t *testing.T, tm *teatest.TestModel, text string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(text)) },
		teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(5*time.Millisecond))
}

func TestGolden(t *testing.T) {
	names := []string{"1-repl", "2-browser", "2-browser-export", "2-browser-index", "2-browser-facets", "2-browser-patterns", "2-browser-keyspace", "3-streams", "4-capacity", "5-activity", "3-streams-nofeed", "4-capacity-nofeed"}
	for _, name := range names {
		gc := goldenPanes[name]
		for _, size := range [][2]int{{80, 24}, {120, 40}} {
			for _, theme := range []string{"dark", "light"} {
				t.Run(fmt.Sprintf("%s/%dx%d/%s", name, size[0], size[1], theme), func(t *testing.T) {
					b := uitest.NewBackend(t)
					b.Seed(t)
					b.RunFunc = uitest.SelectRunner(b, 0)
					if gc.prepare != nil {
						gc.prepare(t, b)
					}
					opts := Options{Backend: b, Theme: uitest.Theme(t, theme), Clock: uitest.Clock}
					if gc.model {
						opts.Model = func(context.Context) (*model.Model, error) { return uitest.SeedModel(), nil }
					}
					if gc.changes {
						b.Feeds.Changes = goldenChanges(t)
					}
					if gc.capacity {
						b.Feeds.Capacity = goldenSamples(t)
					}
					app, err := New(context.Background(), opts)
					if err != nil {
						t.Fatal(err)
					}
					tm := teatest.NewTestModel(t, app, teatest.WithInitialTermSize(size[0], size[1]))
					gc.setup(t, tm)
					if err := tm.Quit(); err != nil {
						t.Fatal(err)
					}
					final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second))
					uitest.Golden(t, final.View())
				})
			}
		}
	}
}

// withModel gives the seed's profiles emails and runs statements through
// the real executor, for the model's facets and access patterns.
func withModel(t *testing.T, b *uitest.Backend) {
	b.SeedEmails(t)
	b.RunFunc = uitest.ExecRunner(b)
}

// openWithModel opens AppTable in the browser and waits for its facets.
func openWithModel(t *testing.T, tm *teatest.TestModel) {
	tm.Send(altKey('2'))
	waitOutput(t, tm, "ListTables · 1 table")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitAll(t, tm, "7 items loaded", " Product") // the page and the model (the facet strip), in either order
}

// waitAll waits until the output has shown every text (WaitFor consumes
// what it reads: texts drawn in one frame must be waited for together).
func waitAll(t *testing.T, tm *teatest.TestModel, texts ...string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		for _, s := range texts {
			if !bytes.Contains(b, []byte(s)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(5*time.Millisecond))
}

// ordersWithMultiKeyGSI adds "Orders" (PK) with the multi-attribute GSI
// "GSI2-multi" (userId | status, statusAt).
func ordersWithMultiKeyGSI(t *testing.T, b *uitest.Backend) {
	_, err := b.CreateTable(context.Background(), &engine.CreateTableInput{
		TableName:   "Orders",
		BillingMode: engine.BillingPayPerRequest,
		AttributeDefinitions: []engine.AttributeDefinition{
			{AttributeName: "PK", AttributeType: "S"}, {AttributeName: "userId", AttributeType: "S"},
			{AttributeName: "status", AttributeType: "S"}, {AttributeName: "statusAt", AttributeType: "N"},
		},
		KeySchema: []engine.KeySchemaElement{{AttributeName: "PK", KeyType: engine.KeyTypeHash}},
		GlobalSecondaryIndexes: []engine.GlobalSecondaryIndex{{
			IndexName: "GSI2-multi",
			KeySchema: []engine.KeySchemaElement{
				{AttributeName: "userId", KeyType: engine.KeyTypeHash},
				{AttributeName: "status", KeyType: engine.KeyTypeRange},
				{AttributeName: "statusAt", KeyType: engine.KeyTypeRange},
			},
			Projection: &engine.Projection{ProjectionType: engine.ProjectionAll},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	b.Put(t, "Orders", `{"PK":{"S":"o1"},"userId":{"S":"u1"},"status":{"S":"shipped"},"statusAt":{"N":"30"}}`)
	b.Put(t, "Orders", `{"PK":{"S":"o2"},"userId":{"S":"u1"},"status":{"S":"pending"},"statusAt":{"N":"10"}}`)
	b.Put(t, "Orders", `{"PK":{"S":"o3"},"userId":{"S":"u2"},"status":{"S":"shipped"},"statusAt":{"N":"5"}}`)
}

func must(t *testing.T, s string) attr.Item {
	it, err := attr.ParseItem([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return it
}

// goldenChanges is a change feed holding five changes.
func goldenChanges(t *testing.T) <-chan sessions.Change {
	ch := make(chan sessions.Change, 10)
	at := uitest.Epoch
	k := must(t, `{"PK":{"S":"USER#u1"},"SK":{"S":"ORDER#004"}}`)
	for i, ev := range []sessions.Change{
		{Seq: "1", Table: "AppTable", Kind: sessions.ChangeInsert, Keys: k, NewImage: must(t, `{"PK":{"S":"USER#u1"},"SK":{"S":"ORDER#004"},"total":{"N":"10"}}`)},
		{Seq: "2", Table: "AppTable", Kind: sessions.ChangeModify, Keys: k,
			OldImage: must(t, `{"PK":{"S":"USER#u1"},"SK":{"S":"ORDER#004"},"total":{"N":"10"}}`),
			NewImage: must(t, `{"PK":{"S":"USER#u1"},"SK":{"S":"ORDER#004"},"total":{"N":"12"},"status":{"S":"paid"}}`)},
		{Seq: "3", Table: "Sessions", Kind: sessions.ChangeRemove, Keys: must(t, `{"id":{"S":"s-42"}}`), TTL: true},
		{Seq: "4", Table: "AppTable", Kind: sessions.ChangeInsert, Keys: must(t, `{"PK":{"S":"USER#u3"},"SK":{"S":"PROFILE"}}`)},
		{Seq: "5", Table: "AppTable", Kind: sessions.ChangeRemove, Keys: k},
	} {
		ev.Time = at.Add(time.Duration(i) * time.Second)
		ch <- ev
	}
	t.Cleanup(func() { close(ch) })
	return ch
}

// goldenSamples is a capacity feed holding two minutes of two tables.
func goldenSamples(t *testing.T) <-chan sessions.CapacitySample {
	ch := make(chan sessions.CapacitySample, 300)
	for i := 0; i < 120; i++ {
		at := uitest.Epoch.Add(time.Duration(i) * time.Second)
		ch <- sessions.CapacitySample{Time: at, Table: "AppTable", OnDemand: true, ConsumedRCU: float64(i%7) / 2, ConsumedWCU: float64(i % 3),
			HotKeys: []sessions.HotKey{{Key: "USER#u1", Units: 6}, {Key: "USER#u2", Units: 3}, {Key: "PRODUCT#p1", Units: 1}}}
		ch <- sessions.CapacitySample{Time: at, Table: "Orders", ProvisionedRCU: 5, ProvisionedWCU: 5, ConsumedRCU: float64(i % 9), ConsumedWCU: 2,
			ThrottledReads: boolInt(i%9 > 5)}
	}
	t.Cleanup(func() { close(ch) })
	return ch
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

package streams

import (
	"errors"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"dynalab/engine/attr"
	"dynalab/sessions"
	"dynalab/ui/common"
	"dynalab/ui/internal/uitest"
)

func item(t *testing.T, s string) attr.Item {
	t.Helper()
	it, err := attr.ParseItem([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return it
}

func events(t *testing.T) []Event {
	at := uitest.Epoch
	k1 := item(t, `{"PK":{"S":"USER#u1"},"SK":{"S":"PROFILE"}}`)
	k2 := item(t, `{"PK":{"S":"SESSION#9"}}`)
	return []Event{
		{Seq: "100", Time: at, Table: "AppTable", Kind: Insert, Keys: k1, NewImage: item(t, `{"PK":{"S":"USER#u1"},"SK":{"S":"PROFILE"},"name":{"S":"Ada"}}`)},
		{Seq: "101", Time: at.Add(time.Second), Table: "AppTable", Kind: Modify, Keys: k1,
			OldImage: item(t, `{"PK":{"S":"USER#u1"},"SK":{"S":"PROFILE"},"name":{"S":"Ada"}}`),
			NewImage: item(t, `{"PK":{"S":"USER#u1"},"SK":{"S":"PROFILE"},"name":{"S":"Ava"},"age":{"N":"36"}}`)},
		{Seq: "102", Time: at.Add(2 * time.Second), Table: "Sessions", Kind: Remove, Keys: k2, TTL: true, OldImage: item(t, `{"PK":{"S":"SESSION#9"},"exp":{"N":"1700000000"}}`)},
		{Seq: "103", Time: at.Add(3 * time.Second), Table: "AppTable", Kind: Remove, Keys: k1, OldImage: item(t, `{"PK":{"S":"USER#u1"},"SK":{"S":"PROFILE"}}`)},
	}
}

// feed returns a pane reading a channel with the events already sent.
func feed(t *testing.T, evs []Event) (*Model, chan Event) {
	ch := make(chan Event, 100)
	for _, e := range evs {
		ch <- e
	}
	b := uitest.NewBackend(t)
	m := New(uitest.Common(t, b, "dark"), ch)
	m.SetSize(80, 12)
	m.SetFocused(true)
	// One read takes everything waiting; the next read is re-armed.
	cmd := m.Init()
	msgs := uitest.Exec(cmd)
	if len(msgs) != 1 {
		t.Fatalf("%d messages", len(msgs))
	}
	if next := m.Update(msgs[0]); next == nil {
		t.Fatal("the read was not re-armed")
	}
	return m, ch
}

func TestNoFeedSaysSo(t *testing.T) {
	m := New(uitest.Common(t, uitest.NewBackend(t), "dark"), nil)
	m.SetSize(40, 10)
	if m.Init() != nil {
		t.Error("a read without a feed")
	}
	view := ansi.Strip(m.View())
	if !strings.Contains(strings.Join(strings.Fields(view), " "), NoFeed) {
		t.Errorf("view:\n%s", view)
	}
	if m.Status().Note != "no change feed" {
		t.Errorf("status %+v", m.Status())
	}
}

func TestNoFeedOnRemoteSession(t *testing.T) {
	b := uitest.NewBackend(t)
	b.SessKind = sessions.KindRemote
	m := New(uitest.Common(t, b, "dark"), nil)
	m.SetSize(60, 10)
	if view := strings.Join(strings.Fields(ansi.Strip(m.View())), " "); !strings.Contains(view, NoFeedRemote) {
		t.Errorf("view:\n%s", view)
	}
}

func TestEventsAreTailed(t *testing.T) {
	m, _ := feed(t, events(t))
	view := ansi.Strip(m.View())
	for _, want := range []string{
		"all tables · 4 changes · live",
		"15:04:05 INSERT AppTable PK=USER#u1, SK=PROFILE",
		"15:04:06 MODIFY AppTable PK=USER#u1, SK=PROFILE 2 changes",
		"15:04:07 REMOVE Sessions PK=SESSION#9 TTL (service deletion)",
		"15:04:08 REMOVE AppTable",
	} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}
	// Kinds are colored apart.
	th := m.c.Theme
	raw := m.View()
	for _, s := range []string{th.Added.Render("INSERT"), th.Changed.Render("MODIFY"), th.Removed.Render("REMOVE"), th.Service.Render(" TTL (service deletion)")} {
		if !strings.Contains(raw, s) {
			t.Errorf("not styled: %q", ansi.Strip(s))
		}
	}
}

func TestModifyDetailShowsTypedDiff(t *testing.T) {
	m, _ := feed(t, events(t))
	uitest.Drive(t, m, uitest.Keys("k", "k", "enter")...)
	view := ansi.Strip(m.View())
	for _, want := range []string{"MODIFY AppTable · 15:04:06 · seq 101", "~ name  S Ada → S Ava", "+ age   N 36", "PK    S USER#u1  (key)"} {
		if !strings.Contains(view, want) {
			t.Errorf("detail lacks %q:\n%s", want, view)
		}
	}
	uitest.Drive(t, m, uitest.Key("esc"))
	if m.detail {
		t.Error("esc did not close the detail")
	}
}

func TestPauseHoldsEvents(t *testing.T) {
	m, _ := feed(t, events(t)[:1])
	uitest.Drive(t, m, uitest.Key("p"))
	m.Update(eventsMsg{feed: m.feed, events: events(t)[1:]})
	if len(m.events) != 1 || !strings.Contains(ansi.Strip(m.View()), "paused, 3 new (p resumes)") {
		t.Errorf("paused view:\n%s", ansi.Strip(m.View()))
	}
	uitest.Drive(t, m, uitest.Key("p"))
	if len(m.events) != 4 || len(m.held) != 0 {
		t.Errorf("resumed: %d shown, %d held", len(m.events), len(m.held))
	}
}

func TestTableAndTextFilters(t *testing.T) {
	m, _ := feed(t, events(t))
	uitest.Drive(t, m, uitest.Key("t"))
	if m.table != "AppTable" || len(m.visible()) != 3 {
		t.Errorf("table filter %q: %d", m.table, len(m.visible()))
	}
	uitest.Drive(t, m, uitest.Keys("t", "t")...)
	if m.table != "" {
		t.Errorf("t cycles back to all: %q", m.table)
	}
	uitest.Drive(t, m, uitest.Key("/"))
	if !m.Capturing() {
		t.Fatal("filter does not hold the keys")
	}
	uitest.Drive(t, m, uitest.Type("session")...)
	uitest.Drive(t, m, uitest.Key("enter"))
	if len(m.visible()) != 1 || m.Capturing() {
		t.Errorf("text filter: %d visible", len(m.visible()))
	}
	uitest.Drive(t, m, uitest.Key("esc"))
	if len(m.visible()) != 4 {
		t.Errorf("esc clears the filter: %d", len(m.visible()))
	}
}

func TestDroppedAndClosed(t *testing.T) {
	ch := make(chan Event, 2)
	ev := events(t)[0]
	ev.Dropped = 7
	ch <- ev
	close(ch)
	m := New(uitest.Common(t, uitest.NewBackend(t), "dark"), ch)
	m.SetSize(100, 10)
	msgs := uitest.Exec(m.Init())
	for _, msg := range uitest.Exec(m.Update(msgs[0])) {
		switch msg := msg.(type) {
		case common.TablesChangedMsg:
			if len(msg.Tables) != 1 {
				t.Errorf("tables changed: %v", msg.Tables)
			}
		default:
			t.Errorf("read re-armed on a closed feed: %T", msg)
		}
	}
	view := ansi.Strip(m.View())
	if !strings.Contains(view, "7 changes dropped") || !strings.Contains(view, "feed ended") {
		t.Errorf("view:\n%s", view)
	}
}

func TestKeepsAtMostMaxEvents(t *testing.T) {
	m, _ := feed(t, events(t)[:1])
	var evs []Event
	for i := 0; i < MaxEvents+10; i++ {
		evs = append(evs, events(t)[0])
	}
	m.Update(eventsMsg{feed: m.feed, events: evs})
	if len(m.events) != MaxEvents {
		t.Errorf("%d kept", len(m.events))
	}
}

var _ tea.Msg = eventsMsg{}

// remoteFeed returns a pane of a remote session reading a feed that has
// sent evs.
func remoteFeed(t *testing.T, w int, evs ...Event) *Model {
	t.Helper()
	ch := make(chan Event, 10)
	for _, e := range evs {
		ch <- e
	}
	b := uitest.NewBackend(t)
	b.SessKind = sessions.KindRemote
	m := New(uitest.Common(t, b, "dark"), ch)
	m.SetSize(w, 14)
	m.SetFocused(true)
	if len(evs) > 0 {
		m.Update(uitest.Exec(m.Init())[0])
	}
	return m
}

func flat(s string) string { return strings.Join(strings.Fields(ansi.Strip(s)), " ") }

func TestRemoteFeedCoverage(t *testing.T) {
	if view := flat(remoteFeed(t, 80).View()); !strings.Contains(view, "listing the endpoint's streams…") {
		t.Errorf("before the first status:\n%s", view)
	}

	none := Event{Feed: &FeedStatus{Source: "http://127.0.0.1:8000", NoStream: []string{"AppTable", "Plain"}}}
	m := remoteFeed(t, 80, none)
	view := flat(m.View())
	for _, want := range []string{NoStreams + " (tables: AppTable, Plain).", "Enable one with UpdateTable's StreamSpecification",
		"--table-name AppTable \\ --stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES", "0 changes"} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}
	if m.total != 0 || m.Status().Note != "streams of 0 of 2 tables" {
		t.Errorf("a status counted as a change: %d, %+v", m.total, m.Status())
	}

	some := Event{Feed: &FeedStatus{Source: "http://127.0.0.1:8000", Streamed: []string{"AppTable"}, NoStream: []string{"Plain"}}}
	m = remoteFeed(t, 100, some)
	view = flat(m.View())
	for _, want := range []string{"waiting for changes… tailing the streams of AppTable through the DynamoDB Streams API",
		"No stream on Plain: their changes cannot be seen.", "--table-name Plain", "live · no stream on Plain"} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}
	// Changes replace the waiting text; the header keeps the note.
	m.Update(eventsMsg{feed: m.feed, events: events(t)[:1]})
	if view := flat(m.View()); !strings.Contains(view, "INSERT AppTable") || !strings.Contains(view, "1 change · live · no stream on Plain") {
		t.Errorf("view:\n%s", view)
	}
}

func TestRemoteFeedFailure(t *testing.T) {
	failing := Event{Feed: &FeedStatus{Source: "http://127.0.0.1:1", Err: errors.New("ListTables http://127.0.0.1:1: connection refused")}}
	m := remoteFeed(t, 120, failing)
	f := m.LastFailure()
	if f == nil || f.Operation != "Streams API" || f.Target != "http://127.0.0.1:1" {
		t.Fatalf("failure %+v", f)
	}
	view := flat(m.View())
	if !strings.Contains(view, "✗ Streams API http://127.0.0.1:1: ListTables http://127.0.0.1:1: connection refused") ||
		!strings.Contains(view, "Streams API failing, retrying (F2)") {
		t.Errorf("view:\n%s", view)
	}
	// A later good poll clears it.
	m.Update(eventsMsg{feed: m.feed, events: []Event{{Feed: &FeedStatus{Source: "x", Streamed: []string{"T"}}}}})
	if m.LastFailure() != nil || strings.Contains(flat(m.View()), "failing") {
		t.Errorf("the failure stayed:\n%s", flat(m.View()))
	}
}

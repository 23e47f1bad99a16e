package activity

import (
	"errors"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"dynalab/ui/common"
	"dynalab/ui/internal/uitest"
)

// TestActivityFeed: entries from the feed (the served endpoint's
// authorization decisions) are listed by their first line, with the rest
// on the detail view.
func TestActivityFeed(t *testing.T) {
	feed := make(chan common.Activity, 2)
	m := New(uitest.Common(t, uitest.NewBackend(t), "dark")).WithFeed(feed)
	m.SetSize(100, 12)
	m.SetFocused(true)
	feed <- common.Activity{Time: uitest.Epoch, Source: "Auth", Operation: "GetItem", Target: "AppTable",
		Summary: "u123 allowed by OwnItemsOnly (identity-based policy)\ncheck 1: dynamodb:GetItem on arn\n    OwnItemsOnly: Allow matches"}
	f := common.NewFailure("DeleteItem", "AppTable", errors.New("AccessDeniedException: no"), uitest.Epoch)
	f.Detail = []string{"writer denied by NoDeletes (resource-based policy of AppTable)"}
	feed <- common.Activity{Time: uitest.Epoch, Source: "Auth", Operation: "DeleteItem", Target: "AppTable", Failure: f}
	cmd := m.Init()
	for i := 0; i < 2; i++ {
		if cmd == nil {
			t.Fatal("no command waits for the feed")
		}
		cmd = m.Update(cmd())
	}
	view := ansi.Strip(m.View())
	for _, want := range []string{"2 operations · 1 failure", "✓ Auth GetItem AppTable · u123 allowed by OwnItemsOnly (identity-based policy)", "✗ Auth DeleteItem AppTable"} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}
	if strings.Contains(view, "Allow matches") {
		t.Errorf("the list shows more than the first line:\n%s", view)
	}
	uitest.Drive(t, m, uitest.Keys("up", "enter")...)
	if view := ansi.Strip(m.View()); !strings.Contains(view, "OwnItemsOnly: Allow matches") {
		t.Errorf("detail lacks the trace:\n%s", view)
	}
	uitest.Drive(t, m, uitest.Keys("esc", "down", "enter")...)
	if view := ansi.Strip(m.View()); !strings.Contains(view, "NoDeletes (resource-based policy of AppTable)") {
		t.Errorf("denied detail lacks the explanation:\n%s", view)
	}
	if New(uitest.Common(t, uitest.NewBackend(t), "dark")).Init() != nil {
		t.Error("a pane without a feed waits for one")
	}
}

// TestActivityFeeds: the pane listens to several feeds at once (the
// served endpoint's decisions and the engine's throttle notices).
func TestActivityFeeds(t *testing.T) {
	auth, notices := make(chan common.Activity, 1), make(chan common.Activity, 1)
	m := New(uitest.Common(t, uitest.NewBackend(t), "dark")).WithFeed(auth).WithFeed(nil).WithFeed(notices)
	m.SetSize(160, 12)
	notices <- common.Activity{Time: uitest.Epoch, Source: "Capacity", Operation: "Throttled", Target: "T", Summary: `table "T" throttled`}
	batch, ok := m.Init()().(tea.BatchMsg)
	if !ok || len(batch) != 2 {
		t.Fatalf("Init waits on %d feeds, want 2", len(batch))
	}
	// The notices feed's wait delivers its entry and waits again.
	next := m.Update(batch[1]())
	if view := ansi.Strip(m.View()); !strings.Contains(view, `✓ Capacity Throttled T · table "T" throttled`) {
		t.Errorf("view lacks the notice:\n%s", view)
	}
	notices <- common.Activity{Time: uitest.Epoch, Source: "Capacity", Operation: "Throttled", Target: "U", Summary: "second"}
	m.Update(next())
	auth <- common.Activity{Time: uitest.Epoch, Source: "Auth", Operation: "GetItem", Target: "T", Summary: "allowed"}
	m.Update(batch[0]())
	if view := ansi.Strip(m.View()); !strings.Contains(view, "3 operations") {
		t.Errorf("view:\n%s", view)
	}
}

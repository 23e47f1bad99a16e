package activity

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"dynalab/ui/common"
	"dynalab/ui/internal/uitest"
)

func TestActivityKeepsFullErrors(t *testing.T) {
	m := New(uitest.Common(t, uitest.NewBackend(t), "dark"))
	m.SetSize(100, 10)
	m.SetFocused(true)
	if !strings.Contains(ansi.Strip(m.View()), "nothing yet") {
		t.Error("empty view")
	}
	f := common.NewFailure("Query", "AppTable", errors.New(strings.Repeat("long detail ", 20)+"END"), uitest.Epoch)
	uitest.Drive(t, m,
		common.ActivityMsg{Activity: common.Activity{Time: uitest.Epoch, Source: "REPL", Operation: "Query", Target: "AppTable", Summary: "4 items", Duration: 3 * time.Millisecond}},
		common.ActivityMsg{Activity: common.Activity{Time: uitest.Epoch, Source: "Browser", Operation: "Query", Target: "AppTable", Failure: f}},
	)
	view := ansi.Strip(m.View())
	for _, want := range []string{"2 operations · 1 failure", "15:04:05 ✓ REPL Query AppTable · 4 items · 3ms", "15:04:05 ✗ Browser Query AppTable · long detail"} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}
	if m.LastFailure() != f {
		t.Error("the selected failure is not the pane's")
	}
	uitest.Drive(t, m, uitest.Key("enter"))
	if !strings.Contains(ansi.Strip(m.View()), "END") {
		t.Errorf("detail lacks the full text:\n%s", ansi.Strip(m.View()))
	}
	uitest.Drive(t, m, uitest.Keys("esc", "e")...)
	if len(m.visible()) != 1 {
		t.Errorf("errors only: %d", len(m.visible()))
	}
}

package ui

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/sessions"
	"dynalab/themes"
	"dynalab/ui/common"
	"dynalab/ui/internal/uitest"
)

type appDriver struct{ a *App }

func (d appDriver) Update(msg tea.Msg) tea.Cmd { _, c := d.a.Update(msg); return c }

func newTestApp(t *testing.T, w, h int) (*App, *uitest.Backend) {
	t.Helper()
	b := uitest.NewBackend(t)
	b.Seed(t)
	b.RunFunc = uitest.SelectRunner(b, 0)
	a, err := New(context.Background(), Options{Backend: b, Theme: uitest.Theme(t, "dark"), Clock: uitest.Clock})
	if err != nil {
		t.Fatal(err)
	}
	send(t, a, tea.WindowSizeMsg{Width: w, Height: h})
	send(t, a, uitest.Exec(a.Init())...)
	return a, b
}

// send gives msgs to the app and runs the commands they return, except
// quitting, which it reports.
func send(t *testing.T, a *App, msgs ...tea.Msg) (quit bool) {
	t.Helper()
	queue := append([]tea.Msg(nil), msgs...)
	for len(queue) > 0 {
		msg := queue[0]
		queue = queue[1:]
		if _, ok := msg.(tea.QuitMsg); ok {
			quit = true
			continue
		}
		_, cmd := a.Update(msg)
		queue = append(queue, uitest.Exec(cmd)...)
	}
	return quit
}

// press sends keys one at a time, each after the work of the one before.
func press(t *testing.T, a *App, names ...string) (quit bool) {
	t.Helper()
	for _, k := range uitest.Keys(names...) {
		quit = send(t, a, k) || quit
	}
	return quit
}

func view(a *App) string { return ansi.Strip(a.View()) }

func TestTabCompletesInTextInputsAndCyclesElsewhere(t *testing.T) {
	a, _ := newTestApp(t, 100, 30)
	send(t, a, uitest.Type("SEL")...)
	press(t, a, "tab")
	if a.Focused() != common.PaneREPL || !strings.Contains(view(a), "sql> SELECT ") {
		t.Fatalf("tab in the editor: focus %d\n%s", a.Focused(), view(a))
	}
	press(t, a, "esc", "tab")
	if a.Focused() != common.PaneBrowser {
		t.Errorf("tab outside the editor: focus %d", a.Focused())
	}
	press(t, a, "shift+tab")
	if a.Focused() != common.PaneREPL {
		t.Errorf("shift+tab: focus %d", a.Focused())
	}
	for i := 0; i < int(common.PaneCount); i++ {
		press(t, a, "tab")
	}
	if a.Focused() != common.PaneREPL {
		t.Errorf("tab ×5 does not come back: %d", a.Focused())
	}
}

func TestAltJumpsEvenFromTextInputs(t *testing.T) {
	a, _ := newTestApp(t, 100, 30)
	for i, want := range []common.PaneID{common.PaneREPL, common.PaneBrowser, common.PaneStreams, common.PaneCapacity, common.PaneActivity} {
		press(t, a, "alt+1") // back to the REPL's editor first
		press(t, a, "alt+"+string(rune('1'+i)))
		if a.Focused() != want {
			t.Errorf("alt+%d: focus %d", i+1, a.Focused())
		}
	}
}

func TestHelpOverlay(t *testing.T) {
	a, _ := newTestApp(t, 100, 30)
	press(t, a, "?") // typed: ? is a PartiQL parameter
	if a.overlay != overlayNone || !strings.Contains(view(a), "sql> ?") {
		t.Fatalf("? in the editor opened help")
	}
	press(t, a, "f1")
	v := view(a)
	for _, want := range []string{"REPL keys (as they work right now)", "search history", "alt+1…5", "jump to a pane", "never quits"} {
		if !strings.Contains(v, want) {
			t.Errorf("help lacks %q:\n%s", want, v)
		}
	}
	press(t, a, "esc")
	if a.overlay != overlayNone {
		t.Error("esc did not close help")
	}
	press(t, a, "alt+2", "enter", "?") // the browser, a table open
	if v := view(a); !strings.Contains(v, "Browser keys") || !strings.Contains(v, "key condition (Query)") || !strings.Contains(v, "edit in $EDITOR") {
		t.Errorf("browser help:\n%s", v)
	}
}

func TestFooterShowsTheKeysThatMatter(t *testing.T) {
	a, _ := newTestApp(t, 120, 30)
	lines := strings.Split(view(a), "\n")
	if footer := lines[len(lines)-2]; !strings.HasPrefix(footer, " F1 help • enter run") {
		t.Errorf("REPL footer %q", footer)
	}
	press(t, a, "alt+2")
	lines = strings.Split(view(a), "\n")
	if footer := lines[len(lines)-2]; !strings.Contains(footer, "enter open") || !strings.Contains(footer, "F1/? help") {
		t.Errorf("browser footer %q", footer)
	}
}

func TestEscNeverQuits(t *testing.T) {
	a, _ := newTestApp(t, 100, 30)
	for p := 0; p < int(common.PaneCount); p++ {
		press(t, a, "alt+"+string(rune('1'+p)))
		for i := 0; i < 10; i++ {
			if press(t, a, "esc") {
				t.Fatalf("esc quit from pane %d", p)
			}
		}
	}
	// Nor in overlays, bars and dialogs.
	for _, seq := range [][]string{
		{"f1", "esc", "esc"},
		{"alt+2", "enter", "c", "esc", "esc", "esc", "esc"},
		{"alt+2", "enter", "d", "esc", "esc"},
		{"alt+1", ":", "esc", "esc"},
	} {
		if press(t, a, seq...) {
			t.Fatalf("%v quit", seq)
		}
	}
}

func TestCtrlCTwiceQuits(t *testing.T) {
	a, _ := newTestApp(t, 100, 30)
	if press(t, a, "ctrl+c") {
		t.Fatal("one ctrl+c quit")
	}
	if !strings.Contains(view(a), "press ctrl+c again to quit") {
		t.Errorf("no hint:\n%s", view(a))
	}
	press(t, a, "x") // any other key disarms
	if press(t, a, "ctrl+c") {
		t.Fatal("ctrl+c, x, ctrl+c quit")
	}
	if !press(t, a, "ctrl+c") {
		t.Fatal("ctrl+c twice did not quit")
	}
}

func TestColonQQuits(t *testing.T) {
	a, _ := newTestApp(t, 100, 30)
	send(t, a, uitest.Type(":q")...)
	if !press(t, a, "enter") {
		t.Error(":q in the REPL did not quit")
	}
	a, _ = newTestApp(t, 100, 30)
	press(t, a, "alt+3", ":")
	if !strings.Contains(view(a), ":") {
		t.Error("no command line")
	}
	if !press(t, a, "q", "enter") {
		t.Error(":q outside text inputs did not quit")
	}
}

func TestQuitAsksOnlyWhenUnsaved(t *testing.T) {
	a, b := newTestApp(t, 120, 40)
	press(t, a, "alt+2", "enter")
	for i := 0; i < 3; i++ { // to a non-key column
		press(t, a, "l")
	}
	press(t, a, "e", "x") // an inline edit, changed, not confirmed
	press(t, a, "alt+1")
	send(t, a, uitest.Type(":q")...)
	if press(t, a, "enter") {
		t.Fatal("quit with an unsaved edit without asking")
	}
	if v := view(a); !strings.Contains(v, "Quitting now loses:") || !strings.Contains(v, "an inline edit of") {
		t.Fatalf("no question:\n%s", v)
	}
	if press(t, a, "n") || a.overlay != overlayNone {
		t.Fatal("n did not stay")
	}
	if press(t, a, "ctrl+c") || !strings.Contains(view(a), "discard an inline edit") {
		t.Errorf("ctrl+c does not warn:\n%s", view(a))
	}
	if !press(t, a, "ctrl+c") {
		t.Error("ctrl+c twice did not quit")
	}
	if b.Calls("UpdateItem") != 0 {
		t.Error("quitting wrote")
	}
}

func TestStatusBarTellsWhereYouAre(t *testing.T) {
	a, _ := newTestApp(t, 140, 30)
	send(t, a, uitest.Paste(`SELECT * FROM "AppTable" WHERE PK='USER#u1';`))
	press(t, a, "enter")
	lines := strings.Split(view(a), "\n")
	status := lines[len(lines)-1]
	for _, want := range []string{"default", "http://127.0.0.1:8000", "Query AppTable", "4 shown / 4 scanned", "page 1, last", "0.5 CU"} {
		if !strings.Contains(status, want) {
			t.Errorf("status %q lacks %q", status, want)
		}
	}
	send(t, a, tea.WindowSizeMsg{Width: 80, Height: 24})
	lines = strings.Split(view(a), "\n")
	status = lines[len(lines)-1]
	if !strings.Contains(status, "127.0.0.1:8000 · Query AppTable · 4/4 scanned · p1 last · 0.5 CU") {
		t.Errorf("compact status %q", status)
	}
	if strings.HasSuffix(strings.TrimSpace(status), "…") {
		t.Errorf("status cut at 80 columns: %q", status)
	}
}

// Every pane reflows to every size from 80×24 up: exact width and height,
// status and key line present.
func TestResizeReflows(t *testing.T) {
	a, _ := newTestApp(t, 80, 24)
	send(t, a, uitest.Paste(`SELECT * FROM "AppTable";`))
	press(t, a, "enter")
	press(t, a, "alt+2", "enter", "alt+1")
	for _, size := range [][2]int{{80, 24}, {81, 25}, {100, 30}, {119, 40}, {120, 39}, {120, 40}, {160, 50}, {220, 60}} {
		send(t, a, tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		for p := 0; p < int(common.PaneCount); p++ {
			press(t, a, "alt+"+string(rune('1'+p)))
			lines := strings.Split(a.View(), "\n")
			if len(lines) != size[1] {
				t.Errorf("%v pane %d: %d lines", size, p, len(lines))
			}
			for i, l := range lines {
				if w := ansi.StringWidth(l); w != size[0] {
					t.Errorf("%v pane %d line %d: width %d: %q", size, p, i, w, ansi.Strip(l))
					break
				}
			}
			if last := ansi.Strip(lines[len(lines)-1]); !strings.Contains(last, "default") {
				t.Errorf("%v pane %d: no status line: %q", size, p, last)
			}
		}
	}
}

func TestWideLayoutShowsREPLStreamsAndStatus(t *testing.T) {
	a, _ := newTestApp(t, 120, 40)
	v := view(a)
	if !strings.Contains(v, "╭─ 1 REPL ─") || !strings.Contains(v, "╭─ 3 Streams ─") || !strings.Contains(v, "No change feed") {
		t.Errorf("wide layout:\n%s", v)
	}
	press(t, a, "esc", "tab", "tab") // focus the streams: the REPL stays on the left
	if v := view(a); !strings.Contains(v, "╭─ 2 Browser ─") {
		t.Errorf("after moving to streams:\n%s", v)
	}
	send(t, a, tea.WindowSizeMsg{Width: 119, Height: 40})
	if v := view(a); strings.Contains(v, "╭─") {
		t.Errorf("narrow layout has frames:\n%s", v)
	}
}

func TestThemeSwitch(t *testing.T) {
	a, _ := newTestApp(t, 100, 30)
	send(t, a, uitest.Paste(".theme light"))
	press(t, a, "enter")
	if a.c.Theme.Name != "light" || !strings.Contains(view(a), "theme light") {
		t.Errorf("theme %s:\n%s", a.c.Theme.Name, view(a))
	}
	send(t, a, uitest.Paste(".theme neon"))
	press(t, a, "enter")
	if a.c.Theme.Name != "light" || !strings.Contains(view(a), `unknown theme "neon"`) {
		t.Errorf("bad theme: %s\n%s", a.c.Theme.Name, view(a))
	}
	press(t, a, "esc", ":")
	send(t, a, uitest.Type("theme high-contrast")...)
	press(t, a, "enter")
	if a.c.Theme.Name != "high-contrast" {
		t.Errorf(":theme: %s", a.c.Theme.Name)
	}
}

func TestF2ShowsTheFullError(t *testing.T) {
	a, _ := newTestApp(t, 80, 24)
	press(t, a, "f2")
	if a.overlay != overlayNone || !strings.Contains(view(a), "no error on screen") {
		t.Error("F2 without an error")
	}
	send(t, a, uitest.Paste(`SELECT * FROM "Missing";`))
	press(t, a, "enter")
	press(t, a, "f2")
	v := view(a)
	for _, want := range []string{"Error", "Operation: PartiQL", "Target:    Missing", "ResourceNotFoundException", "Fix:"} {
		if !strings.Contains(v, want) {
			t.Errorf("error overlay lacks %q:\n%s", want, v)
		}
	}
	press(t, a, "esc")
	if a.overlay != overlayNone {
		t.Error("esc did not close")
	}
	// The activity pane keeps it.
	press(t, a, "alt+5")
	if !strings.Contains(view(a), "✗ REPL PartiQL Missing") {
		t.Errorf("activity:\n%s", view(a))
	}
}

func TestDataReachesUnfocusedPanes(t *testing.T) {
	a, _ := newTestApp(t, 100, 30)
	// The tables were loaded while the REPL had focus.
	press(t, a, "alt+2")
	if !strings.Contains(view(a), "AppTable") {
		t.Errorf("browser has no tables:\n%s", view(a))
	}
}

func TestNewRequiresBackend(t *testing.T) {
	if _, err := New(context.Background(), Options{}); err == nil {
		t.Error("no error without a backend")
	}
}

func TestShortCount(t *testing.T) {
	for n, want := range map[int]string{0: "0", 9999: "9999", 12_345: "12.3k", 100_000: "100k", 2_500_000: "2500k", 12_000_000: "12M"} {
		if got := shortCount(n); got != want {
			t.Errorf("%d: %q, want %q", n, got, want)
		}
	}
}

// Under NO_COLOR no color is drawn, and types still show: in the column
// headers, in mixed columns' cells, and in the JSON.
func TestNoColorKeepsTypesVisible(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	b := uitest.NewBackend(t)
	b.Seed(t)
	b.RunFunc = uitest.SelectRunner(b, 0)
	r := lipgloss.NewRenderer(io.Discard, termenv.WithTTY(true), termenv.WithProfile(termenv.TrueColor))
	th, err := themes.NamedFor("dark", r)
	if err != nil || !th.NoColor {
		t.Fatalf("theme %v, NoColor %v", err, th != nil && th.NoColor)
	}
	a, err := New(context.Background(), Options{Backend: b, Theme: th, Clock: uitest.Clock})
	if err != nil {
		t.Fatal(err)
	}
	send(t, a, tea.WindowSizeMsg{Width: 100, Height: 30})
	send(t, a, uitest.Exec(a.Init())...)
	send(t, a, uitest.Paste(`SELECT * FROM "AppTable" WHERE PK='USER#u1';`))
	press(t, a, "enter")
	out := a.View()
	if strings.Contains(out, "38;") || strings.Contains(out, "48;") {
		t.Error("colors drawn under NO_COLOR")
	}
	for _, want := range []string{"PK S", "total N", "gift BOOL", "tags SS"} {
		if !strings.Contains(ansi.Strip(out), want) {
			t.Errorf("type tag %q missing", want)
		}
	}
	if !strings.Contains(out, "\x1b[7m") && !strings.Contains(out, ";7m") {
		t.Error("no reverse video: the cursor is invisible without colors")
	}
}

// Changes arriving while the user types neither steal focus nor touch the
// input.
func TestLivePanesDoNotStealFocus(t *testing.T) {
	b := uitest.NewBackend(t)
	ch := make(chan sessions.Change, 50)
	for i := 0; i < 50; i++ {
		ch <- sessions.Change{Table: "AppTable", Kind: sessions.ChangeInsert, Time: uitest.Epoch}
	}
	close(ch)
	b.Feeds.Changes = ch
	a, err := New(context.Background(), Options{Backend: b, Theme: uitest.Theme(t, "dark"), Clock: uitest.Clock})
	if err != nil {
		t.Fatal(err)
	}
	send(t, a, tea.WindowSizeMsg{Width: 120, Height: 40})
	send(t, a, uitest.Type("SEL")...)
	send(t, a, uitest.Exec(a.Init())...)
	send(t, a, uitest.Type("ECT")...)
	if a.Focused() != common.PaneREPL || !strings.Contains(view(a), "sql> SELECT") {
		t.Errorf("focus %d\n%s", a.Focused(), view(a))
	}
	if !strings.Contains(view(a), "50 changes") {
		t.Errorf("the streams pane did not update:\n%s", view(a))
	}
}

// Below 80×24 the workbench is cramped but never breaks.
func TestTinyWindowsDoNotPanic(t *testing.T) {
	a, _ := newTestApp(t, 80, 24)
	send(t, a, uitest.Paste(`SELECT * FROM "AppTable";`))
	press(t, a, "enter")
	for _, size := range [][2]int{{1, 1}, {10, 3}, {30, 8}, {60, 12}, {0, 0}} {
		send(t, a, tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		for p := 0; p < int(common.PaneCount); p++ {
			press(t, a, "alt+"+string(rune('1'+p)))
			press(t, a, "f1")
			_ = a.View()
			press(t, a, "esc")
			if p == 1 {
				press(t, a, "enter", "enter", "d")
				_ = a.View()
				press(t, a, "esc", "esc", "esc")
			}
			_ = a.View()
		}
	}
}

// TestKeysThatArriveTogetherAllCount: Bubble Tea delivers 30 j typed
// together as one message of 30 runes; each is a Down key, as 30 Down
// arrows are, and a burst that opens a text input types the rest into it.
func TestKeysThatArriveTogetherAllCount(t *testing.T) {
	b := uitest.NewBackend(t)
	b.MakeTable(t, "Burst", "PK", "SK")
	for i := range 40 {
		b.Put(t, "Burst", fmt.Sprintf(`{"PK":{"S":"P"},"SK":{"S":"S%02d"}}`, i))
	}
	a, err := New(context.Background(), Options{Backend: b, Theme: uitest.Theme(t, "dark"), Clock: uitest.Clock})
	if err != nil {
		t.Fatal(err)
	}
	send(t, a, tea.WindowSizeMsg{Width: 120, Height: 40})
	send(t, a, uitest.Exec(a.Init())...)
	press(t, a, "alt+2", "enter")
	send(t, a, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(strings.Repeat("j", 30))})
	press(t, a, "enter")
	if v := view(a); !strings.Contains(v, `"S30"`) {
		t.Fatalf("after 30 j in one message the item opened is not S30:\n%s", v)
	}
	press(t, a, "esc")
	send(t, a, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("k/S05")})
	if v := view(a); !strings.Contains(v, "S05") || a.Pane(common.PaneBrowser).Capturing() == false {
		t.Fatalf("a burst that opens the search bar should type the rest into it:\n%s", v)
	}
}

// TestHelpScrollsWhenItDoesNotFit: at 80×24 the help overlay has more
// lines than fit; it says so, where it is, and scrolls to the rest, the
// global keys at its end included.
func TestHelpScrollsWhenItDoesNotFit(t *testing.T) {
	a, _ := newTestApp(t, 80, 24)
	press(t, a, "esc", "alt+2", "enter", "f1")
	v := view(a)
	if !strings.Contains(v, "↓ more · lines 1–") || strings.Contains(v, "↑ more") {
		t.Fatalf("the first screen of help does not say there is more:\n%s", v)
	}
	press(t, a, "end")
	v = view(a)
	if !strings.Contains(v, "↑ more · lines ") || strings.Contains(v, "↓ more") || !strings.Contains(v, "quit (asks if unsaved)") {
		t.Fatalf("the end of help:\n%s", v)
	}
	press(t, a, "home")
	if v := view(a); !strings.Contains(v, "lines 1–") {
		t.Fatalf("home:\n%s", v)
	}
	press(t, a, "esc")
	if strings.Contains(view(a), "lines 1–") {
		t.Fatal("esc did not close help")
	}
}

// TestMainPaneBreathes: in a wide window the focused pane gets most of the
// width (the streams column a third at most); F3 hides and shows the side
// column, F4 zooms the focused pane and back, and help lists both.
func TestMainPaneBreathes(t *testing.T) {
	a, _ := newTestApp(t, 120, 40)
	framed := func(title string) bool { return strings.Contains(view(a), "─ "+title+" ─") }
	if lw := a.leftWidth(); lw < 76 || !framed("3 Streams") {
		t.Fatalf("the focused REPL gets %d of 120 columns", lw)
	}
	press(t, a, "esc", "alt+3")
	if lw := a.leftWidth(); lw > 120/3 {
		t.Fatalf("with the streams focused the REPL column keeps %d columns", lw)
	}
	press(t, a, "alt+1", "f3")
	if framed("3 Streams") || !strings.Contains(view(a), "sql>") {
		t.Fatalf("F3 did not hide the side column:\n%s", view(a))
	}
	press(t, a, "f3")
	if !framed("3 Streams") {
		t.Fatal("F3 again did not show it")
	}
	press(t, a, "f4")
	if framed("3 Streams") {
		t.Fatal("F4 did not zoom the REPL")
	}
	press(t, a, "f4")
	if !framed("3 Streams") {
		t.Fatal("F4 again did not unzoom")
	}
	press(t, a, "f1")
	if v := view(a); !strings.Contains(v, "show/hide the side column") || !strings.Contains(v, "zoom the pane") {
		t.Fatalf("help lacks F3 and F4:\n%s", v)
	}
}

// TestQuitAsksWithAHalfTypedStatement: a statement typed in the REPL and
// not run is unsaved work; :q from another pane asks first.
func TestQuitAsksWithAHalfTypedStatement(t *testing.T) {
	a, _ := newTestApp(t, 100, 30)
	send(t, a, uitest.Type("SELECT * FROM")...)
	press(t, a, "esc", "alt+2")
	send(t, a, uitest.Type(":q")...)
	if press(t, a, "enter") {
		t.Fatal("quit with a half-typed statement without asking")
	}
	if v := view(a); !strings.Contains(v, "a statement being typed in the REPL") {
		t.Fatalf("no question:\n%s", v)
	}
	press(t, a, "n", "alt+1", "i", "ctrl+u")
	send(t, a, uitest.Type(":q")...)
	if !press(t, a, "enter") {
		t.Fatal(":q with nothing typed did not quit")
	}
}

// TestEveryErrorLandsInActivity: a filter bar's mistake, which the browser
// shows but does not report as an operation, is listed in Activity the
// moment it appears; F2 from another pane shows it as the latest error;
// an operation's detail shows its request as sent and the response.
func TestEveryErrorLandsInActivity(t *testing.T) {
	a, _ := newTestApp(t, 120, 40)
	press(t, a, "esc", "alt+2", "enter", "f")
	send(t, a, uitest.Type("total >")...)
	press(t, a, "enter", "esc", "esc", "alt+5")
	v := view(a)
	if !strings.Contains(v, "✗ Browser") || !strings.Contains(v, "filter, column 8: expected a value") {
		t.Fatalf("the filter's error is not in Activity:\n%s", v)
	}
	press(t, a, "alt+1", "esc", "f2")
	if v := view(a); !strings.Contains(v, "filter, column 8: expected a value") {
		t.Fatalf("F2 from the REPL does not show the latest error:\n%s", v)
	}
	press(t, a, "esc", "alt+5", "e", "e", "g", "enter") // all entries, the first: the browser's Scan
	v = view(a)
	for _, want := range []string{"Request:", `{"TableName":"AppTable"`, `"Limit":100`, "Response:  Count 7, ScannedCount 7, LastEvaluatedKey none"} {
		if !strings.Contains(v, want) {
			t.Errorf("the Scan's detail lacks %q:\n%s", want, v)
		}
	}
}

// TestCountsFollowTheChangeFeed: the Browser's table list and title keep
// a local table's item count and size true through writes from anywhere
// (here, straight to the engine, as another client's would be).
func TestCountsFollowTheChangeFeed(t *testing.T) {
	b := uitest.NewBackend(t)
	b.Seed(t)
	src, cancel := b.DB.Subscribe(64)
	b.Feeds.Changes = sessions.EngineChanges(src)
	a, err := New(context.Background(), Options{Backend: b, Theme: uitest.Theme(t, "dark"), Clock: uitest.Clock})
	if err != nil {
		t.Fatal(err)
	}
	send(t, a, tea.WindowSizeMsg{Width: 120, Height: 40})
	send(t, a, uitest.Exec(common.LoadTables(a.c, ""))...) // the first table list, before the writes
	press(t, a, "esc", "alt+2", "enter")
	if !strings.Contains(view(a), "7 items") {
		t.Fatalf("before:\n%s", view(a))
	}
	b.Put(t, "AppTable", `{"PK":{"S":"USER#u9"},"SK":{"S":"PROFILE"},"name":{"S":"Kay"}}`)
	b.Put(t, "AppTable", `{"PK":{"S":"USER#u9"},"SK":{"S":"ORDER#1"}}`)
	if _, err := b.DB.DeleteItem(context.Background(), &engine.DeleteItemInput{TableName: "AppTable", Key: attr.Item{"PK": attr.S("USER#u1"), "SK": attr.S("PROFILE")}}); err != nil {
		t.Fatal(err)
	}
	cancel() // the feed ends after these three changes, so reading it never blocks
	send(t, a, uitest.Exec(a.panes[common.PaneStreams].Init())...)
	d, err := b.DB.DescribeTable(context.Background(), &engine.DescribeTableInput{TableName: "AppTable"})
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("8 items · %d B", d.Table.TableSizeBytes); !strings.Contains(view(a), want) {
		t.Fatalf("the title does not follow the writes (want %q):\n%s", want, view(a))
	}
}

// TestOpenTableAtStart: dynalab -t TABLE starts on the Browser with the
// table's items on the first frame; an unknown table is an error naming
// the tables there are.
func TestOpenTableAtStart(t *testing.T) {
	b := uitest.NewBackend(t)
	b.Seed(t)
	a, err := New(context.Background(), Options{Backend: b, Theme: uitest.Theme(t, "dark"), Clock: uitest.Clock, Table: "AppTable"})
	if err != nil {
		t.Fatal(err)
	}
	a.Update(tea.WindowSizeMsg{Width: 120, Height: 40}) // the first frame: nothing else has run
	v := view(a)
	if a.Focused() != common.PaneBrowser || !strings.Contains(v, "USER#u1") || !strings.Contains(v, "PRODUCT#p1") || !strings.Contains(v, "Scan AppTable") {
		t.Fatalf("first frame:\n%s", v)
	}
	// What opening the table returned (its Activity report) reaches the
	// program through Init rather than being dropped.
	if len(a.startCmds) == 0 {
		t.Fatal("opening the table returned no commands for Init")
	}
	if a.Init() == nil || a.startCmds != nil {
		t.Error("Init did not take the commands over")
	}
	_, err = New(context.Background(), Options{Backend: b, Theme: uitest.Theme(t, "dark"), Table: "Nope"})
	if err == nil || !strings.Contains(err.Error(), "has no table Nope (tables: AppTable)") {
		t.Fatalf("unknown table: %v", err)
	}
}

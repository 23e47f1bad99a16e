package ui

import (
	"context"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"dynalab/ui/common"
	"dynalab/ui/internal/uitest"
)

// fakeTutor records what the root gives it and draws its size.
type fakeTutor struct {
	c       *common.Common
	w, h    int
	keys    []string
	learn   []common.LearnMsg
	results []common.StatementMsg
}

func (f *fakeTutor) Attach(c *common.Common) { f.c = c }
func (f *fakeTutor) Init() tea.Cmd           { return nil }
func (f *fakeTutor) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.LearnMsg:
		f.learn = append(f.learn, msg)
	case common.StatementMsg:
		f.results = append(f.results, msg)
	}
	return nil
}
func (f *fakeTutor) Key(msg tea.KeyMsg) (bool, tea.Cmd) {
	if msg.String() == "f5" {
		f.keys = append(f.keys, "f5")
		return true, nil
	}
	return false, nil
}
func (f *fakeTutor) View() string {
	return strings.TrimRight(strings.Repeat("LESSON LINE\n", f.h), "\n")
}
func (f *fakeTutor) SetSize(w, h int)             { f.w, f.h = w, h }
func (f *fakeTutor) SetFocused(bool)              {}
func (f *fakeTutor) Title() string                { return "Lesson" }
func (f *fakeTutor) Capturing() bool              { return false }
func (f *fakeTutor) Status() common.Status        { return common.Status{} }
func (f *fakeTutor) LastFailure() *common.Failure { return nil }
func (f *fakeTutor) Unsaved() string              { return "" }
func (f *fakeTutor) ShortHelp() []key.Binding {
	return []key.Binding{key.NewBinding(key.WithKeys("f5"), key.WithHelp("F5", "check"))}
}
func (f *fakeTutor) FullHelp() [][]key.Binding { return [][]key.Binding{f.ShortHelp()} }

func newTutorApp(t *testing.T, w, h int) (*App, *fakeTutor) {
	t.Helper()
	b := uitest.NewBackend(t)
	b.Seed(t)
	b.RunFunc = uitest.SelectRunner(b, 0)
	tu := &fakeTutor{}
	a, err := New(context.Background(), Options{Backend: b, Theme: uitest.Theme(t, "dark"), Clock: uitest.Clock, Tutor: tu})
	if err != nil {
		t.Fatal(err)
	}
	if tu.c == nil {
		t.Fatal("the tutor was not attached")
	}
	send(t, a, tea.WindowSizeMsg{Width: w, Height: h})
	send(t, a, uitest.Exec(a.Init())...)
	return a, tu
}

func TestTutorStripAboveThePaneInSmallWindows(t *testing.T) {
	a, tu := newTutorApp(t, 80, 24)
	if tu.w != 80 || tu.h != 8 {
		t.Errorf("the lesson strip is %dx%d, want 80x8", tu.w, tu.h)
	}
	lines := strings.Split(view(a), "\n")
	if len(lines) != 24 || !strings.HasPrefix(lines[1], "LESSON LINE") || !strings.HasPrefix(lines[9], "────") ||
		!strings.Contains(lines[10], "sql>") && !strings.Contains(view(a), "sql>") {
		t.Fatalf("layout:\n%s", view(a))
	}
	if !strings.Contains(lines[22], "F5 check") {
		t.Errorf("the footer lacks the lesson's keys: %q", lines[22])
	}
	press(t, a, "f5") // the REPL's editor has the keys; F5 still reaches the lesson
	if len(tu.keys) != 1 {
		t.Error("F5 did not reach the lesson")
	}
	press(t, a, "f3")
	if strings.Contains(view(a), "LESSON LINE") {
		t.Error("F3 did not hide the lesson")
	}
	press(t, a, "f3")
	if !strings.Contains(view(a), "LESSON LINE") {
		t.Error("F3 did not show the lesson again")
	}
}

func TestTutorColumnInWideWindows(t *testing.T) {
	a, tu := newTutorApp(t, 120, 40)
	if tu.w != 46 || tu.h != 35 {
		t.Errorf("the lesson column is %dx%d, want 46x35", tu.w, tu.h)
	}
	v := view(a)
	if !strings.Contains(v, "╭─ Lesson ") || !strings.Contains(v, "╭─ 1 REPL ") {
		t.Fatalf("wide layout:\n%s", v)
	}
	press(t, a, "alt+3") // the streams pane takes the left column
	if v := view(a); !strings.Contains(v, "╭─ 3 Streams ") || !strings.Contains(v, "LESSON LINE") {
		t.Errorf("streams focused:\n%s", v)
	}
}

func TestLessonCommandsAndResultsReachTheTutor(t *testing.T) {
	a, tu := newTutorApp(t, 100, 30)
	send(t, a, uitest.Type(".check")...)
	press(t, a, "enter")
	if len(tu.learn) != 1 || tu.learn[0].Command != "check" {
		t.Errorf("lesson commands: %+v", tu.learn)
	}
	send(t, a, uitest.Type(`SELECT * FROM "AppTable" WHERE PK='USER#u1';`)...)
	press(t, a, "enter")
	if len(tu.results) != 1 || tu.results[0].Result == nil || len(tu.results[0].Result.Items) != 4 ||
		tu.results[0].Text != `SELECT * FROM "AppTable" WHERE PK='USER#u1';` {
		t.Errorf("statement results: %+v", tu.results)
	}
	send(t, a, uitest.Type(`SELECT * FROM "Missing";`)...)
	press(t, a, "enter")
	if len(tu.results) != 2 || tu.results[1].Err == nil {
		t.Errorf("a failed statement is not reported: %+v", tu.results)
	}
}

func TestLessonCommandsWithoutALesson(t *testing.T) {
	a, _ := newTestApp(t, 100, 30)
	send(t, a, uitest.Type(".learn 3")...)
	press(t, a, "enter")
	if v := view(a); !strings.Contains(v, "Lessons work in sessions of their own") || !strings.Contains(v, "dynalab learn") {
		t.Errorf(".learn without a lesson:\n%s", v)
	}
}

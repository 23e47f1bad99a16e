package learn

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"dynalab/ui"
	"dynalab/ui/internal/uitest"
)

// TestGoldenLesson draws the lesson beside the REPL with a real Bubble Tea
// program (teatest) at 80×24 (a strip above the REPL) and 120×40 (the side
// column), after a wrong answer: the task, the verdict in the pane and in
// the REPL. Regenerate with go test ./ui/learn -run TestGoldenLesson -update.
func TestGoldenLesson(t *testing.T) {
	h := home(t)
	c := builtinCourse(t)
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, v := range []struct {
			lang  Lang
			theme string
		}{{English, "dark"}, {English, "light"}, {Korean, "dark"}} {
			t.Run(fmt.Sprintf("%dx%d/%s/%s", size[0], size[1], v.lang, v.theme), func(t *testing.T) {
				s, err := Open(context.Background(), h, c, c.Lessons[0], true)
				if err != nil {
					t.Fatal(err)
				}
				defer s.Close()
				app, err := ui.New(context.Background(), ui.Options{Backend: noFeeds{s.Backend}, Theme: uitest.Theme(t, v.theme),
					Clock: uitest.Clock, Tutor: NewTutor(s, v.lang)})
				if err != nil {
					t.Fatal(err)
				}
				tm := teatest.NewTestModel(t, app, teatest.WithInitialTermSize(size[0], size[1]))
				tm.Type(`SELECT * FROM Shop WHERE PK = 'USER#u123';`)
				tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
				waitOutput(t, tm, "3 items", messagesFor(v.lang).notYet)
				if err := tm.Quit(); err != nil {
					t.Fatal(err)
				}
				final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second))
				uitest.Golden(t, final.View())
			})
		}
	}
}

// waitOutput waits until the program has drawn every text.
func waitOutput(t *testing.T, tm *teatest.TestModel, texts ...string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		for _, text := range texts {
			if !bytes.Contains(b, []byte(text)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(5*time.Millisecond))
}

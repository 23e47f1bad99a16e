package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"dynalab/engine"
	"dynalab/sessions"
	"dynalab/ui/internal/uitest"
)

// slowOpen is an injected loader: it reports 45% of a file's load, then
// waits for the test to release it (with the backend or an error) or for
// its context to end, as a canceled engine load ends.
type slowOpen struct {
	release chan struct{}
	backend sessions.Backend
	err     error
	ended   chan error // what the open returned
}

func newSlowOpen() *slowOpen {
	return &slowOpen{release: make(chan struct{}), ended: make(chan error, 1)}
}

func (s *slowOpen) open(ctx context.Context, onLoad func(done, total int64)) (sessions.Backend, error) {
	onLoad(450, 1000)
	select {
	case <-s.release:
		s.ended <- s.err
		if s.err != nil {
			return nil, s.err
		}
		return s.backend, nil
	case <-ctx.Done():
		s.ended <- ctx.Err()
		return nil, fmt.Errorf("open session %q: %w", "default", ctx.Err())
	}
}

// startSlow starts an Opening of session "default" on a data.db of
// 1.2 MB (sparse) through s.
func startSlow(t *testing.T, s *slowOpen) *sessions.Opening {
	t.Helper()
	path := filepath.Join(t.TempDir(), "data.db")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(1_258_291); err != nil {
		t.Fatal(err)
	}
	f.Close()
	o := sessions.StartOpening(context.Background(), `session "default"`, path, s.open, nil)
	t.Cleanup(func() { o.Close() })
	return o
}

func loadingModel(t *testing.T, o *sessions.Opening, theme string, w, h int) (*loading, *teatest.TestModel) {
	t.Helper()
	l := newLoading(context.Background(), Options{Opening: o, Theme: uitest.Theme(t, theme), Clock: uitest.Clock})
	return l, teatest.NewTestModel(t, l, teatest.WithInitialTermSize(w, h))
}

// TestLoadingGolden: the first frame while a session loads, and the
// refusal of a damaged file, at 80×24 and 120×40.
func TestLoadingGolden(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("progress/%dx%d", size[0], size[1]), func(t *testing.T) {
			s := newSlowOpen()
			_, tm := loadingModel(t, startSlow(t, s), "dark", size[0], size[1])
			waitOutput(t, tm, "45%")
			if err := tm.Quit(); err != nil {
				t.Fatal(err)
			}
			uitest.Golden(t, tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).View())
		})
		t.Run(fmt.Sprintf("damaged/%dx%d", size[0], size[1]), func(t *testing.T) {
			s := newSlowOpen()
			s.err = fmt.Errorf("open session %q: %w", "default", &engine.CorruptError{
				Path: "/home/me/.dynalab/sessions/default/data.db", Offset: 48213, After: 19, Reason: "its checksum does not match its commit record"})
			o := startSlow(t, s)
			l, tm := loadingModel(t, o, "dark", size[0], size[1])
			close(s.release)
			waitOutput(t, tm, "press any key")
			tm.Type("x")
			final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second))
			var ce *engine.CorruptError
			if !errors.As(l.failed, &ce) {
				t.Fatalf("failed with %v, want the CorruptError", l.failed)
			}
			uitest.Golden(t, final.View())
		})
	}
}

// TestLoadingKeys: while the session loads, help opens and closes, other
// keys say it is opening, and Ctrl+C twice quits, canceling the open.
func TestLoadingKeys(t *testing.T) {
	for _, quit := range []string{"ctrl+c", ":q", ":q at once"} {
		t.Run(quit, func(t *testing.T) {
			s := newSlowOpen()
			o := startSlow(t, s)
			l, tm := loadingModel(t, o, "dark", 80, 24)
			waitOutput(t, tm, "45%")
			tm.Send(tea.KeyMsg{Type: tea.KeyF1})
			waitOutput(t, tm, "while the session opens")
			tm.Send(tea.KeyMsg{Type: tea.KeyEsc})
			tm.Type("j")
			waitOutput(t, tm, "still opening")
			if quit == "ctrl+c" {
				tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
				waitOutput(t, tm, "press ctrl+c again")
				tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
			} else {
				if quit == ":q" {
					tm.Type(":q")
				} else { // one message, as a terminal sends keys that arrive together
					tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(":q")})
				}
				tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
			}
			tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
			if err := <-s.ended; !errors.Is(err, context.Canceled) {
				t.Fatalf("the open ended with %v, want it canceled", err)
			}
			if b, err := o.Wait(); b != nil || !errors.Is(err, context.Canceled) {
				t.Fatalf("Wait: %v, %v", b, err)
			}
			if !l.quitting || l.app != nil {
				t.Fatalf("quitting %v, app %v", l.quitting, l.app)
			}
		})
	}
}

// TestLoadingStartsTheWorkbench: once the backend arrives the panes
// start on it, in the same program, at the window's size.
func TestLoadingStartsTheWorkbench(t *testing.T) {
	b := uitest.NewBackend(t)
	b.Seed(t)
	b.RunFunc = uitest.SelectRunner(b, 0)
	s := newSlowOpen()
	s.backend = b
	o := startSlow(t, s)
	l, tm := loadingModel(t, o, "dark", 120, 40)
	waitOutput(t, tm, "45%")
	close(s.release)
	// The status bar names the backend once the panes run.
	waitOutput(t, tm, b.Name()+" · "+b.Endpoint())
	tm.Type(`SELECT * FROM "AppTable" WHERE PK='USER#u1';`)
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitOutput(t, tm, "4 items · 4 scanned")
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second))
	if l.app == nil || l.app.c.Backend != b {
		t.Fatal("the workbench did not start on the backend")
	}
	if got, err := o.Wait(); got != b || err != nil {
		t.Fatalf("Wait: %v, %v", got, err)
	}
}

package learn

import (
	"context"
	"fmt"
	"io"
	"time"

	"dynalab/sessions"
	"dynalab/themes"
	"dynalab/ui"
)

// Options configure Run (dynalab learn).
type Options struct {
	// Home is where the lessons' sessions live.
	Home sessions.Home
	// Dir is a teacher's course directory (--dir); "" runs the built-in
	// course.
	Dir string
	// Lesson names the lesson to open: its number, directory or slug;
	// "" resumes the first lesson not complete.
	Lesson string
	// Lang is the lessons' language; "" means LangFromEnv().
	Lang Lang
	// Reset empties the lesson's session and progress first (--reset).
	Reset bool
	// ThemeName and Theme choose the workbench theme, as for ui.Options.
	ThemeName string
	Theme     *themes.Theme
	// Input and Output are the terminal; nil means stdin and stdout.
	Input  io.Reader
	Output io.Writer
	// InlineScreen draws in the terminal's main screen.
	InlineScreen bool
	// Timeout bounds every operation; 0 means 30 seconds.
	Timeout time.Duration
	// Clock returns the time; nil means time.Now.
	Clock func() time.Time
}

// LoadCourse returns the course opts name: the built-in one, or opts.Dir.
func LoadCourse(opts Options) (*Course, error) {
	if opts.Dir != "" {
		return LoadDir(opts.Dir)
	}
	return Builtin()
}

// Run runs lessons in the workbench until the learner quits: the lesson
// opts names (or the first one not complete), each in its own session
// with its data loaded, the lesson beside the panes. ".learn N", F7 at
// the end of a lesson and ".learn reset" end one workbench and open the
// next lesson in another.
func Run(ctx context.Context, opts Options) error {
	c, err := LoadCourse(opts)
	if err != nil {
		return err
	}
	if opts.Lang == "" {
		opts.Lang = LangFromEnv()
	}
	lesson, err := pick(opts.Home, c, opts.Lesson)
	if err != nil {
		return err
	}
	reset := opts.Reset
	for lesson != nil {
		req, err := runLesson(ctx, c, lesson, reset, opts)
		if err != nil || req == nil {
			return err
		}
		lesson, reset = req.Lesson, req.Reset
	}
	return nil
}

// pick returns the lesson named, or the first one not complete (the
// first lesson when all are).
func pick(home sessions.Home, c *Course, name string) (*Lesson, error) {
	if name != "" {
		return c.Find(name)
	}
	for _, l := range c.Lessons {
		p, err := ReadProgress(home, c, l)
		if err != nil {
			return nil, err
		}
		if !p.Loaded || !p.Complete(l) {
			return l, nil
		}
	}
	return c.Lessons[0], nil
}

// runLesson opens a lesson's session and runs the workbench on it with
// the lesson beside the panes; it returns what the learner asked next.
func runLesson(ctx context.Context, c *Course, l *Lesson, reset bool, opts Options) (*Request, error) {
	s, err := Open(ctx, opts.Home, c, l, reset)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	tutor := NewTutor(s, opts.Lang)
	uo := ui.Options{Backend: s.Backend, Theme: opts.Theme, ThemeName: opts.ThemeName, HistoryPath: s.HistoryPath(),
		Input: opts.Input, Output: opts.Output, InlineScreen: opts.InlineScreen, Timeout: opts.Timeout, Clock: opts.Clock,
		Tutor: tutor}
	if err := ui.Run(ctx, uo); err != nil {
		return nil, fmt.Errorf("lesson %s: %w", l.ID, err)
	}
	return tutor.Request(), nil
}

// List returns the lines "dynalab learn --list" prints: the course's
// lessons, what each covers, and the learner's progress in each.
func List(opts Options) ([]string, error) {
	c, err := LoadCourse(opts)
	if err != nil {
		return nil, err
	}
	if opts.Lang == "" {
		opts.Lang = LangFromEnv()
	}
	return ListLines(c, opts.Lang, func(l *Lesson) (Progress, error) { return ReadProgress(opts.Home, c, l) }), nil
}

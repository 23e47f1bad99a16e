package common

import (
	tea "github.com/charmbracelet/bubbletea"

	"dynalab/sessions"
)

// Tutor is a guided lesson shown beside the panes (dynalab learn): the
// root draws it next to the focused pane, gives it every message the
// panes get, and offers it each key before the focused pane.
type Tutor interface {
	Component
	// Attach gives the tutor the workbench's Common (theme, clock,
	// backend); the root calls it once, before Init.
	Attach(c *Common)
	// Key handles a key of the tutor's own (check, hint, next, scroll);
	// handled is false for every other key, which then goes to the pane.
	Key(msg tea.KeyMsg) (handled bool, cmd tea.Cmd)
}

// StatementMsg reports a statement the REPL finished running, with its
// result or error, so that a lesson can check it. A statement is reported
// once, when its first page arrives.
type StatementMsg struct {
	Text   string
	Result *sessions.Result // nil when Err is set
	Err    error
}

// LearnMsg is a lesson meta-command typed in the REPL: .learn [ARG],
// .check, .hint, .answer, .next (Command without its dot).
type LearnMsg struct {
	Command string
	Arg     string
}

// TranscriptMsg asks the REPL to show lines in its transcript (a lesson's
// verdict, the lesson list). Tone is "ok", "fail" or "" (plain).
type TranscriptMsg struct {
	Lines []string
	Tone  string
}

// PromptMsg asks the REPL to put text at its prompt, not run (a lesson's
// answer: Enter runs it).
type PromptMsg struct{ Text string }

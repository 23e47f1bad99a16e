package learn

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"dynalab/ui/common"
	"dynalab/ui/widgets"
)

// Request is what the learner asked the lesson runner to do once the
// workbench ends: open another lesson, or this one again from the start.
type Request struct {
	Lesson *Lesson
	Reset  bool
}

// tutorKeys are the lesson pane's keys; they work whichever pane has the
// focus, even while the REPL's editor has the keys.
type tutorKeys struct {
	Check, Hint, Next, Up, Down key.Binding
}

func newTutorKeys(m *messages) tutorKeys {
	words := map[Lang][5]string{
		English: {"check", "hint, then answer", "next task", "scroll lesson up", "scroll lesson down"},
		Korean:  {"확인", "힌트, 다시 누르면 정답", "다음 과제", "레슨 위로", "레슨 아래로"},
	}[m.lang]
	return tutorKeys{
		Check: key.NewBinding(key.WithKeys("f5"), key.WithHelp("F5", words[0])),
		Hint:  key.NewBinding(key.WithKeys("f6"), key.WithHelp("F6", words[1])),
		Next:  key.NewBinding(key.WithKeys("f7"), key.WithHelp("F7", words[2])),
		Up:    key.NewBinding(key.WithKeys("alt+up"), key.WithHelp("alt+↑", words[3])),
		Down:  key.NewBinding(key.WithKeys("alt+down"), key.WithHelp("alt+↓", words[4])),
	}
}

// followMode says where the lesson's text scrolls to on the next draw.
type followMode int

const (
	followNone followMode = iota // where the learner left it
	followTask                   // the current task's heading (the top when it all fits)
	followEnd                    // the end: a hint or an answer just shown
)

// Tutor is the lesson pane: it shows the lesson one task at a time,
// checks the learner's statements as the REPL reports them, and answers
// the lesson meta-commands. It implements common.Tutor.
type Tutor struct {
	c       *common.Common
	sess    *Session
	lesson  *Lesson
	lang    Lang
	msg     *messages
	checker *Checker
	keys    tutorKeys
	md      renderer

	width, height int
	scroll        int        // the body's first line shown
	follow        followMode // where the next draw scrolls to
	hint          int        // 0: none shown; 1: the hint; 2: the hint and the answer
	progress      Progress
	verdict       *Verdict
	verdictTask   string
	last          *common.StatementMsg
	checkSeq      int
	note          string
	failure       *common.Failure
	request       *Request
}

// NewTutor returns the lesson pane for a lesson opened in s, speaking
// lang. The workbench attaches its Common (whose Backend is s.Backend).
func NewTutor(s *Session, lang Lang) *Tutor {
	m := messagesFor(lang)
	t := &Tutor{sess: s, lesson: s.Lesson, lang: lang, msg: m, checker: NewChecker(s.Backend, lang),
		keys: newTutorKeys(m), progress: s.Progress, follow: followTask}
	if i := t.progress.Current(t.lesson); i > 0 && i < len(t.lesson.Tasks) {
		t.note = fmt.Sprintf(m.resumed, i+1, len(t.lesson.Tasks))
	}
	return t
}

// Attach implements common.Tutor.
func (t *Tutor) Attach(c *common.Common) { t.c = c }

// Request returns what the learner asked to do after the workbench ends
// (another lesson, a reset), or nil.
func (t *Tutor) Request() *Request { return t.request }

// Progress returns the lesson's progress as the pane knows it.
func (t *Tutor) Progress() Progress { return t.progress }

// current is the task in progress, or nil when the lesson is complete.
func (t *Tutor) current() *Task {
	i := t.progress.Current(t.lesson)
	if i >= len(t.lesson.Tasks) {
		return nil
	}
	return t.lesson.Tasks[i]
}

// Init prepares the current task (its before: statements).
func (t *Tutor) Init() tea.Cmd { return t.prepare() }

// preparedMsg reports a task's before: statements run.
type preparedMsg struct {
	task string
	err  error
}

// savedMsg reports the progress saved and the passed task's after:
// statements run.
type savedMsg struct{ err error }

// checkedMsg carries a check's verdict.
type checkedMsg struct {
	seq     int
	task    string
	verdict Verdict
}

// listMsg carries the course's lessons with their progress, for .learn.
type listMsg struct{ lines []string }

// prepare runs the current task's before: statements once (the progress
// remembers it, so a resumed lesson does not run them twice).
func (t *Tutor) prepare() tea.Cmd {
	task := t.current()
	if task == nil || len(task.Before) == 0 || contains(t.progress.Prepared, task.ID) {
		return nil
	}
	t.progress.mark(&t.progress.Prepared, task.ID)
	p, s, c := t.progress, t.sess, t.c
	return func() tea.Msg {
		ctx, cancel := c.OpContext()
		defer cancel()
		for _, st := range task.Before {
			if _, err := s.Backend.Run(ctx, st, nil, ""); err != nil {
				return preparedMsg{task: task.ID, err: fmt.Errorf("%s: before: %s: %w", task.ID, st, err)}
			}
		}
		return preparedMsg{task: task.ID, err: s.SaveProgress(p)}
	}
}

// Update implements common.Component.
func (t *Tutor) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.StatementMsg:
		t.last = &msg
		if t.current() == nil {
			return nil
		}
		return t.check()
	case common.LearnMsg:
		return t.command(msg)
	case checkedMsg:
		return t.checked(msg)
	case preparedMsg:
		if msg.err != nil {
			t.fail("lesson", msg.err)
		}
	case savedMsg:
		if msg.err != nil {
			t.fail("lesson", msg.err)
		}
	case listMsg:
		return transcript(msg.lines, "")
	}
	return nil
}

func (t *Tutor) fail(op string, err error) {
	t.failure = common.NewFailure(op, t.lesson.ID, err, t.c.Now())
	t.note = err.Error()
}

// Key implements common.Tutor.
func (t *Tutor) Key(msg tea.KeyMsg) (bool, tea.Cmd) {
	k := t.keys
	switch {
	case key.Matches(msg, k.Check):
		return true, t.checkKey()
	case key.Matches(msg, k.Hint):
		return true, t.showHint(t.hint + 1)
	case key.Matches(msg, k.Next):
		return true, t.next()
	case key.Matches(msg, k.Up):
		t.scroll = max(0, t.scroll-3)
		t.follow = followNone
		return true, nil
	case key.Matches(msg, k.Down):
		t.scroll += 3 // clamped when drawn
		t.follow = followNone
		return true, nil
	}
	return false, nil
}

// checkKey checks the last statement on request.
func (t *Tutor) checkKey() tea.Cmd {
	if t.current() == nil {
		t.note = t.msg.allDone
		return nil
	}
	if t.last == nil {
		v := Verdict{Diffs: []string{t.msg.runFirst}}
		t.verdict, t.verdictTask = &v, t.current().ID
		return transcript([]string{t.msg.notYet + ": " + t.msg.runFirst}, "fail")
	}
	return t.check()
}

// check compares the last statement with the current task, in a command
// (planning and verify: statements read the session).
func (t *Tutor) check() tea.Cmd {
	task := t.current()
	t.checkSeq++
	seq, last, ch, c := t.checkSeq, *t.last, t.checker, t.c
	t.note = t.msg.checking
	return func() tea.Msg {
		ctx, cancel := c.OpContext()
		defer cancel()
		v := ch.Check(ctx, task, Outcome{Statement: last.Text, Result: last.Result, Err: last.Err})
		return checkedMsg{seq: seq, task: task.ID, verdict: v}
	}
}

// checked shows a verdict; a pass records the task, runs its after:
// statements and moves on to the next task.
func (t *Tutor) checked(msg checkedMsg) tea.Cmd {
	if msg.seq != t.checkSeq {
		return nil // a newer check is under way
	}
	t.note = ""
	v := msg.verdict
	t.verdict, t.verdictTask = &v, msg.task
	task := t.lesson.Task(msg.task)
	if !v.Pass || task == nil || t.progress.Finished(msg.task) {
		return transcript(append([]string{t.msg.notYet + ":"}, bullets(v.Diffs)...), "fail")
	}
	t.progress.mark(&t.progress.Done, task.ID)
	t.hint, t.follow = 0, followTask
	lines := []string{t.msg.passed + ": " + t.taskHeading(task)}
	if t.current() == nil {
		lines = append(lines, t.msg.allDone)
		if n := t.sess.Course.Next(t.lesson); n != nil {
			lines = append(lines, fmt.Sprintf(t.msg.nextLesson, n.Number, n.In(t.lang).Title, n.Number))
		} else {
			lines = append(lines, t.msg.lastLesson)
		}
	}
	return tea.Batch(transcript(lines, "ok"), t.afterPass(task), t.prepare())
}

// afterPass saves the progress and runs the passed task's after:
// statements.
func (t *Tutor) afterPass(task *Task) tea.Cmd {
	p, s, c := t.progress, t.sess, t.c
	return func() tea.Msg {
		ctx, cancel := c.OpContext()
		defer cancel()
		for _, st := range task.After {
			if _, err := s.Backend.Run(ctx, st, nil, ""); err != nil {
				return savedMsg{fmt.Errorf("%s: after: %s: %w", task.ID, st, err)}
			}
		}
		return savedMsg{s.SaveProgress(p)}
	}
}

// showHint shows the hint (level 1) or the hint and the answer (level
// 2), putting the answer at the REPL's prompt.
func (t *Tutor) showHint(level int) tea.Cmd {
	task := t.current()
	if task == nil {
		t.note = t.msg.allDone
		return nil
	}
	t.hint = min(max(t.hint, level), 2)
	t.follow = followEnd
	tt := t.lesson.In(t.lang).Tasks[task.ID]
	if t.hint == 1 {
		return transcript([]string{t.msg.hint + ": " + plainText(tt.Hint)}, "")
	}
	answer := task.Answer
	if !strings.HasSuffix(answer, ";") {
		answer += ";"
	}
	t.note = t.msg.answerAtPrompt
	return tea.Batch(transcript([]string{t.msg.answer + ": " + answer}, ""),
		func() tea.Msg { return common.PromptMsg{Text: answer} })
}

// next skips the current task, or, when the lesson is complete, opens the
// next lesson.
func (t *Tutor) next() tea.Cmd {
	task := t.current()
	if task == nil {
		n := t.sess.Course.Next(t.lesson)
		if n == nil {
			t.note = t.msg.lastLesson
			return nil
		}
		t.request = &Request{Lesson: n}
		return tea.Quit
	}
	t.progress.mark(&t.progress.Skipped, task.ID)
	t.hint, t.follow, t.verdict = 0, followTask, nil
	line := t.msg.skipped + ": " + t.taskHeading(task)
	return tea.Batch(transcript([]string{line}, ""), t.afterPass(task), t.prepare())
}

// command answers .learn, .check, .hint, .answer and .next.
func (t *Tutor) command(msg common.LearnMsg) tea.Cmd {
	switch msg.Command {
	case "check":
		return t.checkKey()
	case "hint":
		return t.showHint(1)
	case "answer":
		return t.showHint(2)
	case "next":
		return t.next()
	case "learn":
		arg := strings.TrimSpace(msg.Arg)
		switch arg {
		case "":
			return t.listCmd()
		case "reset":
			t.request = &Request{Lesson: t.lesson, Reset: true}
			return tea.Quit
		}
		l, err := t.sess.Course.Find(arg)
		if err != nil {
			return transcript([]string{fmt.Sprintf(t.msg.noLesson, arg)}, "fail")
		}
		if l == t.lesson {
			t.follow = followTask
			return nil
		}
		t.request = &Request{Lesson: l}
		return tea.Quit
	}
	return transcript([]string{fmt.Sprintf(t.msg.unknownCommand, "."+msg.Command)}, "fail")
}

// listCmd lists the course's lessons with their progress.
func (t *Tutor) listCmd() tea.Cmd {
	c, home, lang, cur, p := t.sess.Course, t.sess.home, t.lang, t.lesson, t.progress
	return func() tea.Msg {
		return listMsg{lines: ListLines(c, lang, func(l *Lesson) (Progress, error) {
			if l == cur {
				return p, nil
			}
			return ReadProgress(home, c, l)
		})}
	}
}

// ListLines renders a course's lessons, one line each, with what each
// covers and its progress ("2/2 tasks ✓").
func ListLines(c *Course, lang Lang, progress func(*Lesson) (Progress, error)) []string {
	m := messagesFor(lang)
	lines := []string{m.list}
	for _, l := range c.Lessons {
		tx := l.In(lang)
		state := ""
		if p, err := progress(l); err == nil && p.Loaded {
			n := 0
			for _, task := range l.Tasks {
				if p.Finished(task.ID) {
					n++
				}
			}
			state = "  " + fmt.Sprintf(m.progress, n, len(l.Tasks))
			if p.Complete(l) {
				state += " ✓"
			}
		}
		lines = append(lines, fmt.Sprintf("  %2d  %s%s", l.Number, tx.Title, state),
			"      "+strings.Join(tx.Covers, " · "))
	}
	return lines
}

func transcript(lines []string, tone string) tea.Cmd {
	return func() tea.Msg { return common.TranscriptMsg{Lines: lines, Tone: tone} }
}

func bullets(diffs []string) []string {
	out := make([]string, len(diffs))
	for i, d := range diffs {
		out[i] = "  • " + d
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (t *Tutor) taskHeading(task *Task) string {
	return t.lesson.In(t.lang).Tasks[task.ID].Heading
}

// plainText flattens a markdown snippet to one line for the transcript.
func plainText(md string) string {
	return strings.Join(strings.Fields(strings.NewReplacer("`", "", "**", "", "\n", " ").Replace(md)), " ")
}

// --- the common.Component contract ---

// Title implements common.Component.
func (t *Tutor) Title() string { return t.msg.title }

// SetSize implements common.Component.
func (t *Tutor) SetSize(w, h int) { t.width, t.height = w, h }

// SetFocused implements common.Component; the pane never takes the focus
// (its keys work from every pane).
func (t *Tutor) SetFocused(bool) {}

// Capturing implements common.Component.
func (t *Tutor) Capturing() bool { return false }

// Status implements common.Component.
func (t *Tutor) Status() common.Status { return common.Status{} }

// LastFailure implements common.Component.
func (t *Tutor) LastFailure() *common.Failure { return t.failure }

// Unsaved implements common.Component: progress is saved as it is made.
func (t *Tutor) Unsaved() string { return "" }

// ShortHelp implements help.KeyMap.
func (t *Tutor) ShortHelp() []key.Binding {
	return []key.Binding{t.keys.Check, t.keys.Hint, t.keys.Next}
}

// FullHelp implements help.KeyMap.
func (t *Tutor) FullHelp() [][]key.Binding {
	k := t.keys
	return [][]key.Binding{{k.Check, k.Hint, k.Next, k.Up, k.Down}}
}

// taskMark is a task's state in the header: ✓ passed, » skipped, ● the
// current one, ○ to do.
func (t *Tutor) taskMarks() string {
	var b strings.Builder
	cur := t.progress.Current(t.lesson)
	for i, task := range t.lesson.Tasks {
		switch {
		case contains(t.progress.Done, task.ID):
			b.WriteString("✓")
		case contains(t.progress.Skipped, task.ID):
			b.WriteString("»")
		case i == cur:
			b.WriteString("●")
		default:
			b.WriteString("○")
		}
	}
	return b.String()
}

// document is the lesson's markdown as far as the learner has come: the
// introduction, the tasks up to the current one (with the hint and the
// answer when asked), and the closing text once complete. start is the
// line offset in the rendered document where the current task begins.
func (t *Tutor) document() string {
	tx := t.lesson.In(t.lang)
	var b strings.Builder
	fmt.Fprintf(&b, "*%s: %s*\n\n", t.msg.covers, strings.Join(tx.Covers, " · "))
	b.WriteString(tx.Intro)
	cur := t.progress.Current(t.lesson)
	for i, task := range t.lesson.Tasks {
		if i > cur {
			break
		}
		tt := tx.Tasks[task.ID]
		mark := ""
		switch {
		case contains(t.progress.Done, task.ID):
			mark = " ✓"
		case contains(t.progress.Skipped, task.ID):
			mark = " (" + t.msg.skipped + ")"
		}
		fmt.Fprintf(&b, "\n\n## %d. %s%s\n\n%s", i+1, tt.Heading, mark, tt.Body)
		if i == cur && t.hint >= 1 {
			fmt.Fprintf(&b, "\n\n**%s:** %s", t.msg.hint, tt.Hint)
		}
		if i == cur && t.hint >= 2 {
			fmt.Fprintf(&b, "\n\n**%s:**\n\n```sql\n%s\n```", t.msg.answer, task.Answer)
		}
	}
	if cur >= len(t.lesson.Tasks) && tx.Done != "" {
		b.WriteString("\n\n" + tx.Done)
	}
	return b.String()
}

// View implements common.Component: a header, the lesson's text
// (scrolled), the latest verdict and the keys.
func (t *Tutor) View() string {
	if t.width <= 0 || t.height <= 0 {
		return ""
	}
	th := t.c.Theme
	tx := t.lesson.In(t.lang)
	course := t.sess.Course
	head := th.Accent.Render(fmt.Sprintf(t.msg.lessonOf, t.lesson.Number, len(course.Lessons))+" · ") +
		th.Text.Bold(true).Render(tx.Title)
	cur := t.progress.Current(t.lesson)
	sub := fmt.Sprintf(t.msg.taskOf, min(cur+1, len(t.lesson.Tasks)), len(t.lesson.Tasks)) + "  " + t.taskMarks()
	if cur >= len(t.lesson.Tasks) {
		sub = t.msg.done + "  " + t.taskMarks()
	}
	top := []string{
		widgets.FitLine(th.Accent.Render(fmt.Sprintf(t.msg.lessonOf, t.lesson.Number, len(course.Lessons)))+th.Muted.Render(" · "+sub), t.width),
		widgets.FitLine(th.Text.Bold(true).Render(tx.Title), t.width),
	}
	if t.height < 12 {
		top = []string{widgets.FitLine(head+th.Muted.Render(" · "+sub), t.width)}
	}
	foot := t.footer()
	room := max(1, t.height-len(top)-len(foot))
	body := t.md.lines(t.document(), t.width, th)
	switch t.follow {
	case followTask:
		t.scroll = 0
		if len(body) > room {
			t.scroll = t.currentOffset(body, cur)
		}
	case followEnd:
		t.scroll = len(body)
	}
	t.follow = followNone
	t.scroll = max(0, min(t.scroll, len(body)-room))
	end := min(len(body), t.scroll+room)
	lines := append(top, body[t.scroll:end]...)
	for len(lines) < t.height-len(foot) {
		lines = append(lines, "")
	}
	lines = append(lines, foot...)
	return widgets.Fit(strings.Join(lines, "\n"), t.width, t.height)
}

// currentOffset finds where the current task's heading is in the rendered
// lines ("N. Heading"), so that a new task shows from its start.
func (t *Tutor) currentOffset(lines []string, cur int) int {
	if cur >= len(t.lesson.Tasks) {
		return len(lines) // complete: the closing text, at the end
	}
	tx := t.lesson.In(t.lang)
	want := strconv.Itoa(cur+1) + ". " + tx.Tasks[t.lesson.Tasks[cur].ID].Heading
	for i, l := range lines {
		if strings.Contains(plainLine(l), want) {
			return i
		}
	}
	return 0
}

// footer is the verdict, or a note.
func (t *Tutor) footer() []string {
	th := t.c.Theme
	var out []string
	switch {
	case t.note != "":
		out = append(out, th.Warning.Render(t.note))
	case t.verdict != nil && t.verdict.Pass:
		out = append(out, th.Success.Render(t.msg.passed))
	case t.verdict != nil && t.current() != nil && t.verdictTask == t.current().ID:
		text := t.msg.notYet + ": " + strings.Join(t.verdict.Diffs, "; ")
		wrapped := widgets.Wrap(text, t.width)
		room := 2 // a strip above the REPL keeps the task in view
		if t.height >= 20 {
			room = 4
		}
		if len(wrapped) > room {
			wrapped = append(wrapped[:room-1], widgets.Truncate(strings.Join(wrapped[room-1:], " "), t.width))
		}
		for _, w := range wrapped {
			out = append(out, th.Error.Render(w))
		}
	}
	return out // the keys are in the workbench's footer and F1 help
}

func plainLine(s string) string { return strings.Join(strings.Fields(ansi.Strip(s)), " ") }

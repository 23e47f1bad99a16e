package browser

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"dynalab/engine"
	"dynalab/sessions/transfer"
	"dynalab/themes"
	"dynalab/ui/common"
	"dynalab/ui/widgets"
)

// Import and export from the browser: x exports the open table (or the
// index listed, or the table under the cursor in the tables list) to a
// file, I imports a file into it, both through sessions/transfer with the
// CLI's formats (by the file's extension) and, for imports, the CLI's
// checkpoint, so that `dynalab import --resume` continues an import
// canceled here. The work runs in a tea.Cmd; a tick redraws its progress
// on the message line, and Esc cancels it.

// CheckpointFunc says where an import of input (an absolute path) into
// table keeps its checkpoint — where `dynalab import --resume` looks — and
// the command line that resumes it.
type CheckpointFunc func(table, input string) (path, resume string, err error)

// SetCheckpoint sets where imports keep their checkpoints; without one,
// an import canceled here cannot be resumed.
func (m *Model) SetCheckpoint(f CheckpointFunc) { m.checkpoint = f }

// maxListed is how many rejected lines an import lists in its full text.
const maxListed = 100

// progressEvery is how often a running import or export is redrawn.
const progressEvery = 200 * time.Millisecond

// transferJob is an import or export in flight.
type transferJob struct {
	id       int
	export   bool
	table    string
	index    string          // export: the index scanned
	path     string          // as typed, for messages
	file     string          // absolute
	format   transfer.Format // import: "" decides by name, then content
	total    int64           // export: the table's item count (approximate); 0 unknown
	count    atomic.Int64    // items exported or written so far
	started  time.Time
	cancel   context.CancelFunc
	canceled bool
	ckpt     string // import: the checkpoint file ("" none)
	resume   string // import: the command that resumes it
	resumeAt int64  // import: resuming after this line
}

func (j *transferJob) what() string {
	if j.export {
		from := j.table
		if j.index != "" {
			from += "." + j.index
		}
		return from + " → " + j.path
	}
	return j.path + " → " + j.table
}

type (
	transferTickMsg struct{ id int }
	transferDoneMsg struct {
		id  int
		exp *transfer.ExportResult
		imp *transfer.ImportResult
		log string // the lines Import rejected, as it logs them
		err error
	}
)

// transferTarget returns what x and I act on: the open table (and index)
// or the table under the cursor in the tables list.
func (m *Model) transferTarget() (table, index string, ok bool) {
	if m.view != viewTables {
		return m.table.Name, m.index, true
	}
	if len(m.tables) == 0 {
		return "", "", false
	}
	return m.tables[m.tableCursor].Name, "", true
}

// openTransfer opens the path bar of an export or an import.
func (m *Model) openTransfer(export bool) {
	table, index, ok := m.transferTarget()
	switch {
	case !ok:
		m.notice = "no table to export or import: create one first"
		return
	case m.job != nil:
		m.notice = "an import or export is running (" + m.job.what() + "): esc cancels it"
		return
	}
	kind := barImport
	if export {
		kind = barExport
	} else {
		index = "" // items go into the table
	}
	b := newBar(kind)
	b.table, b.index = table, index
	path := m.lastPath[table]
	if path == "" || export && index != "" {
		name := table
		if index != "" {
			name += "." + index
		}
		path = "~/" + name + ".jsonl"
	}
	b.fields[0].SetValue(path)
	m.bar = b
	m.failure = nil
}

// transferBarView draws the path bar on the message line.
func (m *Model) transferBarView(th *themes.Theme) string {
	b := m.bar
	path := strings.TrimSpace(b.text())
	label, hint, short := "export "+b.table, "", ""
	if b.index != "" {
		label += "." + b.index
	}
	label += " to "
	if b.kind == barExport {
		short = "  " + string(transfer.ExportFormatForName(path))
		hint = short + " · .csv for CSV, .gz compresses"
	} else {
		label = "import into " + b.table + " from "
		short = "  format by content"
		hint = "  format from the name (.csv) or the content"
		if f := transfer.FormatForName(path); f != "" {
			hint, short = "  "+string(f), "  "+string(f)
		}
	}
	hintStyle := th.Muted
	if m.failure != nil { // Enter was refused: say why where the hint was
		hint, hintStyle = "  "+m.failure.Line(max(20, m.width/2)), th.Error
		short = hint
	}
	// The path comes first: the hint shortens, then goes, before the
	// field scrolls.
	room := m.width - widgets.Width(label) - 2 // the brackets
	need := widgets.Width(b.text()) + 1
	switch {
	case room-widgets.Width(hint) >= need:
	case room-widgets.Width(short) >= need:
		hint = short
	default:
		hint = ""
	}
	w := max(10, room-widgets.Width(hint))
	return th.Key.Render(label) + bracket(th, m.fieldView(0, w), true) + hintStyle.Render(widgets.Truncate(hint, max(0, m.width-widgets.Width(label)-w-2)))
}

// reviewTransfer acts on Enter in the path bar: an export to a new file
// starts at once; replacing a file, and every import, asks first.
func (m *Model) reviewTransfer() tea.Cmd {
	b := m.bar
	path := strings.TrimSpace(b.text())
	op := "Export"
	if b.kind == barImport {
		op = "Import"
	}
	if path == "" {
		m.fail(op, b.table, errors.New("no file given")).Fix = "type a path, e.g. ~/" + b.table + ".jsonl (.csv for CSV)"
		return nil
	}
	file, err := expandPath(path)
	if err != nil {
		m.fail(op, path, err)
		return nil
	}
	m.bar = nil
	job := &transferJob{export: b.kind == barExport, table: b.table, index: b.index, path: path, file: file}
	if job.export {
		return m.confirmExport(job)
	}
	return m.confirmImport(job)
}

// expandPath resolves ~ and makes path absolute.
func expandPath(path string) (string, error) {
	if path == "~" || strings.HasPrefix(path, "~/") {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("expand ~: %w", err)
		}
		path = filepath.Join(home, path[1:])
	}
	return filepath.Abs(path)
}

func (m *Model) confirmExport(job *transferJob) tea.Cmd {
	job.format = transfer.ExportFormatForName(job.file)
	if job.index == "" {
		for _, t := range m.tables {
			if t.Name == job.table {
				job.total = t.ItemCount
			}
		}
	}
	st, err := os.Stat(job.file)
	if err != nil {
		return m.startTransfer(job)
	}
	if st.IsDir() {
		m.fail("Export", job.path, errors.New("is a directory")).Fix = "name a file, e.g. " + filepath.Join(job.path, job.table+".jsonl")
		return nil
	}
	m.confirm = &confirmation{
		title: "Replace " + job.path + "?",
		what:  "an export of " + job.table,
		body: func(th *themes.Theme, width int) []string {
			return []string{
				th.Text.Render("export ") + th.Accent.Render(job.what()) + th.Muted.Render(" as "+string(job.format)),
				th.Warning.Render("the file exists (" + common.Bytes(st.Size()) + ") and is replaced"),
				"", th.Muted.Render("it is replaced only when the export completes"),
			}
		},
		yes: func() tea.Cmd { return m.startTransfer(job) },
	}
	return nil
}

func (m *Model) confirmImport(job *transferJob) tea.Cmd {
	st, err := os.Stat(job.file)
	switch {
	case errors.Is(err, os.ErrNotExist):
		m.fail("Import", job.path, errors.New("no such file")).Fix = "check the path (~ is your home directory), or export one first with x"
		return nil
	case err != nil:
		m.fail("Import", job.path, err)
		return nil
	case st.IsDir():
		m.fail("Import", job.path, errors.New("is a directory")).Fix = "name a file of items (.jsonl, .json, .csv, .gz)"
		return nil
	}
	job.format = transfer.FormatForName(job.file)
	if m.checkpoint != nil {
		if job.ckpt, job.resume, err = m.checkpoint(job.table, job.file); err != nil {
			m.fail("Import", job.path, err)
			return nil
		}
		if cp, err := transfer.ReadCheckpoint(job.ckpt); err == nil && cp.Table == job.table {
			job.resumeAt = cp.Line
		}
	}
	format := "format from the content (ddb-json or json lines)"
	if job.format != "" {
		format = "format " + string(job.format)
	}
	m.confirm = &confirmation{
		title: "Import " + job.path + " into " + job.table + "?",
		what:  "an import into " + job.table,
		body: func(th *themes.Theme, width int) []string {
			lines := []string{
				th.Text.Render("file: ") + th.Accent.Render(job.path) + th.Muted.Render(" · "+common.Bytes(st.Size())+" · "+format),
				th.Warning.Render("items are written with BatchWriteItem: an item with an existing key replaces it"),
				th.Muted.Render("rejected lines are listed with their numbers, never dropped"),
			}
			if job.resumeAt > 0 {
				lines = append(lines, th.Accent.Render("an earlier import stopped after line "+strconv.FormatInt(job.resumeAt, 10)+": y continues from there"))
			}
			return append(lines, "", th.Muted.Render("esc while it runs cancels it"))
		},
		yes: func() tea.Cmd { return m.startTransfer(job) },
	}
	return nil
}

// startTransfer runs job in a command and starts redrawing its progress.
func (m *Model) startTransfer(job *transferJob) tea.Cmd {
	parent := m.c.Ctx
	if parent == nil {
		parent = context.Background()
	}
	ctx, cancel := context.WithCancel(parent)
	m.jobSeq++
	job.id, job.cancel, job.started = m.jobSeq, cancel, m.c.Now()
	m.job, m.failure, m.notice = job, nil, ""
	m.lastPath[job.table] = job.path
	backend := m.c.Backend
	run := func() tea.Msg {
		if job.export {
			return runExport(ctx, backend, job)
		}
		return runImport(ctx, backend, job)
	}
	return tea.Batch(run, transferTick(job.id))
}

func transferTick(id int) tea.Cmd {
	return tea.Tick(progressEvery, func(time.Time) tea.Msg { return transferTickMsg{id: id} })
}

// countingSource counts the items an export has read.
type countingSource struct {
	transfer.Source
	n *atomic.Int64
}

func (s countingSource) Scan(ctx context.Context, in *engine.ScanInput) (*engine.ScanOutput, error) {
	out, err := s.Source.Scan(ctx, in)
	if err == nil {
		s.n.Add(int64(len(out.Items)))
	}
	return out, err
}

// countingTarget counts the items an import has written.
type countingTarget struct {
	transfer.Target
	n *atomic.Int64
}

func (t countingTarget) BatchWriteItem(ctx context.Context, in *engine.BatchWriteItemInput) (*engine.BatchWriteItemOutput, error) {
	out, err := t.Target.BatchWriteItem(ctx, in)
	if err == nil {
		n := 0
		for _, reqs := range in.RequestItems {
			n += len(reqs)
		}
		for _, reqs := range out.UnprocessedItems {
			n -= len(reqs)
		}
		t.n.Add(int64(n))
	}
	return out, err
}

func runExport(ctx context.Context, backend transfer.Source, job *transferJob) tea.Msg {
	done := transferDoneMsg{id: job.id}
	w, commit, abort, err := transfer.CreateOutput(job.file)
	if err != nil {
		done.err = err
		return done
	}
	done.exp, err = transfer.Export(ctx, countingSource{backend, &job.count}, w,
		transfer.ExportOptions{Table: job.table, Index: job.index, Format: job.format})
	if err != nil {
		abort()
		done.err = err
		return done
	}
	done.err = commit()
	return done
}

func runImport(ctx context.Context, backend transfer.Target, job *transferJob) tea.Msg {
	var log bytes.Buffer
	res, err := transfer.Import(ctx, countingTarget{backend, &job.count}, transfer.ImportOptions{
		Table: job.table, Path: job.file, Format: job.format,
		Checkpoint: job.ckpt, Resume: job.resumeAt > 0,
		Log: &log, MaxLogged: maxListed,
	})
	return transferDoneMsg{id: job.id, imp: res, log: log.String(), err: err}
}

// cancelTransfer stops the running job (Esc).
func (m *Model) cancelTransfer() {
	m.job.cancel()
	m.job.canceled = true
}

// transferTicked redraws a running job's progress and re-arms the tick.
func (m *Model) transferTicked(msg transferTickMsg) tea.Cmd {
	if m.job == nil || m.job.id != msg.id {
		return nil
	}
	return transferTick(msg.id)
}

// progressLine is the message line while a job runs.
func (m *Model) progressLine() string {
	j := m.job
	if j.canceled {
		return "⧗ canceling " + j.what() + "…"
	}
	n := j.count.Load()
	s := "⧗ importing " + j.what() + ": " + common.Thousands(n) + " items written"
	if j.export {
		s = "⧗ exporting " + j.what() + ": " + common.Thousands(n)
		if j.total > 0 {
			s += " of ~" + common.Thousands(j.total) + " items (" + strconv.FormatInt(min(100, n*100/j.total), 10) + "%)"
		} else {
			s += " items"
		}
	}
	if j.resumeAt > 0 {
		s += " (resumed after line " + strconv.FormatInt(j.resumeAt, 10) + ")"
	}
	if el := m.c.Now().Sub(j.started); el >= time.Second {
		s += " · " + common.Thousands(int64(float64(n)/el.Seconds())) + "/s"
	}
	return s + " · esc cancels"
}

// transferDone reports a finished job: a notice when it succeeded or was
// canceled, a failure (full text on F2) when it failed or rejected lines.
func (m *Model) transferDone(msg transferDoneMsg) tea.Cmd {
	j := m.job
	if j == nil || j.id != msg.id {
		return nil
	}
	m.job = nil
	j.cancel()
	act := common.Activity{Time: m.c.Now(), Source: "Browser", Operation: "Export", Target: j.what(), Duration: m.c.Now().Sub(j.started)}
	var cmds []tea.Cmd
	if j.export {
		m.exportDone(j, msg)
	} else {
		act.Operation = "Import"
		m.importDone(j, msg)
		if msg.imp != nil && msg.imp.Items > 0 && m.view != viewTables && m.table.Name == j.table {
			if m.failure == nil {
				notice := m.notice
				cmds = append(cmds, m.relist()) // show what was written
				m.notice = notice
			} else {
				m.failure.Fix += " · r reloads the listing"
			}
		}
	}
	if m.failure != nil {
		act.Failure = m.failure
	} else {
		act.Summary = m.notice
	}
	if msg.err != nil && errors.Is(msg.err, context.Canceled) && act.Failure == nil {
		act.Failure = common.NewFailure(act.Operation, act.Target, msg.err, m.c.Now())
	}
	cmds = append(cmds, common.Report(act), common.LoadTables(m.c, ""))
	return tea.Batch(cmds...)
}

func (m *Model) exportDone(j *transferJob, msg transferDoneMsg) {
	res := msg.exp
	switch {
	case msg.err != nil && errors.Is(msg.err, context.Canceled):
		m.notice = "⊘ export canceled after " + common.Thousands(j.count.Load()) + " items: " + j.path + " was not written"
	case msg.err != nil:
		m.fail("Export", j.what(), msg.err)
	default:
		m.notice = "✓ exported " + common.Thousands(res.Items) + " items from " + j.table
		if j.index != "" {
			m.notice += " (index " + j.index + ")"
		}
		m.notice += " to " + j.path + " (" + string(res.Format) + ") in " + res.Elapsed.Round(time.Millisecond).String()
	}
}

func (m *Model) importDone(j *transferJob, msg transferDoneMsg) {
	res := msg.imp
	var stopped *transfer.StoppedError
	written, rejected := j.count.Load(), int64(0)
	if res != nil {
		written, rejected = res.Items, res.Rejected
	}
	counts := common.Thousands(written) + " items written"
	if rejected > 0 {
		counts += ", " + plural64(rejected, "line") + " rejected"
	}
	resume := "resume with: " + j.resume
	if j.resume == "" {
		resume = "items written so far are kept"
	}
	switch {
	case msg.err != nil && errors.Is(msg.err, context.Canceled) && errors.As(msg.err, &stopped):
		m.notice = "⊘ import canceled after line " + strconv.FormatInt(stopped.Line, 10) + ": " + counts + "; the checkpoint is kept, " + resume
	case msg.err != nil && errors.Is(msg.err, context.Canceled):
		m.notice = "⊘ import canceled: " + counts
	case msg.err != nil && errors.As(msg.err, &stopped):
		f := m.fail("Import", j.what(), stopped.Err)
		f.Fix = "fix the cause, then " + resume
		f.Detail = rejectedDetail(msg.log, j.file, rejected)
	case msg.err != nil:
		m.fail("Import", j.what(), msg.err)
	case rejected > 0:
		f := m.fail("Import", j.what(), &rejectedError{summary: counts, first: firstRejected(msg.log, j.file)})
		f.Fix = "correct those lines (F2 lists them) and import them again"
		f.Detail = rejectedDetail(msg.log, j.file, rejected)
	default:
		m.notice = "✓ imported " + common.Thousands(res.Items) + " items into " + j.table + " from " + j.path +
			" (" + string(res.Format) + ") in " + res.Elapsed.Round(time.Millisecond).String()
		if res.ResumedAt > 0 {
			m.notice += "; resumed after line " + strconv.FormatInt(res.ResumedAt, 10)
		}
	}
}

// rejectedError is an import that finished with rejected lines.
type rejectedError struct {
	summary string // "5 items written, 2 lines rejected"
	first   string // "line 3: reason"
}

func (e *rejectedError) Error() string {
	if e.first == "" {
		return e.summary
	}
	return e.summary + "; first: " + e.first
}

// rejectedLines turns Import's log ("FILE:LINE: reason") into
// "line LINE: reason" lines.
func rejectedLines(log, file string) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimRight(log, "\n"), "\n") {
		if l == "" {
			continue
		}
		if rest, ok := strings.CutPrefix(l, file+":"); ok {
			if _, err := strconv.Atoi(rest[:max(0, strings.IndexByte(rest, ':'))]); err == nil {
				l = "line " + rest
			} else {
				l = strings.TrimSpace(rest)
			}
		}
		out = append(out, l)
	}
	return out
}

func firstRejected(log, file string) string {
	if ls := rejectedLines(log, file); len(ls) > 0 {
		return ls[0]
	}
	return ""
}

func rejectedDetail(log, file string, rejected int64) []string {
	ls := rejectedLines(log, file)
	if len(ls) == 0 {
		return nil
	}
	head := "Rejected lines:"
	if rejected > maxListed {
		head = "Rejected lines (the first " + strconv.Itoa(maxListed) + " of " + common.Thousands(rejected) + "):"
	}
	out := []string{head}
	for _, l := range ls {
		out = append(out, "  "+l)
	}
	return out
}

func plural64(n int64, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return common.Thousands(n) + " " + word + "s"
}

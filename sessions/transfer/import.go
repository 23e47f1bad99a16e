package transfer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"time"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/sessions"
)

// Target is where Import writes: *engine.DB and a session's Backend
// satisfy it.
type Target interface {
	DescribeTable(ctx context.Context, in *engine.DescribeTableInput) (*engine.DescribeTableOutput, error)
	CreateTable(ctx context.Context, in *engine.CreateTableInput) (*engine.CreateTableOutput, error)
	BatchWriteItem(ctx context.Context, in *engine.BatchWriteItemInput) (*engine.BatchWriteItemOutput, error)
}

// Defaults of ImportOptions.
const (
	DefaultBatchSize          = 25 // the service's BatchWriteItem limit
	DefaultBackoff            = 50 * time.Millisecond
	DefaultMaxBackoff         = 5 * time.Second
	DefaultMaxRetries         = 10
	DefaultCheckpointInterval = time.Second
	DefaultMaxLogged          = 100
	DefaultMaxLeadingRejects  = 1000
)

// ImportOptions configure Import. Table and Path are required.
type ImportOptions struct {
	Table string
	// Key, when set, creates the table (on-demand) if it is missing; when
	// the table exists its key schema must match.
	Key *KeySchema
	// Format of the input; "" decides from the name (.csv) and else from
	// the content (SniffFormat).
	Format Format
	// Path is the input file; "-" reads Stdin.
	Path  string
	Stdin io.Reader

	// Checkpoint is the file recording progress ("" for none; standard
	// input is never checkpointed). Resume continues from it.
	Checkpoint string
	Resume     bool

	// Log receives one "FILE:LINE: reason" line per rejected line, up to
	// MaxLogged (default 100; negative: no limit), then a note that more
	// are not shown.
	Log       io.Writer
	MaxLogged int
	// Rejects, when set, receives every rejected line as a JSON line:
	// {"line":N,"error":"reason","input":"the line's text"}.
	Rejects io.Writer
	// Progress, when set, shows a progress bar (a terminal's stderr).
	Progress io.Writer

	BatchSize          int           // items per BatchWriteItem, 1..25 (default 25)
	MaxLineBytes       int           // longest line accepted (default DefaultMaxLineBytes)
	Backoff            time.Duration // first retry delay (default 50ms), doubling ...
	MaxBackoff         time.Duration // ... up to this (default 5s)
	MaxRetries         int           // retries without progress before giving up (default 10)
	CheckpointInterval time.Duration // how often the checkpoint is saved (default 1s)
	// MaxLeadingRejects stops an import whose first lines are all
	// rejected — most likely the wrong format (default 1000; negative: never).
	MaxLeadingRejects int

	// Now is the clock (default time.Now); Sleep waits (default a timer
	// that ends early when ctx does). Tests set them.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// ImportResult is what an import did (also when it failed part way).
type ImportResult struct {
	Table    string
	Input    string // the path, or <stdin>
	Format   Format
	Detected bool // Format was decided from the content, not given or named
	Created  bool // the table was created
	// ResumedAt is the line the import resumed after (0: from the start).
	ResumedAt int64
	// StaleCheckpoint is set when a checkpoint of an earlier, unfinished
	// import of the same input existed and was discarded (Resume unset).
	StaleCheckpoint bool
	Lines           int64 // input lines done, blank ones included
	Items           int64 // items written
	Rejected        int64 // lines rejected
	Retries         int64 // BatchWriteItem calls repeated (throttling, unprocessed items)
	Elapsed         time.Duration
}

// String is the one-line summary.
func (r *ImportResult) String() string {
	s := fmt.Sprintf("imported %s items into %s from %s (%s", thousands(r.Items), r.Table, r.Input, r.Format)
	if r.Detected {
		s += ", detected"
	}
	s += fmt.Sprintf(") in %s, %s", r.Elapsed.Round(time.Millisecond), rate(r.Items, r.Elapsed))
	if r.ResumedAt > 0 {
		s += fmt.Sprintf("; resumed after line %d", r.ResumedAt)
	}
	if r.Created {
		s += "; table created"
	}
	switch r.Rejected {
	case 0:
	case 1:
		s += "; 1 line rejected"
	default:
		s += fmt.Sprintf("; %s lines rejected", thousands(r.Rejected))
	}
	return s
}

// StoppedError is returned when an import stops part way (an error or
// cancellation) after saving a checkpoint it can resume from.
type StoppedError struct {
	Input      string
	Line       int64 // the last line done
	Checkpoint string
	Err        error
}

func (e *StoppedError) Error() string {
	return fmt.Sprintf("import stopped after %s:%d: %v; the checkpoint %s lets it resume there", e.Input, e.Line, e.Err, e.Checkpoint)
}

func (e *StoppedError) Unwrap() error { return e.Err }

// Import reads items from a file and writes them to a table; see the
// package documentation. Lines that cannot be imported are reported and
// counted in the result, not returned as an error.
func Import(ctx context.Context, t Target, opts ImportOptions) (*ImportResult, error) {
	im, err := newImporter(t, opts)
	if err != nil {
		return nil, err
	}
	defer im.in.close()
	res := &im.res
	start := im.opts.Now()
	err = im.run(ctx)
	res.Elapsed = im.opts.Now().Sub(start)
	im.prog.clear()
	if err != nil && im.started && im.id != nil && im.safe.items > 0 {
		if serr := im.saveCheckpoint(im.safe); serr != nil {
			return res, fmt.Errorf("%w (and %v)", err, serr)
		}
		return res, &StoppedError{Input: im.in.name, Line: im.safe.line, Checkpoint: im.ckptPath, Err: err}
	}
	return res, err
}

// position is a point of the input before which every line is done.
type position struct {
	offset, line, items, rejected int64
}

type pending struct {
	item attr.Item
	line int64
	text string // the line, for a report if the service rejects the item
}

type importer struct {
	t    Target
	opts ImportOptions
	res  ImportResult
	in   *input
	recs *recordReader
	ks   KeySchema
	prog *progress

	ckptPath string
	id       *Identity // nil: no checkpointing
	started  bool      // reading items began: a stop saves a checkpoint
	safe     position  // every line before it is written or rejected
	tick     *position // safe as of the last checkpoint tick
	lastSave time.Time

	batch    []pending
	keys     map[string]bool
	accepted int64 // items decoded and checked, written or not
	logged   int
}

func newImporter(t Target, opts ImportOptions) (*importer, error) {
	if opts.Table == "" {
		return nil, errors.New("import: no table given")
	}
	if opts.Path == "" {
		return nil, errors.New("import: no input given")
	}
	if opts.BatchSize <= 0 || opts.BatchSize > DefaultBatchSize {
		opts.BatchSize = DefaultBatchSize
	}
	if opts.Backoff <= 0 {
		opts.Backoff = DefaultBackoff
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = DefaultMaxBackoff
	}
	if opts.MaxRetries <= 0 {
		opts.MaxRetries = DefaultMaxRetries
	}
	if opts.CheckpointInterval <= 0 {
		opts.CheckpointInterval = DefaultCheckpointInterval
	}
	if opts.MaxLogged == 0 {
		opts.MaxLogged = DefaultMaxLogged
	}
	if opts.MaxLeadingRejects == 0 {
		opts.MaxLeadingRejects = DefaultMaxLeadingRejects
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Sleep == nil {
		opts.Sleep = sessions.Sleep
	}
	if opts.Resume && opts.Path == "-" {
		return nil, errors.New("import: standard input cannot be resumed: give the file")
	}
	if opts.Resume && opts.Checkpoint == "" {
		return nil, errors.New("import: resuming needs a checkpoint file")
	}
	in, err := openInput(opts.Path, opts.Stdin)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	im := &importer{t: t, opts: opts, in: in, keys: map[string]bool{}}
	im.res.Table, im.res.Input = opts.Table, in.name
	im.prog = newProgress(opts.Progress, "items", opts.Now())
	if in.file != nil && opts.Checkpoint != "" {
		id, err := in.identity()
		if err != nil {
			in.close()
			return nil, fmt.Errorf("import: %w", err)
		}
		im.id, im.ckptPath = &id, opts.Checkpoint
	}
	return im, nil
}

func (im *importer) run(ctx context.Context) error {
	resume, err := im.loadCheckpoint()
	if err != nil {
		return err
	}
	if err := im.chooseFormat(resume); err != nil {
		return err
	}
	if err := im.prepareTable(ctx); err != nil {
		return err
	}
	if err := im.position(resume); err != nil {
		return err
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		rec, it, bad, err := im.recs.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		im.res.Lines = rec.line + rec.lines - 1
		if bad == nil {
			bad = im.ks.check(it)
		}
		if bad != nil {
			if err := im.reject(rec.line, rec.text, bad); err != nil {
				return err
			}
			if len(im.batch) == 0 {
				im.safe = position{rec.end, im.res.Lines, im.res.Items, im.res.Rejected}
			}
			if err := im.step(ctx); err != nil {
				return err
			}
			continue
		}
		im.accepted++
		key := im.ks.key(it)
		if im.keys[key] {
			// The service refuses a batch that writes one key twice:
			// write what came before, then start a new batch.
			if err := im.flush(ctx, position{rec.start, rec.line - 1, 0, 0}); err != nil {
				return err
			}
		}
		im.keys[key] = true
		im.batch = append(im.batch, pending{item: it, line: rec.line, text: string(rec.text)})
		if len(im.batch) >= im.opts.BatchSize {
			if err := im.flush(ctx, position{rec.end, im.res.Lines, 0, 0}); err != nil {
				return err
			}
		}
		if err := im.step(ctx); err != nil {
			return err
		}
	}
	if err := im.flush(ctx, position{im.recs.lr.offset, im.recs.lr.line, 0, 0}); err != nil {
		return err
	}
	im.res.Lines = im.recs.lr.line
	if im.ckptPath != "" {
		return removeCheckpoint(im.ckptPath)
	}
	return nil
}

// position sets up reading: the CSV header, then the first line to read
// — the checkpoint's when resuming.
func (im *importer) position(resume *Checkpoint) error {
	lr := newLineReader(im.in.br, im.opts.MaxLineBytes, 0, 0)
	im.recs = &recordReader{lr: lr, format: im.res.Format, name: im.in.name}
	if im.res.Format == FormatCSV {
		if err := im.recs.readHeader(); err != nil {
			return err
		}
		if err := im.checkHeader(); err != nil {
			return err
		}
	}
	if resume != nil {
		if err := im.in.skipTo(lr.offset, resume.Offset); err != nil {
			return err
		}
		lr.offset, lr.line = resume.Offset, resume.Line
		im.safe = position{resume.Offset, resume.Line, resume.Items, resume.Rejected}
		im.res.ResumedAt = resume.Line
		im.prog.base, im.prog.baseDen = resume.Items, im.in.raw.n
	} else {
		im.safe = position{offset: lr.offset, line: lr.line}
	}
	im.res.Items, im.res.Rejected, im.res.Lines = im.safe.items, im.safe.rejected, im.safe.line
	im.lastSave, im.started = im.opts.Now(), true
	return nil
}

// checkHeader refuses a CSV header that types a key attribute otherwise
// than the table does: every line would be rejected.
func (im *importer) checkHeader() error {
	for _, c := range im.recs.csv.cols {
		for _, k := range []KeyAttr{im.ks.Hash, im.ks.Range} {
			if c.Name == k.Name && c.Type != k.Type.String() {
				return fmt.Errorf("%s: header: column %s, but the table's key %s is %s: write %s:%s", im.in.name, c, k.Name, k.Type, k.Name, k.Type)
			}
		}
	}
	return nil
}

// step draws progress, saves a checkpoint when one is due and stops an
// import whose lines are all rejected.
func (im *importer) step(ctx context.Context) error {
	now := im.opts.Now()
	var total int64
	if im.in.size > 0 {
		total = im.in.size
	}
	im.prog.update(now, im.res.Items, im.in.raw.n, total)
	if max := int64(im.opts.MaxLeadingRejects); max > 0 && im.accepted == 0 && im.res.Rejected >= max && im.res.ResumedAt == 0 {
		return fmt.Errorf("the first %d lines were all rejected: is the format %s right? (--format chooses; see the reasons above)", im.res.Rejected, im.res.Format)
	}
	if im.id == nil || now.Sub(im.lastSave) < im.opts.CheckpointInterval {
		return nil
	}
	// Save where the import was one interval ago: the database may not
	// have synced the writes since (sync everysecond).
	if im.tick != nil {
		if err := im.saveCheckpoint(*im.tick); err != nil {
			return err
		}
	}
	p := im.safe
	im.tick, im.lastSave = &p, now
	return nil
}

func (im *importer) saveCheckpoint(p position) error {
	if im.id == nil || im.ckptPath == "" {
		return nil
	}
	return writeCheckpoint(im.ckptPath, &Checkpoint{Input: *im.id, Table: im.opts.Table, Format: im.res.Format,
		Offset: p.offset, Line: p.line, Items: p.items, Rejected: p.rejected, Saved: im.opts.Now().UTC()})
}

// loadCheckpoint reads the checkpoint to resume from (nil: start over).
func (im *importer) loadCheckpoint() (*Checkpoint, error) {
	if im.ckptPath == "" {
		return nil, nil
	}
	c, err := ReadCheckpoint(im.ckptPath)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if im.opts.Resume {
			return nil, fmt.Errorf("nothing to resume: no checkpoint of an unfinished import of %s into %s (run it without resuming)", im.in.name, im.opts.Table)
		}
		return nil, nil
	case err != nil:
		return nil, err
	case !im.opts.Resume:
		im.res.StaleCheckpoint = true
		return nil, removeCheckpoint(im.ckptPath)
	}
	if why := im.id.differs(c.Input); why != "" {
		return nil, fmt.Errorf("cannot resume from checkpoint %s: %s; delete it, or run without resuming, to start over", im.ckptPath, why)
	}
	if c.Table != im.opts.Table {
		return nil, fmt.Errorf("cannot resume from checkpoint %s: it is an import into %s, not %s", im.ckptPath, c.Table, im.opts.Table)
	}
	if im.opts.Format != "" && im.opts.Format != c.Format {
		return nil, fmt.Errorf("cannot resume from checkpoint %s: it read the input as %s, not %s", im.ckptPath, c.Format, im.opts.Format)
	}
	return c, nil
}

// chooseFormat settles the input format: given, resumed, named or sniffed.
func (im *importer) chooseFormat(resume *Checkpoint) error {
	switch {
	case im.opts.Format != "":
		im.res.Format = im.opts.Format
	case resume != nil:
		im.res.Format = resume.Format
	case FormatForName(im.opts.Path) != "":
		im.res.Format = FormatForName(im.opts.Path)
	default:
		im.res.Format, im.res.Detected = SniffFormat(im.in.head()), true
	}
	if _, err := ParseFormat(string(im.res.Format)); err != nil {
		return err
	}
	return nil
}

// prepareTable learns the table's key schema, creating the table when it
// is missing and a key schema was given.
func (im *importer) prepareTable(ctx context.Context) error {
	name := im.opts.Table
	out, err := im.t.DescribeTable(ctx, &engine.DescribeTableInput{TableName: name})
	var api *engine.APIError
	switch {
	case err == nil:
		ks, err := keySchemaOf(out.Table)
		if err != nil {
			return err
		}
		if k := im.opts.Key; k != nil && *k != ks {
			return fmt.Errorf("table %s exists with the key %s, not %s", name, ks, k)
		}
		im.ks = ks
		return nil
	case errors.As(err, &api) && api.Code == engine.CodeResourceNotFound:
	default:
		return fmt.Errorf("describe table %s: %w", name, err)
	}
	if im.opts.Key == nil {
		return fmt.Errorf("table %s does not exist: give its key schema (--key PK:S or --key PK:S,SK:S) to create it", name)
	}
	im.ks = *im.opts.Key
	if _, err := im.t.CreateTable(ctx, im.ks.createInput(name)); err != nil {
		return fmt.Errorf("create table %s: %w", name, err)
	}
	im.res.Created = true
	return im.waitActive(ctx)
}

// waitActive waits for a created table to become ACTIVE (at once locally;
// seconds on the service).
func (im *importer) waitActive(ctx context.Context) error {
	delay := 100 * time.Millisecond
	for deadline := im.opts.Now().Add(5 * time.Minute); ; {
		out, err := im.t.DescribeTable(ctx, &engine.DescribeTableInput{TableName: im.opts.Table})
		if err != nil {
			return fmt.Errorf("describe table %s: %w", im.opts.Table, err)
		}
		if out.Table.TableStatus == engine.StatusActive {
			return nil
		}
		if im.opts.Now().After(deadline) {
			return fmt.Errorf("table %s is still %s after 5 minutes", im.opts.Table, out.Table.TableStatus)
		}
		if err := im.opts.Sleep(ctx, delay); err != nil {
			return err
		}
		delay = min(2*delay, 2*time.Second)
	}
}

// reject reports a line that cannot be imported.
func (im *importer) reject(line int64, text []byte, reason error) error {
	im.res.Rejected++
	if w := im.opts.Log; w != nil && (im.opts.MaxLogged < 0 || im.logged <= im.opts.MaxLogged) {
		im.prog.clear()
		if im.logged == im.opts.MaxLogged {
			more := "they are counted in the summary"
			if im.opts.Rejects != nil {
				more = "the rejects file has them all"
			}
			fmt.Fprintf(w, "%s: further rejected lines are not shown; %s\n", im.in.name, more)
		} else {
			fmt.Fprintf(w, "%s:%d: %v\n", im.in.name, line, reason)
		}
		im.logged++
	}
	if im.opts.Rejects != nil {
		b, err := json.Marshal(struct {
			Line  int64  `json:"line"`
			Error string `json:"error"`
			Input string `json:"input"`
		}{line, reason.Error(), string(text)})
		if err == nil {
			_, err = im.opts.Rejects.Write(append(b, '\n'))
		}
		if err != nil {
			return fmt.Errorf("record rejected line %d: %w", line, err)
		}
	}
	return nil
}

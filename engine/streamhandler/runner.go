package streamhandler

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"time"

	"dynalab/engine"
)

// Defaults of Config.
const (
	DefaultBatchSize  = 100 // Lambda's default for DynamoDB event sources
	DefaultBackoff    = time.Second
	DefaultMaxBackoff = time.Minute
	DefaultPoll       = time.Second
)

// Config configures one stream handler.
type Config struct {
	Table   string // the table whose stream is read
	Command string // run through the platform shell (sh -c, cmd /C) per batch
	// BatchSize is the most records per invocation, 1..1000; default 100.
	BatchSize int
	// MaxRetries is how many times a failing batch is retried before it is
	// skipped with a log line; negative retries until the command succeeds,
	// never losing the place in the shard (Lambda's default, and dynalab
	// serve's). Zero skips a failing batch at once.
	MaxRetries int
	// Backoff is the delay before the first retry; it doubles up to
	// MaxBackoff. Defaults 1s and 1m.
	Backoff    time.Duration
	MaxBackoff time.Duration
	// TrimHorizon starts a stream that already exists when Run starts at
	// its oldest retained record; by default only its new records are
	// handled. Streams created while Run runs are always read from their
	// start.
	TrimHorizon bool
	// Poll is how often an idle runner looks for new shards and streams
	// without being woken by a write; default 1s.
	Poll time.Duration
	// Log receives the command's output and the runner's messages, each
	// line prefixed with "[on-stream TABLE] "; nil discards them.
	Log io.Writer
	// Shell is the command interpreter and its arguments before COMMAND;
	// default /bin/sh -c (cmd /C on Windows).
	Shell []string
}

func (c Config) withDefaults() Config {
	if c.BatchSize <= 0 {
		c.BatchSize = DefaultBatchSize
	}
	c.BatchSize = min(c.BatchSize, 1000)
	if c.Backoff <= 0 {
		c.Backoff = DefaultBackoff
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = DefaultMaxBackoff
	}
	if c.Poll <= 0 {
		c.Poll = DefaultPoll
	}
	if c.Log == nil {
		c.Log = io.Discard
	}
	if len(c.Shell) == 0 {
		c.Shell = []string{"/bin/sh", "-c"}
		if runtime.GOOS == "windows" {
			c.Shell = []string{"cmd", "/C"}
		}
	}
	return c
}

// Run handles the table's stream records with cfg.Command until ctx is done
// or db is closed, and then returns nil. It returns an error only for a
// failure it cannot continue after.
func Run(ctx context.Context, db *engine.DB, cfg Config) error {
	r, err := newRunner(ctx, db, cfg)
	if err != nil {
		return err
	}
	return r.run(ctx)
}

// newRunner subscribes to db's changes and attaches to the table's stream
// as it is now: a stream that exists when the handler starts is read from
// LATEST, one created later from its start, whenever the runner's
// goroutine first gets to run.
func newRunner(ctx context.Context, db *engine.DB, cfg Config) (*runner, error) {
	cfg = cfg.withDefaults()
	if cfg.Table == "" || cfg.Command == "" {
		return nil, errors.New("stream handler: a table and a command are required")
	}
	events, cancel := db.Subscribe(16)
	r := &runner{db: db, cfg: cfg, events: events, unsubscribe: cancel, done: map[string]bool{}, atStart: true,
		log: &lineWriter{w: cfg.Log, prefix: "[on-stream " + cfg.Table + "] "}}
	if _, err := r.attach(ctx); err != nil && !errors.Is(err, engine.ErrClosed) && ctx.Err() == nil {
		cancel()
		return nil, fmt.Errorf("stream handler for %s: %w", cfg.Table, err)
	}
	return r, nil
}

// run handles records until ctx is done or the database closes.
func (r *runner) run(ctx context.Context) error {
	defer r.unsubscribe()
	for ctx.Err() == nil {
		progressed, err := r.step(ctx)
		if err != nil {
			if errors.Is(err, engine.ErrClosed) || ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("stream handler for %s: %w", r.cfg.Table, err)
		}
		if !progressed && !r.wait(ctx) {
			return nil
		}
	}
	return nil
}

// Start runs a handler per configuration, each in its own goroutine, until
// ctx is done; stop cancels them, waits for them and returns their errors.
// Each attaches to its stream before Start returns (see newRunner).
func Start(ctx context.Context, db *engine.DB, cfgs []Config) (stop func() error) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	errs := make([]error, len(cfgs))
	for i, c := range cfgs {
		r, err := newRunner(ctx, db, c)
		if err != nil {
			errs[i] = err
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = r.run(ctx)
		}()
	}
	return func() error {
		cancel()
		wg.Wait()
		return errors.Join(errs...)
	}
}

// runner is the state of one handler: where it is in which stream.
type runner struct {
	db          *engine.DB
	cfg         Config
	events      <-chan engine.ChangeEvent
	unsubscribe func()
	log         *lineWriter
	arn         string          // the stream being read; "" before attaching
	shard       string          // its shard being read
	iter        string          // the next GetRecords iterator; "" to attach
	last        string          // sequence number of the last record handled in shard
	done        map[string]bool // streams read to their end
	atStart     bool            // the first attach: existing streams start at LATEST
}

// step reads and handles one batch; progressed reports that the runner
// should go on at once rather than wait for a write.
func (r *runner) step(ctx context.Context) (progressed bool, err error) {
	if r.iter == "" {
		if ok, err := r.attach(ctx); !ok || err != nil {
			return false, err
		}
	}
	limit := int64(r.cfg.BatchSize)
	out, err := r.db.GetRecords(ctx, &engine.GetRecordsInput{ShardIterator: r.iter, Limit: &limit})
	if err != nil {
		return r.recover(ctx, err)
	}
	if n := len(out.Records); n > 0 {
		if err := r.handle(ctx, out.Records); err != nil {
			return false, err
		}
		r.last = out.Records[n-1].Dynamodb.SequenceNumber
	}
	if out.NextShardIterator == nil {
		return true, r.nextShard(ctx)
	}
	r.iter = *out.NextShardIterator
	return len(out.Records) > 0, nil
}

// attach finds the table's latest stream and the position to read it from.
// ok is false when there is nothing to read yet.
func (r *runner) attach(ctx context.Context) (ok bool, err error) {
	atStart := r.atStart
	r.atStart = false
	desc, err := r.db.DescribeTable(ctx, &engine.DescribeTableInput{TableName: r.cfg.Table})
	var api *engine.APIError
	if errors.As(err, &api) && api.Code == engine.CodeResourceNotFound {
		return false, nil // the table may be created later
	}
	if err != nil {
		return false, err
	}
	arn := desc.Table.LatestStreamArn
	if arn == "" || r.done[arn] {
		return false, nil
	}
	var shards []engine.Shard
	status := ""
	in := &engine.DescribeStreamInput{StreamArn: arn}
	for {
		out, err := r.db.DescribeStream(ctx, in)
		if err != nil {
			return false, err
		}
		status = out.StreamDescription.StreamStatus
		shards = append(shards, out.StreamDescription.Shards...)
		if out.StreamDescription.LastEvaluatedShardId == "" {
			break
		}
		in.ExclusiveStartShardId = out.StreamDescription.LastEvaluatedShardId
	}
	if len(shards) == 0 {
		r.done[arn] = true
		return false, nil
	}
	shard, typ := shards[0].ShardId, engine.IteratorTrimHorizon
	if atStart && !r.cfg.TrimHorizon {
		if status == engine.StreamStatusDisabled {
			r.done[arn] = true // nothing new will come
			return false, nil
		}
		shard, typ = shards[len(shards)-1].ShardId, engine.IteratorLatest
	}
	r.arn, r.shard, r.last = arn, shard, ""
	if r.iter, err = r.iterator(ctx, typ, ""); err != nil {
		return false, err
	}
	r.log.printf("reading %s from %s", arn, typ)
	return true, nil
}

// iterator gets an iterator into the current shard.
func (r *runner) iterator(ctx context.Context, typ, seq string) (string, error) {
	in := &engine.GetShardIteratorInput{StreamArn: r.arn, ShardId: r.shard, ShardIteratorType: typ}
	if seq != "" {
		in.SequenceNumber = &seq
	}
	out, err := r.db.GetShardIterator(ctx, in)
	if err != nil {
		return "", err
	}
	return out.ShardIterator, nil
}

// recover continues after a GetRecords error where it can.
func (r *runner) recover(ctx context.Context, err error) (bool, error) {
	var api *engine.APIError
	if !errors.As(err, &api) {
		return false, err
	}
	switch api.Code {
	case engine.CodeExpiredIterator: // a long retry (or a suspended process) outlived it
		if r.last == "" {
			r.iter, err = r.iterator(ctx, engine.IteratorTrimHorizon, "")
		} else {
			r.iter, err = r.iterator(ctx, engine.IteratorAfterSeq, r.last)
		}
		return true, err
	case engine.CodeTrimmedDataAccess:
		r.log.printf("records of %s were trimmed (older than 24 hours) before they were handled; going on from the oldest retained record", r.shard)
		r.iter, err = r.iterator(ctx, engine.IteratorTrimHorizon, "")
		if err != nil {
			r.iter = ""
		}
		return true, nil
	case engine.CodeResourceNotFound: // the stream is gone (retention passed)
		r.arn, r.iter = "", ""
		return false, nil
	}
	return false, err
}

// nextShard moves on from a closed shard read to its end: to its child, or,
// when it has none (the stream was disabled), to the table's next stream.
func (r *runner) nextShard(ctx context.Context) error {
	out, err := r.db.DescribeStream(ctx, &engine.DescribeStreamInput{StreamArn: r.arn,
		ShardFilter: &engine.ShardFilter{Type: "CHILD_SHARDS", ShardId: r.shard}})
	if err != nil {
		return err
	}
	if len(out.StreamDescription.Shards) == 0 {
		r.log.printf("finished %s (the stream was disabled)", r.arn)
		r.done[r.arn] = true
		r.arn, r.iter = "", ""
		return nil
	}
	r.shard, r.last = out.StreamDescription.Shards[0].ShardId, ""
	r.iter, err = r.iterator(ctx, engine.IteratorTrimHorizon, "")
	return err
}

// handle runs the command on one batch until it succeeds, retrying with
// backoff, or until the retries allowed are spent.
func (r *runner) handle(ctx context.Context, records []engine.StreamRecord) error {
	payload, err := Event(r.arn, records)
	if err != nil {
		return err
	}
	first, last := records[0].Dynamodb.SequenceNumber, records[len(records)-1].Dynamodb.SequenceNumber
	delay := r.cfg.Backoff
	for attempt := 1; ; attempt++ {
		err := r.invoke(ctx, payload)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if r.cfg.MaxRetries >= 0 && attempt > r.cfg.MaxRetries {
			r.log.printf("handler failed on %d records (sequence numbers %s to %s): %v; retries spent, skipping them", len(records), first, last, err)
			return nil
		}
		r.log.printf("handler failed on %d records (sequence numbers %s to %s): %v; retrying in %s", len(records), first, last, err, delay)
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		delay = min(2*delay, r.cfg.MaxBackoff)
	}
}

// invoke runs the command once with the event on its standard input.
func (r *runner) invoke(ctx context.Context, payload []byte) error {
	args := append(append([]string(nil), r.cfg.Shell[1:]...), r.cfg.Command)
	cmd := exec.CommandContext(ctx, r.cfg.Shell[0], args...)
	cmd.Stdin = bytes.NewReader(payload)
	cmd.Stdout, cmd.Stderr = r.log, r.log
	cmd.Env = append(os.Environ(), "DYNALAB_TABLE="+r.cfg.Table, "DYNALAB_STREAM_ARN="+r.arn)
	err := cmd.Run()
	r.log.flush()
	return err
}

// wait blocks until a write to the table, the poll interval, or the end;
// it returns false at the end (ctx done or the DB closed).
func (r *runner) wait(ctx context.Context) bool {
	t := time.NewTimer(r.cfg.Poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return false
		case ev, ok := <-r.events:
			if !ok {
				return false
			}
			if ev.Table == r.cfg.Table || ev.Dropped > 0 {
				return true
			}
		case <-t.C:
			return true
		}
	}
}

// lineWriter writes whole lines, each with a prefix.
type lineWriter struct {
	mu     sync.Mutex
	w      io.Writer
	prefix string
	buf    []byte
}

// Write buffers p and writes every complete line.
func (l *lineWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			break
		}
		l.emit(l.buf[:i])
		l.buf = l.buf[i+1:]
	}
	return len(p), nil
}

func (l *lineWriter) emit(line []byte) {
	out := make([]byte, 0, len(l.prefix)+len(line)+1)
	out = append(append(append(out, l.prefix...), line...), '\n')
	_, _ = l.w.Write(out) // the log is best effort: a broken log must not stop handling
}

// flush writes a final line without a newline.
func (l *lineWriter) flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.buf) > 0 {
		l.emit(l.buf)
		l.buf = l.buf[:0]
	}
}

func (l *lineWriter) printf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.emit([]byte(fmt.Sprintf(format, args...)))
}

package sessions

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strings"
	"time"

	"dynalab/engine"
)

// A remote session's change feed polls the endpoint's DynamoDB Streams API
// the way a stream consumer does: ListTables and ListStreams say which
// tables have a stream; DescribeStream lists each stream's shards;
// GetShardIterator and GetRecords read them. Shards open when the feed
// starts are read from LATEST (the feed shows what happens from now on);
// shards and streams that appear later are read from TRIM_HORIZON, each
// after its parent is read to its end, so that no change between two
// rounds is missed and an item's changes stay in order.

// ChangeOptions tune Remote.Changes; the zero value is the defaults.
type ChangeOptions struct {
	// Buffer is the channel's capacity (default 256).
	Buffer int
	// MinPoll is the pause after a round that read records; while idle
	// the pause doubles up to MaxPoll (defaults 100 ms and 1 s: the
	// streams pane refreshes at 1 Hz or more).
	MinPoll, MaxPoll time.Duration
	// Discover is how often tables and streams are listed again, to pick
	// up new tables, newly enabled streams and new shards (default 5 s).
	Discover time.Duration
	// MaxErrorPause bounds the pause after a failed round (default 15 s).
	MaxErrorPause time.Duration
}

func (o *ChangeOptions) defaults() {
	if o.Buffer <= 0 {
		o.Buffer = 256
	}
	if o.MinPoll <= 0 {
		o.MinPoll = 100 * time.Millisecond
	}
	if o.MaxPoll <= 0 {
		o.MaxPoll = time.Second
	}
	o.MaxPoll = max(o.MaxPoll, o.MinPoll)
	if o.Discover <= 0 {
		o.Discover = 5 * time.Second
	}
	if o.MaxErrorPause <= 0 {
		o.MaxErrorPause = 15 * time.Second
	}
}

// StreamChange is one message of a remote change feed: a record of a
// table's stream or, when Status is set, news about the feed itself.
type StreamChange struct {
	Table  string
	Record engine.StreamRecord
	Status *FeedStatus
}

// FeedStatus says what a remote change feed covers, and whether it is
// failing. A feed sends one when it first knows and whenever that changes.
type FeedStatus struct {
	Endpoint string   // where the Streams API is polled
	Streamed []string // tables whose streams are tailed, sorted
	NoStream []string // tables without an enabled stream, sorted
	// Err is why the last round failed (the feed retries); nil once one
	// succeeds.
	Err error
	// Unsupported is set, with Err, when the endpoint has no Streams API
	// (dynalite, for one): the feed has stopped and will not retry.
	Unsupported bool
}

func (s *FeedStatus) same(o *FeedStatus) bool {
	return o != nil && s.Endpoint == o.Endpoint && slices.Equal(s.Streamed, o.Streamed) &&
		slices.Equal(s.NoStream, o.NoStream) && errText(s.Err) == errText(o.Err)
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// StreamsEndpoint is where the endpoint serves the DynamoDB Streams API:
// streams.dynamodb.<region>.amazonaws.com for AWS itself, the endpoint
// itself for DynamoDB Local and dynalab.
func (r *Remote) StreamsEndpoint() string {
	u, err := url.Parse(r.endpoint)
	if err != nil || !isAWSEndpoint(r.endpoint) || !strings.HasPrefix(u.Host, "dynamodb.") {
		return r.endpoint
	}
	u.Host = "streams." + u.Host
	return u.String()
}

// streamsCall sends one DynamoDB Streams operation.
func streamsCall[Out any](ctx context.Context, r *Remote, op string, in any) (*Out, error) {
	return callAPI[Out](ctx, r, r.StreamsEndpoint(), engine.StreamsTargetPrefix, op, in)
}

// ListStreams lists the endpoint's streams (DynamoDB Streams).
func (r *Remote) ListStreams(ctx context.Context, in *engine.ListStreamsInput) (*engine.ListStreamsOutput, error) {
	return streamsCall[engine.ListStreamsOutput](ctx, r, "ListStreams", in)
}

// DescribeStream describes a stream and its shards (DynamoDB Streams).
func (r *Remote) DescribeStream(ctx context.Context, in *engine.DescribeStreamInput) (*engine.DescribeStreamOutput, error) {
	return streamsCall[engine.DescribeStreamOutput](ctx, r, "DescribeStream", in)
}

// GetShardIterator returns an iterator into a shard (DynamoDB Streams).
func (r *Remote) GetShardIterator(ctx context.Context, in *engine.GetShardIteratorInput) (*engine.GetShardIteratorOutput, error) {
	return streamsCall[engine.GetShardIteratorOutput](ctx, r, "GetShardIterator", in)
}

// GetRecords reads a shard's records from an iterator (DynamoDB Streams).
func (r *Remote) GetRecords(ctx context.Context, in *engine.GetRecordsInput) (*engine.GetRecordsOutput, error) {
	return streamsCall[engine.GetRecordsOutput](ctx, r, "GetRecords", in)
}

// Changes tails the changes of every table with a stream on the endpoint,
// from now on, by polling its Streams API. The channel carries the
// records of each round in commit order, and a FeedStatus whenever what
// the feed covers changes or a round fails (it keeps retrying, with
// backoff). It closes when ctx ends or the Remote is closed. The feed
// never drops a record: when the reader falls behind, polling waits.
func (r *Remote) Changes(ctx context.Context, opts ChangeOptions) <-chan StreamChange {
	opts.defaults()
	out := make(chan StreamChange, opts.Buffer)
	ctx, cancel := context.WithCancel(ctx)
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		cancel()
		close(out)
		return out
	}
	if r.feeds == nil {
		r.feeds = map[int]context.CancelFunc{}
	}
	r.feedSeq++
	id := r.feedSeq
	r.feeds[id] = cancel
	r.mu.Unlock()
	f := &feed{r: r, opts: opts, out: out, streams: map[string]*tailedStream{}}
	go func() {
		defer close(out)
		defer func() {
			r.mu.Lock()
			delete(r.feeds, id)
			r.mu.Unlock()
			cancel()
		}()
		f.run(ctx)
	}()
	return out
}

// feed is one running Changes.
type feed struct {
	r       *Remote
	opts    ChangeOptions
	out     chan<- StreamChange
	streams map[string]*tailedStream // by ARN
	tables  []string                 // the endpoint's tables, at the last discovery
	started bool                     // the first discovery is done
	sent    *FeedStatus
	// unsupported: the endpoint has no Streams API; the feed stops.
	unsupported bool
}

// tailedStream is a stream the feed reads.
type tailedStream struct {
	arn, table string
	enabled    bool
	shards     []*tailedShard // in creation order
}

// tailedShard is a shard and where the feed is in it.
type tailedShard struct {
	id, parent string
	iter       string // "" when one must be got
	lastSeq    string // the last record read
	from       string // iterator type to start with when nothing was read: LATEST or TRIM_HORIZON
	done       bool   // read to its end (or skipped: closed before the feed started)
}

func (f *feed) run(ctx context.Context) {
	pause, errPause := f.opts.MinPoll, f.opts.MaxPoll
	var nextDiscovery time.Time
	for ctx.Err() == nil {
		var err error
		if !f.started || time.Now().After(nextDiscovery) {
			if err = f.discover(ctx); err == nil {
				err = f.position(ctx)
			}
			if err == nil {
				f.started = true
				nextDiscovery = time.Now().Add(f.opts.Discover)
				f.report(ctx, nil) // what is covered, before its changes
			}
		}
		read, full, ended := 0, false, false
		if err == nil && f.started {
			read, full, ended, err = f.round(ctx)
		}
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			if missingAPI(err) {
				// Said once; retrying cannot help.
				f.unsupported = true
				f.report(ctx, fmt.Errorf("%s has no DynamoDB Streams API, so its changes cannot be tailed: %w", f.r.StreamsEndpoint(), err))
				return
			}
			f.report(ctx, err)
			if !sleep(ctx, errPause) {
				return
			}
			errPause = min(errPause*2, f.opts.MaxErrorPause)
			continue
		}
		errPause = f.opts.MaxPoll
		f.report(ctx, nil)
		switch {
		case ended:
			nextDiscovery = time.Time{} // a shard closed: find its children now
			pause = f.opts.MinPoll
			continue
		case full:
			continue // more is waiting
		case read > 0:
			pause = f.opts.MinPoll
		default:
			pause = min(pause*2, f.opts.MaxPoll)
		}
		if !sleep(ctx, pause) {
			return
		}
	}
}

// sleep waits d, or until ctx ends (false).
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// report sends the feed's status when it changed.
func (f *feed) report(ctx context.Context, err error) {
	st := &FeedStatus{Endpoint: f.r.StreamsEndpoint(), Err: err, Unsupported: f.unsupported}
	if f.sent != nil {
		st.Streamed, st.NoStream = f.sent.Streamed, f.sent.NoStream
	}
	if f.started {
		st.Streamed, st.NoStream = f.coverage()
	}
	if st.same(f.sent) {
		return
	}
	f.sent = st
	select {
	case f.out <- StreamChange{Status: st}:
	case <-ctx.Done():
	}
}

// coverage splits the tables into those with an enabled stream and the
// others.
func (f *feed) coverage() (streamed, none []string) {
	on := map[string]bool{}
	for _, s := range f.streams {
		if s.enabled {
			on[s.table] = true
		}
	}
	for _, t := range f.tables {
		if on[t] {
			streamed = append(streamed, t)
		} else {
			none = append(none, t)
		}
	}
	for t := range on {
		if !slices.Contains(f.tables, t) {
			streamed = append(streamed, t) // created since ListTables
		}
	}
	slices.Sort(streamed)
	return streamed, none
}

// discover lists the tables and streams, starts tailing new streams and
// shards, and forgets streams that are gone.
func (f *feed) discover(ctx context.Context) error {
	var tables []string
	lt := &engine.ListTablesInput{}
	for {
		out, err := f.r.ListTables(ctx, lt)
		if err != nil {
			return err
		}
		tables = append(tables, out.TableNames...)
		if out.LastEvaluatedTableName == "" {
			break
		}
		lt.ExclusiveStartTableName = out.LastEvaluatedTableName
	}
	slices.Sort(tables)
	f.tables = tables

	listed := map[string]engine.StreamSummary{}
	ls := &engine.ListStreamsInput{}
	for {
		out, err := f.r.ListStreams(ctx, ls)
		if err != nil {
			return err
		}
		for _, s := range out.Streams {
			listed[s.StreamArn] = s
		}
		if out.LastEvaluatedStreamArn == "" {
			break
		}
		ls.ExclusiveStartStreamArn = out.LastEvaluatedStreamArn
	}
	for arn := range f.streams {
		if _, ok := listed[arn]; !ok {
			delete(f.streams, arn)
		}
	}
	arns := make([]string, 0, len(listed))
	for arn := range listed {
		arns = append(arns, arn)
	}
	slices.Sort(arns)
	for _, arn := range arns {
		if err := f.describe(ctx, listed[arn]); err != nil {
			return err
		}
	}
	return nil
}

// describe refreshes one stream's status and shards.
func (f *feed) describe(ctx context.Context, sum engine.StreamSummary) error {
	var shards []engine.Shard
	var status string
	in := &engine.DescribeStreamInput{StreamArn: sum.StreamArn}
	for {
		out, err := f.r.DescribeStream(ctx, in)
		if isCode(err, engine.CodeResourceNotFound) {
			delete(f.streams, sum.StreamArn)
			return nil
		}
		if err != nil {
			return err
		}
		d := out.StreamDescription
		if d == nil {
			break
		}
		status = d.StreamStatus
		shards = append(shards, d.Shards...)
		if d.LastEvaluatedShardId == "" {
			break
		}
		in.ExclusiveStartShardId = d.LastEvaluatedShardId
	}
	enabled := status == "ENABLED" || status == "ENABLING"
	s := f.streams[sum.StreamArn]
	if s == nil {
		if !enabled {
			return nil // disabled before we looked: nothing new will come
		}
		s = &tailedStream{arn: sum.StreamArn, table: sum.TableName}
		f.streams[sum.StreamArn] = s
	}
	s.enabled = enabled
	for _, sh := range shards {
		if slices.ContainsFunc(s.shards, func(t *tailedShard) bool { return t.id == sh.ShardId }) {
			continue
		}
		t := &tailedShard{id: sh.ShardId, parent: sh.ParentShardId, from: engine.IteratorTrimHorizon}
		if !f.started {
			// What exists already is history: tail the open shards from now.
			t.from = engine.IteratorLatest
			t.done = sh.SequenceNumberRange.EndingSequenceNumber != ""
		}
		s.shards = append(s.shards, t)
	}
	return nil
}

// round reads every shard that is ready once, and sends what it read in
// commit order. full reports a shard that had more than one read returns;
// ended a shard read to its end.
func (f *feed) round(ctx context.Context) (read int, full, ended bool, err error) {
	var got [][]StreamChange // per shard, in the shard's order
	arns := make([]string, 0, len(f.streams))
	for arn := range f.streams {
		arns = append(arns, arn)
	}
	slices.Sort(arns)
	for _, arn := range arns {
		s := f.streams[arn]
		for _, sh := range s.shards {
			if sh.done || !s.parentDone(sh) {
				continue
			}
			recs, more, err := f.read(ctx, s, sh)
			if isCode(err, engine.CodeResourceNotFound) {
				delete(f.streams, arn) // the table (and its stream) is gone
				break
			}
			if err != nil {
				return 0, false, false, err
			}
			if len(recs) > 0 {
				cs := make([]StreamChange, len(recs))
				for i, rec := range recs {
					cs[i] = StreamChange{Table: s.table, Record: rec}
				}
				got = append(got, cs)
			}
			full = full || more
			ended = ended || sh.done
		}
	}
	for {
		// Merge the shards' records by commit order, never reordering
		// one shard's.
		next := -1
		for i, cs := range got {
			if len(cs) > 0 && (next < 0 || compareRecords(&cs[0].Record, &got[next][0].Record) < 0) {
				next = i
			}
		}
		if next < 0 {
			return read, full, ended, nil
		}
		select {
		case f.out <- got[next][0]:
			got[next] = got[next][1:]
			read++
		case <-ctx.Done():
			return read, full, ended, ctx.Err()
		}
	}
}

// parentDone reports whether a shard's parent (when the feed knows it) is
// read to its end: a child's records come after its parent's.
func (s *tailedStream) parentDone(sh *tailedShard) bool {
	if sh.parent == "" {
		return true
	}
	for _, p := range s.shards {
		if p.id == sh.parent {
			return p.done
		}
	}
	return true // the parent is past retention
}

// position gets an iterator for every shard that is ready and has none,
// so that a feed that reports itself started has fixed "now" (LATEST) in
// every open shard: a change made after the report is never missed.
func (f *feed) position(ctx context.Context) error {
	for arn, s := range f.streams {
		for _, sh := range s.shards {
			if sh.done || sh.iter != "" || !s.parentDone(sh) {
				continue
			}
			err := f.iterator(ctx, s, sh)
			if isCode(err, engine.CodeResourceNotFound) {
				delete(f.streams, arn)
				break
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// iterator gets a shard's iterator: after the last record read, else of
// the shard's starting type.
func (f *feed) iterator(ctx context.Context, s *tailedStream, sh *tailedShard) error {
	for {
		in := &engine.GetShardIteratorInput{StreamArn: s.arn, ShardId: sh.id, ShardIteratorType: sh.from}
		if sh.lastSeq != "" {
			in.ShardIteratorType, in.SequenceNumber = engine.IteratorAfterSeq, &sh.lastSeq
		}
		it, err := f.r.GetShardIterator(ctx, in)
		if isCode(err, engine.CodeTrimmedDataAccess) && sh.lastSeq != "" {
			sh.lastSeq, sh.from = "", engine.IteratorTrimHorizon // fell behind retention: read what is left
			continue
		}
		if err != nil {
			return err
		}
		sh.iter = it.ShardIterator
		return nil
	}
}

// maxRecords is the most records one GetRecords returns (the service's
// limit).
const maxRecords = 1000

// read reads one page of a shard, getting an iterator first when it has
// none (or it expired).
func (f *feed) read(ctx context.Context, s *tailedStream, sh *tailedShard) (recs []engine.StreamRecord, more bool, err error) {
	for attempt := 0; attempt < 2; attempt++ {
		if sh.iter == "" {
			if err := f.iterator(ctx, s, sh); err != nil {
				return nil, false, err
			}
		}
		limit := int64(maxRecords)
		out, err := f.r.GetRecords(ctx, &engine.GetRecordsInput{ShardIterator: sh.iter, Limit: &limit})
		switch {
		case isCode(err, engine.CodeExpiredIterator):
			sh.iter = "" // idle past the iterator's lifetime: get another where we were
			continue
		case isCode(err, engine.CodeTrimmedDataAccess):
			sh.iter, sh.lastSeq, sh.from = "", "", engine.IteratorTrimHorizon
			continue
		case err != nil:
			return nil, false, err
		}
		if n := len(out.Records); n > 0 {
			sh.lastSeq = out.Records[n-1].Dynamodb.SequenceNumber
		}
		if out.NextShardIterator == nil {
			sh.iter, sh.done = "", true
		} else {
			sh.iter = *out.NextShardIterator
		}
		return out.Records, len(out.Records) == maxRecords, nil
	}
	return nil, false, nil
}

// compareRecords orders records of different shards by commit time, then
// by sequence number (numerically; within a shard they increase, and
// dynalab numbers all its records in one sequence).
func compareRecords(a, b *engine.StreamRecord) int {
	if c := cmpFloat(a.Dynamodb.ApproximateCreationDateTime, b.Dynamodb.ApproximateCreationDateTime); c != 0 {
		return c
	}
	x, y := a.Dynamodb.SequenceNumber, b.Dynamodb.SequenceNumber
	if len(x) != len(y) {
		return len(x) - len(y)
	}
	return strings.Compare(x, y)
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// RecordTime is a stream record's ApproximateCreationDateTime (epoch
// seconds) as a time.
func RecordTime(rec *engine.StreamRecord) time.Time {
	return time.UnixMilli(int64(math.Round(rec.Dynamodb.ApproximateCreationDateTime * 1000)))
}

func isCode(err error, code string) bool {
	var api *engine.APIError
	return errors.As(err, &api) && api.Code == code
}

// missingAPI reports whether err says the endpoint does not implement the
// operation asked for (UnknownOperationException, as DynamoDB and the
// emulators answer an X-Amz-Target they do not know).
func missingAPI(err error) bool {
	var api *engine.APIError
	return errors.As(err, &api) && api.Code == "UnknownOperationException"
}

package sessions

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"dynalab/engine/atomicfile"
)

// The capacity rollup keeps what the capacity feed showed, minute by
// minute, in the session's directory (capacity.jsonl), so that a later
// process (dynalab doctor) sees the traffic of earlier workbench and
// serve runs: per table and per GSI, the units consumed, the busiest
// second, the throttled requests and the hottest partition keys.
//
// The file is JSON lines, one CapacityMinute per line, appended when a
// minute closes (and, for the minute in progress, on Close): a write is
// one line, not the whole history. It is bounded two ways: minutes older
// than the retention (7 days by default) are dropped, and when the file
// grows past RollupOptions.MaxBytes it is rewritten through atomicfile
// keeping the newest half. A crash can leave a torn last line; readers
// skip lines that do not parse, and the next recorder rewrites the file
// without them. Only the process holding the session's database records
// (it owns the feed), so one writer appends at a time.

// capacityFile is the rollup's name in a session's directory.
const capacityFile = "capacity.jsonl"

// Rollup bounds.
const (
	DefaultRollupRetention = 7 * 24 * time.Hour // minutes kept
	DefaultRollupBytes     = 8 << 20            // file size that triggers a rewrite
	rollupHotKeys          = 5                  // hottest keys kept per minute
)

// CapacityPath returns the capacity rollup file of the named session.
func (h Home) CapacityPath(session string) (string, error) {
	dir, err := h.Dir(session)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, capacityFile), nil
}

// CapacityMinute is one minute of one table's (or GSI's) capacity.
type CapacityMinute struct {
	Time    time.Time `json:"time"` // the minute's start, UTC
	Table   string    `json:"table"`
	Index   string    `json:"index,omitempty"` // "" for the table itself
	Seconds int       `json:"seconds"`         // seconds metered (samples seen)
	// ReadUnits and WriteUnits are the units consumed in the minute;
	// PeakRCU and PeakWCU those of its busiest second.
	ReadUnits  float64 `json:"rcu,omitempty"`
	WriteUnits float64 `json:"wcu,omitempty"`
	PeakRCU    float64 `json:"peakRCU,omitempty"`
	PeakWCU    float64 `json:"peakWCU,omitempty"`
	// ProvisionedRCU and ProvisionedWCU are 0 on demand.
	ProvisionedRCU  float64     `json:"provisionedRCU,omitempty"`
	ProvisionedWCU  float64     `json:"provisionedWCU,omitempty"`
	OnDemand        bool        `json:"onDemand,omitempty"`
	ThrottledReads  int         `json:"throttledReads,omitempty"`
	ThrottledWrites int         `json:"throttledWrites,omitempty"`
	HotKeys         []MinuteKey `json:"hotKeys,omitempty"` // hottest first
}

// MinuteKey is a partition key's capacity in a minute, summed over the
// seconds in which it was among the hottest (the feed names five a
// second).
type MinuteKey struct {
	Key        string  `json:"key"`
	ReadUnits  float64 `json:"rcu,omitempty"`
	WriteUnits float64 `json:"wcu,omitempty"`
	PeakRCU    float64 `json:"peakRCU,omitempty"` // its busiest second's
	PeakWCU    float64 `json:"peakWCU,omitempty"`
	// ThrottledSeconds counts the seconds with throttled requests in which
	// it was the hottest key.
	ThrottledSeconds int `json:"throttledSeconds,omitempty"`
}

func (k *MinuteKey) units() float64 { return k.ReadUnits + k.WriteUnits }

// RollupOptions configure a CapacityRecorder.
type RollupOptions struct {
	// Clock is the time retention is measured from; nil is time.Now.
	Clock func() time.Time
	// Retention is how long minutes are kept; 0 is DefaultRollupRetention.
	Retention time.Duration
	// MaxBytes is the file size past which it is rewritten with its
	// newest half; 0 is DefaultRollupBytes.
	MaxBytes int64
}

func (o *RollupOptions) defaults() {
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Retention <= 0 {
		o.Retention = DefaultRollupRetention
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultRollupBytes
	}
}

// rollupKey names what a minute is of.
type rollupKey struct{ table, index string }

// CapacityRecorder appends a backend's capacity feed to a rollup file, a
// minute at a time, from a goroutine it owns until Close.
type CapacityRecorder struct {
	path   string
	opts   RollupOptions
	cancel context.CancelFunc
	done   chan struct{}

	// Owned by the goroutine until done closes, then by Close.
	open map[rollupKey]*minuteAcc
	file *os.File
	size int64
	err  error // the first failure, reported by Close

	closeOnce sync.Once
	closeErr  error
}

// minuteAcc is a minute being accumulated.
type minuteAcc struct {
	m    CapacityMinute
	keys map[string]*MinuteKey
}

// RecordCapacity starts recording b's capacity feed into the rollup file
// at path (CapacityPath's), first dropping what the retention no longer
// keeps. A backend without a capacity feed (a remote endpoint) is an
// error.
func RecordCapacity(b Backend, path string, opts RollupOptions) (*CapacityRecorder, error) {
	src, ok := b.(capacitySource)
	if !ok || b.Kind() != KindLocal {
		return nil, fmt.Errorf("record capacity of %q: a remote endpoint has no capacity feed", b.Name())
	}
	opts.defaults()
	r := &CapacityRecorder{path: path, opts: opts, done: make(chan struct{}), open: map[rollupKey]*minuteAcc{}}
	if err := os.MkdirAll(filepath.Dir(path), PrivateDir); err != nil {
		return nil, fmt.Errorf("capacity history: %w", err)
	}
	if err := r.compact(false); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go r.run(src.SubscribeCapacity(ctx))
	return r, nil
}

// capacitySource is a backend whose capacity feed can be had alone
// (*Local): a change subscription would make every write build a change
// event that the recorder does not read.
type capacitySource interface {
	SubscribeCapacity(ctx context.Context) <-chan CapacitySample
}

// run consumes the capacity samples until the feed closes.
func (r *CapacityRecorder) run(capacity <-chan CapacitySample) {
	defer close(r.done)
	for s := range capacity {
		r.add(s)
	}
}

// add accumulates a sample, first writing out its table's previous
// minute when the sample starts a new one.
func (r *CapacityRecorder) add(s CapacitySample) {
	k := rollupKey{s.Table, s.Index}
	minute := s.Time.UTC().Truncate(time.Minute)
	acc := r.open[k]
	if acc != nil && !acc.m.Time.Equal(minute) {
		r.write([]CapacityMinute{acc.minute()})
		acc = nil
	}
	if acc == nil {
		acc = &minuteAcc{m: CapacityMinute{Time: minute, Table: s.Table, Index: s.Index}, keys: map[string]*MinuteKey{}}
		r.open[k] = acc
	}
	m := &acc.m
	m.Seconds++
	m.ReadUnits += s.ConsumedRCU
	m.WriteUnits += s.ConsumedWCU
	m.PeakRCU = max(m.PeakRCU, s.ConsumedRCU)
	m.PeakWCU = max(m.PeakWCU, s.ConsumedWCU)
	m.ProvisionedRCU, m.ProvisionedWCU, m.OnDemand = s.ProvisionedRCU, s.ProvisionedWCU, s.OnDemand
	m.ThrottledReads += s.ThrottledReads
	m.ThrottledWrites += s.ThrottledWrites
	for i, h := range s.HotKeys {
		key := acc.keys[h.Key]
		if key == nil {
			key = &MinuteKey{Key: h.Key}
			acc.keys[h.Key] = key
		}
		key.ReadUnits += h.ReadUnits
		key.WriteUnits += h.WriteUnits
		key.PeakRCU = max(key.PeakRCU, h.ReadUnits)
		key.PeakWCU = max(key.PeakWCU, h.WriteUnits)
		if i == 0 && s.ThrottledReads+s.ThrottledWrites > 0 {
			key.ThrottledSeconds++
		}
	}
}

// minute returns the accumulated minute with its hottest keys.
func (a *minuteAcc) minute() CapacityMinute {
	m := a.m
	m.HotKeys = nil
	for _, k := range a.keys {
		m.HotKeys = append(m.HotKeys, *k)
	}
	m.HotKeys = hottest(m.HotKeys)
	return m
}

// hottest sorts keys hottest first (then by key, for a stable file) and
// keeps rollupHotKeys of them.
func hottest(keys []MinuteKey) []MinuteKey {
	slices.SortFunc(keys, func(a, b MinuteKey) int {
		if c := cmp.Compare(b.units(), a.units()); c != 0 {
			return c
		}
		return cmp.Compare(a.Key, b.Key)
	})
	return keys[:min(len(keys), rollupHotKeys)]
}

// write appends minutes to the file, rewriting it when it outgrows
// MaxBytes. A failure is kept for Close and stops nothing: the feed is
// still drained.
func (r *CapacityRecorder) write(minutes []CapacityMinute) {
	var buf bytes.Buffer
	for _, m := range minutes {
		line, err := json.Marshal(m)
		if err != nil {
			r.fail(fmt.Errorf("capacity history: %w", err))
			return
		}
		buf.Write(line)
		buf.WriteByte('\n')
	}
	if r.file == nil {
		f, err := os.OpenFile(r.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, PrivateFile)
		if err != nil {
			r.fail(fmt.Errorf("capacity history: %w", err))
			return
		}
		r.file = f
	}
	n, err := r.file.Write(buf.Bytes())
	r.size += int64(n)
	if err != nil {
		r.fail(fmt.Errorf("capacity history %s: %w", r.path, err))
		return
	}
	if r.size > r.opts.MaxBytes {
		r.fail(r.compact(true))
	}
}

func (r *CapacityRecorder) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

// compact drops the minutes past the retention (and, when the file is
// still over MaxBytes, or full is set and it is over half of it, the
// oldest until it is at most half) and rewrites the file when that
// dropped anything or it had unreadable lines.
func (r *CapacityRecorder) compact(full bool) error {
	if r.file != nil {
		err := r.file.Close()
		r.file = nil
		if err != nil {
			return fmt.Errorf("capacity history %s: %w", r.path, err)
		}
	}
	lines, bad, err := readLines(r.path)
	if err != nil {
		return err
	}
	cutoff := r.opts.Clock().Add(-r.opts.Retention)
	var keep [][]byte
	var size int64
	for _, l := range lines {
		if !l.minute.Time.Before(cutoff) {
			keep = append(keep, l.raw)
			size += int64(len(l.raw)) + 1
		}
	}
	limit := r.opts.MaxBytes
	if full || size > limit {
		limit /= 2
	}
	for size > limit && len(keep) > 0 {
		size -= int64(len(keep[0])) + 1
		keep = keep[1:]
	}
	r.size = size
	if len(keep) == len(lines) && bad == 0 {
		return nil
	}
	var buf bytes.Buffer
	for _, l := range keep {
		buf.Write(l)
		buf.WriteByte('\n')
	}
	if err := atomicfile.WriteFile(r.path, buf.Bytes(), PrivateFile); err != nil {
		return fmt.Errorf("capacity history: %w", err)
	}
	return nil
}

// Close stops recording, writes the minutes in progress and closes the
// file; it returns the first failure to write.
func (r *CapacityRecorder) Close() error {
	r.closeOnce.Do(func() {
		r.cancel()
		<-r.done
		var open []CapacityMinute
		for _, acc := range r.open {
			open = append(open, acc.minute())
		}
		slices.SortFunc(open, compareMinutes)
		if len(open) > 0 {
			r.write(open)
		}
		if r.file != nil {
			if err := r.file.Sync(); err != nil {
				r.fail(fmt.Errorf("capacity history %s: %w", r.path, err))
			}
			if err := r.file.Close(); err != nil {
				r.fail(fmt.Errorf("capacity history %s: %w", r.path, err))
			}
			r.file = nil
		}
		r.closeErr = r.err
	})
	return r.closeErr
}

func compareMinutes(a, b CapacityMinute) int {
	return cmp.Or(a.Time.Compare(b.Time), cmp.Compare(a.Table, b.Table), cmp.Compare(a.Index, b.Index))
}

// rollupLine is one parsed line of the file.
type rollupLine struct {
	raw    []byte
	minute CapacityMinute
}

// readLines reads the file's lines; bad counts those that do not parse
// (a torn last line after a crash). A missing file has none.
func readLines(path string) (lines []rollupLine, bad int, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("capacity history: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		raw := bytes.TrimSpace(sc.Bytes())
		if len(raw) == 0 {
			continue
		}
		var m CapacityMinute
		if json.Unmarshal(raw, &m) != nil || m.Table == "" || m.Time.IsZero() {
			bad++
			continue
		}
		lines = append(lines, rollupLine{raw: slices.Clone(raw), minute: m})
	}
	if sc.Err() != nil {
		bad++ // a line past 1 MB is no line this recorder wrote
	}
	if len(data) > 0 && data[len(data)-1] != '\n' && bad == 0 && len(lines) > 0 {
		bad++ // a last line without its newline: rewrite before appending
	}
	return lines, bad, nil
}

// ReadCapacity returns the minutes recorded in a rollup file, oldest
// first, one per minute and table (or GSI): a minute written by two
// processes (one closed mid-minute, the next went on) is merged. A
// missing file has none.
func ReadCapacity(path string) ([]CapacityMinute, error) {
	lines, _, err := readLines(path)
	if err != nil {
		return nil, err
	}
	type at struct {
		k rollupKey
		t int64
	}
	index := map[at]int{}
	var out []CapacityMinute
	for _, l := range lines {
		m := l.minute
		k := at{rollupKey{m.Table, m.Index}, m.Time.Unix()}
		i, ok := index[k]
		if !ok {
			index[k] = len(out)
			out = append(out, m)
			continue
		}
		out[i] = mergeMinutes(out[i], m)
	}
	slices.SortFunc(out, compareMinutes)
	return out, nil
}

// mergeMinutes adds b, a later part of the same minute, to a.
func mergeMinutes(a, b CapacityMinute) CapacityMinute {
	a.Seconds += b.Seconds
	a.ReadUnits += b.ReadUnits
	a.WriteUnits += b.WriteUnits
	a.PeakRCU = max(a.PeakRCU, b.PeakRCU)
	a.PeakWCU = max(a.PeakWCU, b.PeakWCU)
	a.ProvisionedRCU, a.ProvisionedWCU, a.OnDemand = b.ProvisionedRCU, b.ProvisionedWCU, b.OnDemand
	a.ThrottledReads += b.ThrottledReads
	a.ThrottledWrites += b.ThrottledWrites
	keys := slices.Clone(a.HotKeys)
	for _, bk := range b.HotKeys {
		i := slices.IndexFunc(keys, func(k MinuteKey) bool { return k.Key == bk.Key })
		if i < 0 {
			keys = append(keys, bk)
			continue
		}
		k := &keys[i]
		k.ReadUnits += bk.ReadUnits
		k.WriteUnits += bk.WriteUnits
		k.PeakRCU = max(k.PeakRCU, bk.PeakRCU)
		k.PeakWCU = max(k.PeakWCU, bk.PeakWCU)
		k.ThrottledSeconds += bk.ThrottledSeconds
	}
	a.HotKeys = hottest(keys)
	return a
}

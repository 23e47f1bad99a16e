package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"net"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"dynalab/engine"
	"dynalab/engine/pricing"
	"dynalab/sessions"
	"dynalab/sessions/loadgen"
	"dynalab/ui/common"
)

// loadFlags are load's flags, as given.
type loadFlags struct {
	table, mix, keys, itemSize string
	rate                       float64
	duration                   time.Duration
	keyCount, concurrency      int
	json, yes                  bool
}

// newLoadCmd is "dynalab load": a steady load on one table, to watch
// throttling, burst capacity and hot keys happen.
func newLoadCmd() *cobra.Command {
	var f loadFlags
	var source *sessionFlags
	c := &cobra.Command{
		Use: "load --table NAME [--rate N] [--duration D] [--mix read=80,write=20] [--keys uniform|hot|zipf]\n" +
			"               [--item-size SIZE] [--key-count N] [--session NAME | --data FILE | --endpoint URL] [--json] [--yes]",
		Short: "drive a steady load on a table and watch it throttle",
		Long: `Send a steady load to one table — GetItem, Query and PutItem at --rate requests a
second for --duration — and show its progress: requests a second, the read and
write capacity units the answers report, throttles and latency percentiles (p50,
p99). It ends with one line:

  12,000 requests in 60.0s: 200 ops/s, 37 throttled, p50 1.2 ms, p99 8.0 ms

(--json prints the same, with each operation's counts, as one JSON object).

It is made to show in class what DynamoDB does under load: a provisioned table
spends its burst capacity (300 seconds of unused throughput) and is then served
exactly its provisioned units a second; a hot partition key is throttled on any
table once it takes more than 1,000 WCU or 3,000 RCU a second for long. Throttled
requests (ProvisionedThroughputExceededException, ThrottlingException) are
counted, never retried and never failures; other errors are reported once each
and counted.

  --mix        weights of read (GetItem), query (a Query of one partition key)
               and write (PutItem of an --item-size item)
  --keys       uniform: every key alike; hot: 90% of requests on one key;
               zipf: a few keys take most requests, with a long tail
  keys         partition keys load-000000 … (numbers for an N key), one item
               each under the sort key "load" (or 0); reads address keys the
               load has written, so a second load can read what a first wrote

A local database held by a running workbench or server is loaded through its
endpoint, so the workbench's Capacity pane shows the load as it runs. Against
an endpoint that is not local (not loopback: AWS itself, say) the load states
the capacity it will consume and asks before it starts; without a terminal to
ask on, it needs --yes.`,
		Example: `  dynalab load --table Orders
  dynalab load --table Orders --rate 200 --duration 2m --mix read=80,write=20 --item-size 2KB
  dynalab load --table Orders --keys hot --mix write=100 --item-size 10KB --rate 1000
  dynalab load --session shop --table Orders --json > run.json`,
		Args: files(0, 0, ""),
		RunE: func(c *cobra.Command, args []string) error {
			sel, err := source.selector(c)
			if err != nil {
				return err
			}
			opts, err := f.options()
			if err != nil {
				return usageLine(c, err.Error())
			}
			ctx := c.Context()
			backend, err := openSession(ctx, "load", sel, c.ErrOrStderr())
			if err != nil {
				return err
			}
			err = load(ctx, backend, opts, loadIO{stdin: c.InOrStdin(), stdout: c.OutOrStdout(), stderr: c.ErrOrStderr(),
				json: f.json, yes: f.yes, remote: remoteEndpoint(backend)})
			closing(&err, backend)
			return err
		},
	}
	fs := c.Flags()
	fs.StringVar(&f.table, "table", "", "the table to load (`NAME`); it must exist")
	fs.Float64Var(&f.rate, "rate", 500, "requests a second (`N`)")
	fs.DurationVar(&f.duration, "duration", time.Minute, "how long to send them (`D`, like 30s or 2m)")
	fs.StringVar(&f.mix, "mix", loadgen.DefaultMix.String(), "weights of read (GetItem), query and write (PutItem): `MIX`")
	fs.StringVar(&f.keys, "keys", string(loadgen.Uniform), "how partition keys are chosen: uniform, hot or zipf")
	fs.StringVar(&f.itemSize, "item-size", "1KB", "size of each item written: `SIZE` such as 2KB or 800 (bytes)")
	fs.IntVar(&f.keyCount, "key-count", loadgen.DefaultKeyCount, "distinct partition keys (`N`)")
	fs.IntVar(&f.concurrency, "concurrency", 0, "requests in flight at most (`N`); 0 picks one from the rate")
	fs.BoolVar(&f.json, "json", false, "print the summary as JSON")
	fs.BoolVar(&f.yes, "yes", false, "start a load on an endpoint that is not local (not loopback) without asking")
	source = addSessionFlags(c, sessionFlagOptions{ViaHolder: true})
	completeFlag(c, "table", completeTables(source))
	completeFlag(c, "keys", fixedChoices(string(loadgen.Uniform), string(loadgen.Hot), string(loadgen.Zipf)))
	for _, name := range []string{"rate", "duration", "mix", "item-size", "key-count", "concurrency"} {
		completeFlag(c, name, noCompletions)
	}
	return c
}

// options checks the flags and returns the load they describe.
func (f loadFlags) options() (loadgen.Options, error) {
	var errs []error
	if f.table == "" {
		errs = append(errs, errors.New("give the table to load: --table NAME"))
	}
	if !(f.rate > 0) || f.rate > loadgen.MaxRate {
		errs = append(errs, fmt.Errorf("--rate %v: want requests a second above 0, at most %s", f.rate, common.Thousands(loadgen.MaxRate)))
	}
	if f.duration <= 0 {
		errs = append(errs, fmt.Errorf("--duration %v: want a positive duration like 30s", f.duration))
	}
	mix, err := loadgen.ParseMix(f.mix)
	if err != nil {
		errs = append(errs, fmt.Errorf("--%w", err))
	}
	keys, err := loadgen.ParseKeys(f.keys)
	if err != nil {
		errs = append(errs, fmt.Errorf("--%w", err))
	}
	size, err := parseItemSize(f.itemSize)
	errs = append(errs, err)
	if f.keyCount < 1 || f.keyCount > loadgen.MaxKeyCount {
		errs = append(errs, fmt.Errorf("--key-count %d: want 1 to %d", f.keyCount, loadgen.MaxKeyCount))
	}
	if f.concurrency < 0 {
		errs = append(errs, fmt.Errorf("--concurrency %d: want 0 (automatic) or more", f.concurrency))
	}
	if err := errors.Join(errs...); err != nil {
		return loadgen.Options{}, err
	}
	return loadgen.Options{Table: f.table, Rate: f.rate, Duration: f.duration, Mix: mix, Keys: keys, ItemSize: int(size),
		KeyCount: f.keyCount, Concurrency: f.concurrency}, nil
}

// loadIO is where a load talks: its streams, how it reports, and whether
// it must ask before it starts.
type loadIO struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	json, yes      bool
	// remote is the endpoint when it is not local (not loopback) ("" when the
	// data is local, or behind a loopback endpoint).
	remote string
}

// load runs a load on backend and prints its progress and summary. The
// load's clock is opts.Clock (tests inject one).
func load(ctx context.Context, c loadgen.Client, opts loadgen.Options, o loadIO) error {
	opts, desc, err := loadgen.Prepare(ctx, c, opts)
	if err != nil {
		return err
	}
	if o.remote != "" {
		if err := confirmLoad(opts, desc, o); err != nil {
			return err
		}
	}
	p := &progressLine{w: o.stderr, terminal: isTerminal(o.stderr)}
	if !p.terminal {
		opts.ProgressEvery = 5 * time.Second // a line each; a terminal redraws one every second
	}
	opts.OnProgress = p.show
	res, err := loadgen.Run(ctx, c, opts)
	p.clear()
	if err != nil {
		return err
	}
	if res.Interrupted {
		fmt.Fprintf(o.stderr, "dynalab load: interrupted after %.1fs\n", res.Elapsed.Seconds())
	}
	if o.json {
		return writeLoadJSON(o.stdout, opts.Table, res)
	}
	if res.Throttled > 0 {
		fmt.Fprintf(o.stderr, "dynalab load: throttled %s, the first after %.1fs\n", throttleReasons(res.ThrottleReasons), res.FirstThrottle.Seconds())
	}
	_, err = fmt.Fprintln(o.stdout, loadSummary(res))
	return err
}

// loadSummary is the summary line:
// "12,000 requests in 60.0s: 200 ops/s, 37 throttled, p50 1.2 ms, p99 8.0 ms";
// failures, when there were some, are counted after the throttles.
func loadSummary(res *loadgen.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s requests in %.1fs: %s ops/s, %s throttled, ", common.Thousands(res.Requests), res.Elapsed.Seconds(),
		opsRate(float64(res.Requests), res.Elapsed), common.Thousands(res.Throttled))
	if res.Failed > 0 {
		fmt.Fprintf(&b, "%s failed, ", common.Thousands(res.Failed))
	}
	fmt.Fprintf(&b, "p50 %s, p99 %s", millis(res.P50), millis(res.P99))
	return b.String()
}

// loadJSON is --json's summary.
type loadJSON struct {
	Table           string                             `json:"table"`
	Requests        int64                              `json:"requests"`
	Seconds         float64                            `json:"seconds"`
	OpsPerSecond    float64                            `json:"opsPerSecond"`
	Throttled       int64                              `json:"throttled"`
	Failed          int64                              `json:"failed"`
	P50Ms           float64                            `json:"p50Ms"`
	P99Ms           float64                            `json:"p99Ms"`
	ConsumedRCU     float64                            `json:"consumedRCU"`
	ConsumedWCU     float64                            `json:"consumedWCU"`
	Operations      map[string]loadgen.OperationCounts `json:"operations"`
	ThrottleReasons map[string]int64                   `json:"throttleReasons"`
	FirstThrottle   *float64                           `json:"firstThrottleSeconds,omitempty"`
	Failures        []loadgen.Failure                  `json:"failures"`
	Interrupted     bool                               `json:"interrupted"`
}

func writeLoadJSON(w io.Writer, table string, res *loadgen.Result) error {
	round := func(x float64, places int) float64 {
		s := math.Pow10(places)
		return math.Round(x*s) / s
	}
	ms := func(d time.Duration) float64 { return round(float64(d)/float64(time.Millisecond), 3) }
	j := loadJSON{Table: table, Requests: res.Requests, Seconds: round(res.Elapsed.Seconds(), 3), Throttled: res.Throttled, Failed: res.Failed,
		P50Ms: ms(res.P50), P99Ms: ms(res.P99), ConsumedRCU: res.ConsumedRCU, ConsumedWCU: res.ConsumedWCU,
		Operations: res.Operations, ThrottleReasons: res.ThrottleReasons, Failures: res.Failures, Interrupted: res.Interrupted}
	if j.Failures == nil {
		j.Failures = []loadgen.Failure{}
	}
	if res.Elapsed > 0 {
		j.OpsPerSecond = round(float64(res.Requests)/res.Elapsed.Seconds(), 1)
	}
	if res.Throttled > 0 {
		first := round(res.FirstThrottle.Seconds(), 3)
		j.FirstThrottle = &first
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(j)
}

// throttleReasons lists the throttles by reason, most first:
// "30 for TableWriteProvisionedThroughputExceeded, 7 for …".
func throttleReasons(reasons map[string]int64) string {
	names := slices.SortedFunc(maps.Keys(reasons), func(a, b string) int {
		if reasons[a] != reasons[b] {
			return int(reasons[b] - reasons[a])
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = common.Thousands(reasons[n]) + " for " + n
	}
	return strings.Join(parts, ", ")
}

// progressLine draws a load's progress on stderr: one status line redrawn
// in place on a terminal, a plain line per report otherwise.
type progressLine struct {
	w        io.Writer
	terminal bool
	drawn    bool // a status line is on the terminal
}

func (p *progressLine) show(pr loadgen.Progress) {
	for _, f := range pr.NewFailures {
		p.clear()
		fmt.Fprintf(p.w, "dynalab load: %s failed: %s (later failures like it are only counted)\n", f.Operation, f.Error)
	}
	w := pr.Window
	line := fmt.Sprintf("%.0fs: %s ops/s, %s RCU/s, %s WCU/s, %s throttled (%s in the last %.0fs), p50 %s, p99 %s",
		pr.Elapsed.Seconds(), opsRate(float64(w.Requests), pr.Length), units(w.ConsumedRCU, pr.Length), units(w.ConsumedWCU, pr.Length),
		common.Thousands(pr.Total.Throttled), common.Thousands(w.Throttled), pr.Length.Seconds(), millis(w.P50), millis(w.P99))
	if pr.Total.Failed > 0 {
		line += ", " + common.Thousands(pr.Total.Failed) + " failed"
	}
	if !p.terminal {
		fmt.Fprintln(p.w, "dynalab load: "+line)
		return
	}
	if f, ok := p.w.(*os.File); ok {
		if width, _, err := term.GetSize(f.Fd()); err == nil && width > 1 && len(line) >= width {
			line = line[:width-1] // a wrapped line could not be redrawn in place
		}
	}
	fmt.Fprint(p.w, "\r\x1b[K"+line)
	p.drawn = true
}

// clear erases the status line, if one is drawn.
func (p *progressLine) clear() {
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = false
	}
}

// opsRate is n over d as a rate a second: whole numbers with thousands
// separators from 10 up, one decimal below.
func opsRate(n float64, d time.Duration) string {
	if d <= 0 {
		return "0"
	}
	r := n / d.Seconds()
	if r >= 10 {
		return common.Thousands(int64(math.Round(r)))
	}
	return strconv.FormatFloat(r, 'f', 1, 64)
}

// units is capacity units over d as a rate a second: whole units with
// thousands separators from 100 up, a tenth below (0.5, 37.5).
func units(u float64, d time.Duration) string {
	if d <= 0 {
		return "0"
	}
	r := u / d.Seconds()
	if r >= 100 {
		return common.Thousands(int64(math.Round(r)))
	}
	return pricing.FormatUnits(math.Round(r*10) / 10)
}

// millis writes a latency in milliseconds: a tenth from 1 ms up (1.2 ms),
// two significant digits below (0.25 ms, 0.031 ms).
func millis(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case ms == 0 || ms >= 1:
		return strconv.FormatFloat(ms, 'f', 1, 64) + " ms"
	case ms >= 0.1:
		return strconv.FormatFloat(ms, 'f', 2, 64) + " ms"
	}
	return strconv.FormatFloat(ms, 'f', 3, 64) + " ms"
}

// remoteEndpoint returns the endpoint b sends its requests to when that
// is not local (not loopback), or "": a local database, one reached through
// the process holding it, and loopback endpoints (DynamoDB Local, another
// dynalab) are local.
func remoteEndpoint(b sessions.Backend) string {
	if b.Kind() != sessions.KindRemote || sessions.Held(b) != "" {
		return ""
	}
	u, err := url.Parse(b.Endpoint())
	if err != nil {
		return b.Endpoint()
	}
	h := u.Hostname()
	if ip := net.ParseIP(h); strings.EqualFold(h, "localhost") || ip != nil && ip.IsLoopback() {
		return ""
	}
	return b.Endpoint()
}

// confirmLoad states what a load on a remote endpoint will consume and
// asks whether to start it (or, with --yes, just states it). Without a
// terminal to ask on, and without --yes, the load is refused.
func confirmLoad(opts loadgen.Options, desc *engine.TableDescription, o loadIO) error {
	estimate := loadEstimate(opts, desc)
	if o.yes {
		fmt.Fprintf(o.stderr, "dynalab load: %s is not a local endpoint: %s\n", o.remote, estimate)
		return nil
	}
	stdin, ok := o.stdin.(*os.File)
	if !ok || !term.IsTerminal(stdin.Fd()) || !isTerminal(o.stderr) {
		fmt.Fprintf(o.stderr, "dynalab load: %s is not a local endpoint: %s\nGive --yes to start it without asking.\n", o.remote, estimate)
		return errUsage
	}
	fmt.Fprintf(o.stderr, "%s is not a local endpoint: %s\nStart the load? [y/N] ", o.remote, estimate)
	answer, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && answer == "" {
		return fmt.Errorf("load not started: %w", err)
	}
	switch strings.ToLower(strings.TrimSpace(answer)) {
	case "y", "yes":
		return nil
	}
	return errors.New("load not started")
}

// loadEstimate says what a load will send and consume, at most: every
// read is charged as an eventually consistent read of a whole item, every
// write its item's units again for each GSI (a GSI that projects less, or
// that the item is not in, costs less).
func loadEstimate(opts loadgen.Options, desc *engine.TableDescription) string {
	seconds := opts.Duration.Seconds()
	requests := opts.Rate * seconds
	readShare, writeShare := opts.Mix.Shares()
	rcuEach := pricing.ReadUnits(int64(opts.ItemSize), pricing.Eventual)
	wcuEach := pricing.WriteUnits(int64(opts.ItemSize), false) * float64(1+len(desc.GlobalSecondaryIndexes))
	rcu, wcu := opts.Rate*readShare*rcuEach, opts.Rate*writeShare*wcuEach
	s := fmt.Sprintf("this load sends about %s requests to table %s over %s, consuming up to %s RCU and %s WCU (%s RCU and %s WCU a second)",
		common.Thousands(int64(math.Round(requests))), desc.TableName, opts.Duration,
		common.Thousands(int64(math.Ceil(rcu*seconds))), common.Thousands(int64(math.Ceil(wcu*seconds))), pricing.FormatUnits(rcu), pricing.FormatUnits(wcu))
	if desc.BillingModeSummary != nil && desc.BillingModeSummary.BillingMode == engine.BillingPayPerRequest {
		p := pricing.Default()
		cost := (rcu*p.ReadRequestPerMillion + wcu*p.WriteRequestPerMillion) * seconds / 1e6
		return s + fmt.Sprintf("; the table is on demand: about %s at %s list prices", pricing.FormatDollars(cost), p.Name)
	}
	if pt := desc.ProvisionedThroughput; pt != nil {
		s += fmt.Sprintf("; the table is provisioned (%d RCU, %d WCU): it is billed by the hour whatever the load, and throttles what exceeds its capacity and burst",
			pt.ReadCapacityUnits, pt.WriteCapacityUnits)
	}
	return s
}

package capacity

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"dynalab/ui/common"
	"dynalab/ui/keys"
	"dynalab/ui/widgets"
)

// History is how many seconds of samples the pane keeps per table.
const History = 15 * 60

// NoFeed is what the pane says when it has no capacity samples.
const NoFeed = "No capacity feed: this session publishes no per-second capacity samples"

// NoFeedRemote is what the pane says on a remote session: live capacity
// metrics need the embedded engine.
const NoFeedRemote = "No capacity feed: live capacity metrics need the embedded engine, and this session is a remote endpoint"

// windows are the spans the sparklines cover, in seconds.
var windows = []int{60, 300, 900}

// Model is the capacity pane. Create it with New; it implements
// common.Component.
type Model struct {
	c       *common.Common
	keys    keys.Capacity
	feed    <-chan Sample
	pricing Pricing

	width, height int
	focused       bool
	closed        bool

	series map[string]*series // by "table" or "table.index"
	order  []string           // series names, sorted
	cursor int
	window int // index into windows
}

// series is one table's (or index's) recent samples.
type series struct {
	table, index     string
	rcu, wcu         []float64 // per second, oldest first
	provRCU, provWCU float64
	onDemand         bool
	thrR, thrW       []int              // throttled requests per second, oldest first
	hot              []HotKey           // hottest first, smoothed (hotUnits)
	hotUnits         map[string]float64 // units per key, decaying by hotDecay a second
	last             Sample
}

// hotDecay smooths the hot keys over about ten seconds, so that their
// shares do not flip from one second's 100% to the next's 50/50.
const hotDecay = 0.9

func (sr *series) decayHot() {
	for k, u := range sr.hotUnits {
		if u *= hotDecay; u < 0.01 {
			delete(sr.hotUnits, k)
		} else {
			sr.hotUnits[k] = u
		}
	}
}

// hottest lists the keys by their smoothed units, hottest first.
func (sr *series) hottest() []HotKey {
	hot := make([]HotKey, 0, len(sr.hotUnits))
	for k, u := range sr.hotUnits {
		hot = append(hot, HotKey{Key: k, Units: u})
	}
	slices.SortFunc(hot, func(a, b HotKey) int {
		if c := cmp.Compare(b.Units, a.Units); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	return hot
}

// New returns the pane reading feed (nil: no feed yet) and costing with
// p.
func New(c *common.Common, feed <-chan Sample, p Pricing) *Model {
	return &Model{c: c, keys: keys.NewCapacity(), feed: feed, pricing: p, series: map[string]*series{}}
}

// Init starts reading the feed.
func (m *Model) Init() tea.Cmd { return Listen(m.feed) }

// Title implements common.Component.
func (m *Model) Title() string { return "Capacity" }

// SetSize implements common.Component.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h }

// SetFocused implements common.Component.
func (m *Model) SetFocused(f bool) { m.focused = f }

// Capturing implements common.Component: the pane has no text input.
func (m *Model) Capturing() bool { return false }

// LastFailure implements common.Component.
func (m *Model) LastFailure() *common.Failure { return nil }

// Unsaved implements common.Component.
func (m *Model) Unsaved() string { return "" }

// Status implements common.Component.
func (m *Model) Status() common.Status {
	s := common.Status{Operation: "Capacity", Note: strconv.Itoa(windows[m.window]/60) + " min window"}
	if m.feed == nil {
		s.Note = "no capacity feed"
	}
	if len(m.order) > 0 {
		sr := m.series[m.order[m.cursor]]
		s.Table, s.Index = sr.table, sr.index
		s.HasCapacity, s.Capacity = true, last(sr.rcu)+last(sr.wcu)
	}
	return s
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	return []key.Binding{m.keys.List.Up, m.keys.List.Down, m.keys.Window}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{{m.keys.List.Up, m.keys.List.Down, m.keys.List.Top, m.keys.List.Bottom, m.keys.Window}}
}

// Update implements common.Component.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case samplesMsg:
		if msg.feed != m.feed {
			return nil
		}
		for _, s := range msg.samples {
			m.add(s)
		}
		if msg.closed {
			m.closed = true
			return nil
		}
		return Listen(m.feed)
	case tea.KeyMsg:
		if !m.focused {
			return nil
		}
		k := m.keys
		switch {
		case key.Matches(msg, k.List.Up):
			m.cursor--
		case key.Matches(msg, k.List.Down):
			m.cursor++
		case key.Matches(msg, k.List.Top):
			m.cursor = 0
		case key.Matches(msg, k.List.Bottom):
			m.cursor = len(m.order) - 1
		case key.Matches(msg, k.Window):
			m.window = (m.window + 1) % len(windows)
		}
		m.cursor = max(0, min(m.cursor, len(m.order)-1))
	}
	return nil
}

func (m *Model) add(s Sample) {
	name := s.Table
	if s.Index != "" {
		name += "." + s.Index
	}
	sr := m.series[name]
	if sr == nil {
		sr = &series{table: s.Table, index: s.Index}
		m.series[name] = sr
		m.order = append(m.order, name)
		slices.Sort(m.order)
	}
	// Seconds the feed held back (an idle table, see Quiet) were zeros.
	if !sr.last.Time.IsZero() {
		gap := int(s.Time.Sub(sr.last.Time)/time.Second) - 1
		for range min(max(gap, 0), History) {
			sr.rcu, sr.wcu = push(sr.rcu, 0), push(sr.wcu, 0)
			sr.thrR, sr.thrW = pushInt(sr.thrR, 0), pushInt(sr.thrW, 0)
			sr.decayHot()
		}
	}
	sr.rcu = push(sr.rcu, s.ConsumedRCU)
	sr.wcu = push(sr.wcu, s.ConsumedWCU)
	sr.thrR = pushInt(sr.thrR, s.ThrottledReads)
	sr.thrW = pushInt(sr.thrW, s.ThrottledWrites)
	sr.provRCU, sr.provWCU, sr.onDemand = s.ProvisionedRCU, s.ProvisionedWCU, s.OnDemand
	sr.decayHot()
	for _, h := range s.HotKeys {
		if sr.hotUnits == nil {
			sr.hotUnits = map[string]float64{}
		}
		sr.hotUnits[h.Key] += h.Units
	}
	sr.hot = sr.hottest()
	sr.last = s
}

func push(xs []float64, v float64) []float64 {
	xs = append(xs, v)
	if len(xs) > History {
		xs = slices.Delete(xs, 0, len(xs)-History)
	}
	return xs
}

func pushInt(xs []int, v int) []int {
	xs = append(xs, v)
	if len(xs) > History {
		xs = slices.Delete(xs, 0, len(xs)-History)
	}
	return xs
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

func last(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	return xs[len(xs)-1]
}

// tail returns the last n values.
func tail[T any](xs []T, n int) []T {
	if len(xs) > n {
		return xs[len(xs)-n:]
	}
	return xs
}

// buckets shrinks xs to at most n values, each the peak of its span, so
// that the whole window fits the sparkline and no spike is lost.
func buckets(xs []float64, n int) []float64 {
	if len(xs) <= n || n <= 0 {
		return xs
	}
	out := make([]float64, n)
	for i := range out {
		lo, hi := i*len(xs)/n, (i+1)*len(xs)/n
		for _, x := range xs[lo:hi] {
			out[i] = max(out[i], x)
		}
	}
	return out
}

func stats(xs []float64) (avg, peak float64) {
	for _, x := range xs {
		avg += x
		peak = max(peak, x)
	}
	if len(xs) > 0 {
		avg /= float64(len(xs))
	}
	return avg, peak
}

// View implements common.Component.
func (m *Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	th := m.c.Theme
	win := windows[m.window]
	lines := []string{th.Muted.Render("last " + strconv.Itoa(win/60) + " min · w changes · costs at us-east-1 list prices")}
	switch {
	case m.feed == nil:
		lines = append(lines, "")
		msg := NoFeed
		if m.c.Remote() {
			msg = NoFeedRemote
		}
		for _, l := range widgets.Wrap(msg, m.width) {
			lines = append(lines, th.Warning.Render(l))
		}
		lines = append(lines, "")
		for _, l := range widgets.Wrap("With a capacity feed (a local session's engine), each table and index shows here: consumed vs provisioned RCU and WCU, throttles, hot partition keys and a monthly cost estimate, updated every second.", m.width) {
			lines = append(lines, th.Muted.Render(l))
		}
	case len(m.order) == 0:
		lines = append(lines, th.Muted.Render("waiting for the first samples…"))
	}
	for i, name := range m.order {
		lines = append(lines, m.block(m.series[name], i == m.cursor, win)...)
	}
	if m.closed {
		lines = append(lines, th.Muted.Render("capacity feed ended"))
	}
	// keep the selected block on screen
	return widgets.Fit(strings.Join(m.scrolled(lines), "\n"), m.width, m.height)
}

// blockLines is the height of one table's block.
const blockLines = 4

// scrolled drops whole blocks above the selected one when they do not fit.
func (m *Model) scrolled(lines []string) []string {
	head := 1
	if m.feed == nil || len(m.order) == 0 {
		return lines
	}
	fit := max(1, (m.height-head)/blockLines)
	first := max(0, m.cursor-fit+1)
	return append(lines[:head:head], lines[head+first*blockLines:]...)
}

// block draws one table: name, billing and cost; reads; writes; hot keys.
func (m *Model) block(sr *series, selected bool, win int) []string {
	th := m.c.Theme
	name := sr.table
	if sr.index != "" {
		name += " · " + sr.index
	}
	r, w := tail(sr.rcu, win), tail(sr.wcu, win)
	avgR, peakR := stats(r)
	avgW, peakW := stats(w)
	cost := m.pricing.Monthly(sr.onDemand, sr.provRCU, sr.provWCU, avgR, avgW)
	billing := "on demand"
	if !sr.onDemand {
		billing = "provisioned " + num(sr.provRCU) + " RCU / " + num(sr.provWCU) + " WCU"
	}
	titleStyle := th.Text.Bold(true)
	mark := "  "
	if selected {
		titleStyle, mark = th.Accent, "› "
	}
	head := th.Accent.Render(mark) + titleStyle.Render(name) + th.Muted.Render(" · "+billing+" · ≈ $"+strconv.FormatFloat(cost, 'f', 2, 64)+"/month")
	sparkW := max(8, m.width-54) // the numbers after it take up to 54 cells
	thrR, thrW := sum(tail(sr.thrR, win)), sum(tail(sr.thrW, win))
	line := func(label string, xs []float64, prov, peak float64, thr int) string {
		top := max(peak, prov, 1)
		// Fixed-width numbers: the line keeps its layout second to second.
		s := th.Muted.Render("  "+label+" ") + th.Spark.Render(widgets.Sparkline(buckets(xs, sparkW), sparkW, top))
		s += th.Text.Render(fmt.Sprintf(" now %5s · peak %5s", num(last(xs)), num(peak)))
		if prov > 0 {
			s += th.Limit.Render(" / " + num(prov))
		}
		thrStyle := th.Muted
		if thr > 0 {
			thrStyle = th.Error
		}
		return s + thrStyle.Render(" · throttled "+strconv.Itoa(thr))
	}
	hot := th.Muted.Render("  hot keys: ")
	if len(sr.hot) == 0 {
		hot += th.Muted.Render("none yet")
	}
	total := 0.0
	for _, h := range sr.hot {
		total += h.Units
	}
	for i, h := range sr.hot {
		if i == 3 {
			break
		}
		if i > 0 {
			hot += th.Muted.Render(" · ")
		}
		share := ""
		if total > 0 {
			share = " " + strconv.Itoa(int(h.Units/total*100+0.5)) + "%"
		}
		hot += th.Text.Render(h.Key) + th.Muted.Render(share)
	}
	return []string{head, line("RCU", r, sr.provRCU, peakR, thrR), line("WCU", w, sr.provWCU, peakW, thrW), hot}
}

// num renders capacity units to a tenth.
func num(f float64) string { return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64) }

package capacity

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// Sample is one second of one table's (or index's) capacity, as the
// engine's metering reports it.
type Sample struct {
	Time  time.Time
	Table string
	Index string // "" for the table itself

	ConsumedRCU float64 // read capacity units consumed in the second
	ConsumedWCU float64 // write capacity units consumed in the second
	// ProvisionedRCU and ProvisionedWCU are the provisioned capacity; both
	// zero for an on-demand table.
	ProvisionedRCU, ProvisionedWCU float64
	OnDemand                       bool

	ThrottledReads  int // requests refused for reads in the second
	ThrottledWrites int // requests refused for writes in the second

	// HotKeys are the partition keys that took the most capacity in the
	// second, hottest first.
	HotKeys []HotKey
}

// HotKey is a partition key's share of a second's traffic.
type HotKey struct {
	Key   string  // the partition key value, as text
	Units float64 // capacity units it consumed
}

// samplesMsg carries the samples read in one go.
type samplesMsg struct {
	feed    <-chan Sample
	samples []Sample
	closed  bool
}

// maxBatch bounds one read.
const maxBatch = 512

// Listen returns the re-armed read of the feed.
func Listen(feed <-chan Sample) tea.Cmd {
	if feed == nil {
		return nil
	}
	return func() tea.Msg {
		s, ok := <-feed
		if !ok {
			return samplesMsg{feed: feed, closed: true}
		}
		batch := []Sample{s}
		for len(batch) < maxBatch {
			select {
			case s, ok := <-feed:
				if !ok {
					return samplesMsg{feed: feed, samples: batch, closed: true}
				}
				batch = append(batch, s)
			default:
				return samplesMsg{feed: feed, samples: batch}
			}
		}
		return samplesMsg{feed: feed, samples: batch}
	}
}

// Quiet passes on the samples that change what the pane shows, and holds
// back those of a table idle (nothing consumed, nothing throttled) for as
// long as the longest window: they would only redraw the same zeros every
// second, which keeps an idle workbench busy. The pane fills the seconds
// held back with zeros when the table's next sample arrives, so its
// series stay one value per second.
func Quiet(src <-chan Sample) <-chan Sample {
	out := make(chan Sample, cap(src))
	go func() {
		defer close(out)
		lastBusy := map[string]time.Time{}
		for s := range src {
			name := s.Table + "." + s.Index
			busy := s.ConsumedRCU != 0 || s.ConsumedWCU != 0 || s.ThrottledReads != 0 || s.ThrottledWrites != 0
			t, seen := lastBusy[name]
			switch {
			case busy:
				lastBusy[name] = s.Time
			case seen && s.Time.Sub(t) <= time.Duration(windows[len(windows)-1])*time.Second:
				// zeros still scroll a spike across the window
			case !seen:
				lastBusy[name] = time.Time{} // listed once, then quiet
			default:
				continue
			}
			out <- s
		}
	}()
	return out
}

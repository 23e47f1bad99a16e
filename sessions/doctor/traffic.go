package doctor

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"dynalab/engine"
	"dynalab/engine/pricing"
	"dynalab/sessions"
)

// Traffic thresholds.
const (
	// hotShare of the per-key limit (3,000 RCU, 1,000 WCU a second) in one
	// second makes a key hot: past it, a little growth throttles the key
	// however much capacity the table has.
	hotShare = 0.5
	// dominantShare of a table's units during throttled seconds makes its
	// hottest key the reason.
	dominantShare = 0.5
	// idleUse is the use of provisioned capacity below which a table is
	// mostly idle, judged over at least idleMinutes of history.
	idleUse     = 0.10
	idleMinutes = 15
)

// history is the capacity history of one table or GSI.
type history struct {
	table, index     string
	minutes          []sessions.CapacityMinute
	seconds          int
	rcu, wcu         float64 // consumed
	peakRCU, peakWCU float64
	throttledR       int
	throttledW       int
	throttledMinutes int
	last             sessions.CapacityMinute // the latest minute (its provisioning)
}

// histories groups the capacity minutes by table and index.
func histories(minutes []sessions.CapacityMinute) []*history {
	by := map[[2]string]*history{}
	var out []*history
	for _, m := range minutes {
		k := [2]string{m.Table, m.Index}
		h := by[k]
		if h == nil {
			h = &history{table: m.Table, index: m.Index}
			by[k] = h
			out = append(out, h)
		}
		h.minutes = append(h.minutes, m)
		h.seconds += m.Seconds
		h.rcu += m.ReadUnits
		h.wcu += m.WriteUnits
		h.peakRCU = max(h.peakRCU, m.PeakRCU)
		h.peakWCU = max(h.peakWCU, m.PeakWCU)
		h.throttledR += m.ThrottledReads
		h.throttledW += m.ThrottledWrites
		if m.ThrottledReads+m.ThrottledWrites > 0 {
			h.throttledMinutes++
		}
		if !m.Time.Before(h.last.Time) {
			h.last = m
		}
	}
	slices.SortFunc(out, func(a, b *history) int { return cmp.Or(cmp.Compare(a.table, b.table), cmp.Compare(a.index, b.index)) })
	return out
}

// span describes the history's extent: "42 minutes recorded between
// 2026-12-01 10:00 and 11:02 UTC".
func (h *history) span() string {
	first, last := h.minutes[0].Time, h.minutes[len(h.minutes)-1].Time.Add(time.Minute)
	for _, m := range h.minutes {
		if m.Time.Before(first) {
			first = m.Time
		}
	}
	return fmt.Sprintf("%d minute%s recorded between %s and %s UTC", len(h.minutes), plural(len(h.minutes)),
		first.UTC().Format("2006-01-02 15:04"), last.UTC().Format("2006-01-02 15:04"))
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// checkUnusedGSIs flags the GSIs that no pattern reads and no recorded
// minute shows a read of: every write of an item they hold also writes
// them.
func checkUnusedGSIs(in Input, tables []*engine.TableDescription, uses indexUses, r *Report) {
	read := map[[2]string]bool{}
	written := map[[2]string]float64{}
	for _, m := range in.Capacity {
		k := [2]string{m.Table, m.Index}
		read[k] = read[k] || m.ReadUnits > 0
		written[k] += m.WriteUnits
	}
	for _, t := range tables {
		n := 0
		for _, ps := range uses[t.TableName] {
			n += len(ps)
		}
		for _, g := range t.GlobalSecondaryIndexes {
			k := [2]string{t.TableName, g.IndexName}
			if len(uses[t.TableName][g.IndexName]) > 0 || read[k] {
				continue
			}
			evidence := fmt.Sprintf("no saved access pattern reads %s (%d pattern%s read %s)", g.IndexName, n, plural(n), t.TableName)
			if len(in.Capacity) == 0 {
				evidence += ", and no capacity history is recorded"
			} else {
				evidence += fmt.Sprintf(", and the capacity history records no read of it (%s WCU written to it)", units(written[k]))
			}
			r.add(Finding{Severity: Warning, Table: t.TableName, Index: g.IndexName, Check: CheckUnusedGSI, Evidence: evidence,
				Fix: fmt.Sprintf("every write of an item it holds also writes the index (%s items, %s): delete it if nothing reads it "+
					"(aws dynamodb update-table --table-name %s --global-secondary-index-updates '[{\"Delete\":{\"IndexName\":\"%s\"}}]'), "+
					"or save the access pattern that needs it (.save NAME in the REPL)",
					fmt.Sprint(g.ItemCount), pricing.FormatSize(g.IndexSizeBytes), t.TableName, g.IndexName)})
		}
	}
}

// checkTraffic reads the capacity history: throttling, hot keys and
// provisioned capacity that sits idle.
func checkTraffic(in Input, r *Report) {
	for _, h := range histories(in.Capacity) {
		if h.throttledR+h.throttledW > 0 {
			r.add(throttledFinding(in, h))
		}
		for _, f := range hotKeyFindings(h) {
			r.add(f)
		}
		if f, ok := idleFinding(in, h); ok {
			r.add(f)
		}
	}
}

// provisioned reports whether the history's latest minute was provisioned.
func (h *history) provisioned() bool {
	return !h.last.OnDemand && (h.last.ProvisionedRCU > 0 || h.last.ProvisionedWCU > 0)
}

// costs returns the monthly cost of the recorded average traffic on
// demand, and of the provisioned capacity p.
func (h *history) costs(prices pricing.Table, rcu, wcu float64) (onDemand, provisioned float64) {
	secs := float64(max(h.seconds, 1))
	return prices.OnDemandMonthly(h.rcu/secs, h.wcu/secs), prices.ProvisionedMonthly(rcu, wcu)
}

func throttledFinding(in Input, h *history) Finding {
	f := Finding{Severity: Warning, Table: h.table, Index: h.index, Check: CheckThrottled}
	f.Evidence = fmt.Sprintf("%d read%s and %d write%s throttled in %d of %s; busiest second %s RCU, %s WCU",
		h.throttledR, plural(h.throttledR), h.throttledW, plural(h.throttledW), h.throttledMinutes, h.span(), units(h.peakRCU), units(h.peakWCU))
	if !h.provisioned() {
		f.Evidence += " (on demand: only a partition key's own limit throttles)"
		f.Fix = fmt.Sprintf("a partition key is served at most %d RCU and %d WCU a second: spread the hot key (see hot-key) over several keys, "+
			"for example with a calculated suffix (write sharding)", pricing.PartitionRCU, pricing.PartitionWCU)
		return f
	}
	f.Evidence += fmt.Sprintf(" against %s RCU, %s WCU provisioned", units(h.last.ProvisionedRCU), units(h.last.ProvisionedWCU))
	needR, needW := math.Max(math.Ceil(h.peakRCU), h.last.ProvisionedRCU), math.Max(math.Ceil(h.peakWCU), h.last.ProvisionedWCU)
	onDemand, atPeak := h.costs(in.Prices, needR, needW)
	f.Fix = fmt.Sprintf("raise the capacity to at least the busiest second (%s RCU, %s WCU: %s a month provisioned), or switch to on demand "+
		"(the recorded traffic would cost %s a month; BillingMode PAY_PER_REQUEST)",
		units(needR), units(needW), pricing.FormatDollars(atPeak), pricing.FormatDollars(onDemand))
	return f
}

// keyTotal is one key's history.
type keyTotal struct {
	key              string
	rcu, wcu         float64
	peakRCU, peakWCU float64
	throttledSeconds int
}

// hotKeyFindings names the keys that came near the per-key limit, or
// took most of the traffic while the table throttled.
func hotKeyFindings(h *history) []Finding {
	keys := map[string]*keyTotal{}
	for _, m := range h.minutes {
		for _, k := range m.HotKeys {
			t := keys[k.Key]
			if t == nil {
				t = &keyTotal{key: k.Key}
				keys[k.Key] = t
			}
			t.rcu += k.ReadUnits
			t.wcu += k.WriteUnits
			t.peakRCU = max(t.peakRCU, k.PeakRCU)
			t.peakWCU = max(t.peakWCU, k.PeakWCU)
			t.throttledSeconds += k.ThrottledSeconds
		}
	}
	total := h.rcu + h.wcu
	var out []Finding
	for _, k := range keys {
		share := 0.0
		if total > 0 {
			share = (k.rcu + k.wcu) / total
		}
		near := k.peakRCU >= hotShare*pricing.PartitionRCU || k.peakWCU >= hotShare*pricing.PartitionWCU
		dominant := k.throttledSeconds > 0 && share >= dominantShare
		if !near && !dominant {
			continue
		}
		var why []string
		if near {
			why = append(why, fmt.Sprintf("its busiest second took %s RCU and %s WCU of the %d RCU and %d WCU a partition key is served",
				units(k.peakRCU), units(k.peakWCU), pricing.PartitionRCU, pricing.PartitionWCU))
		}
		if k.throttledSeconds > 0 {
			why = append(why, fmt.Sprintf("it was the hottest key in %d second%s with throttled requests", k.throttledSeconds, plural(k.throttledSeconds)))
		}
		why = append(why, fmt.Sprintf("it took %.0f%% of the units recorded (%s)", 100*share, h.span()))
		out = append(out, Finding{Severity: Warning, Table: h.table, Index: h.index, Check: CheckHotKey,
			Evidence: fmt.Sprintf("partition key %s is hot: %s", k.key, strings.Join(why, "; ")),
			Fix: "spread its traffic over several partition keys: a calculated suffix for writes (write sharding, as the time-series sample shows), " +
				"a cache or eventually consistent reads spread over copies for reads"})
	}
	return out
}

// idleFinding flags provisioned capacity that the recorded traffic mostly
// leaves unused, when on demand would cost less.
func idleFinding(in Input, h *history) (Finding, bool) {
	if !h.provisioned() || len(h.minutes) < idleMinutes || h.throttledR+h.throttledW > 0 {
		return Finding{}, false
	}
	secs := float64(max(h.seconds, 1))
	pr, pw := h.last.ProvisionedRCU, h.last.ProvisionedWCU
	useR, useW := use(h.rcu/secs, pr), use(h.wcu/secs, pw)
	if useR >= idleUse || useW >= idleUse {
		return Finding{}, false
	}
	onDemand, provisioned := h.costs(in.Prices, pr, pw)
	if onDemand >= provisioned {
		return Finding{}, false
	}
	return Finding{Severity: Warning, Table: h.table, Index: h.index, Check: CheckProvisionedIdle,
		Evidence: fmt.Sprintf("%s: on average %s of %s RCU (%.0f%%) and %s of %s WCU (%.0f%%) used; busiest second %s RCU, %s WCU",
			h.span(), units(h.rcu/secs), units(pr), 100*useR, units(h.wcu/secs), units(pw), 100*useW, units(h.peakRCU), units(h.peakWCU)),
		Fix: fmt.Sprintf("the provisioned capacity costs %s a month; on demand this traffic would cost %s: switch to on demand "+
			"(BillingMode PAY_PER_REQUEST), or lower the capacity toward the busiest second",
			pricing.FormatDollars(provisioned), pricing.FormatDollars(onDemand))}, true
}

func use(consumed, provisioned float64) float64 {
	if provisioned <= 0 {
		return 0
	}
	return consumed / provisioned
}

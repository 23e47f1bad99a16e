package engine

import (
	"fmt"
	"strconv"
	"time"

	"dynalab/engine/attr"
)

// ThrottleNotice describes the first time a table was throttled. Test
// suites written for DynamoDB Local, which never throttles, often create
// 1-unit tables and then crawl against an engine that throttles like the
// service; the notice's one line says so and names the way out.
type ThrottleNotice struct {
	Time     time.Time
	Table    string
	Index    string // the GSI whose capacity was spent, if it was a GSI's
	Write    bool   // writes were refused (else reads)
	Reason   string // the ThrottlingReasons reason, e.g. TableWriteProvisionedThroughputExceeded
	OnDemand bool
	// ProvisionedRCU and ProvisionedWCU are the table's (or the GSI's)
	// provisioned units; 0 for on-demand.
	ProvisionedRCU, ProvisionedWCU float64
	// MaxRCU and MaxWCU are an on-demand table's OnDemandThroughput
	// maxima (0: none).
	MaxRCU, MaxWCU float64
	Key            string // the partition key, when one key was past its limit
}

// String is the hint line: the table, its units, and --no-throttle.
func (n ThrottleNotice) String() string {
	kind, units, prov, maxU := "read", "RCU", n.ProvisionedRCU, n.MaxRCU
	limit := float64(partitionRCU)
	if n.Write {
		kind, units, prov, maxU = "write", "WCU", n.ProvisionedWCU, n.MaxWCU
		limit = partitionWCU
	}
	what := fmt.Sprintf("table %q", n.Table)
	if n.Index != "" {
		what = fmt.Sprintf("index %q of table %q", n.Index, n.Table)
	}
	var why string
	switch {
	case n.Key != "":
		why = fmt.Sprintf("partition key %s took more than %s %s a second (the per-partition limit) and its burst", strconv.Quote(n.Key), fmtUnits(limit), units)
	case n.OnDemand:
		why = fmt.Sprintf("on-demand %ss reached its maximum of %s %s a second", kind, fmtUnits(maxU), units)
	default:
		why = fmt.Sprintf("%ss spent its %s provisioned %s a second and its burst", kind, fmtUnits(prov), units)
	}
	return fmt.Sprintf("%s throttled: %s, as DynamoDB would; run with --no-throttle to meter capacity without throttling (DynamoDB Local never throttles)", what, why)
}

func fmtUnits(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// OnThrottle makes fn be called once per table and once per GSI, the
// first time a request to it is throttled; nil stops the calls. fn runs
// on the throttled request's goroutine, after the meter's locks are
// released, and must not block. serve and the workbench print its line.
func (db *DB) OnThrottle(fn func(ThrottleNotice)) {
	if fn == nil {
		db.meter.onThrottle.Store(nil)
		return
	}
	db.meter.onThrottle.Store(&fn)
}

// notify delivers a first-throttle notice, if any, to the callback.
func (m *meter) notify(n *ThrottleNotice) {
	if n == nil {
		return
	}
	if fn := m.onThrottle.Load(); fn != nil {
		(*fn)(*n)
	}
}

// firstThrottle returns the table's first-throttle notice for err, or nil
// when it has been given already or nobody listens; the caller holds mu.
func (tm *tableMeter) firstThrottle(err *APIError, write bool, pk attr.Value) *ThrottleNotice {
	if tm.noticed || tm.meter.onThrottle.Load() == nil {
		return nil
	}
	tm.noticed = true
	n := &ThrottleNotice{Time: tm.meter.now(), Table: tm.name, Index: tm.index, Write: write, OnDemand: tm.onDemand,
		ProvisionedRCU: tm.provRCU, ProvisionedWCU: tm.provWCU, MaxRCU: tm.maxRCU, MaxWCU: tm.maxWCU}
	if len(err.ThrottlingReasons) > 0 {
		n.Reason = err.ThrottlingReasons[0].Reason
	}
	switch n.Reason {
	case "TableReadKeyRangeThroughputExceeded", "TableWriteKeyRangeThroughputExceeded":
		n.Key = keyText(pk)
	case "IndexWriteProvisionedThroughputExceeded":
		// A provisioned GSI's spent write capacity (checkIndexes): name it
		// and its units.
		for _, x := range tm.indexes {
			if x != nil && err.ThrottlingReasons[0].Resource == x.arn {
				x.mu.Lock()
				n.Index, n.ProvisionedRCU, n.ProvisionedWCU = x.index, x.provRCU, x.provWCU
				x.mu.Unlock()
			}
		}
	}
	return n
}

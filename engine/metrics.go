package engine

import (
	"fmt"
	"io"
	"net/http"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"google.golang.org/protobuf/proto"
)

// WriteMetrics writes every table's metering in the Prometheus text
// exposition format (version 0.0.4): counters since the database was
// opened and gauges of the current state. The server serves it at
// GET /metrics.
func (db *DB) WriteMetrics(w io.Writer) error {
	meters := db.meter.all()
	type snapshot = meterSnapshot
	snaps := make([]snapshot, 0, len(meters))
	for _, tm := range meters {
		tm.mu.Lock()
		snaps = append(snaps, snapshot{tm.name, tm.index, tm.totals, tm.provRCU, tm.provWCU, tm.onDemand, tm.items, tm.bytes,
			tm.partitionsLocked()})
		tm.mu.Unlock()
	}
	var families []*dto.MetricFamily
	family := func(name, help string, typ dto.MetricType, metric func(s snapshot) []*dto.Metric) {
		f := &dto.MetricFamily{Name: proto.String(name), Help: proto.String(help), Type: typ.Enum()}
		for _, s := range snaps {
			f.Metric = append(f.Metric, metric(s)...)
		}
		if len(f.Metric) > 0 {
			families = append(families, f)
		}
	}
	counter := func(v float64, labels ...string) []*dto.Metric {
		return []*dto.Metric{{Label: labelPairs(labels), Counter: &dto.Counter{Value: proto.Float64(v)}}}
	}
	gauge := func(v float64, labels ...string) []*dto.Metric {
		return []*dto.Metric{{Label: labelPairs(labels), Gauge: &dto.Gauge{Value: proto.Float64(v)}}}
	}
	family("dynalab_consumed_read_capacity_units_total", "Read capacity units consumed.", dto.MetricType_COUNTER,
		func(s snapshot) []*dto.Metric { return counter(s.totals.rcu, s.labels()...) })
	family("dynalab_consumed_write_capacity_units_total", "Write capacity units consumed.", dto.MetricType_COUNTER,
		func(s snapshot) []*dto.Metric { return counter(s.totals.wcu, s.labels()...) })
	family("dynalab_provisioned_read_capacity_units", "Provisioned read capacity units (0 on demand).", dto.MetricType_GAUGE,
		func(s snapshot) []*dto.Metric { return gauge(s.provRCU, s.labels()...) })
	family("dynalab_provisioned_write_capacity_units", "Provisioned write capacity units (0 on demand).", dto.MetricType_GAUGE,
		func(s snapshot) []*dto.Metric { return gauge(s.provWCU, s.labels()...) })
	family("dynalab_on_demand", "1 when the table is billed per request.", dto.MetricType_GAUGE,
		func(s snapshot) []*dto.Metric { return gauge(boolFloat(s.onDemand), s.labels()...) })
	family("dynalab_throttled_requests_total", "Requests (or batch items) refused for want of capacity.", dto.MetricType_COUNTER,
		func(s snapshot) []*dto.Metric {
			return append(counter(float64(s.totals.throttledR), s.labels("kind", "read")...),
				counter(float64(s.totals.throttledW), s.labels("kind", "write")...)...)
		})
	family("dynalab_returned_items_total", "Items returned by reads.", dto.MetricType_COUNTER,
		func(s snapshot) []*dto.Metric { return counter(float64(s.totals.returned), s.labels()...) })
	family("dynalab_scanned_items_total", "Items read by reads, before filters.", dto.MetricType_COUNTER,
		func(s snapshot) []*dto.Metric { return counter(float64(s.totals.scanned), s.labels()...) })
	family("dynalab_request_duration_seconds", "Latency of successful requests per operation.", dto.MetricType_SUMMARY,
		func(s snapshot) []*dto.Metric {
			var out []*dto.Metric
			for op, n := range s.totals.requests {
				if n == 0 {
					continue
				}
				out = append(out, &dto.Metric{
					Label:   labelPairs(s.labels("operation", opNames[op])),
					Summary: &dto.Summary{SampleCount: proto.Uint64(uint64(n)), SampleSum: proto.Float64(s.totals.latency[op].Seconds())},
				})
			}
			return out
		})
	family("dynalab_table_items", "Items in the table.", dto.MetricType_GAUGE,
		func(s snapshot) []*dto.Metric { return gauge(float64(s.items), s.labels()...) })
	family("dynalab_table_size_bytes", "Total item size of the table, as the service counts it.", dto.MetricType_GAUGE,
		func(s snapshot) []*dto.Metric { return gauge(float64(s.bytes), s.labels()...) })
	family("dynalab_table_partitions", "Partitions the service would use for this throughput and size.", dto.MetricType_GAUGE,
		func(s snapshot) []*dto.Metric { return gauge(float64(s.partitions), s.labels()...) })
	for _, f := range families {
		if _, err := expfmt.MetricFamilyToText(w, f); err != nil {
			return fmt.Errorf("write metrics: %w", err)
		}
	}
	return nil
}

// meterSnapshot is one meter's state for WriteMetrics.
type meterSnapshot struct {
	name, index      string // index: a GSI's name ("" for a table)
	totals           secondUse
	provRCU, provWCU float64
	onDemand         bool
	items, bytes     int64
	partitions       int
}

// labels returns the meter's labels — table, and index for a GSI's
// meter — followed by extra.
func (s meterSnapshot) labels(extra ...string) []string {
	l := []string{"table", s.name}
	if s.index != "" {
		l = append(l, "index", s.index)
	}
	return append(l, extra...)
}

// MetricsHandler serves WriteMetrics, for GET /metrics.
func (db *DB) MetricsHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/metrics" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", string(expfmt.NewFormat(expfmt.TypeTextPlain)))
		if err := db.WriteMetrics(w); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
}

// labelPairs turns name, value, name, value... into label pairs.
func labelPairs(nv []string) []*dto.LabelPair {
	out := make([]*dto.LabelPair, 0, len(nv)/2)
	for i := 0; i+1 < len(nv); i += 2 {
		out = append(out, &dto.LabelPair{Name: proto.String(nv[i]), Value: proto.String(nv[i+1])})
	}
	return out
}

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

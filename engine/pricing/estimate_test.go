package pricing

import (
	"math"
	"testing"
)

// The capacity pane's figures (ui/capacity): its test expects these.
func TestMonthly(t *testing.T) {
	p := Default()
	// (10 × 0.00013 + 5 × 0.00065) × 730.
	if got := p.ProvisionedMonthly(10, 5); math.Abs(got-3.3215) > 1e-9 {
		t.Errorf("ProvisionedMonthly(10, 5) = %v, want 3.3215", got)
	}
	// 1 RRU and 1 WRU a second for 2,628,000 seconds.
	if got := p.OnDemandMonthly(1, 1); math.Abs(got-(0.125+0.625)*2.628) > 1e-9 {
		t.Errorf("OnDemandMonthly(1, 1) = %v, want 1.971", got)
	}
}

func TestEstimate(t *testing.T) {
	const gb = 1 << 30
	seed := Usage{Traffic: Traffic{ItemBytes: 10 << 10, ReadsPerSecond: 200, ReadKind: Strong}}
	busy := Usage{
		Traffic:              Traffic{ItemBytes: 1536, ReadsPerSecond: 100, WritesPerSecond: 10},
		StorageBytes:         25 * gb,
		GSIs:                 2,
		StreamReadsPerSecond: 10,
	}
	sparse := busy
	sparse.GSIShare = 0.5
	tests := []struct {
		name  string
		usage Usage
		mode  string
		want  map[string]float64 // dollars per line
		total float64
	}{
		// 600 RCU × 2,628,000 s = 1,576.8M RRU × $0.125/M.
		{"seed on demand", seed, "on-demand", map[string]float64{ItemReads: 197.1}, 197.1},
		// 600 RCU × 730 h × $0.00013, plus the 1 WCU minimum.
		{"seed provisioned", seed, "provisioned", map[string]float64{ItemReads: 56.94, ItemWrites: 0.4745}, 57.4145},
		// reads 100 × 0.5 = 50 RRU/s; writes 10 × 2 = 20 WRU/s; each GSI
		// 20 WRU/s more; 75 GB stored; 26.28M stream reads.
		{"busy on demand", busy, "on-demand", map[string]float64{
			ItemReads: 16.425, ItemWrites: 32.85, ItemGSIWrites: 65.7, ItemStorage: 18.75, ItemStreams: 5.256,
		}, 138.981},
		// 50 RCU, 20 WCU; each GSI 20 WCU + 1 RCU.
		{"busy provisioned", busy, "provisioned", map[string]float64{
			ItemReads: 4.745, ItemWrites: 9.49, ItemGSIWrites: 2 * (9.49 + 0.0949), ItemStorage: 18.75, ItemStreams: 5.256,
		}, 57.4108},
		// Each GSI holds half the items: 10 WRU/s and 12.5 GB each.
		{"sparse GSIs on demand", sparse, "on-demand", map[string]float64{
			ItemReads: 16.425, ItemWrites: 32.85, ItemGSIWrites: 32.85, ItemStorage: 12.5, ItemStreams: 5.256,
		}, 99.881},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := Default().EstimateOnDemand(tt.usage)
			if tt.mode == "provisioned" {
				e = Default().EstimateProvisioned(tt.usage)
			}
			if e.Mode != tt.mode {
				t.Errorf("mode %q, want %q", e.Mode, tt.mode)
			}
			order := []string{ItemReads, ItemWrites, ItemGSIWrites, ItemStorage, ItemStreams}
			if len(e.Lines) != len(order) {
				t.Fatalf("%d lines, want %d: %+v", len(e.Lines), len(order), e.Lines)
			}
			for i, l := range e.Lines {
				if l.Item != order[i] {
					t.Errorf("line %d is %q, want %q", i, l.Item, order[i])
				}
				if math.Abs(l.Dollars-tt.want[l.Item]) > 1e-6 {
					t.Errorf("%s: $%v (%s), want $%v", l.Item, l.Dollars, l.Detail, tt.want[l.Item])
				}
			}
			if math.Abs(e.Total-tt.total) > 1e-6 {
				t.Errorf("total $%v, want $%v", e.Total, tt.total)
			}
		})
	}
}

func TestEstimateDetails(t *testing.T) {
	u := Usage{
		Traffic:      Traffic{ItemBytes: 10 << 10, ReadsPerSecond: 200, ReadKind: Strong, WritesPerSecond: 10},
		StorageBytes: 25 << 30,
		GSIs:         2,
	}
	od, prov := Default().EstimateOnDemand(u), Default().EstimateProvisioned(u)
	want := map[string][2]string{
		ItemReads:     {"1576.8M RRU × $0.125/M", "600 RCU × 730 h × $0.00013"},
		ItemWrites:    {"262.8M WRU × $0.625/M", "100 WCU × 730 h × $0.00065"},
		ItemGSIWrites: {"2 × 262.8M WRU × $0.625/M", "2 × (100 WCU × $0.00065 + 1 RCU × $0.00013) × 730 h"},
		ItemStorage:   {"(25 GB + 2 × 25 GB in GSIs) × $0.25/GB", "(25 GB + 2 × 25 GB in GSIs) × $0.25/GB"},
		ItemStreams:   {"0 stream reads × $0.02/100K", "0 stream reads × $0.02/100K"},
	}
	for i := range od.Lines {
		w := want[od.Lines[i].Item]
		if od.Lines[i].Detail != w[0] {
			t.Errorf("on demand %s: %q, want %q", od.Lines[i].Item, od.Lines[i].Detail, w[0])
		}
		if prov.Lines[i].Detail != w[1] {
			t.Errorf("provisioned %s: %q, want %q", prov.Lines[i].Item, prov.Lines[i].Detail, w[1])
		}
	}
}

func TestProvision(t *testing.T) {
	tests := []struct {
		name  string
		usage Usage
		want  Provisioning
	}{
		{"nothing still provisions 1 and 1", Usage{}, Provisioning{RCU: 1, WCU: 1}},
		{"half units round up", Usage{Traffic: Traffic{ItemBytes: 100, ReadsPerSecond: 3}}, Provisioning{RCU: 2, WCU: 1}},
		{"GSIs get the table's writes and 1 RCU", Usage{Traffic: Traffic{ItemBytes: 2048, WritesPerSecond: 5, TransactionalWrites: true}, GSIs: 1},
			Provisioning{RCU: 1, WCU: 20, GSIRCU: 1, GSIWCU: 10}},
		{"a sparse GSI's share rounds up", Usage{Traffic: Traffic{ItemBytes: 100, WritesPerSecond: 3}, GSIs: 3, GSIShare: 0.1},
			Provisioning{RCU: 1, WCU: 3, GSIRCU: 1, GSIWCU: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Provision(tt.usage); got != tt.want {
				t.Errorf("Provision = %+v, want %+v", got, tt.want)
			}
		})
	}
}

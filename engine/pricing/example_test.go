package pricing_test

import (
	"fmt"

	"dynalab/engine/pricing"
)

// A strongly consistent read costs one unit per 4 KB; eventually
// consistent half that, transactional twice.
func ExampleReadUnits() {
	for _, kind := range []pricing.ReadKind{pricing.Strong, pricing.Eventual, pricing.Transactional} {
		fmt.Println(kind, pricing.FormatUnits(pricing.ReadUnits(8<<10, kind)))
	}
	// Output:
	// strong 2
	// eventual 1
	// transactional 4
}

// The seed's worked example: a 10 KB item read strongly 200 times a second
// needs 200 × ceil(10 KB / 4 KB) = 600 RCU; a 1.5 KB item written 10 times
// a second needs 10 × ceil(1.5 KB / 1 KB) = 20 WCU.
func ExampleRequired() {
	r := pricing.Required(pricing.Traffic{ItemBytes: 10 << 10, ReadsPerSecond: 200, ReadKind: pricing.Strong})
	fmt.Println(pricing.FormatUnits(r.ReadUnitsEach), "RCU each,", pricing.FormatUnits(r.RCU), "RCU")

	w := pricing.Required(pricing.Traffic{ItemBytes: 1536, WritesPerSecond: 10})
	fmt.Println(pricing.FormatUnits(w.WriteUnitsEach), "WCU each,", pricing.FormatUnits(w.WCU), "WCU")
	// Output:
	// 3 RCU each, 600 RCU
	// 2 WCU each, 20 WCU
}

// A partition serves 3,000 RCU and 1,000 WCU and holds 10 GB; a table has
// as many as the larger need.
func ExamplePartitionsFor() {
	p := pricing.PartitionsFor(1500, 1000, 25<<30)
	fmt.Printf("throughput %d, size %d, total %d\n", p.ForThroughput, p.ForSize, p.Total)
	// Output:
	// throughput 2, size 3, total 3
}

// A month of the seed's reads, on demand and provisioned, at the default
// (us-east-1 Standard) prices.
func ExampleTable_EstimateProvisioned() {
	prices := pricing.Default()
	u := pricing.Usage{Traffic: pricing.Traffic{ItemBytes: 10 << 10, ReadsPerSecond: 200, ReadKind: pricing.Strong}}
	for _, e := range []pricing.Estimate{prices.EstimateOnDemand(u), prices.EstimateProvisioned(u)} {
		fmt.Println(e.Mode, pricing.FormatDollars(e.Total))
		for _, l := range e.Lines {
			if l.Dollars > 0 {
				fmt.Printf("  %-7s %-28s %s\n", l.Item, l.Detail, pricing.FormatDollars(l.Dollars))
			}
		}
	}
	// Output:
	// on-demand $197.10
	//   reads   1576.8M RRU × $0.125/M       $197.10
	// provisioned $57.41
	//   reads   600 RCU × 730 h × $0.00013   $56.94
	//   writes  1 WCU × 730 h × $0.00065     $0.47
}

// A price file overrides the default prices; every price must be given.
func ExampleParseTable() {
	_, err := pricing.ParseTable([]byte(`{"readRequestPerMillion": 0.125, "writeRequestPerMillion": 0.625}`))
	fmt.Println(err)
	// Output:
	// missing price "rcuHour", "wcuHour", "storageGBMonth", "streamReadRequestPer100K"
}

func ExampleParseSize() {
	for _, s := range []string{"10KB", "1.5KB", "512", "25GB"} {
		n, _ := pricing.ParseSize(s)
		fmt.Println(s, n, pricing.FormatSize(n))
	}
	// Output:
	// 10KB 10240 10 KB
	// 1.5KB 1536 1.5 KB
	// 512 512 512 B
	// 25GB 26843545600 25 GB
}

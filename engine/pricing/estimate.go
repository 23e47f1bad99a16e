package pricing

import (
	"fmt"
	"math"
	"strconv"
)

// The month an estimate is for: AWS bills 730 hours a month
// (365 days × 24 hours / 12).
const (
	HoursPerMonth   = 730
	SecondsPerMonth = HoursPerMonth * 3600
)

// Usage is a month of steady use of one table.
type Usage struct {
	Traffic
	StorageBytes         int64   `json:"storageBytes"`         // table data, without indexes
	GSIs                 int     `json:"gsis"`                 // global secondary indexes on the table
	GSIShare             float64 `json:"gsiShare,omitempty"`   // fraction of items, and so of writes, each GSI holds; 0 (or out of range) means all
	StreamReadsPerSecond float64 `json:"streamReadsPerSecond"` // DynamoDB Streams GetRecords calls a second (Lambda triggers read for free)
}

// gsiShare is GSIShare with its default: every write updates every GSI.
func (u Usage) gsiShare() float64 {
	if u.GSIShare <= 0 || u.GSIShare > 1 {
		return 1
	}
	return u.GSIShare
}

// GSIWCU is the write units a second each GSI needs: its share of the
// table's writes, each a standard (never transactional) write of the whole
// item.
func (u Usage) GSIWCU() float64 {
	if u.GSIs <= 0 {
		return 0
	}
	return round6(u.WritesPerSecond * u.gsiShare() * WriteUnits(u.ItemBytes, false))
}

// Provisioning is the capacity provisioned mode would be set to for a
// Usage: the requirement in whole units, at least 1 of each per table and
// per GSI.
type Provisioning struct {
	RCU    int `json:"rcu"`    // the table's read capacity
	WCU    int `json:"wcu"`    // the table's write capacity
	GSIRCU int `json:"gsiRCU"` // each GSI's read capacity (reads go to the table)
	GSIWCU int `json:"gsiWCU"` // each GSI's write capacity
}

// Provision is the capacity to provision for u.
func Provision(u Usage) Provisioning {
	r := Required(u.Traffic)
	p := Provisioning{RCU: wholeUnits(r.RCU), WCU: wholeUnits(r.WCU)}
	if u.GSIs > 0 {
		p.GSIRCU, p.GSIWCU = 1, wholeUnits(u.GSIWCU())
	}
	return p
}

// wholeUnits is units rounded up to a whole number, at least 1: the
// smallest ProvisionedThroughput that serves them.
func wholeUnits(units float64) int {
	return max(1, int(math.Ceil(units)))
}

// Line is one component of a monthly estimate.
type Line struct {
	Item     string  `json:"item"`     // reads, writes, GSI writes, storage or streams
	Quantity float64 `json:"quantity"` // how many Units the month bills
	Unit     string  `json:"unit"`     // what Quantity counts
	Detail   string  `json:"detail"`   // the arithmetic, e.g. "600 RCU × 730 h × $0.00013"
	Dollars  float64 `json:"dollars"`
}

// Estimate is a month's cost in one capacity mode, one Line per component
// (always reads, writes, GSI writes, storage and streams, in that order).
type Estimate struct {
	Mode  string  `json:"mode"` // "on-demand" or "provisioned"
	Lines []Line  `json:"lines"`
	Total float64 `json:"total"` // dollars
}

// The line items of an estimate.
const (
	ItemReads     = "reads"
	ItemWrites    = "writes"
	ItemGSIWrites = "GSI writes"
	ItemStorage   = "storage"
	ItemStreams   = "streams"
)

// OnDemandMonthly is a month of rru read request units and wru write
// request units a second on average.
func (t Table) OnDemandMonthly(rru, wru float64) float64 {
	return (rru*t.ReadRequestPerMillion + wru*t.WriteRequestPerMillion) * SecondsPerMonth / 1e6
}

// ProvisionedMonthly is a month of rcu read and wcu write capacity units
// provisioned.
func (t Table) ProvisionedMonthly(rcu, wcu float64) float64 {
	return (rcu*t.RCUHour + wcu*t.WCUHour) * HoursPerMonth
}

// EstimateOnDemand is u's month in on-demand mode: every request unit
// consumed, at the per-million prices.
func (t Table) EstimateOnDemand(u Usage) Estimate {
	r := Required(u.Traffic)
	rru := r.RCU * SecondsPerMonth
	wru := r.WCU * SecondsPerMonth
	gsiWRU := u.GSIWCU() * SecondsPerMonth // per GSI
	gsiDetail := "no GSIs"
	if u.GSIs > 0 {
		gsiDetail = fmt.Sprintf("%d × %s WRU × %s/M", u.GSIs, count(gsiWRU), dollarRate(t.WriteRequestPerMillion))
	}
	return t.estimate("on-demand", u, []Line{
		{ItemReads, rru, "read request units",
			count(rru) + " RRU × " + dollarRate(t.ReadRequestPerMillion) + "/M",
			rru / 1e6 * t.ReadRequestPerMillion},
		{ItemWrites, wru, "write request units",
			count(wru) + " WRU × " + dollarRate(t.WriteRequestPerMillion) + "/M",
			wru / 1e6 * t.WriteRequestPerMillion},
		{ItemGSIWrites, float64(u.GSIs) * gsiWRU, "write request units", gsiDetail,
			float64(u.GSIs) * gsiWRU / 1e6 * t.WriteRequestPerMillion},
	})
}

// EstimateProvisioned is u's month in provisioned mode: the capacity of
// Provision(u), paid for every hour whether used or not.
func (t Table) EstimateProvisioned(u Usage) Estimate {
	p := Provision(u)
	hours := func(units int) float64 { return float64(units) * HoursPerMonth }
	gsiDetail := "no GSIs"
	if u.GSIs > 0 {
		gsiDetail = fmt.Sprintf("%d × (%d WCU × %s + %d RCU × %s) × %d h",
			u.GSIs, p.GSIWCU, dollarRate(t.WCUHour), p.GSIRCU, dollarRate(t.RCUHour), HoursPerMonth)
	}
	return t.estimate("provisioned", u, []Line{
		{ItemReads, hours(p.RCU), "RCU-hours",
			fmt.Sprintf("%d RCU × %d h × %s", p.RCU, HoursPerMonth, dollarRate(t.RCUHour)),
			hours(p.RCU) * t.RCUHour},
		{ItemWrites, hours(p.WCU), "WCU-hours",
			fmt.Sprintf("%d WCU × %d h × %s", p.WCU, HoursPerMonth, dollarRate(t.WCUHour)),
			hours(p.WCU) * t.WCUHour},
		// Quantity counts the GSIs' WCU-hours; Dollars adds their minimum RCU.
		{ItemGSIWrites, float64(u.GSIs) * hours(p.GSIWCU), "WCU-hours", gsiDetail,
			float64(u.GSIs) * (hours(p.GSIWCU)*t.WCUHour + hours(p.GSIRCU)*t.RCUHour)},
	})
}

// estimate completes an estimate's throughput lines with storage and
// streams, which cost the same in both modes, and totals it.
func (t Table) estimate(mode string, u Usage, throughput []Line) Estimate {
	e := Estimate{Mode: mode, Lines: append(throughput, t.storage(u), t.streams(u))}
	for i := range e.Lines {
		e.Lines[i].Quantity = round6(e.Lines[i].Quantity)
		e.Lines[i].Dollars = round6(e.Lines[i].Dollars)
		e.Total += e.Lines[i].Dollars
	}
	e.Total = round6(e.Total)
	return e
}

// storage is the table's data plus each GSI's share of it.
func (t Table) storage(u Usage) Line {
	table := max(u.StorageBytes, 0)
	perGSI := int64(math.Ceil(float64(table) * u.gsiShare()))
	total := table
	detail := FormatSize(table)
	if u.GSIs > 0 {
		total += int64(u.GSIs) * perGSI
		detail = fmt.Sprintf("(%s + %d × %s in GSIs)", detail, u.GSIs, FormatSize(perGSI))
	}
	gb := float64(total) / (1 << 30)
	return Line{ItemStorage, gb, "GB-months", detail + " × " + dollarRate(t.StorageGBMonth) + "/GB", gb * t.StorageGBMonth}
}

// streams is a month of GetRecords calls.
func (t Table) streams(u Usage) Line {
	reads := max(u.StreamReadsPerSecond, 0) * SecondsPerMonth
	return Line{ItemStreams, reads, "stream read request units",
		count(reads) + " stream reads × " + dollarRate(t.StreamReadRequestPer100K) + "/100K",
		reads / 1e5 * t.StreamReadRequestPer100K}
}

// count writes a number of units a month, in millions when there are
// millions: "1576.8M".
func count(n float64) string {
	if n >= 1e6 {
		return FormatUnits(n/1e6) + "M"
	}
	return FormatUnits(n)
}

// dollarRate writes a unit price exactly: "$0.00013".
func dollarRate(x float64) string {
	return "$" + strconv.FormatFloat(x, 'f', -1, 64)
}

package pricing

import (
	"fmt"
	"math"
)

// Unit sizes of the service's capacity arithmetic (AWS Developer Guide,
// "Read/write capacity mode" and capacity unit consumption). Sizes are binary.
const (
	ReadUnitBytes  = 4 << 10 // one strongly consistent read of up to 4 KB is 1 RCU
	WriteUnitBytes = 1 << 10 // one write of up to 1 KB is 1 WCU
)

// ReadKind is how a read is made; its zero value is the SDKs' and the
// service's default, an eventually consistent read.
type ReadKind int

// The read kinds, with what each costs per 4 KB.
const (
	Eventual      ReadKind = iota // 0.5 RCU per 4 KB
	Strong                        // 1 RCU per 4 KB (ConsistentRead: true)
	Transactional                 // 2 RCU per 4 KB (TransactGetItems)
)

// String names the kind as `dynalab calc` spells it.
func (k ReadKind) String() string {
	switch k {
	case Eventual:
		return "eventual"
	case Strong:
		return "strong"
	case Transactional:
		return "transactional"
	}
	return fmt.Sprintf("ReadKind(%d)", int(k))
}

// MarshalText writes the kind's name, so JSON output reads "strong".
func (k ReadKind) MarshalText() ([]byte, error) {
	if k < Eventual || k > Transactional {
		return nil, fmt.Errorf("pricing: unknown read kind %d", int(k))
	}
	return []byte(k.String()), nil
}

// UnmarshalText reads a kind's name.
func (k *ReadKind) UnmarshalText(b []byte) error {
	for _, c := range []ReadKind{Eventual, Strong, Transactional} {
		if string(b) == c.String() {
			*k = c
			return nil
		}
	}
	return fmt.Errorf("pricing: unknown read kind %q (want eventual, strong or transactional)", b)
}

// multiplier is the kind's factor on strongly consistent read units.
func (k ReadKind) multiplier() float64 {
	switch k {
	case Strong:
		return 1
	case Transactional:
		return 2
	}
	return 0.5
}

// ReadUnits is the read capacity one read of an item of itemBytes costs:
// ceil(size / 4 KB), halved when eventually consistent and doubled when
// transactional. A read costs at least one unit (0.5 eventual), even of a
// missing or empty item.
func ReadUnits(itemBytes int64, kind ReadKind) float64 {
	return float64(unitsOf(itemBytes, ReadUnitBytes)) * kind.multiplier()
}

// WriteUnits is the write capacity one write of an item of itemBytes costs:
// ceil(size / 1 KB), doubled when transactional, and at least one unit.
func WriteUnits(itemBytes int64, transactional bool) float64 {
	units := float64(unitsOf(itemBytes, WriteUnitBytes))
	if transactional {
		units *= 2
	}
	return units
}

// unitsOf is ceil(size / unit), at least 1.
func unitsOf(size, unit int64) int64 {
	if size <= unit {
		return 1
	}
	return (size + unit - 1) / unit
}

// Traffic is a steady request rate against one table, all of items of one
// size.
type Traffic struct {
	ItemBytes           int64    `json:"itemBytes"`           // size of each item read or written
	ReadsPerSecond      float64  `json:"readsPerSecond"`      // single-item reads a second
	ReadKind            ReadKind `json:"readKind"`            // how they read; Eventual unless set
	WritesPerSecond     float64  `json:"writesPerSecond"`     // single-item writes a second
	TransactionalWrites bool     `json:"transactionalWrites"` // writes made in TransactWriteItems
}

// Requirement is the capacity a Traffic needs: units per request and per
// second.
type Requirement struct {
	ReadUnitsEach  float64 `json:"readUnitsEach"`  // RCU one read costs
	WriteUnitsEach float64 `json:"writeUnitsEach"` // WCU one write costs
	RCU            float64 `json:"rcu"`            // read units a second
	WCU            float64 `json:"wcu"`            // write units a second
}

// Required is the capacity t needs: each request's units times its rate.
// A 10 KB item read strongly 200 times a second needs 200 × 3 = 600 RCU.
func Required(t Traffic) Requirement {
	r := Requirement{
		ReadUnitsEach:  ReadUnits(t.ItemBytes, t.ReadKind),
		WriteUnitsEach: WriteUnits(t.ItemBytes, t.TransactionalWrites),
	}
	r.RCU = round6(t.ReadsPerSecond * r.ReadUnitsEach)
	r.WCU = round6(t.WritesPerSecond * r.WriteUnitsEach)
	return r
}

// Per-partition limits of the documented partition model.
const (
	PartitionRCU   = 3000     // read units a second one partition serves
	PartitionWCU   = 1000     // write units a second one partition serves
	PartitionBytes = 10 << 30 // data one partition holds (10 GB)
)

// Partitions is how many partitions a table needs, and why.
type Partitions struct {
	ForThroughput int `json:"forThroughput"` // ceil(RCU/3000 + WCU/1000)
	ForSize       int `json:"forSize"`       // ceil(size / 10 GB)
	Total         int `json:"total"`         // the larger of the two, at least 1
}

// PartitionsFor is the partition count of a table with rcu and wcu of
// throughput holding sizeBytes, by the model the AWS Developer Guide
// documented in "Understanding partition behavior"
// (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GuidelinesForTables.html#GuidelinesForTables.Partitions;
// today's "Partitions and data distribution", HowItWorks.Partitions.html,
// keeps the 3,000 RCU / 1,000 WCU / 10 GB per-partition figures):
//
//	for throughput = ceil(RCU/3000 + WCU/1000)
//	for size       = ceil(size / 10 GB)
//	total          = max(for throughput, for size, 1)
//
// The service splits partitions as it sees fit and never merges them; this
// is the documented first approximation, not a promise.
func PartitionsFor(rcu, wcu float64, sizeBytes int64) Partitions {
	// (RCU + 3 WCU) / 3000 is RCU/3000 + WCU/1000 without adding two
	// inexact fractions: 900/3000 + 700/1000 must be 1, not 1.0000000000000002.
	p := Partitions{
		ForThroughput: int(math.Ceil(round6(max(rcu, 0)+3*max(wcu, 0)) / PartitionRCU)),
		ForSize:       int((max(sizeBytes, 0) + PartitionBytes - 1) / PartitionBytes),
	}
	p.Total = max(p.ForThroughput, p.ForSize, 1)
	return p
}

// round6 rounds to six decimals, so that rates like 0.1 × 3 come out as
// 0.3 and not 0.30000000000000004.
func round6(x float64) float64 {
	if math.Abs(x) >= 1e15 { // no fraction left to clean, and x*1e6 could overflow
		return x
	}
	return math.Round(x*1e6) / 1e6
}

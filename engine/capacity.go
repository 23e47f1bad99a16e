package engine

import (
	"context"

	"dynalab/engine/pricing"
)

// Capacity unit arithmetic (Developer Guide, capacity unit consumption)
// is engine/pricing's: reads in
// 4 KB units, halved for eventually consistent reads; writes in 1 KB
// units; at least one unit.

func readUnits(size int, consistent bool) float64 {
	kind := pricing.Eventual
	if consistent {
		kind = pricing.Strong
	}
	return pricing.ReadUnits(int64(size), kind)
}

func writeUnits(size int) float64 { return pricing.WriteUnits(int64(size), false) }

// consumed notes the units for the request log and builds the
// ConsumedCapacity for ReturnConsumedCapacity mode, or nil for NONE.
func consumed(ctx context.Context, mode, table string, units float64, read bool) *ConsumedCapacity {
	noteCapacity(ctx, units)
	if mode != CapacityTotal && mode != CapacityIndexes {
		return nil
	}
	c := &ConsumedCapacity{TableName: table, CapacityUnits: units}
	if read {
		c.ReadCapacityUnits = units
	} else {
		c.WriteCapacityUnits = units
	}
	if mode == CapacityIndexes {
		tc := Capacity{CapacityUnits: units}
		if read {
			tc.ReadCapacityUnits = units
		} else {
			tc.WriteCapacityUnits = units
		}
		c.Table = &tc
	}
	return c
}

// consumedList is the per-table ConsumedCapacity list of batch and
// transaction operations.
func consumedList(ctx context.Context, mode string, tables []string, units map[string]float64, read bool) []ConsumedCapacity {
	var out []ConsumedCapacity
	for _, name := range tables {
		if c := consumed(ctx, mode, name, units[name], read); c != nil {
			out = append(out, *c)
		}
	}
	return out
}

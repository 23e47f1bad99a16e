package engine

import "dynalab/engine/attr"

// Per-partition-key burst (meter.go's model): each partition key is
// served partitionRCU / partitionWCU units a second and banks what it
// leaves unused, up to burstSeconds' worth, like the service's partitions
// ("DynamoDB currently retains up to five minutes (300 seconds) of unused
// read and write capacity", burst-adaptive-capacity.html). A key whose
// bank is full — every key that never took more than the limit in a
// second for the last five minutes — has no entry in tableMeter.banks, so
// the common case costs one nil-map lookup.

// keyBank is one partition key's banked burst capacity at the start of
// second sec; either may be negative (a large request overdraws, like the
// table buckets, and later seconds repay it).
type keyBank struct {
	read, write float64
	sec         int64
}

// reserve returns the burst capacity partition key h has banked at the
// start of second sec; the caller holds mu.
func (tm *tableMeter) reserve(h uint64, write bool, sec int64) float64 {
	b := tm.banks[h]
	switch {
	case b == nil && write:
		return keyBurstWCU
	case b == nil:
		return keyBurstRCU
	case write:
		return min(keyBurstWCU, b.write+partitionWCU*float64(sec-b.sec))
	}
	return min(keyBurstRCU, b.read+partitionRCU*float64(sec-b.sec))
}

// keyExhausted reports whether pk has used this second's allowance — the
// per-partition limit plus its bank — in the direction asked; the caller
// holds mu and has rolled the meter to sec. A request is admitted while any
// allowance is left and charged its real units afterwards.
func (tm *tableMeter) keyExhausted(write bool, pk attr.Value, sec int64) bool {
	h := keyHash(pk)
	used := 0.0
	if u := tm.keys.get(h); u != nil {
		used = u.rcu
		if write {
			used = u.wcu
		}
	}
	if used == 0 && tm.banks == nil {
		return false
	}
	if write {
		return used >= partitionWCU+tm.reserve(h, true, sec)
	}
	return used >= partitionRCU+tm.reserve(h, false, sec)
}

// settleBanks closes second closed for the banks: a key that took more
// than the limit draws on its bank, one that took less refills it, and
// banks full again are forgotten. The caller holds mu, before the
// second's key counts are reset.
func (tm *tableMeter) settleBanks(closed int64) {
	next := closed + 1
	if tm.keys != nil {
		for i := range tm.keys {
			u := &tm.keys[i]
			if !u.used() || (u.rcu <= partitionRCU && u.wcu <= partitionWCU && tm.banks[u.hash] == nil) {
				continue // a full bank stays full
			}
			r := min(keyBurstRCU, tm.reserve(u.hash, false, closed)+partitionRCU-u.rcu)
			w := min(keyBurstWCU, tm.reserve(u.hash, true, closed)+partitionWCU-u.wcu)
			if r >= keyBurstRCU && w >= keyBurstWCU {
				delete(tm.banks, u.hash)
				continue
			}
			if tm.banks == nil {
				tm.banks = map[uint64]*keyBank{}
			}
			tm.banks[u.hash] = &keyBank{read: r, write: w, sec: next}
		}
	}
	for h, b := range tm.banks {
		if b.sec < next && tm.reserve(h, false, next) >= keyBurstRCU && tm.reserve(h, true, next) >= keyBurstWCU {
			delete(tm.banks, h)
		}
	}
	if len(tm.banks) == 0 {
		tm.banks = nil
	}
}

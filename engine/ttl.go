package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"dynalab/engine/attr"
	"dynalab/engine/internal/store"
)

// Time to live: UpdateTimeToLive, DescribeTimeToLive and the TTL schedule.
//
// While TTL is enabled on a table, every write keeps one schedule entry
// ("e/" tid exp key) per item whose TTL attribute is a Number, in the
// write's own transaction (recordChange). The sweeper (ttl_sweep.go) walks
// the schedule from its start — the earliest expiries — so it never scans
// the table.

// TTL statuses.
const (
	TTLEnabled   = "ENABLED"
	TTLEnabling  = "ENABLING"
	TTLDisabled  = "DISABLED"
	TTLDisabling = "DISABLING"

	// DefaultTTLSettle is how long a TTL change stays ENABLING or DISABLING.
	DefaultTTLSettle = time.Second
)

// tableTTL is a table's TTL setting in its catalog record.
type tableTTL struct {
	Attribute     string `json:"attr"`
	Enabled       bool   `json:"enabled"`
	ChangedMillis int64  `json:"changed"`
}

// reported is the status DescribeTimeToLive reports: ENABLED or DISABLED
// from the moment UpdateTimeToLive returns, as the service does (ScyllaDB's
// test/alternator/test_ttl.py test_ttl_enable and test_ttl_disable, run
// against DynamoDB, read ENABLED right after enabling and DISABLED right
// after disabling). The change still settles internally (status).
func (c *tableTTL) reported() string {
	if c != nil && c.Enabled {
		return TTLEnabled
	}
	return TTLDisabled
}

// status is the setting's internal status at now: a change settles after
// settle. Until then the sweeper leaves the table alone and another change
// is refused ("modified multiple times within a fixed interval").
func (c *tableTTL) status(now time.Time, settle time.Duration) string {
	if c == nil {
		return TTLDisabled
	}
	settled := now.Sub(time.UnixMilli(c.ChangedMillis)) >= settle
	switch {
	case c.Enabled && settled:
		return TTLEnabled
	case c.Enabled:
		return TTLEnabling
	case settled:
		return TTLDisabled
	}
	return TTLDisabling
}

// TimeToLiveSpecification is the TTL setting of UpdateTimeToLive.
type TimeToLiveSpecification struct {
	AttributeName *string `json:"AttributeName"`
	Enabled       *bool   `json:"Enabled"`
}

// TimeToLiveDescription is a table's TTL status.
type TimeToLiveDescription struct {
	TimeToLiveStatus string `json:"TimeToLiveStatus"`
	AttributeName    string `json:"AttributeName,omitempty"`
}

// UpdateTimeToLiveInput is the UpdateTimeToLive request.
type UpdateTimeToLiveInput struct {
	TableName               string                   `json:"TableName"`
	TimeToLiveSpecification *TimeToLiveSpecification `json:"TimeToLiveSpecification"`
}

// UpdateTimeToLiveOutput is the UpdateTimeToLive response: the setting, echoed.
type UpdateTimeToLiveOutput struct {
	TimeToLiveSpecification *TimeToLiveSpecification `json:"TimeToLiveSpecification"`
}

// DescribeTimeToLiveInput is the DescribeTimeToLive request.
type DescribeTimeToLiveInput struct {
	TableName string `json:"TableName"`
}

// DescribeTimeToLiveOutput is the DescribeTimeToLive response.
type DescribeTimeToLiveOutput struct {
	TimeToLiveDescription *TimeToLiveDescription `json:"TimeToLiveDescription"`
}

// UpdateTimeToLive enables or disables TTL on a table. DescribeTimeToLive
// reports the change at once; internally it settles after Options.TTLSettle,
// and changing it again before then fails as the service's "modified multiple times"
// refusal does (the service's interval is about an hour). Enabling builds
// the schedule from the table's items; disabling drops it.
func (db *DB) UpdateTimeToLive(ctx context.Context, in *UpdateTimeToLiveInput) (*UpdateTimeToLiveOutput, error) {
	if err := validateUpdateTTL(in); err != nil {
		return nil, err
	}
	spec := in.TimeToLiveSpecification
	attrName, enable := *spec.AttributeName, *spec.Enabled
	db.mu.Lock()
	defer db.mu.Unlock()
	t, err := db.controlTable(in.TableName)
	if err != nil {
		return nil, err
	}
	name := t.meta.Name
	now := db.now()
	if err := checkTTLChange(t.meta.TTL, attrName, enable, t.meta.TTL.status(now, db.ttlSettle)); err != nil {
		return nil, err
	}
	m := t.meta
	m.TTL = &tableTTL{Attribute: attrName, Enabled: enable, ChangedMillis: now.UnixMilli()}
	nt := db.catalogTable(m)
	err = db.store.Update(func(tx *store.Tx) error {
		if _, err := tx.DeleteRange(store.TTLPrefix(m.ID)); err != nil {
			return err
		}
		if enable {
			if err := nt.buildTTLSchedule(tx, attrName); err != nil {
				return err
			}
		}
		rec, err := nt.encodeMeta()
		if err != nil {
			return err
		}
		return tx.Set(store.TableKey(name), rec)
	})
	if err != nil {
		return nil, fmt.Errorf("update time to live of %s: %w", name, err)
	}
	db.tables[name] = nt
	return &UpdateTimeToLiveOutput{TimeToLiveSpecification: &TimeToLiveSpecification{AttributeName: &attrName, Enabled: &enable}}, nil
}

func validateUpdateTTL(in *UpdateTimeToLiveInput) error {
	var c constraints
	c.tableName(in.TableName, "tableName")
	spec := in.TimeToLiveSpecification
	c.notNull(spec != nil, "timeToLiveSpecification")
	if spec != nil {
		c.notNull(spec.AttributeName != nil, "timeToLiveSpecification.attributeName")
		if a := spec.AttributeName; a != nil && len(*a) < 1 {
			c.add(quote(*a), "timeToLiveSpecification.attributeName", "Member must have length greater than or equal to 1")
		}
		if a := spec.AttributeName; a != nil && len(*a) > 255 {
			c.add(quote(*a), "timeToLiveSpecification.attributeName", "Member must have length less than or equal to 255")
		}
		c.notNull(spec.Enabled != nil, "timeToLiveSpecification.enabled")
	}
	return c.err()
}

// checkTTLChange applies the service's rules for a TTL change, conflicts
// first and the change interval last (an enable twice is "already enabled"
// even when it is also too soon).
func checkTTLChange(cur *tableTTL, attrName string, enable bool, status string) error {
	on := cur != nil && cur.Enabled // ENABLING or ENABLED
	if enable {
		if on && cur.Attribute == attrName {
			return validationError("TimeToLive is already enabled")
		}
		if on {
			return validationError("TimeToLive is active on a different AttributeName")
		}
		if status == TTLDisabling {
			return validationError("Time to live has been modified multiple times within a fixed interval")
		}
		return nil
	}
	if !on {
		return validationError("TimeToLive is already disabled")
	}
	if cur.Attribute != attrName {
		return validationError("TimeToLive is active on a different AttributeName")
	}
	if status == TTLEnabling {
		return validationError("Time to live has been modified multiple times within a fixed interval")
	}
	return nil
}

// DescribeTimeToLive reports a table's TTL status.
func (db *DB) DescribeTimeToLive(ctx context.Context, in *DescribeTimeToLiveInput) (*DescribeTimeToLiveOutput, error) {
	var c constraints
	c.tableName(in.TableName, "tableName")
	if err := c.err(); err != nil {
		return nil, err
	}
	db.mu.RLock()
	defer db.mu.RUnlock()
	t, err := db.controlTable(in.TableName)
	if err != nil {
		return nil, err
	}
	d := &TimeToLiveDescription{TimeToLiveStatus: t.meta.TTL.reported()}
	if d.TimeToLiveStatus != TTLDisabled {
		d.AttributeName = t.meta.TTL.Attribute
	}
	return &DescribeTimeToLiveOutput{TimeToLiveDescription: d}, nil
}

// ttlExpiry is the schedule position of a TTL attribute value: its whole
// epoch seconds. ok is false for values that can never expire: anything
// but a Number, and negative numbers (more than five years in the past).
// Expiries beyond the uint64 range are clamped.
func ttlExpiry(v attr.Value) (exp uint64, ok bool) {
	if v.Type() != attr.TypeN {
		return 0, false
	}
	neg, digits, e := v.NumberParts()
	if neg {
		return 0, false
	}
	if e <= 0 || digits == "" {
		return 0, true
	}
	if e > 19 {
		return 1<<64 - 1, true
	}
	for i := range e {
		d := uint64(0)
		if i < len(digits) {
			d = uint64(digits[i] - '0')
		}
		exp = exp*10 + d
	}
	return exp, true
}

// ttlEntry returns the schedule key and value of an item, or ok false when
// the item has no expiring TTL attribute.
func (t *table) ttlEntry(key, attrName string, item attr.Item) (k, v string, ok bool) {
	if item == nil {
		return "", "", false
	}
	val, has := item[attrName]
	if !has {
		return "", "", false
	}
	exp, ok := ttlExpiry(val)
	if !ok {
		return "", "", false
	}
	return store.TTLKey(t.meta.ID, exp, key[len(t.prefix):]), val.Str(), true
}

// updateTTLSchedule moves an item's schedule entry from old's to item's.
func (t *table) updateTTLSchedule(tx *store.Tx, key, attrName string, old, item attr.Item) error {
	ok, ov, hadOld := t.ttlEntry(key, attrName, old)
	nk, nv, hasNew := t.ttlEntry(key, attrName, item)
	if hadOld && hasNew && ok == nk && ov == nv {
		return nil
	}
	if hadOld && (!hasNew || ok != nk) {
		if err := tx.Delete(ok); err != nil {
			return err
		}
	}
	if hasNew {
		return tx.Set(nk, nv)
	}
	return nil
}

// buildTTLSchedule enters every item of the table in the schedule (when
// TTL is enabled). Items are collected first: buntdb forbids writing
// during an iteration.
func (t *table) buildTTLSchedule(tx *store.Tx, attrName string) error {
	prefix := string(t.prefix)
	type entry struct{ k, v string }
	var entries []entry
	var err error
	iterErr := tx.Ascend(prefix, func(key, value string) bool {
		if len(key) < len(prefix) || key[:len(prefix)] != prefix {
			return false
		}
		item, e := decodeStored(value)
		if e != nil {
			err = e
			return false
		}
		if k, v, ok := t.ttlEntry(key, attrName, item); ok {
			entries = append(entries, entry{k, v})
		}
		return true
	})
	if err = errors.Join(iterErr, err); err != nil {
		return err
	}
	for _, e := range entries {
		if err := tx.Set(e.k, e.v); err != nil {
			return err
		}
	}
	return nil
}

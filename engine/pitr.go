package engine

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"dynalab/engine/attr"
	"dynalab/engine/internal/store"
)

// Point-in-time recovery (issue #11).
//
// While PITR is enabled, every item change is logged in the write's own
// transaction (recordChange → logPITR): the item's new image, or its
// deletion, under
//
//	"l/" tid len(key) key t     value "P" + stored item JSON, or "D"
//
// where key is the item's store key without "i/" tid (4-byte big-endian
// length first, so one item's entries are one contiguous range whatever
// the key encoding) and t the commit time, 8-byte big-endian Unix
// nanoseconds: an item's history in time order. Enabling PITR writes every
// current item as an entry at the enable time, under the exclusive catalog
// lock (no write can interleave), so the log alone is a complete base:
// the table at time T is, for each item, its last entry at or before T
// when that is a "P". A restore (RestoreTableToPointInTime) or an export
// (ExportTableToPointInTime) scans the table's log once in a read
// transaction and keeps those images.
//
// Retention folds the log: once the window start (now − RecoveryPeriodInDays)
// has moved pitrFoldEvery past the last fold, RunMaintenance walks the
// table's log (pitrFoldBatch entries per transaction) and, for each item,
// deletes every entry older than the cutoff except the newest one, which
// it also deletes when it is a deletion. Restores to any time at or after
// the cutoff are unchanged; the cutoff is saved ("L/" tid, the fold
// watermark) and EarliestRestorableDateTime never goes before it. Cost:
// the log holds one image per live item (a second copy of the table) plus
// every change of the last RecoveryPeriodInDays + up to pitrFoldEvery, and a
// fold reads the table's whole log once per pitrFoldEvery.
//
// LatestRestorableDateTime is now: a local change is in the log when its
// write commits (the service's is typically five minutes before now).
// Disabling PITR, or deleting the table, drops the log (the service keeps
// a system backup of a deleted PITR table for 35 days; dynalab does not).

// PITR constants.
const (
	CodePITRUnavailable     = "PointInTimeRecoveryUnavailableException"
	CodeInvalidRestoreTime  = "InvalidRestoreTimeException"
	PITRStatusEnabled       = "ENABLED"
	PITRStatusDisabled      = "DISABLED"
	ContinuousBackupsOn     = "ENABLED"
	DefaultPITRPeriodInDays = 35
	pitrLogPrefix           = "l/"
	pitrFoldedPrefix        = "L/"
	pitrFoldEvery           = time.Hour
	pitrFoldBatch           = 1000
	pitrPut                 = 'P'
	pitrDelete              = 'D'
)

// tablePITR is a table's PITR setting (tableMeta.PITR).
type tablePITR struct {
	Enabled       bool  `json:"enabled"`
	Days          int64 `json:"days"`
	EnabledMillis int64 `json:"enabledAt"` // when the log's base was written
}

// PointInTimeRecoverySpecification is UpdateContinuousBackups' setting.
type PointInTimeRecoverySpecification struct {
	PointInTimeRecoveryEnabled *bool  `json:"PointInTimeRecoveryEnabled"`
	RecoveryPeriodInDays       *int64 `json:"RecoveryPeriodInDays,omitempty"`
}

// UpdateContinuousBackupsInput is the UpdateContinuousBackups request.
type UpdateContinuousBackupsInput struct {
	TableName                        string                            `json:"TableName"`
	PointInTimeRecoverySpecification *PointInTimeRecoverySpecification `json:"PointInTimeRecoverySpecification"`
}

// UpdateContinuousBackupsOutput is the UpdateContinuousBackups response.
type UpdateContinuousBackupsOutput struct {
	ContinuousBackupsDescription *ContinuousBackupsDescription `json:"ContinuousBackupsDescription"`
}

// DescribeContinuousBackupsInput is the DescribeContinuousBackups request.
type DescribeContinuousBackupsInput struct {
	TableName string `json:"TableName"`
}

// DescribeContinuousBackupsOutput is the DescribeContinuousBackups response.
type DescribeContinuousBackupsOutput struct {
	ContinuousBackupsDescription *ContinuousBackupsDescription `json:"ContinuousBackupsDescription"`
}

// ContinuousBackupsDescription describes a table's continuous backups.
type ContinuousBackupsDescription struct {
	ContinuousBackupsStatus        string                          `json:"ContinuousBackupsStatus"`
	PointInTimeRecoveryDescription *PointInTimeRecoveryDescription `json:"PointInTimeRecoveryDescription"`
}

// PointInTimeRecoveryDescription is the PITR part of it.
type PointInTimeRecoveryDescription struct {
	PointInTimeRecoveryStatus  string   `json:"PointInTimeRecoveryStatus"`
	EarliestRestorableDateTime *float64 `json:"EarliestRestorableDateTime,omitempty"`
	LatestRestorableDateTime   *float64 `json:"LatestRestorableDateTime,omitempty"`
	RecoveryPeriodInDays       *int64   `json:"RecoveryPeriodInDays,omitempty"`
}

// UpdateContinuousBackups enables or disables PITR. Enabling writes the
// log's base (every item, at now); enabling an enabled table only changes
// its recovery period; disabling drops the log.
func (db *DB) UpdateContinuousBackups(ctx context.Context, in *UpdateContinuousBackupsInput) (*UpdateContinuousBackupsOutput, error) {
	var c constraints
	c.tableName(in.TableName, "tableName")
	spec := in.PointInTimeRecoverySpecification
	c.notNull(spec != nil, "pointInTimeRecoverySpecification")
	if spec != nil {
		c.notNull(spec.PointInTimeRecoveryEnabled != nil, "pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled")
		c.minInt(spec.RecoveryPeriodInDays, "pointInTimeRecoverySpecification.recoveryPeriodInDays", 1)
		c.maxInt(spec.RecoveryPeriodInDays, "pointInTimeRecoverySpecification.recoveryPeriodInDays", DefaultPITRPeriodInDays)
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	enable := *spec.PointInTimeRecoveryEnabled
	if !enable && spec.RecoveryPeriodInDays != nil {
		// Wording a guess.
		return nil, validationError("RecoveryPeriodInDays can only be specified when PointInTimeRecoveryEnabled is true")
	}
	name := tableNameFromARN(in.TableName)
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.closed {
		return nil, ErrClosed
	}
	t := db.tables[name]
	if t == nil {
		return nil, errTableNotFoundBackup(name)
	}
	now := db.now()
	m := t.meta
	old := m.PITR
	switch {
	case enable && old != nil && old.Enabled:
		p := *old
		if spec.RecoveryPeriodInDays != nil {
			p.Days = *spec.RecoveryPeriodInDays
		}
		m.PITR = &p
	case enable:
		days := int64(DefaultPITRPeriodInDays)
		if spec.RecoveryPeriodInDays != nil {
			days = *spec.RecoveryPeriodInDays
		}
		m.PITR = &tablePITR{Enabled: true, Days: days, EnabledMillis: now.UnixMilli()}
	default:
		m.PITR = nil
	}
	nt := db.catalogTable(m)
	if enable && (old == nil || !old.Enabled) {
		if err := db.writePITRBase(t, now); err != nil {
			return nil, fmt.Errorf("enable point in time recovery of %s: %w", name, err)
		}
	}
	rec, err := nt.encodeMeta()
	if err != nil {
		return nil, err
	}
	var folded int64
	err = db.store.Update(func(tx *store.Tx) error {
		if !enable {
			if err := dropPITRLog(tx, m.ID); err != nil {
				return err
			}
		} else if folded, err = readPITRFolded(tx, m.ID); err != nil {
			return err
		}
		return tx.Set(store.TableKey(name), rec)
	})
	if err != nil {
		return nil, fmt.Errorf("update continuous backups of %s: %w", name, err)
	}
	db.tables[name] = nt
	return &UpdateContinuousBackupsOutput{ContinuousBackupsDescription: describePITR(m.PITR, folded, now)}, nil
}

// DescribeContinuousBackups describes a table's PITR setting and window.
func (db *DB) DescribeContinuousBackups(ctx context.Context, in *DescribeContinuousBackupsInput) (*DescribeContinuousBackupsOutput, error) {
	var c constraints
	c.tableName(in.TableName, "tableName")
	if err := c.err(); err != nil {
		return nil, err
	}
	name := tableNameFromARN(in.TableName)
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.closed {
		return nil, ErrClosed
	}
	t := db.tables[name]
	if t == nil {
		return nil, errTableNotFoundBackup(name)
	}
	var folded int64
	if p := t.meta.PITR; p != nil && p.Enabled {
		err := db.store.View(func(tx *store.Tx) error {
			var err error
			folded, err = readPITRFolded(tx, t.meta.ID)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("describe continuous backups of %s: %w", name, err)
		}
	}
	return &DescribeContinuousBackupsOutput{ContinuousBackupsDescription: describePITR(t.meta.PITR, folded, db.now())}, nil
}

func describePITR(p *tablePITR, folded int64, now time.Time) *ContinuousBackupsDescription {
	d := &PointInTimeRecoveryDescription{PointInTimeRecoveryStatus: PITRStatusDisabled}
	if p != nil && p.Enabled {
		lo, hi := p.window(folded, now)
		early, late, days := epochSeconds(lo), epochSeconds(hi), p.Days
		d = &PointInTimeRecoveryDescription{
			PointInTimeRecoveryStatus:  PITRStatusEnabled,
			EarliestRestorableDateTime: &early, LatestRestorableDateTime: &late, RecoveryPeriodInDays: &days,
		}
	}
	return &ContinuousBackupsDescription{ContinuousBackupsStatus: ContinuousBackupsOn, PointInTimeRecoveryDescription: d}
}

// window is the restorable time range: from the latest of the enable
// time, the fold watermark and now − the recovery period, to now.
func (p *tablePITR) window(folded int64, now time.Time) (lo, hi time.Time) {
	from := max(p.EnabledMillis, folded, now.Add(-time.Duration(p.Days)*24*time.Hour).UnixMilli())
	return time.UnixMilli(from), now
}

// pitrPrefix is the store prefix of a table's PITR log.
func pitrPrefix(tid uint32) string {
	return pitrLogPrefix + string(binary.BigEndian.AppendUint32(nil, tid))
}

func pitrFoldedKey(tid uint32) string {
	return pitrFoldedPrefix + string(binary.BigEndian.AppendUint32(nil, tid))
}

// pitrKey is the log key of a change of the item at store key key at t.
func (t *table) pitrKey(key string, at time.Time) string {
	suffix := key[len(t.prefix):]
	buf := make([]byte, 0, 2+4+4+len(suffix)+8)
	buf = append(buf, pitrPrefix(t.meta.ID)...)
	buf = binary.BigEndian.AppendUint32(buf, uint32(len(suffix)))
	buf = append(buf, suffix...)
	buf = binary.BigEndian.AppendUint64(buf, uint64(at.UnixNano()))
	return string(buf)
}

// splitPITRKey returns a log key's item part (its group) and time.
func splitPITRKey(k string) (group string, at int64, ok bool) {
	const head = len(pitrLogPrefix) + 4
	if len(k) < head+4+8 {
		return "", 0, false
	}
	n := int(binary.BigEndian.Uint32([]byte(k[head : head+4])))
	if len(k) != head+4+n+8 {
		return "", 0, false
	}
	return k[head : head+4+n], int64(binary.BigEndian.Uint64([]byte(k[len(k)-8:]))), true
}

// logPITR records the item at key becoming item (nil: deleted) in tx.
// recordChange calls it for every change while PITR is enabled.
func (t *table) logPITR(tx *store.Tx, key string, item attr.Item) error {
	at := t.db.now()
	if item == nil {
		return tx.Set(t.pitrKey(key, at), string(pitrDelete))
	}
	size := item.Size()
	buf := make([]byte, 1, 1+attr.StoredCap(item, size))
	buf[0] = pitrPut
	return tx.Set(t.pitrKey(key, at), bytesString(attr.AppendStored(buf, item, size)))
}

// writePITRBase replaces the table's log by its current items at now, a
// batch per transaction. The caller holds the catalog exclusively.
func (db *DB) writePITRBase(t *table, now time.Time) error {
	if err := db.store.Update(func(tx *store.Tx) error { return dropPITRLog(tx, t.meta.ID) }); err != nil {
		return err
	}
	prefix := string(t.prefix)
	from := prefix
	for from != "" {
		err := db.store.Update(func(tx *store.Tx) error {
			type kv struct{ k, v string }
			var batch []kv
			next := ""
			err := tx.Ascend(from, func(k, v string) bool {
				if !strings.HasPrefix(k, prefix) {
					return false
				}
				if len(batch) == pitrFoldBatch {
					next = k
					return false
				}
				batch = append(batch, kv{k, v})
				return true
			})
			if err != nil {
				return err
			}
			for _, e := range batch {
				if err := tx.Set(t.pitrKey(e.k, now), string(pitrPut)+e.v); err != nil {
					return err
				}
			}
			from = next
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// dropPITRLog deletes a table's log and fold watermark.
func dropPITRLog(tx *store.Tx, tid uint32) error {
	if _, err := tx.DeleteRange(pitrPrefix(tid)); err != nil {
		return err
	}
	return tx.Delete(pitrFoldedKey(tid))
}

func readPITRFolded(tx *store.Tx, tid uint32) (int64, error) {
	v, err := tx.Get(pitrFoldedKey(tid))
	if errors.Is(err, store.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	ms, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("corrupt PITR fold watermark %q", v)
	}
	return ms, nil
}

// pitrItemsAt returns the table's items as they were at the given time
// (Unix nanoseconds), from its log, in log order.
func pitrItemsAt(tx *store.Tx, t *table, at int64) ([]attr.Item, error) {
	prefix := pitrPrefix(t.meta.ID)
	var items []attr.Item
	var group, last string // the current item and its latest image ≤ at
	var err error
	flush := func() {
		if err == nil && len(last) > 0 && last[0] == pitrPut {
			var it attr.Item
			if it, err = decodeStored(last[1:]); err == nil {
				items = append(items, it)
			}
		}
		last = ""
	}
	iterErr := tx.Ascend(prefix, func(k, v string) bool {
		if !strings.HasPrefix(k, prefix) {
			return false
		}
		g, ts, ok := splitPITRKey(k)
		if !ok {
			err = fmt.Errorf("corrupt PITR log key %q", k)
			return false
		}
		if g != group {
			flush()
			group = g
		}
		if ts <= at {
			last = v
		}
		return err == nil
	})
	flush()
	if err := errors.Join(iterErr, err); err != nil {
		return nil, err
	}
	return items, nil
}

// foldPITR folds the logs of PITR tables whose window start has moved
// pitrFoldEvery past their last fold (RunMaintenance).
func (db *DB) foldPITR(now time.Time) error {
	type due struct {
		name   string
		id     uint32
		cutoff int64
	}
	db.mu.RLock()
	if db.closed {
		db.mu.RUnlock()
		return ErrClosed
	}
	var list []due
	err := db.store.View(func(tx *store.Tx) error {
		for _, name := range db.tableNames() {
			t := db.tables[name]
			p := t.meta.PITR
			if p == nil || !p.Enabled {
				continue
			}
			folded, err := readPITRFolded(tx, t.meta.ID)
			if err != nil {
				return err
			}
			cutoff := now.Add(-time.Duration(p.Days) * 24 * time.Hour).UnixMilli()
			if cutoff-max(folded, p.EnabledMillis) >= pitrFoldEvery.Milliseconds() {
				list = append(list, due{name, t.meta.ID, cutoff})
			}
		}
		return nil
	})
	db.mu.RUnlock()
	if err != nil {
		return err
	}
	for _, d := range list {
		if err := db.foldPITRTable(d.name, d.id, d.cutoff); err != nil {
			return fmt.Errorf("fold point-in-time log of %s: %w", d.name, err)
		}
	}
	return nil
}

// foldPITRTable folds one table's log at cutoff (epoch ms), a batch per
// transaction, ending each batch at an item boundary, and saves the
// watermark with the last batch. It holds the catalog shared, so the table
// cannot be deleted or PITR disabled underneath.
func (db *DB) foldPITRTable(name string, tid uint32, cutoff int64) error {
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.closed {
		return ErrClosed
	}
	if t := db.tables[name]; t == nil || t.meta.ID != tid || t.meta.PITR == nil || !t.meta.PITR.Enabled {
		return nil
	}
	prefix := pitrPrefix(tid)
	cut := time.UnixMilli(cutoff).UnixNano()
	from := prefix
	for from != "" {
		err := db.store.Update(func(tx *store.Tx) error {
			var drop, old []string // keys to delete; the current item's entries before the cutoff
			var group, lastOld, next string
			visited := 0
			var perr error
			endGroup := func() {
				if n := len(old); n > 0 {
					drop = append(drop, old[:n-1]...)
					if lastOld[0] == pitrDelete {
						drop = append(drop, old[n-1])
					}
				}
				old = old[:0]
			}
			err := tx.Ascend(from, func(k, v string) bool {
				if !strings.HasPrefix(k, prefix) {
					return false
				}
				g, ts, ok := splitPITRKey(k)
				if !ok || v == "" {
					perr = fmt.Errorf("corrupt PITR log entry %q", k)
					return false
				}
				if g != group {
					endGroup()
					if visited >= pitrFoldBatch {
						next = k
						return false
					}
					group = g
				}
				visited++
				if ts < cut {
					old = append(old, k)
					lastOld = v
				}
				return true
			})
			if err := errors.Join(err, perr); err != nil {
				return err
			}
			endGroup()
			for _, k := range drop {
				if err := tx.Delete(k); err != nil {
					return err
				}
			}
			from = next
			if next == "" {
				return tx.Set(pitrFoldedKey(tid), strconv.FormatInt(cutoff, 10))
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

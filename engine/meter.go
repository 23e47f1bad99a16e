package engine

import (
	"encoding/base64"
	"hash/maphash"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"dynalab/engine/attr"
	"dynalab/engine/pricing"
)

// Metering charges every data-plane operation's capacity to its table's
// meter, which throttles like the service and keeps a per-second history.
//
// What is modeled (AWS Developer Guide pages ProvisionedThroughput.html,
// bp-partition-key-design.html, burst-adaptive-capacity.html):
//
//   - Provisioned tables have a read and a write token bucket refilled at
//     each whole second with the provisioned rate, banking up to 300
//     seconds of unused capacity as burst. A request is admitted while its
//     bucket holds any tokens and is charged its real units afterwards, so a
//     large request may overdraw the bucket (as the service's Query does);
//     the debt is repaid by later refills. New tables start with a full
//     burst bucket.
//   - Every partition key is served 3,000 RCU and 1,000 WCU per second —
//     the per-partition limit — on provisioned and on-demand tables alike,
//     and like a partition it banks what it leaves unused, up to 300
//     seconds' worth, as burst capacity ("Whenever you're not fully using a
//     partition's throughput, DynamoDB reserves a portion of that unused
//     capacity for later bursts", burst-adaptive-capacity.html). So a key
//     may take a burst far above 1,000 WCU — the service accepts test suites
//     that write 30 items of 49 KB to one key at once — but sustained load
//     above the limit drains the bank, and then the key is served exactly
//     the limit each second: a hot key still throttles. Adaptive capacity
//     (and the on-demand split for heat) is modeled as instant and
//     complete: a hot key may use any of the table's capacity up to its
//     per-key allowance, so only the table bucket and the per-key bank
//     throttle. (AWS re:Post's "spiky workloads" note says burst capacity
//     cannot lift the per-partition limit; what the service accepts says
//     otherwise for bursts, and this follows what it accepts.) The
//     partition count (from throughput and size) is reported, not
//     enforced per range.
//   - On-demand tables are never throttled by the table bucket; their
//     consumption is metered all the same.

// Partition and burst constants.
const (
	burstSeconds   = 300                  // unused capacity banked, in seconds of provisioned rate
	partitionRCU   = pricing.PartitionRCU // read units one partition (and so one key) serves per second
	partitionWCU   = pricing.PartitionWCU // write units one partition serves per second
	historySeconds = 3600                 // per-second samples kept per table
	hotKeysShown   = 5                    // hottest keys named per sample
	keySlots       = 1024                 // per-key counters per table (a power of two)

	keyBurstRCU = burstSeconds * partitionRCU // read units one partition key banks at most
	keyBurstWCU = burstSeconds * partitionWCU // write units one partition key banks at most
)

// Service throttling messages, as the API Reference's
// TransactionCanceledException lists them for its cancellation reasons.
const (
	msgProvisionedExceeded = "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API."
	msgOnDemandThrottled   = "Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your table or index so please try again shortly. If exceptions persist, check if you have a hot key: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html."
)

// opKind names the metered operations; its order is the order of
// CapacitySample.Operations.
type opKind uint8

const (
	opGetItem opKind = iota
	opPutItem
	opUpdateItem
	opDeleteItem
	opQuery
	opScan
	opBatchGetItem
	opBatchWriteItem
	opTransactGetItems
	opTransactWriteItems
	opCount
)

var opNames = [opCount]string{"GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan",
	"BatchGetItem", "BatchWriteItem", "TransactGetItems", "TransactWriteItems"}

// CapacitySample is one second of one table's metering.
type CapacitySample struct {
	Time  time.Time // the second's start
	Table string
	Index string // "" for the table itself

	ConsumedRCU, ConsumedWCU       float64 // units consumed in the second
	ProvisionedRCU, ProvisionedWCU float64 // 0 for on-demand tables
	OnDemand                       bool
	ThrottledReads                 int // read requests refused in the second
	ThrottledWrites                int // write requests refused in the second
	ReturnedItems, ScannedItems    int // by Query, Scan and the Get operations
	ItemCount, SizeBytes           int64
	Partitions                     int
	Operations                     []OperationStats // operations that ran, in opKind order
	HotKeys                        []HotKey         // hottest partition keys, hottest first
}

// OperationStats counts one operation's successful requests in a second.
type OperationStats struct {
	Operation string
	Requests  int
	Latency   time.Duration // total over the requests
}

// HotKey is a partition key's consumption in one second.
type HotKey struct {
	Key        string  // the key value as text (B as base64)
	ReadUnits  float64 // RCU it consumed
	WriteUnits float64 // WCU it consumed
}

// meter holds the table meters and the capacity subscribers.
type meter struct {
	now       func() time.Time
	throttle  bool // refuse requests beyond capacity (Options.NoThrottle unset)
	realClock bool // now is time.Now (no injected clock)

	onThrottle atomic.Pointer[func(ThrottleNotice)] // DB.OnThrottle's callback

	mu     sync.Mutex
	tables map[uint32]*tableMeter // by table id
	subs   map[chan CapacitySample]struct{}
	closed bool
}

// close ends every subscription.
func (m *meter) close() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	for ch := range m.subs {
		close(ch)
		delete(m.subs, ch)
	}
}

func newMeter(now func() time.Time, throttle, realClock bool) *meter {
	return &meter{now: now, throttle: throttle, realClock: realClock, tables: map[uint32]*tableMeter{}, subs: map[chan CapacitySample]struct{}{}}
}

// second is the second a request finishing at the wall-clock time end
// falls in: end itself on the real clock (one clock read fewer per
// request), the injected clock's second otherwise.
func (m *meter) second(end time.Time) int64 {
	if m.realClock {
		return end.Unix()
	}
	return m.now().Unix()
}

// table returns the meter of a catalog record, creating it or updating its
// throughput, and does the same for the meters of its GSIs (each GSI has
// its own, keyed by its id; LSIs share the table's).
func (m *meter) table(meta tableMeta, arn string) *tableMeter {
	m.mu.Lock()
	tm := m.tables[meta.ID]
	if tm == nil {
		tm = &tableMeter{meter: m, id: meta.ID, arn: arn, name: meta.Name}
		m.tables[meta.ID] = tm
	}
	var ims []*tableMeter
	if len(meta.Indexes) > 0 {
		ims = make([]*tableMeter, len(meta.Indexes))
	}
	live := map[uint32]bool{}
	for i, im := range meta.Indexes {
		if !im.Global {
			continue
		}
		x := m.tables[im.ID]
		if x == nil {
			x = &tableMeter{meter: m, id: im.ID, tid: meta.ID, arn: arn + "/index/" + im.Name, name: meta.Name, index: im.Name}
			m.tables[im.ID] = x
		}
		ims[i] = x
		live[im.ID] = true
	}
	for id, x := range m.tables {
		if x.tid == meta.ID && !live[id] {
			delete(m.tables, id)
		}
	}
	m.mu.Unlock()
	sec := m.now().Unix()
	tm.configure(meta, sec)
	for i, x := range ims {
		if x != nil {
			im := meta.Indexes[i]
			x.configure(tableMeta{Name: meta.Name, BillingMode: meta.BillingMode, ReadCapacity: im.ReadCapacity, WriteCapacity: im.WriteCapacity}, sec)
		}
	}
	tm.mu.Lock()
	tm.indexes = ims
	tm.mu.Unlock()
	return tm
}

// drop forgets a deleted table's meter and its GSIs'.
func (m *meter) drop(id uint32) {
	m.mu.Lock()
	delete(m.tables, id)
	for iid, x := range m.tables {
		if x.tid == id {
			delete(m.tables, iid)
		}
	}
	m.mu.Unlock()
}

// all returns the table meters in name order.
func (m *meter) all() []*tableMeter {
	m.mu.Lock()
	out := make([]*tableMeter, 0, len(m.tables))
	for _, tm := range m.tables {
		out = append(out, tm)
	}
	m.mu.Unlock()
	slices.SortFunc(out, func(a, b *tableMeter) int {
		switch {
		case a.name != b.name:
			return strings.Compare(a.name, b.name)
		case a.index != b.index:
			return strings.Compare(a.index, b.index)
		}
		return 0
	})
	return out
}

// publish sends samples to every subscriber, dropping them for a
// subscriber whose buffer is full: a slow reader never slows writes.
func (m *meter) publish(samples []CapacitySample) {
	if len(samples) == 0 {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for ch := range m.subs {
		for _, s := range samples {
			select {
			case ch <- s:
			default:
			}
		}
	}
}

// tick closes the seconds that have ended on every table, with fresh item
// counts, and publishes their samples. The background worker calls it.
func (m *meter) tick(stats func(tm *tableMeter) (items, bytes int64)) {
	sec := m.now().Unix()
	for _, tm := range m.all() {
		items, bytes := stats(tm)
		tm.mu.Lock()
		tm.items, tm.bytes = items, bytes
		samples := tm.roll(sec)
		tm.mu.Unlock()
		m.publish(samples)
	}
}

// bucket is a token bucket refilled once a second.
type bucket struct {
	tokens float64
	sec    int64 // second of the last refill
}

func (b *bucket) refill(sec int64, rate float64) {
	if sec > b.sec {
		b.tokens = min(rate*burstSeconds, b.tokens+rate*float64(sec-b.sec))
		b.sec = sec
	}
}

// keyUse is one partition key's consumption in the current second.
type keyUse struct {
	hash     uint64 // keyHash(pk)
	pk       attr.Value
	rcu, wcu float64
}

func (u *keyUse) used() bool { return !u.pk.IsZero() }

// tableMeter meters one table, or one GSI (index != "").
type tableMeter struct {
	meter *meter
	id    uint32 // the table's id, or the GSI's
	tid   uint32 // a GSI's table id (0 for a table)
	arn   string
	index string // the GSI's name ("" for a table)

	mu               sync.Mutex
	name             string
	onDemand         bool
	provRCU, provWCU float64
	maxRCU, maxWCU   float64 // on-demand maxima per second (0: none)
	read, write      bucket
	items, bytes     int64 // as of the last tick

	sec     int64               // the second being accumulated
	cur     secondUse           // its consumption
	keys    *keyCounts          // its per-key consumption (nil until a keyed request)
	banks   map[uint64]*keyBank // burst banks of the partition keys whose bank is not full
	noticed bool                // the first throttle has been reported (DB.OnThrottle)
	history []CapacitySample    // closed seconds, oldest first
	totals  secondUse           // since open, for /metrics

	// indexes are a table's GSI meters, aligned with its catalog's Indexes
	// (nil for LSIs). Set under mu when the catalog entry is built (under
	// the catalog's exclusive lock), so data-plane readers see them fixed.
	indexes []*tableMeter
}

// secondUse is what one second accumulates.
type secondUse struct {
	rcu, wcu               float64
	throttledR, throttledW int
	returned, scanned      int
	requests               [opCount]int
	latency                [opCount]time.Duration
}

// count adds one successful request.
func (s *secondUse) count(op opKind, took time.Duration, returned, scanned int) {
	s.requests[op]++
	s.latency[op] += took
	s.returned += returned
	s.scanned += scanned
}

func (tm *tableMeter) configure(meta tableMeta, sec int64) {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	// A new table, or one switched from on-demand, starts with a full
	// burst bucket; a throughput change keeps what was banked, up to the
	// new burst size.
	fresh := tm.sec == 0 || tm.onDemand
	tm.name = meta.Name
	tm.onDemand = meta.BillingMode == BillingPayPerRequest
	tm.maxRCU, tm.maxWCU = meta.OnDemand.limits()
	rcu, wcu := float64(meta.ReadCapacity), float64(meta.WriteCapacity)
	if tm.onDemand {
		rcu, wcu = 0, 0
	}
	tm.read.refill(sec, tm.provRCU)
	tm.write.refill(sec, tm.provWCU)
	tm.provRCU, tm.provWCU = rcu, wcu
	if tm.sec == 0 {
		tm.sec = sec
	}
	if fresh {
		tm.read = bucket{tokens: rcu * burstSeconds, sec: sec}
		tm.write = bucket{tokens: wcu * burstSeconds, sec: sec}
		return
	}
	tm.read.tokens = min(tm.read.tokens, rcu*burstSeconds)
	tm.write.tokens = min(tm.write.tokens, wcu*burstSeconds)
}

// keySeed seeds keyHash.
var keySeed = maphash.MakeSeed()

// keyHash identifies a partition key value in a table's per-key counts:
// its scalar payload hashed (a table's partition key has one type, so the
// payload is unique; 64-bit collisions are negligible).
func keyHash(pk attr.Value) uint64 { return maphash.String(keySeed, pk.Str()) }

// keyText is a partition key as people read it.
func keyText(pk attr.Value) string {
	if pk.Type() == attr.TypeB {
		return base64.StdEncoding.EncodeToString(pk.Bytes())
	}
	return strings.Clone(pk.Str()) // kept in the history: not the request's memory
}

// admit decides whether a request may run: nil, or the throttling error
// the service returns. pk is the partition key the request addresses
// (zero for a Scan). A refused request is counted as throttled.
func (tm *tableMeter) admit(write bool, pk attr.Value) *APIError {
	sec := tm.meter.now().Unix()
	tm.mu.Lock()
	samples := tm.roll(sec)
	err, notice := tm.admitLocked(write, pk, sec)
	tm.mu.Unlock()
	tm.meter.publish(samples)
	tm.meter.notify(notice)
	return err
}

// admitLocked is admit's decision, counting a refusal as a throttled
// request, and the table's first-throttle notice when this refusal is it
// (delivered by the caller after unlocking); the caller holds mu.
func (tm *tableMeter) admitLocked(write bool, pk attr.Value, sec int64) (*APIError, *ThrottleNotice) {
	err := tm.check(write, pk, sec)
	switch {
	case err == nil:
		return nil, nil
	case write:
		tm.cur.throttledW++
		tm.totals.throttledW++
	default:
		tm.cur.throttledR++
		tm.totals.throttledR++
	}
	return err, tm.firstThrottle(err, write, pk)
}

// check decides whether a request may run; the caller holds mu.
func (tm *tableMeter) check(write bool, pk attr.Value, sec int64) *APIError {
	if !tm.meter.throttle {
		return nil
	}
	kind := "Read"
	if write {
		kind = "Write"
	}
	if !pk.IsZero() && tm.keyExhausted(write, pk, sec) {
		return tm.throttled("Table" + kind + "KeyRangeThroughputExceeded")
	}
	if tm.onDemand {
		return tm.checkMax(write, kind)
	}
	if write {
		if err := tm.checkIndexes(sec); err != nil {
			return err
		}
	}
	b, rate := &tm.read, tm.provRCU
	if write {
		b, rate = &tm.write, tm.provWCU
	}
	b.refill(sec, rate)
	if b.tokens <= 0 {
		return tm.throttled("Table" + kind + "ProvisionedThroughputExceeded")
	}
	return nil
}

// throttled is the service's throttling error for reason: on-demand tables
// get ThrottlingException, provisioned ones
// ProvisionedThroughputExceededException.
func (tm *tableMeter) throttled(reason string) *APIError {
	e := &APIError{Code: CodeProvisionedThroughput, Message: msgProvisionedExceeded}
	if tm.onDemand {
		e = &APIError{Code: CodeThrottling, Message: msgOnDemandThrottled}
	}
	e.ThrottlingReasons = []ThrottlingReason{{Reason: reason, Resource: tm.arn}}
	return e
}

// take admits and charges one item of a batch in one step, so the items
// of one request drain the bucket one after the other.
func (tm *tableMeter) take(write bool, pk attr.Value, units float64) *APIError {
	sec := tm.meter.now().Unix()
	tm.mu.Lock()
	samples := tm.roll(sec)
	err, notice := tm.admitLocked(write, pk, sec)
	if err == nil {
		tm.chargeLocked(write, pk, units)
	}
	tm.mu.Unlock()
	tm.meter.publish(samples)
	tm.meter.notify(notice)
	return err
}

// charge records units consumed for partition key pk (zero: no key).
func (tm *tableMeter) charge(write bool, pk attr.Value, units float64) {
	sec := tm.meter.now().Unix()
	tm.mu.Lock()
	samples := tm.roll(sec)
	tm.chargeLocked(write, pk, units)
	tm.mu.Unlock()
	tm.meter.publish(samples)
}

func (tm *tableMeter) chargeLocked(write bool, pk attr.Value, units float64) {
	if write {
		tm.cur.wcu += units
		tm.totals.wcu += units
		if !tm.onDemand {
			tm.write.tokens -= units
		}
	} else {
		tm.cur.rcu += units
		tm.totals.rcu += units
		if !tm.onDemand {
			tm.read.tokens -= units
		}
	}
	if pk.IsZero() {
		return
	}
	if tm.keys == nil {
		tm.keys = new(keyCounts)
	}
	tm.keys.add(keyHash(pk), pk, write, units)
}

// chargeFailed charges a write that failed its condition: the service
// still consumes its units. Other failures consume nothing.
func (tm *tableMeter) chargeFailed(err error, write bool, pk attr.Value, units float64) {
	if ae, ok := err.(*APIError); ok && ae.Code == CodeConditionalCheckFailed {
		tm.charge(write, pk, units)
	}
}

// request counts one successful request of op that started at start and
// returned and scanned the given item counts.
func (tm *tableMeter) request(op opKind, start time.Time, returned, scanned int) {
	took := time.Since(start)
	sec := tm.meter.now().Unix()
	tm.mu.Lock()
	samples := tm.roll(sec)
	tm.cur.count(op, took, returned, scanned)
	tm.totals.count(op, took, returned, scanned)
	tm.mu.Unlock()
	tm.meter.publish(samples)
}

// use charges one single-item operation and counts it: the common case,
// under one lock.
func (tm *tableMeter) use(op opKind, write bool, pk attr.Value, units float64, start time.Time, returned int) {
	end := time.Now()
	took, sec := end.Sub(start), tm.meter.second(end)
	tm.mu.Lock()
	samples := tm.roll(sec)
	tm.chargeLocked(write, pk, units)
	tm.cur.count(op, took, returned, returned)
	tm.totals.count(op, took, returned, returned)
	tm.mu.Unlock()
	tm.meter.publish(samples)
}

// takeRead admits, charges and counts a single-item read that has already
// been done, under one lock: the read's units are known only once the
// item is, and refusing it afterwards looks the same to the client.
func (tm *tableMeter) takeRead(op opKind, pk attr.Value, units float64, start time.Time, returned int) *APIError {
	end := time.Now()
	took, sec := end.Sub(start), tm.meter.second(end)
	tm.mu.Lock()
	samples := tm.roll(sec)
	err, notice := tm.admitLocked(false, pk, sec)
	if err == nil {
		tm.chargeLocked(false, pk, units)
		tm.cur.count(op, took, returned, returned)
		tm.totals.count(op, took, returned, returned)
	}
	tm.mu.Unlock()
	tm.meter.publish(samples)
	tm.meter.notify(notice)
	return err
}

// roll closes the accumulated second when sec is past it and returns the
// samples of the closed seconds (idle seconds included, at most an hour of
// them). The caller holds mu and publishes the samples after unlocking.
func (tm *tableMeter) roll(sec int64) []CapacitySample {
	if sec <= tm.sec {
		return nil
	}
	if sec-tm.sec > historySeconds {
		tm.sec = sec - historySeconds - 1
		tm.cur = secondUse{}
		if tm.keys != nil {
			tm.keys.reset()
		}
		tm.banks = nil // an hour idle refills every bank
	}
	samples := make([]CapacitySample, 0, sec-tm.sec)
	samples = append(samples, tm.sample()) // the accumulated second
	tm.settleBanks(tm.sec)
	tm.cur = secondUse{}
	if tm.keys != nil {
		tm.keys.reset()
	}
	for tm.sec++; tm.sec < sec; tm.sec++ {
		samples = append(samples, tm.sample()) // idle seconds
	}
	// The history keeps at least the last hour; trimming when it reaches
	// two hours keeps the cost per second constant.
	tm.history = append(tm.history, samples...)
	if len(tm.history) >= 2*historySeconds {
		tm.history = tm.history[:copy(tm.history, tm.history[len(tm.history)-historySeconds:])]
	}
	return samples
}

// sample is the current second as a CapacitySample; the caller holds mu.
// A new on-demand table's warm throughput: "A new on-demand table starts
// with a warm throughput of 12,000 read units per second and 4,000 write
// units per second" (Developer Guide, warm-throughput-scenarios.html), at
// the documented 3,000 RCU and 1,000 WCU a partition serves: four
// partitions, as Amazon Keyspaces, built on the same storage, documents
// for its on-demand tables (keyspaces/latest/devguide/table_scans.html:
// "creates a table in on-demand capacity mode with four partitions by
// default").
const (
	onDemandWarmRCU = 12000
	onDemandWarmWCU = 4000
)

// partitionsLocked is how many partitions the service would use for the
// table: the documented model (pricing.PartitionsFor) of its provisioned
// throughput and size, or for an on-demand table the partitions its
// initial warm throughput needs, each serving 3,000 RCU and 1,000 WCU
// ("each individual partition is limited to 1,000 write units per second
// and 3,000 read units per second", warm-throughput-scenarios.html): 4,
// or more for its size. The caller holds tm.mu.
func (tm *tableMeter) partitionsLocked() int {
	p := pricing.PartitionsFor(tm.provRCU, tm.provWCU, tm.bytes)
	if !tm.onDemand {
		return p.Total
	}
	return max(onDemandWarmRCU/pricing.PartitionRCU, onDemandWarmWCU/pricing.PartitionWCU, p.ForSize)
}

func (tm *tableMeter) partitions() int {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.partitionsLocked()
}

func (tm *tableMeter) sample() CapacitySample {
	s := CapacitySample{
		Time:            time.Unix(tm.sec, 0).UTC(),
		Table:           tm.name,
		Index:           tm.index,
		ConsumedRCU:     tm.cur.rcu,
		ConsumedWCU:     tm.cur.wcu,
		ProvisionedRCU:  tm.provRCU,
		ProvisionedWCU:  tm.provWCU,
		OnDemand:        tm.onDemand,
		ThrottledReads:  tm.cur.throttledR,
		ThrottledWrites: tm.cur.throttledW,
		ReturnedItems:   tm.cur.returned,
		ScannedItems:    tm.cur.scanned,
		ItemCount:       tm.items,
		SizeBytes:       tm.bytes,
		Partitions:      tm.partitionsLocked(),
	}
	for op, n := range tm.cur.requests {
		if n > 0 {
			s.Operations = append(s.Operations, OperationStats{Operation: opNames[op], Requests: n, Latency: tm.cur.latency[op]})
		}
	}
	if tm.keys != nil {
		s.HotKeys = tm.keys.hottest()
	}
	return s
}

// keyCounts counts one second's units per partition key in a fixed
// direct-mapped table: constant memory and no allocation per request,
// however many keys a second touches. When two keys share a slot the one
// with more units keeps it, so a count never exceeds a key's true use: a
// hot key may rarely escape throttling (when another hot key shares its
// slot), but no key is ever throttled for another's traffic.
type keyCounts [keySlots]keyUse

func (k *keyCounts) get(h uint64) *keyUse {
	if k == nil {
		return nil
	}
	if u := &k[h&(keySlots-1)]; u.hash == h && u.used() {
		return u
	}
	return nil
}

func (k *keyCounts) add(h uint64, pk attr.Value, write bool, units float64) {
	u := &k[h&(keySlots-1)]
	if u.hash != h || !u.used() {
		if u.used() && u.rcu+u.wcu >= units {
			return // the slot's key is busier; this one goes uncounted
		}
		*u = keyUse{hash: h, pk: pk}
	}
	if write {
		u.wcu += units
	} else {
		u.rcu += units
	}
}

func (k *keyCounts) reset() { clear(k[:]) }

// hottest returns the hotKeysShown keys that consumed the most units,
// hottest first (ties by key text).
func (k *keyCounts) hottest() []HotKey {
	var top []keyUse
	hotter := func(a, b keyUse) bool {
		ua, ub := a.rcu+a.wcu, b.rcu+b.wcu
		return ua > ub || (ua == ub && a.pk.Str() < b.pk.Str())
	}
	for _, u := range k {
		if !u.used() {
			continue
		}
		if len(top) == hotKeysShown && !hotter(u, top[len(top)-1]) {
			continue
		}
		i := len(top)
		for i > 0 && hotter(u, top[i-1]) {
			i--
		}
		top = slices.Insert(top, i, u)
		if len(top) > hotKeysShown {
			top = top[:hotKeysShown]
		}
	}
	if len(top) == 0 {
		return nil
	}
	out := make([]HotKey, len(top))
	for i, u := range top {
		out[i] = HotKey{Key: keyText(u.pk), ReadUnits: u.rcu, WriteUnits: u.wcu}
	}
	return out
}

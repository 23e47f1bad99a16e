package doctor

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"math/big"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/engine/pricing"
	"dynalab/partiql"
)

// Item thresholds (the service's item limit is 400 KB, binary).
const (
	largeItemBytes = 100 << 10
	nearItemBytes  = 350 << 10 // within 50 KB of the limit: one update away from ValidationException
	itemLimitBytes = 400 << 10
	// nearCollection of the item-collection limit is near it.
	nearCollection = 0.8
)

// Epoch seconds a TTL attribute plausibly holds: 2000-01-01 to
// 2100-01-01. Milliseconds (13 digits) fall outside, as TTL ignores them.
var (
	epochMin = big.NewFloat(946684800)
	epochMax = big.NewFloat(4102444800)
)

// expiryName matches attribute names that say when an item expires.
var expiryName = regexp.MustCompile(`^(ttl|timetolive|expires?|expiry|expiration|expire(s|d)?(at|on|time|date|epoch)|expir(y|ation)(at|time|date|epoch)|validuntil|deleteat)$`)

// tableScan is what one read of a table's items found.
type tableScan struct {
	items       int
	large, near []sizedItem          // over largeItemBytes, over nearItemBytes
	expiry      map[string]*expiryAt // expiry-like attributes holding epoch seconds
	collections map[string]int64     // with LSIs: item-collection bytes by partition key
}

type sizedItem struct {
	key  string
	size int
}

type expiryAt struct {
	items   int
	example *big.Float
}

// checkTable reads a table's items (the embedded engine's: free) and
// checks their sizes, their item collections, and the settings their data
// calls for: TTL, point-in-time recovery, deletion protection.
func checkTable(ctx context.Context, in Input, t *engine.TableDescription, r *Report) error {
	sc, err := scanTable(ctx, in.DB, t)
	if err != nil {
		return err
	}
	sizeFindings(t, sc, r)
	collectionFinding(in, t, sc, r)
	return settingsFindings(ctx, in.DB, t, sc, r)
}

func scanTable(ctx context.Context, db DB, t *engine.TableDescription) (*tableScan, error) {
	sc := &tableScan{expiry: map[string]*expiryAt{}}
	lsis := t.LocalSecondaryIndexes
	if len(lsis) > 0 {
		sc.collections = map[string]int64{}
	}
	hash := keyName(t.KeySchema, engine.KeyTypeHash)
	in := &engine.ScanInput{TableName: t.TableName}
	for {
		out, err := db.Scan(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", t.TableName, err)
		}
		for _, it := range out.Items {
			sc.items++
			size := it.Size()
			if size > largeItemBytes {
				si := sizedItem{keyText(t, it), size}
				sc.large = append(sc.large, si)
				if size > nearItemBytes {
					sc.near = append(sc.near, si)
				}
			}
			for name, v := range it {
				if v.Type() != attr.TypeN || !expiryName.MatchString(normalize(name)) {
					continue
				}
				f, ok := new(big.Float).SetString(v.Str())
				if !ok || f.Cmp(epochMin) < 0 || f.Cmp(epochMax) > 0 {
					continue
				}
				e := sc.expiry[name]
				if e == nil {
					e = &expiryAt{example: f}
					sc.expiry[name] = e
				}
				e.items++
			}
			if sc.collections != nil {
				sc.collections[partiql.Format(&partiql.Literal{Value: it[hash]})] += collectionBytes(t, it)
			}
		}
		if len(out.LastEvaluatedKey) == 0 {
			break
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
	return sc, nil
}

// normalize lower-cases an attribute name and drops '_' and '-'.
func normalize(name string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r == '-' {
			return -1
		}
		return unicode.ToLower(r)
	}, name)
}

func keyName(ks []engine.KeySchemaElement, kind string) string {
	for _, k := range ks {
		if k.KeyType == kind {
			return k.AttributeName
		}
	}
	return ""
}

// keyText writes an item's primary key: PK='USER#u1', SK='PROFILE'.
func keyText(t *engine.TableDescription, it attr.Item) string {
	var parts []string
	for _, k := range t.KeySchema {
		parts = append(parts, k.AttributeName+"="+partiql.Format(&partiql.Literal{Value: it[k.AttributeName]}))
	}
	return strings.Join(parts, ", ")
}

// collectionBytes is what an item adds to its item collection: its size
// and its entries in the LSIs that hold it (LSI.md, "Item collections";
// the engine enforces the limit with the same sum).
func collectionBytes(t *engine.TableDescription, it attr.Item) int64 {
	n := int64(it.Size())
	for _, l := range t.LocalSecondaryIndexes {
		sk := keyName(l.KeySchema, engine.KeyTypeRange)
		if _, ok := it[sk]; !ok {
			continue // sparse: the item has no entry
		}
		if l.Projection == nil || l.Projection.ProjectionType == engine.ProjectionAll {
			n += int64(it.Size())
			continue
		}
		keep := attr.Item{}
		for _, name := range append(append([]string{sk}, keyNames(t.KeySchema)...), l.Projection.NonKeyAttributes...) {
			if v, ok := it[name]; ok {
				keep[name] = v
			}
		}
		n += int64(keep.Size())
	}
	return n
}

func keyNames(ks []engine.KeySchemaElement) []string {
	var out []string
	for _, k := range ks {
		out = append(out, k.AttributeName)
	}
	return out
}

// kb writes an item size in KB (1 KB = 1024 B, the service's unit).
func kb(size int) string { return fmt.Sprintf("%.0f KB", float64(size)/1024) }

// sizeFindings flags large items and items near the 400 KB limit.
func sizeFindings(t *engine.TableDescription, sc *tableScan, r *Report) {
	largest := func(items []sizedItem) sizedItem {
		return slices.MaxFunc(items, func(a, b sizedItem) int { return cmp.Or(cmp.Compare(a.size, b.size), cmp.Compare(b.key, a.key)) })
	}
	if len(sc.near) > 0 {
		big := largest(sc.near)
		r.add(Finding{Severity: Error, Table: t.TableName, Check: CheckItemNearLimit,
			Evidence: fmt.Sprintf("%d item%s within 50 KB of the 400 KB item limit; the largest, %s, is %s",
				len(sc.near), plural(len(sc.near)), big.key, kb(big.size)),
			Fix: "an update that grows them fails (ValidationException: Item size has exceeded the maximum allowed size): " +
				"move the growing part into items of its own (one per entry, sharing the partition key) or into S3 with a pointer"})
	}
	if n := len(sc.large) - len(sc.near); n > 0 {
		var mid []sizedItem
		for _, it := range sc.large {
			if it.size <= nearItemBytes {
				mid = append(mid, it)
			}
		}
		big := largest(mid)
		r.add(Finding{Severity: Warning, Table: t.TableName, Check: CheckLargeItem,
			Evidence: fmt.Sprintf("%d item%s over 100 KB; the largest, %s, is %s: each read costs %s RCU (strongly consistent) and each write %s WCU",
				n, plural(n), big.key, kb(big.size),
				units(pricing.ReadUnits(int64(big.size), pricing.Strong)), units(pricing.WriteUnits(int64(big.size), false))),
			Fix: "split what is read together from what is not (a summary item and detail items under the same partition key), " +
				"compress large attributes, or keep blobs in S3"})
	}
}

// collectionFinding flags item collections near the limit on a table with
// LSIs.
func collectionFinding(in Input, t *engine.TableDescription, sc *tableScan, r *Report) {
	var near []string
	var biggest int64
	for pk, n := range sc.collections {
		if float64(n) >= nearCollection*float64(in.CollectionLimit) {
			near = append(near, pk)
			biggest = max(biggest, n)
		}
	}
	if len(near) == 0 {
		return
	}
	slices.Sort(near)
	r.add(Finding{Severity: Error, Table: t.TableName, Check: CheckCollectionNearLimit,
		Evidence: fmt.Sprintf("%d item collection%s past %.0f%% of the %s limit (partition key %s; the largest %s), on a table with local secondary indexes",
			len(near), plural(len(near)), 100*nearCollection, pricing.FormatSize(in.CollectionLimit), strings.Join(near, ", "), pricing.FormatSize(biggest)),
		Fix: "writes that grow them will fail (ItemCollectionSizeLimitExceededException): spread the partition key " +
			"(a suffix), or replace the LSIs with GSIs, which have no collection limit"})
}

// productionWords mark a table name as production data.
var productionWords = []string{"prod", "production", "prd", "live"}

// productionLike reports whether a table's name has a production word
// among its parts (split at punctuation and at lower-to-upper case).
func productionLike(name string) bool {
	var parts []string
	var cur []rune
	prev := rune(0)
	for _, r := range name {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) || unicode.IsUpper(r) && unicode.IsLower(prev) {
			if len(cur) > 0 {
				parts = append(parts, strings.ToLower(string(cur)))
			}
			cur = nil
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			cur = append(cur, r)
		}
		prev = r
	}
	if len(cur) > 0 {
		parts = append(parts, strings.ToLower(string(cur)))
	}
	return slices.ContainsFunc(parts, func(p string) bool { return slices.Contains(productionWords, p) })
}

// settingsFindings flags TTL off where an attribute holds expiry times,
// and PITR and deletion protection off on production-like tables.
func settingsFindings(ctx context.Context, db DB, t *engine.TableDescription, sc *tableScan, r *Report) error {
	if len(sc.expiry) > 0 {
		ttl, err := db.DescribeTimeToLive(ctx, &engine.DescribeTimeToLiveInput{TableName: t.TableName})
		if err != nil {
			return fmt.Errorf("describe time to live of %s: %w", t.TableName, err)
		}
		status, on := "DISABLED", ""
		if d := ttl.TimeToLiveDescription; d != nil {
			status, on = d.TimeToLiveStatus, d.AttributeName
		}
		enabled := status == "ENABLED" || status == "ENABLING"
		for _, name := range slices.Sorted(maps.Keys(sc.expiry)) {
			if enabled && on == name {
				continue
			}
			e := sc.expiry[name]
			sec, _ := e.example.Int64()
			state := "TTL is " + strings.ToLower(status)
			if enabled {
				state = "TTL is on " + on
			}
			r.add(Finding{Severity: Warning, Table: t.TableName, Check: CheckTTLOff,
				Evidence: fmt.Sprintf("%d of %d items have %s holding epoch seconds (e.g. %d = %s), but %s: they never expire",
					e.items, sc.items, name, sec, time.Unix(sec, 0).UTC().Format(time.RFC3339), state),
				Fix: fmt.Sprintf("enable TTL on it (deletions by TTL cost nothing): aws dynamodb update-time-to-live --table-name %s "+
					"--time-to-live-specification Enabled=true,AttributeName=%s", t.TableName, name)})
		}
	}
	if !productionLike(t.TableName) {
		return nil
	}
	cb, err := db.DescribeContinuousBackups(ctx, &engine.DescribeContinuousBackupsInput{TableName: t.TableName})
	if err != nil {
		return fmt.Errorf("describe continuous backups of %s: %w", t.TableName, err)
	}
	pitr := ""
	if d := cb.ContinuousBackupsDescription; d != nil && d.PointInTimeRecoveryDescription != nil {
		pitr = d.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus
	}
	if pitr != "ENABLED" {
		r.add(Finding{Severity: Warning, Table: t.TableName, Check: CheckPITROff,
			Evidence: fmt.Sprintf("%s looks like production data (its name) and point-in-time recovery is off", t.TableName),
			Fix: fmt.Sprintf("turn it on to restore any second of the last 35 days: aws dynamodb update-continuous-backups --table-name %s "+
				"--point-in-time-recovery-specification PointInTimeRecoveryEnabled=true", t.TableName)})
	}
	if !t.DeletionProtectionEnabled {
		r.add(Finding{Severity: Warning, Table: t.TableName, Check: CheckDeletionProtectionOff,
			Evidence: fmt.Sprintf("%s looks like production data (its name) and deletion protection is off", t.TableName),
			Fix:      fmt.Sprintf("aws dynamodb update-table --table-name %s --deletion-protection-enabled", t.TableName)})
	}
	return nil
}

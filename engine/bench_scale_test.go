package engine_test

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"

	"dynalab/engine"
	"dynalab/engine/attr"
)

var (
	scaleItems   = flag.Int("scale-items", 1_000_000, "BenchmarkScale: items to generate (5000000 for the 5M figures)")
	scaleKeep    = flag.String("scale-keep", "", "BenchmarkScale: a directory to keep the generated database in (scale-<items>.db); a later run with the same directory and size skips the import and measures the open, scan and load again")
	scaleProfile = flag.String("scale-profile", "", "BenchmarkScale: a directory to write heap profiles to (open.heap, scan.heap, load.heap) and a CPU profile of the open (open.cpu)")
)

// BenchmarkScale is issue 25's measurement of size: it generates
// -scale-items items of about 200 bytes (a single-table model: users and
// their orders, with a GSI on status), writes them into an on-disk database
// in BatchWriteItem batches of 25 as an import does, closes it, and
// reports:
//
//   - import-items/s, file-MB and table-MB (TableSizeBytes)
//   - open-s: Open of the closed file until the first GetItem answers;
//     open-cpu-s the CPU time it took (user and system, all threads: the
//     steadier figure on a shared machine)
//   - rss-open-MB, rss-scan-MB, rss-load-MB: resident memory after the
//     open (and engine.TuneGC, as serve runs it; gogc is what it chose),
//     after a full Scan, and after a mixed load; and rss/table, the goal
//     being at most 2x TableSizeBytes + 40 MB
//   - heap-open-MB and heap-B/item: the live heap after the open, what
//     the data costs before the collector's headroom
//   - query-us and gsi-query-us: a Query on a key and on the GSI
//   - scan-items/s: a full Scan in process
//
// Run it alone, once: go test ./engine -run '^$' -bench Scale -benchtime 1x
// (-scale-items 5000000 for 5M). Resident memory is read from /proc on
// Linux; elsewhere the Go heap in use stands in for it.
func BenchmarkScale(b *testing.B) {
	if b.N > 1 {
		b.Skip("run with -benchtime 1x")
	}
	n := *scaleItems
	path := filepath.Join(b.TempDir(), "scale.db")
	if *scaleKeep != "" {
		path = filepath.Join(*scaleKeep, fmt.Sprintf("scale-%d.db", n))
	}
	ctx := context.Background()
	importRate := 0.0
	if _, err := os.Stat(path); err == nil && *scaleKeep != "" {
		b.Logf("reusing %s: no import figures", path)
	} else {
		importRate = scaleImport(b, path, n)
	}
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	debug.FreeOSMemory()

	var stopCPU func()
	if *scaleProfile != "" {
		stopCPU = startCPUProfile(b, filepath.Join(*scaleProfile, "open.cpu"))
	}
	start, cpu0 := time.Now(), cpuTime()
	db, err := engine.Open(engine.Options{Path: path, Sync: "never", SweepInterval: -1})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.GetItem(ctx, &engine.GetItemInput{TableName: "Scale", Key: scaleKey(n / 2)}); err != nil {
		b.Fatal(err)
	}
	openSecs, openCPU := time.Since(start).Seconds(), (cpuTime() - cpu0).Seconds()
	d, err := db.DescribeTable(ctx, &engine.DescribeTableInput{TableName: "Scale"})
	if err != nil {
		b.Fatal(err)
	}
	tableBytes := d.Table.TableSizeBytes
	if stopCPU != nil {
		stopCPU()
	}
	gogc := tuneGC() // as serve and the workbench do after their open
	rssOpen := settledRSS()
	heapOpen := liveHeap()
	writeHeapProfile(b, "open.heap")

	start = time.Now()
	scanned := 0
	var from attr.Item
	for {
		out, err := db.Scan(ctx, &engine.ScanInput{TableName: "Scale", ExclusiveStartKey: from})
		if err != nil {
			b.Fatal(err)
		}
		scanned += out.ScannedCount
		if from = out.LastEvaluatedKey; from == nil {
			break
		}
	}
	scanRate := float64(scanned) / time.Since(start).Seconds()
	rssScan := settledRSS()
	writeHeapProfile(b, "scan.heap")

	// A mixed load: reads, overwrites and queries across the key space.
	queryUS, gsiUS := 0.0, 0.0
	const rounds = 20000
	for i := range rounds {
		k := (i * 7919) % n
		switch i % 4 {
		case 0, 1:
			if _, err := db.GetItem(ctx, &engine.GetItemInput{TableName: "Scale", Key: scaleKey(k)}); err != nil {
				b.Fatal(err)
			}
		case 2:
			if _, err := db.PutItem(ctx, &engine.PutItemInput{TableName: "Scale", Item: scaleItem(k)}); err != nil {
				b.Fatal(err)
			}
		case 3:
			t0 := time.Now()
			if _, err := db.Query(ctx, scaleQuery(k)); err != nil {
				b.Fatal(err)
			}
			queryUS += float64(time.Since(t0).Microseconds())
			t0 = time.Now()
			if _, err := db.Query(ctx, scaleGSIQuery(k)); err != nil {
				b.Fatal(err)
			}
			gsiUS += float64(time.Since(t0).Microseconds())
		}
	}
	rssLoad := settledRSS()
	writeHeapProfile(b, "load.heap")
	mb := func(v int64) float64 { return float64(v) / (1 << 20) }
	if importRate > 0 {
		b.ReportMetric(importRate, "import-items/s")
	}
	b.ReportMetric(mb(fi.Size()), "file-MB")
	b.ReportMetric(mb(tableBytes), "table-MB")
	b.ReportMetric(openSecs, "open-s")
	b.ReportMetric(openCPU, "open-cpu-s")
	b.ReportMetric(mb(rssOpen), "rss-open-MB")
	b.ReportMetric(mb(rssScan), "rss-scan-MB")
	b.ReportMetric(mb(rssLoad), "rss-load-MB")
	b.ReportMetric(float64(max(rssOpen, rssScan, rssLoad))/float64(tableBytes), "rss/table")
	b.ReportMetric(float64(gogc), "gogc")
	b.ReportMetric(mb(heapOpen), "heap-open-MB")
	b.ReportMetric(float64(heapOpen)/float64(n), "heap-B/item")
	b.ReportMetric(queryUS/(rounds/4), "query-us")
	b.ReportMetric(gsiUS/(rounds/4), "gsi-query-us")
	b.ReportMetric(scanRate, "scan-items/s")
}

// scaleImport writes n items into a new database at path as an import
// does, in BatchWriteItem batches of 25, and returns the rate and the
// the import's rate.
func scaleImport(b *testing.B, path string, n int) float64 {
	ctx := context.Background()
	db, err := engine.Open(engine.Options{Path: path, Sync: "never", SweepInterval: -1})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.CreateTable(ctx, scaleTable()); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	batch := make([]engine.WriteRequest, 0, 25)
	for i := range n {
		batch = append(batch, engine.WriteRequest{PutRequest: &engine.PutRequest{Item: scaleItem(i)}})
		if len(batch) == 25 || i == n-1 {
			out, err := db.BatchWriteItem(ctx, &engine.BatchWriteItemInput{RequestItems: map[string][]engine.WriteRequest{"Scale": batch}})
			if err != nil || len(out.UnprocessedItems) > 0 {
				b.Fatalf("batch at %d: %v (%d unprocessed)", i, err, len(out.UnprocessedItems))
			}
			batch = batch[:0]
		}
	}
	rate := float64(n) / time.Since(start).Seconds()
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	return rate
}

func scaleTable() *engine.CreateTableInput {
	return &engine.CreateTableInput{
		TableName: "Scale", BillingMode: engine.BillingPayPerRequest,
		AttributeDefinitions: []engine.AttributeDefinition{{AttributeName: "PK", AttributeType: "S"}, {AttributeName: "SK", AttributeType: "S"},
			{AttributeName: "status", AttributeType: "S"}},
		KeySchema: []engine.KeySchemaElement{{AttributeName: "PK", KeyType: "HASH"}, {AttributeName: "SK", KeyType: "RANGE"}},
		GlobalSecondaryIndexes: []engine.GlobalSecondaryIndex{{IndexName: "byStatus",
			KeySchema:  []engine.KeySchemaElement{{AttributeName: "status", KeyType: "HASH"}, {AttributeName: "SK", KeyType: "RANGE"}},
			Projection: &engine.Projection{ProjectionType: "KEYS_ONLY"}}},
	}
}

// scaleKey is item i's key: ten orders per user.
func scaleKey(i int) attr.Item {
	return attr.Item{"PK": attr.S(fmt.Sprintf("USER#%07d", i/10)), "SK": attr.S(fmt.Sprintf("ORDER#%04d", i%10))}
}

// scaleItem is an item of about 200 bytes.
func scaleItem(i int) attr.Item {
	it := scaleKey(i)
	it["status"] = attr.S([]string{"PENDING", "SHIPPED", "DELIVERED", "RETURNED"}[i%4] + "#" + strconv.Itoa(i%1000))
	it["total"] = attr.Int(int64(i%5000) + 1)
	it["email"] = attr.S(fmt.Sprintf("user%07d@example.com", i/10))
	it["note"] = attr.S(strings.Repeat("n", 80))
	return it
}

func scaleQuery(i int) *engine.QueryInput {
	cond := "PK = :pk"
	return &engine.QueryInput{TableName: "Scale", KeyConditionExpression: &cond,
		ExpressionAttributeValues: engine.Values{":pk": scaleKey(i)["PK"]}}
}

func scaleGSIQuery(i int) *engine.QueryInput {
	cond := "#s = :s"
	limit := int64(10)
	return &engine.QueryInput{TableName: "Scale", IndexName: "byStatus", KeyConditionExpression: &cond, Limit: &limit,
		ExpressionAttributeNames:  map[string]string{"#s": "status"},
		ExpressionAttributeValues: engine.Values{":s": scaleItem(i)["status"]}}
}

// liveHeap is the Go heap that survives a collection: what the data costs
// before the collector's headroom.
func liveHeap() int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

func writeHeapProfile(b *testing.B, name string) {
	if *scaleProfile == "" {
		return
	}
	f, err := os.Create(filepath.Join(*scaleProfile, name))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	runtime.GC()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		b.Fatal(err)
	}
}

func startCPUProfile(b *testing.B, path string) func() {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		b.Fatal(err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}

// settledRSS is the resident set as a serving process would have it:
// live data, the GC's headroom and what it has not yet returned.
func settledRSS() int64 {
	if f, err := os.Open("/proc/self/status"); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
				kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
				return kb << 10
			}
		}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapInuse)
}

package transfer

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"dynalab/engine"
	"dynalab/engine/attr"
)

// writeJSONL writes n plain-JSON items (about 150 bytes each) to a file.
func writeJSONL(b *testing.B, n int) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "items.jsonl")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	for i := range n {
		fmt.Fprintf(w, `{"pk":"USER#%07d","sk":"ORDER#%04d","total":%d.%02d,"status":"SHIPPED","items":["book","pen"],"gift":%t,"address":{"city":"Lisbon","zip":"1000-001"}}`+"\n",
			i/10, i%10, i%1000, i%100, i%7 == 0)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// heapPeak samples the live heap until stopped and returns its peak.
func heapPeak() (stop func() uint64) {
	samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak uint64
	var mu sync.Mutex
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(samples)
			mu.Lock()
			peak = max(peak, samples[0].Value.Uint64())
			mu.Unlock()
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		wg.Wait()
		return peak
	}
}

// discardTarget accepts every write and keeps nothing: the importer's own
// memory, without the database's.
type discardTarget struct{}

func (discardTarget) DescribeTable(ctx context.Context, in *engine.DescribeTableInput) (*engine.DescribeTableOutput, error) {
	return &engine.DescribeTableOutput{Table: &engine.TableDescription{TableName: in.TableName, TableStatus: engine.StatusActive,
		AttributeDefinitions: []engine.AttributeDefinition{{AttributeName: "pk", AttributeType: "S"}, {AttributeName: "sk", AttributeType: "S"}},
		KeySchema:            []engine.KeySchemaElement{{AttributeName: "pk", KeyType: engine.KeyTypeHash}, {AttributeName: "sk", KeyType: engine.KeyTypeRange}}}}, nil
}

func (discardTarget) CreateTable(context.Context, *engine.CreateTableInput) (*engine.CreateTableOutput, error) {
	return nil, fmt.Errorf("not supported")
}

func (discardTarget) BatchWriteItem(context.Context, *engine.BatchWriteItemInput) (*engine.BatchWriteItemOutput, error) {
	return &engine.BatchWriteItemOutput{}, nil
}

// BenchmarkImport1M imports 1,000,000 JSONL items (generated into the
// benchmark's temporary directory, not timed) into an on-disk engine
// database, and reports the wall time, the items per second and the peak
// live heap — which includes the engine's, as buntdb keeps its data in
// memory. Run it with -benchtime 1x:
//
//	go test ./sessions/transfer -run '^$' -bench Import1M -benchtime 1x
//
// The Discard variant writes to a target that keeps nothing, showing the
// importer's own memory, which stays flat whatever the input's size.
func BenchmarkImport1M(b *testing.B) {
	const n = 1_000_000
	path := writeJSONL(b, n)
	st, _ := os.Stat(path)
	for _, tc := range []struct {
		name   string
		target func(b *testing.B) Target
	}{
		{"Discard", func(*testing.B) Target { return discardTarget{} }},
		{"Engine", func(b *testing.B) Target {
			db, err := engine.Open(engine.Options{Path: filepath.Join(b.TempDir(), "bench.db")})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { db.Close() })
			return db
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				target := tc.target(b)
				runtime.GC()
				stop := heapPeak()
				b.StartTimer()
				start := time.Now()
				res, err := Import(context.Background(), target, ImportOptions{Table: "Bench", Key: &KeySchema{KeyAttr{"pk", attr.TypeS}, KeyAttr{"sk", attr.TypeS}}, Path: path})
				elapsed := time.Since(start)
				peak := stop()
				if err != nil || res.Items != n {
					b.Fatalf("%v: %v", res, err)
				}
				b.ReportMetric(elapsed.Seconds(), "s/import")
				b.ReportMetric(float64(n)/elapsed.Seconds(), "items/s")
				b.ReportMetric(float64(peak)/(1<<20), "MB-peak-heap")
				b.Logf("%s: %d items (%d MB of JSONL) in %s, %.0f items/s, peak live heap %.1f MB, max RSS %.1f MB",
					tc.name, res.Items, st.Size()>>20, elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds(), float64(peak)/(1<<20), float64(maxRSS())/(1<<20))
			}
		})
	}
}

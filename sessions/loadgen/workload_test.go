package loadgen

import (
	"math"
	"strings"
	"testing"
	"time"

	"dynalab/engine"
)

func TestParseMix(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Mix
		err  string
	}{
		{"read=80,write=20", Mix{Read: 80, Write: 20}, ""},
		{"get=1, query=1 ,put=2", Mix{Read: 1, Query: 1, Write: 2}, ""},
		{"write=100", Mix{Write: 100}, ""},
		{"read=80,scan=20", Mix{}, `unknown operation "scan"`},
		{"read=-1,write=2", Mix{}, "want OPERATION=WEIGHT pairs"},
		{"read", Mix{}, "want OPERATION=WEIGHT pairs"},
		{"read=0", Mix{}, "every weight is 0"},
	} {
		got, err := ParseMix(tc.in)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("ParseMix(%q) = %v, %v; want error %q", tc.in, got, err, tc.err)
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("ParseMix(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	if s := (Mix{Read: 60, Query: 20, Write: 20}).String(); s != "read=60,query=20,write=20" {
		t.Errorf("String: %q", s)
	}
}

// TestKeyDistributions: hot sends HotShare of the requests to key 0;
// zipf makes a few keys take most requests; uniform favours none.
func TestKeyDistributions(t *testing.T) {
	const n, draws = 1000, 100_000
	share := func(keys Keys) (top float64, distinct int) {
		c := newChooser(7, DefaultMix, keys, n)
		counts := make([]int, n)
		for range draws {
			counts[c.key()]++
		}
		best := 0
		for _, x := range counts {
			best = max(best, x)
			if x > 0 {
				distinct++
			}
		}
		return float64(best) / draws, distinct
	}
	if top, _ := share(Hot); math.Abs(top-HotShare-(1-HotShare)/n) > 0.01 {
		t.Errorf("hot: the hottest key took %.3f of the requests; want %.3f", top, HotShare)
	}
	if top, distinct := share(Zipf); top < 0.1 || distinct < 100 {
		t.Errorf("zipf: the hottest key took %.3f over %d keys; want a head above 10%% and a long tail", top, distinct)
	}
	if top, distinct := share(Uniform); top > 0.002 || distinct != n {
		t.Errorf("uniform: the hottest key took %.4f over %d keys", top, distinct)
	}
	c := newChooser(7, Mix{Read: 50, Query: 25, Write: 25}, Uniform, n)
	var ops [opCount]int
	for range draws {
		ops[c.op()]++
	}
	if math.Abs(float64(ops[opGet])/draws-0.5) > 0.01 || math.Abs(float64(ops[opQuery])/draws-0.25) > 0.01 {
		t.Errorf("mix 50/25/25 drew %v", ops)
	}
}

// TestItemSizes: an item is exactly the size asked for, as the service
// counts it, for every key type, with and without a sort key.
func TestItemSizes(t *testing.T) {
	for _, d := range []*engine.TableDescription{
		{TableName: "S", AttributeDefinitions: []engine.AttributeDefinition{{AttributeName: "id", AttributeType: "S"}},
			KeySchema: []engine.KeySchemaElement{{AttributeName: "id", KeyType: engine.KeyTypeHash}}},
		{TableName: "NB", AttributeDefinitions: []engine.AttributeDefinition{{AttributeName: "n", AttributeType: "N"}, {AttributeName: "b", AttributeType: "B"}},
			KeySchema: []engine.KeySchemaElement{{AttributeName: "n", KeyType: engine.KeyTypeHash}, {AttributeName: "b", KeyType: engine.KeyTypeRange}}},
	} {
		s, err := schemaOf(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, size := range []int{40, 1024, 2048, 400 << 10} {
			it, err := newItems(s, size, 1000)
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range []int{0, 7, 999} {
				if got := it.item(k).Size(); got != size {
					t.Errorf("table %s, key %d: item of %d B; want %d", d.TableName, k, got, size)
				}
			}
		}
	}
}

// TestPercentiles: within the histogram's 1/16 resolution of the exact
// percentiles.
func TestPercentiles(t *testing.T) {
	var h histogram
	if h.percentile(0.5) != 0 {
		t.Fatal("empty histogram")
	}
	for i := 1; i <= 1000; i++ {
		h.add(time.Duration(i) * time.Microsecond)
	}
	for _, tc := range []struct {
		p    float64
		want time.Duration
	}{{0.5, 500 * time.Microsecond}, {0.99, 990 * time.Microsecond}, {1, time.Millisecond}} {
		got := h.percentile(tc.p)
		if math.Abs(float64(got-tc.want))/float64(tc.want) > 1.0/16 {
			t.Errorf("p%v = %v; want about %v", tc.p*100, got, tc.want)
		}
	}
	for _, ns := range []int64{0, 1, 15, 16, 31, 32, 1000, 1 << 40, math.MaxInt64} {
		i := bucket(ns)
		if i < 0 || i >= histBuckets {
			t.Fatalf("bucket(%d) = %d", ns, i)
		}
		if ns < 1<<40 && (bucketMid(i) < ns*15/16 || bucketMid(i) > ns*17/16+1) {
			t.Errorf("bucket(%d) = %d, middle %d", ns, i, bucketMid(i))
		}
	}
}

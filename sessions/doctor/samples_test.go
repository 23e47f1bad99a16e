package doctor

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"encoding/json"

	"dynalab/sessions"
)

// summary lists findings as "severity check table[.index]" lines.
func summary(r *Report) []string {
	var out []string
	for _, f := range r.Findings {
		where := f.Table
		if f.Index != "" {
			where += "." + f.Index
		}
		out = append(out, fmt.Sprintf("%s %s %s", f.Severity, f.Check, where))
	}
	return out
}

func wantFindings(t *testing.T, r *Report, want ...string) {
	t.Helper()
	got := summary(r)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("findings:\n  %s\nwant:\n  %s\n%+v", strings.Join(got, "\n  "), strings.Join(want, "\n  "), r.Findings)
	}
}

func wantText(t *testing.T, f Finding, evidence, fix []string) {
	t.Helper()
	for _, w := range evidence {
		if !strings.Contains(f.Evidence, w) {
			t.Errorf("evidence %q lacks %q", f.Evidence, w)
		}
	}
	for _, w := range fix {
		if !strings.Contains(f.Fix, w) {
			t.Errorf("fix %q lacks %q", f.Fix, w)
		}
	}
}

// TestSingleTableSample: the sample's design is the checklist passed —
// every access pattern is a GetItem or a Query, every GSI is read by one,
// projections are ALL, items are small, nothing expires — so the doctor
// finds nothing. Taking away the pattern that reads GSI1 leaves GSI1
// unused, and saving issue 23's Scan by userId gets EXPLAIN's advice to
// read GSI2-multi with the API's Query (PartiQL cannot read it).
func TestSingleTableSample(t *testing.T) {
	t.Parallel()
	l := withSample(t, "single-table")
	r := diagnose(t, l)
	wantFindings(t, r)
	if r.Failed() {
		t.Fatal("a clean report failed")
	}

	if err := l.home.DeleteQuery("lab", "order-by-id"); err != nil {
		t.Fatal(err)
	}
	if _, err := l.home.SaveQuery("lab", "orders-of-u123", `SELECT * FROM "AppTable" WHERE userId = 'u123'`); err != nil {
		t.Fatal(err)
	}
	r = diagnose(t, l)
	wantFindings(t, r, "warning scan AppTable", "warning unused-gsi AppTable.GSI1")
	if !r.Failed() {
		t.Fatal("a report with warnings passed")
	}
	wantText(t, r.Findings[0],
		[]string{"access pattern orders-of-u123 is a Scan of AppTable", "examines all 41 items"},
		[]string{"GSI2-multi has userId as its partition key", "PartiQL cannot read an index with a multi-attribute key",
			"use the API's Query on GSI2-multi"})
	wantText(t, r.Findings[1], []string{"no saved access pattern reads GSI1", "no capacity history is recorded"},
		[]string{`"Delete":{"IndexName":"GSI1"}`, ".save NAME"})
}

// TestProductCatalogSample: the sample's last saved query is a Scan on
// purpose (no index covers ProductCategory or Price); the doctor flags it
// with the GSI that would make it a Query, costed on the items.
func TestProductCatalogSample(t *testing.T) {
	t.Parallel()
	r := diagnose(t, withSample(t, "product-catalog"))
	wantFindings(t, r, "warning scan ProductCatalog")
	wantText(t, r.Findings[0],
		[]string{"access pattern unpriced-books is a Scan of ProductCatalog", "examines all 12 items to return 1"},
		[]string{"add GSI ProductCategory-Price-index with partition key ProductCategory (S) and sort key Price (N), projection INCLUDE Title",
			`SELECT Id, Title, Price FROM ProductCatalog."ProductCategory-Price-index" WHERE ProductCategory = 'Book' AND Price <= 0 is a Query`,
			"it would hold 12 of the 12 items"})
}

// TestTimeSeriesSample: the overheating pattern reads every reading of
// the window and filters on temperature (info: it says so in its
// comment). The sample is about hot partitions: a history in which an
// unsharded sensor key wrote 800 WCU a second while the sharded keys
// wrote 200 each names the first as hot, and only it.
func TestTimeSeriesSample(t *testing.T) {
	t.Parallel()
	l := withSample(t, "time-series")
	r := diagnose(t, l)
	wantFindings(t, r, "info filtered-query SensorReadings")
	wantText(t, r.Findings[0], []string{"access pattern overheating is a Query with a filter", "examines 40 items to return 6"}, nil)
	if r.Failed() {
		t.Fatal("a report of infos failed")
	}

	start := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	var lines []string
	for i := range 3 {
		m := sessions.CapacityMinute{Time: start.Add(time.Duration(i) * time.Minute), Table: "SensorReadings", Seconds: 60,
			WriteUnits: 60 * 1600, PeakWCU: 1600, OnDemand: true, HotKeys: []sessions.MinuteKey{
				{Key: "sensor#boiler-3", WriteUnits: 60 * 800, PeakWCU: 800},
				{Key: "sensor#greenhouse-1#0", WriteUnits: 60 * 200, PeakWCU: 200},
				{Key: "sensor#greenhouse-1#1", WriteUnits: 60 * 200, PeakWCU: 200},
			}}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, string(b))
	}
	writeHistory(t, l, lines)
	r = diagnose(t, l)
	wantFindings(t, r, "warning hot-key SensorReadings", "info filtered-query SensorReadings")
	wantText(t, r.Findings[0], []string{"partition key sensor#boiler-3 is hot", "800 WCU of the 3000 RCU and 1000 WCU a partition key is served",
		"50% of the units recorded (3 minutes recorded between 2026-12-01 10:00 and 2026-12-01 10:03 UTC)"}, []string{"write sharding"})
}

// writeHistory writes session lab's capacity rollup.
func writeHistory(t *testing.T, l *lab, lines []string) {
	t.Helper()
	path, err := l.home.CapacityPath("lab")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
}

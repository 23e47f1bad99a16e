package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCalc runs `dynalab calc args…` in process.
func runCalc(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Main(context.Background(), append([]string{"calc"}, args...), nil, &out, &errOut)
	return code, out.String(), errOut.String()
}

// The seed's worked example, printed in full: the formula, the partitions
// and both monthly costs.
func TestCalcSeedExample(t *testing.T) {
	code, out, errOut := runCalc(t, "--item-size", "10KB", "--reads", "200", "--strong")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	want := `Capacity for a 10 KB item
  reads   200/s × ceil(10 KB / 4 KB) = 3 RCU each (strong) → 600 RCU
  writes  none
  needed  600 RCU, 0 WCU

Partitions: 1
  throughput  ceil(600 RCU / 3000 + 0 WCU / 1000) = 1
  size        ceil(0 B / 10 GB) = 0

Monthly cost (730 hours) at us-east-1 Standard prices
  on-demand                             $197.10
    reads   1576.8M RRU × $0.125/M      $197.10
  provisioned: 600 RCU, 1 WCU            $57.41
    reads   600 RCU × 730 h × $0.00013   $56.94
    writes  1 WCU × 730 h × $0.00065      $0.47

Not counted: the free tier, reserved capacity, backups, data transfer. Provisioned
capacity is used at 100% here; auto scaling's default 70% target needs about 1.4×.
`
	if out != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
}

func TestCalcFormulas(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"eventual is the default", []string{"--item-size", "10KB", "--reads", "200"},
			[]string{"200/s × ceil(10 KB / 4 KB) × 0.5 = 1.5 RCU each (eventual) → 300 RCU"}},
		{"--eventual", []string{"--item-size", "10KB", "--reads", "200", "--eventual"},
			[]string{"→ 300 RCU"}},
		{"--transactional", []string{"--item-size", "10KB", "--reads", "200", "--transactional"},
			[]string{"200/s × ceil(10 KB / 4 KB) × 2 = 6 RCU each (transactional) → 1200 RCU"}},
		{"1.5 KB written 10/s", []string{"--item-size", "1.5KB", "--writes", "10"},
			[]string{"10/s × ceil(1.5 KB / 1 KB) = 2 WCU each → 20 WCU", "needed  0 RCU, 20 WCU"}},
		{"transactional writes", []string{"--item-size", "1.5KB", "--writes", "10", "--transactional-writes"},
			[]string{"10/s × ceil(1.5 KB / 1 KB) × 2 = 4 WCU each (transactional) → 40 WCU"}},
		{"plain bytes and a small eventual read", []string{"--item-size", "100", "--reads", "1"},
			[]string{"Capacity for a 100 B item", "= 0.5 RCU each (eventual) → 0.5 RCU", "provisioned: 1 RCU, 1 WCU"}},
		{"GSIs, storage and streams", []string{"--item-size", "1.5KB", "--reads", "500", "--writes", "10",
			"--gsis", "2", "--storage", "25GB", "--stream-reads", "10"},
			[]string{
				"GSI writes  10/s × ceil(1.5 KB / 1 KB) = 2 WCU each → 20 WCU on each of 2 GSIs",
				"Partitions: 3",
				"size        ceil(25 GB / 10 GB) = 3",
				"(25 GB + 2 × 25 GB in GSIs) × $0.25/GB",
				"26.28M stream reads × $0.02/100K",
				"provisioned: 250 RCU, 20 WCU; each GSI 20 WCU, 1 RCU",
			}},
		{"sparse GSIs", []string{"--item-size", "1KB", "--writes", "10", "--gsis", "1", "--gsi-share", "0.25"},
			[]string{"2.5/s (0.25 of 10/s) × ceil(1 KB / 1 KB) = 1 WCU each → 2.5 WCU on each of 1 GSIs"}},
		{"throughput partitions", []string{"--item-size", "4KB", "--reads", "4500", "--strong", "--writes", "1000"},
			[]string{"Partitions: 6", "ceil(4500 RCU / 3000 + 4000 WCU / 1000) = 6"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCalc(t, tt.args...)
			if code != 0 {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestCalcJSON(t *testing.T) {
	code, out, errOut := runCalc(t, "--item-size", "10KB", "--reads", "200", "--strong", "--writes", "10",
		"--gsis", "1", "--storage", "25GB", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	var res calcResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v in:\n%s", err, out)
	}
	if r := res.Requirement; r.RCU != 600 || r.WCU != 100 || r.ReadUnitsEach != 3 || r.WriteUnitsEach != 10 {
		t.Errorf("requirement %+v", r)
	}
	if res.GSIWCU != 100 || res.Partitions.Total != 3 || res.Provisioning.RCU != 600 {
		t.Errorf("GSI WCU %v, partitions %+v, provisioning %+v", res.GSIWCU, res.Partitions, res.Provisioning)
	}
	if res.OnDemand.Mode != "on-demand" || len(res.OnDemand.Lines) != 5 || res.Provisioned.Mode != "provisioned" {
		t.Errorf("estimates %+v %+v", res.OnDemand, res.Provisioned)
	}
	// reads 197.1 + writes 164.25 + GSI 164.25 + storage 12.5.
	if res.OnDemand.Total != 538.1 {
		t.Errorf("on-demand total %v, want 538.1", res.OnDemand.Total)
	}
	if !strings.Contains(out, `"readKind": "strong"`) || !strings.Contains(out, `"name": "us-east-1 Standard"`) {
		t.Errorf("JSON lacks the read kind or the price table name:\n%s", out)
	}
}

func TestCalcHelp(t *testing.T) {
	for _, args := range [][]string{{"calc", "--help"}, {"help", "calc"}} {
		var out, errOut bytes.Buffer
		code := Main(context.Background(), args, nil, &out, &errOut)
		if code != 0 {
			t.Errorf("%v: exit %d", args, code)
		}
		for _, w := range []string{"Usage:", "ceil(item size / 4 KB)", "ceil(item size / 1 KB)", "ceil(RCU / 3000 + WCU / 1000)",
			"dynalab calc --item-size 10KB --reads 200 --strong", "-o json", "--prices FILE"} {
			if !strings.Contains(out.String(), w) {
				t.Errorf("%v: help lacks %q", args, w)
			}
		}
	}
	var out bytes.Buffer
	Main(context.Background(), []string{"help"}, nil, &out, &out)
	if !strings.Contains(out.String(), "  calc ") {
		t.Error("dynalab help does not list calc")
	}
}

// Mistakes are one precise line on stderr and exit status 2.
func TestCalcUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--item-size", "10XB", "--reads", "5"}, `--item-size: unknown unit "XB" in "10XB"; use B, KB, MB, GB or TB`},
		{[]string{"--item-size", "10KB", "--reads", "-5"}, "--reads -5: a rate cannot be negative"},
		{[]string{"--item-size", "10KB", "--writes", "x"}, "--writes x: want a number a second"},
		{[]string{"--item-size", "10KB", "--reads", "NaN"}, "--reads NaN: want a number a second"},
		{[]string{"--item-size", "10KB"}, "no traffic: give --reads N and/or --writes N"},
		{[]string{"--item-size", "10KB", "--reads", "0", "--writes", "0", "--storage", "1GB"}, "no traffic"},
		{[]string{"--reads", "5"}, "give --item-size"},
		{[]string{"--item-size", "500KB", "--reads", "5"}, "larger than DynamoDB's 400 KB item limit"},
		{[]string{"--item-size", "0", "--reads", "5"}, "an item has at least one byte"},
		{[]string{"--item-size", "1KB", "--reads", "5", "--strong", "--eventual"}, "--strong, --eventual and --transactional are alternatives"},
		{[]string{"--item-size", "1KB", "--reads", "5", "--gsis", "-1"}, "--gsis -1: cannot be negative"},
		{[]string{"--item-size", "1KB", "--reads", "5", "--gsis", "1", "--gsi-share", "1.5"}, "--gsi-share 1.5: want a fraction"},
		{[]string{"--item-size", "1KB", "--reads", "5", "--storage", "-1GB"}, `--storage: size "-1GB" is negative`},
		{[]string{"--item-size", "1KB", "--reads", "5", "-o", "yaml"}, "-o yaml: want text or json"},
		{[]string{"--item-size", "1KB", "--reads", "x", "--writes", "-1"}, "--reads x: want a number a second, like 200 or 0.5; --writes -1: a rate cannot be negative"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, out, errOut := runCalc(t, tt.args...)
			if code != 2 || out != "" {
				t.Errorf("exit %d, stdout %q; want 2 and nothing", code, out)
			}
			if !strings.HasPrefix(errOut, "dynalab calc: ") || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, tt.want) {
				t.Errorf("stderr %q; want one line with %q", errOut, tt.want)
			}
		})
	}
	// No arguments at all, or an unknown flag: the usage, on stderr.
	for _, args := range [][]string{nil, {"--bogus"}} {
		if code, _, errOut := runCalc(t, args...); code != 2 || !strings.Contains(errOut, "Usage:") {
			t.Errorf("calc %v: exit %d, stderr %q", args, code, errOut)
		}
	}
}

func TestCalcPrices(t *testing.T) {
	dir := t.TempDir()
	doubled := filepath.Join(dir, "doubled.json")
	err := os.WriteFile(doubled, []byte(`{"name": "doubled", "readRequestPerMillion": 0.25, "writeRequestPerMillion": 1.25,
		"rcuHour": 0.00026, "wcuHour": 0.0013, "storageGBMonth": 0.5, "streamReadRequestPer100K": 0.04}`), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCalc(t, "--item-size", "10KB", "--reads", "200", "--strong", "--prices", doubled)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	for _, w := range []string{"at doubled prices", "1576.8M RRU × $0.25/M", "$394.20", "600 RCU × 730 h × $0.00026"} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}

	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"readRequestPerMillion": -1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = runCalc(t, "--item-size", "10KB", "--reads", "200", "--prices", bad)
	if code != 1 || !strings.Contains(errOut, bad) || !strings.Contains(errOut, `missing price "writeRequestPerMillion"`) {
		t.Errorf("bad price file: exit %d, stderr %q", code, errOut)
	}
}

package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"dynalab/engine/enginetest"
	"dynalab/sessions"
)

var update = flag.Bool("update", false, "rewrite the golden files of dynalab doctor --json (testdata/doctor/*.json)")

// TestDoctorJSONGolden: dynalab doctor --json on each sample is the
// golden file, byte for byte (go test ./ui/cli -run DoctorJSON -update
// rewrites them); its exit status is 1 with a warning, 0 without.
func TestDoctorJSONGolden(t *testing.T) {
	for _, tc := range []struct {
		sample string
		code   int
	}{{"product-catalog", 1}, {"single-table", 0}, {"time-series", 0}} {
		t.Run(tc.sample, func(t *testing.T) {
			sessionHome(t)
			if code, _, errOut := cli(t, "sample", "load", tc.sample, "--session", "lab"); code != 0 {
				t.Fatal(errOut)
			}
			code, out, errOut := cli(t, "doctor", "--session", "lab", "--json")
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %s", code, tc.code, errOut)
			}
			golden := filepath.Join("testdata", "doctor", tc.sample+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if out != string(want) {
				t.Errorf("doctor --json:\n%s\nwant (%s):\n%s", out, golden, want)
			}
			// A second run prints the same bytes.
			if _, again, _ := cli(t, "doctor", "--session", "lab", "--json"); again != out {
				t.Errorf("second run differs:\n%s", again)
			}
		})
	}
}

// TestDoctorBinaryExitStatus runs the built binary: 1 on a session with a
// warning (the product-catalog sample's Scan), with the findings on
// standard output and the count on standard error; 0 on a clean one
// (single-table); 2 for a usage mistake.
func TestDoctorBinaryExitStatus(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	env := isolatedEnv(t.TempDir())
	for _, s := range []string{"product-catalog", "single-table"} {
		if code, _, errOut := runBinary(t, bin, env, "sample", "load", s, "--session", s); code != 0 {
			t.Fatalf("sample load %s: %d %s", s, code, errOut)
		}
	}
	code, out, errOut := runBinary(t, bin, env, "doctor", "--session", "product-catalog")
	if code != 1 || !strings.Contains(out, "WARNING  ProductCatalog  scan") ||
		!strings.Contains(errOut, `dynalab: doctor: session "product-catalog": 0 errors, 1 warning, 0 info`) {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	code, out, errOut = runBinary(t, bin, env, "doctor", "--session", "single-table")
	if code != 0 || !strings.Contains(out, `Session "single-table": no findings; 6 access patterns examined`) || errOut != "" {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if code, _, errOut = runBinary(t, bin, env, "doctor", "extra"); code != 2 {
		t.Fatalf("doctor extra: exit %d, want 2\n%s", code, errOut)
	}
}

// TestServeRecordsCapacityHistory: dynalab serve on a session keeps the
// capacity rollup in the session's directory, written when it stops. The
// test waits for the meter's ticks through /metrics (each tick refreshes
// the table's item count) instead of sleeping: three ticks after the
// first write, its second has closed and been recorded.
func TestServeRecordsCapacityHistory(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	dir := t.TempDir()
	env := isolatedEnv(dir)
	if code, _, errOut := runBinary(t, bin, env, "sample", "load", "time-series", "--session", "lab"); code != 0 {
		t.Fatal(errOut)
	}
	cmd, endpoint := startBinary(t, bin, env, "serve", "--session", "lab", "--listen", "127.0.0.1:0")
	client := enginetest.NewClient(endpoint)
	for n := 4; n <= 6; n++ { // Sensors holds 3 items
		_, err := client.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String("Sensors"),
			Item: map[string]types.AttributeValue{"SensorId": &types.AttributeValueMemberS{Value: fmt.Sprintf("s%d", n)}}})
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf(`dynalab_table_items{table="Sensors"} %d`, n)
		for i := 0; ; i++ {
			if strings.Contains(metricsText(t, endpoint), want) {
				break
			}
			if i == 500 {
				t.Fatalf("no tick counted %s", want)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("serve: %v", err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "home", "sessions", "lab", "capacity.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	wcu := 0.0
	for line := range strings.Lines(string(data)) {
		var m sessions.CapacityMinute
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		if m.Table == "Sensors" {
			wcu += m.WriteUnits
		}
	}
	if wcu < 1 {
		t.Fatalf("the history records %v WCU of Sensors; want the first write's 1 at least:\n%s", wcu, data)
	}
}

func metricsText(t *testing.T, endpoint string) string {
	t.Helper()
	resp, err := http.Get(endpoint + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

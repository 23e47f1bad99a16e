package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"dynalab/engine"
	"dynalab/engine/enginetest"
)

func TestHelpForEveryCommand(t *testing.T) {
	for _, args := range [][]string{{}, {"--help"}, {"help"}, {"serve", "--help"}, {"help", "serve"}} {
		var out, errOut bytes.Buffer
		code := run(context.Background(), args, &out, &errOut)
		if code != 0 || !strings.Contains(out.String(), "Usage:") {
			t.Errorf("dynalab %v: exit %d, stdout %q, stderr %q", args, code, out.String(), errOut.String())
		}
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"nope"}, {"serve", "--bogus"}, {"serve", "--data", "x.db", "--in-memory"}} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), args, &out, &errOut); code != 2 || errOut.Len() == 0 {
			t.Errorf("dynalab %v: exit %d, stderr %q; want 2 and a message", args, code, errOut.String())
		}
	}
}

func TestVersion(t *testing.T) {
	var out bytes.Buffer
	if code := run(context.Background(), []string{"version"}, &out, io.Discard); code != 0 || !strings.HasPrefix(out.String(), "dynalab ") {
		t.Fatalf("version: %d %q", code, out.String())
	}
}

// TestServe runs "dynalab serve" in process: the first line is the
// endpoint, the API answers, cancelling stops it cleanly and the data and
// lock are left as they should be.
func TestServe(t *testing.T) {
	path := filepath.Join(t.TempDir(), "serve.db")
	profile := filepath.Join(t.TempDir(), "cpu.out")
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--data", path, "--listen", "127.0.0.1:0", "--cpuprofile", profile}, pw, io.Discard)
		pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	if !lines.Scan() {
		t.Fatal("no output")
	}
	endpoint := lines.Text()
	go io.Copy(io.Discard, pr)
	if !strings.HasPrefix(endpoint, "http://127.0.0.1:") {
		t.Fatalf("first line %q is not the endpoint", endpoint)
	}
	resp, err := http.Get(endpoint + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "healthy: "+strings.TrimPrefix(endpoint, "http://")+" " { // the Host addressed, as the service answers
		t.Fatalf("health line %q", body)
	}
	c := enginetest.NewClient(endpoint)
	if _, err := c.ListTables(context.Background(), &dynamodb.ListTablesInput{}); err != nil {
		t.Fatal(err)
	}
	checkMetrics(t, c, endpoint)
	// While serving, the file is locked against a second opener.
	if _, err := engine.Open(engine.Options{Path: path}); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("second open: %v; want an error naming %s", err, path)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
	db, err := engine.Open(engine.Options{Path: path})
	if err != nil {
		t.Fatalf("reopen after shutdown: %v", err)
	}
	db.Close()
	// --cpuprofile wrote a whole profile (gzipped protobuf) on shutdown.
	if data, err := os.ReadFile(profile); err != nil || len(data) < 2 || data[0] != 0x1f || data[1] != 0x8b {
		t.Fatalf("cpu profile: %d bytes, %v", len(data), err)
	}
}

// TestServeSIGTERM builds the real binary, writes through it, stops it with
// SIGTERM and checks the write persisted.
func TestServeSIGTERM(t *testing.T) {
	if runtime.GOOS == "windows" || testing.Short() {
		t.Skip("needs a POSIX signal and a build")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "dynalab")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	path := filepath.Join(dir, "data.db")
	cmd := exec.Command(bin, "serve", "--data", path, "--listen", "127.0.0.1:0", "--sync", "never")
	stdout, _ := cmd.StdoutPipe()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() {
		t.Fatalf("no endpoint line; stderr: %s", stderr.String())
	}
	endpoint := lines.Text()
	go io.Copy(io.Discard, stdout)
	c := enginetest.NewClient(endpoint)
	ctx := context.Background()
	if _, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("T1x"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: "S"}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: "HASH"}},
		BillingMode:          "PAY_PER_REQUEST",
	}); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v; stderr: %s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "shut down cleanly") {
		t.Fatalf("stderr %q", stderr.String())
	}
	db, err := engine.Open(engine.Options{Path: path})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	if _, err := db.DescribeTable(ctx, &engine.DescribeTableInput{TableName: "T1x"}); err != nil {
		t.Fatalf("table lost: %v", err)
	}
}

// checkMetrics creates a table through c and reads it back from the
// server's GET /metrics with the Prometheus text-format parser.
func checkMetrics(t *testing.T, c *dynamodb.Client, endpoint string) {
	t.Helper()
	ctx := context.Background()
	_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("Metered"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Metered"), Item: map[string]types.AttributeValue{
		"id": &types.AttributeValueMemberS{Value: "a"}}}); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(endpoint + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %d, %v", resp.StatusCode, err)
	}
	f := families["dynalab_consumed_write_capacity_units_total"]
	if f == nil || len(f.Metric) != 1 || f.Metric[0].GetCounter().GetValue() != 1 {
		t.Fatalf("write units in /metrics: %v", f)
	}
}

package sessions

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"dynalab/engine"
	"dynalab/engine/server"
	"dynalab/partiql"
)

// startDynalite starts dynalite (the npm package: an endpoint with no
// PartiQL and no Streams) on a free port until the test ends. It is found
// as $DYNALITE or dynalite on PATH; CI installs it with npm.
func startDynalite(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("DYNALITE")
	if bin == "" {
		var err error
		if bin, err = exec.LookPath("dynalite"); err != nil {
			t.Skip("needs dynalite (npm install -g dynalite; CI installs it), which needs node")
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(bin, "--port", fmt.Sprint(port), "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	for deadline := time.Now().Add(20 * time.Second); ; {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return "http://" + addr
		}
		if time.Now().After(deadline) {
			t.Fatal("dynalite did not start listening")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestPartiQLAgainstAnEndpointWithoutIt: dynalite has no ExecuteStatement.
// Statements are then planned here and run through the item API: a key
// SELECT, a begins_with SELECT, a non-key SELECT (a Scan), an INSERT, an
// UPDATE with a condition and a two-statement transaction return what the
// service would, and EXPLAIN says it runs client-side.
func TestPartiQLAgainstAnEndpointWithoutIt(t *testing.T) {
	isolateAWSConfig(t)
	endpoint := startDynalite(t)
	ctx := context.Background()
	r := openPlaceholder(t, endpoint)
	if _, err := r.CreateTable(ctx, &engine.CreateTableInput{TableName: "AppTable", BillingMode: engine.BillingPayPerRequest,
		AttributeDefinitions: []engine.AttributeDefinition{{AttributeName: "PK", AttributeType: "S"}, {AttributeName: "SK", AttributeType: "S"}},
		KeySchema:            []engine.KeySchemaElement{{AttributeName: "PK", KeyType: "HASH"}, {AttributeName: "SK", KeyType: "RANGE"}}}); err != nil {
		t.Fatal(err)
	}
	var out, errOut strings.Builder
	run := &partiql.Runner{Backend: PartiQL(r), Out: &out, Err: &errOut, Format: partiql.FormatDDB}
	script := `INSERT INTO AppTable VALUE {'PK': 'USER#u1', 'SK': 'PROFILE', 'name': 'Ada', 'v': 1};
INSERT INTO AppTable VALUE {'PK': 'USER#u1', 'SK': 'ORDER#1', 'total': 5};
INSERT INTO AppTable VALUE {'PK': 'USER#u1', 'SK': 'ORDER#2', 'total': 7};
INSERT INTO AppTable VALUE {'PK': 'USER#u2', 'SK': 'PROFILE', 'name': 'Grace', 'v': 1};
UPDATE AppTable SET name = 'Ada L' SET v = 2 WHERE PK = 'USER#u1' AND SK = 'PROFILE' AND v = 1;
SELECT * FROM AppTable WHERE PK = 'USER#u1' AND SK = 'PROFILE';
SELECT SK, total FROM AppTable WHERE PK = 'USER#u1' AND begins_with(SK, 'ORDER#');
SELECT PK FROM AppTable WHERE name = 'Grace';
EXPLAIN SELECT PK FROM AppTable WHERE name = 'Grace';
UPDATE AppTable SET v = 3 WHERE PK = 'USER#u1' AND SK = 'PROFILE' AND v = 1`
	err := run.Run(ctx, "dynalite.sql", script)
	if err == nil || !strings.Contains(errOut.String(), "dynalite.sql:10:1: ConditionalCheckFailedException") {
		t.Fatalf("the last UPDATE's condition should fail: %v\n%s", err, errOut.String())
	}
	got := out.String()
	for _, want := range []string{
		`{"PK":{"S":"USER#u1"},"SK":{"S":"PROFILE"},"name":{"S":"Ada L"},"v":{"N":"2"}}`,
		`{"SK":{"S":"ORDER#1"},"total":{"N":"5"}}`,
		`{"SK":{"S":"ORDER#2"},"total":{"N":"7"}}`,
		`{"PK":{"S":"USER#u2"}}`,
		`"Operation": "Scan"`,
		"runs the plan client-side",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %s:\n%s", want, got)
		}
	}
	if !r.ClientSidePartiQL() {
		t.Error("the missing PartiQL was not detected")
	}

	// dynalite has no TransactWriteItems either: a transaction is refused,
	// never run statement by statement.
	_, err = r.ExecuteTransaction(ctx, &partiql.ExecuteTransactionInput{TransactStatements: []partiql.ParameterizedStatement{
		{Statement: `UPDATE AppTable SET v = 9 WHERE PK = 'USER#u2' AND SK = 'PROFILE'`},
		{Statement: `DELETE FROM AppTable WHERE PK = 'USER#u1' AND SK = 'ORDER#1'`},
	}})
	if err == nil || !strings.Contains(err.Error(), "cannot run atomically") {
		t.Fatalf("a transaction on dynalite: %v", err)
	}
	res, err := r.Run(ctx, `SELECT * FROM AppTable WHERE PK = 'USER#u2'`, nil, "")
	if err != nil || len(res.Items) != 1 || res.Items[0]["v"].Str() != "1" || !strings.Contains(res.Operation, "client-side") {
		t.Fatalf("the refused transaction wrote: %+v %v", res, err)
	}
}

// TestPartiQLTransactionWithoutPartiQL: an endpoint with the item API and
// transactions but no PartiQL (ScyllaDB Alternator; here a dynalab server
// without its PartiQL dispatcher) runs a two-statement transaction as the
// TransactWriteItems it stands for.
func TestPartiQLTransactionWithoutPartiQL(t *testing.T) {
	isolateAWSConfig(t)
	db, err := engine.Open(engine.Options{Path: engine.InMemory})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	endpoint := serveDispatcher(t, server.Chain{db}) // no PartiQL
	ctx := context.Background()
	r := openPlaceholder(t, endpoint)
	if _, err := r.CreateTable(ctx, &engine.CreateTableInput{TableName: "AppTable", BillingMode: engine.BillingPayPerRequest,
		AttributeDefinitions: []engine.AttributeDefinition{{AttributeName: "PK", AttributeType: "S"}},
		KeySchema:            []engine.KeySchemaElement{{AttributeName: "PK", KeyType: "HASH"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.ExecuteTransaction(ctx, &partiql.ExecuteTransactionInput{TransactStatements: []partiql.ParameterizedStatement{
		{Statement: `INSERT INTO AppTable VALUE {'PK': 'a', 'n': 1}`},
		{Statement: `INSERT INTO AppTable VALUE {'PK': 'b', 'n': 2}`},
	}}); err != nil {
		t.Fatal(err)
	}
	if !r.ClientSidePartiQL() {
		t.Fatal("the missing PartiQL was not detected")
	}
	// Atomic: one failing condition writes neither.
	_, err = r.ExecuteTransaction(ctx, &partiql.ExecuteTransactionInput{TransactStatements: []partiql.ParameterizedStatement{
		{Statement: `INSERT INTO AppTable VALUE {'PK': 'c', 'n': 3}`},
		{Statement: `INSERT INTO AppTable VALUE {'PK': 'a', 'n': 4}`}, // exists
	}})
	if err == nil || !strings.Contains(err.Error(), "TransactionCanceledException") {
		t.Fatalf("a transaction with a failing statement: %v", err)
	}
	res, err := r.Run(ctx, `SELECT PK FROM AppTable`, nil, "")
	if err != nil || len(res.Items) != 2 {
		t.Fatalf("after the transactions: %+v %v", res, err)
	}
}

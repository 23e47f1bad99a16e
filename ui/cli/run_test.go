package cli

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"dynalab/engine"
	"dynalab/engine/enginetest"
)

// TestRun runs "dynalab run" in process on a temporary --data file holding
// the seed's table: the script's results in every format, a failing
// statement reported as file:line:column with exit status 1, and
// --continue-on-error.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "lab.db")
	db, err := engine.Open(engine.Options{Path: data})
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.CreateTable(context.Background(), &engine.CreateTableInput{
		TableName:   "AppTable",
		BillingMode: engine.BillingPayPerRequest,
		AttributeDefinitions: []engine.AttributeDefinition{
			{AttributeName: "PK", AttributeType: "S"}, {AttributeName: "SK", AttributeType: "S"}},
		KeySchema: []engine.KeySchemaElement{
			{AttributeName: "PK", KeyType: engine.KeyTypeHash}, {AttributeName: "SK", KeyType: engine.KeyTypeRange}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	script := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	seed := script("seed.sql", `-- the seed's statements
INSERT INTO "AppTable" VALUE {'PK':'USER#u123','SK':'PROFILE','name':'Alice','email':'alice@example.com'};
INSERT INTO "AppTable" VALUE {'PK':'USER#u123','SK':'ORDER#2025-01-01','total':42};
UPDATE "AppTable" SET name='Alice K' WHERE PK='USER#u123' AND SK='PROFILE';
SELECT * FROM "AppTable" WHERE PK='USER#u123' AND begins_with(SK,'ORDER#');
`)
	var out, errOut bytes.Buffer
	if code := Main(context.Background(), []string{"run", "--data", data, seed}, nil, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	want := "OK\nOK\nOK\nPK        | SK               | total\n----------+------------------+------\nUSER#u123 | ORDER#2025-01-01 | 42\n(1 item)\n"
	if out.String() != want {
		t.Fatalf("stdout:\n%s\nwant:\n%s", out.String(), want)
	}

	query := script("query.sql", "SELECT name FROM \"AppTable\" WHERE PK='USER#u123' AND SK='PROFILE';\nEXPLAIN SELECT * FROM \"AppTable\" WHERE SK = 'PROFILE'")
	out.Reset()
	if code := Main(context.Background(), []string{"run", query, "--data", data, "-o", "json"}, nil, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if !strings.HasPrefix(out.String(), "[\n  {\n    \"name\": \"Alice K\"\n  }\n]\n{\n  \"Operation\": \"Scan\"") {
		t.Fatalf("json output:\n%s", out.String())
	}

	bad := script("bad.sql", "SELECT * FROM \"AppTable\" WHERE PK='x' LIMIT 1;\nINSERT INTO \"AppTable\" VALUE {'PK':'USER#u123','SK':'PROFILE'};\nSELECT * FROM \"AppTable\" WHERE PK='USER#u123' AND SK='PROFILE'")
	for _, tc := range []struct {
		args   []string
		stderr string
		items  int
	}{
		{[]string{"run", "--data", data, bad}, bad + ":1:39: Unsupported clause: LIMIT\ndynalab: 1 of 3 statements failed\n", 0},
		{[]string{"run", "--data", data, "--continue-on-error", "-o", "ddb", bad}, bad + ":1:39: Unsupported clause: LIMIT\n" +
			bad + ":2:1: DuplicateItemException: Duplicate primary key exists in table\ndynalab: 2 of 3 statements failed\n", 1},
	} {
		out.Reset()
		errOut.Reset()
		if code := Main(context.Background(), tc.args, nil, &out, &errOut); code != 1 {
			t.Fatalf("%v: exit %d", tc.args, code)
		}
		if errOut.String() != tc.stderr {
			t.Fatalf("%v: stderr:\n%s\nwant:\n%s", tc.args, errOut.String(), tc.stderr)
		}
		if got := strings.Count(out.String(), `"PK":`); got != tc.items {
			t.Fatalf("%v: stdout:\n%s", tc.args, out.String())
		}
	}

	for _, args := range [][]string{{"run"}, {"run", "a.sql", "b.sql"}, {"run", "--data", data, "--in-memory", seed}, {"run", "-o", "xml", seed}} {
		errOut.Reset()
		if code := Main(context.Background(), args, nil, &out, &errOut); code != 2 || errOut.Len() == 0 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and a message", args, code, errOut.String())
		}
	}
	out.Reset()
	if code := Main(context.Background(), []string{"help", "run"}, nil, &out, &errOut); code != 0 || !strings.Contains(out.String(), "dynalab run [--data FILE") {
		t.Fatalf("help run: %d %s", code, out.String())
	}
}

// TestRunThroughHolder checks that run reaches a database held by a
// running server through the endpoint its lock file records.
func TestRunThroughHolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "held.db")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"serve", "--data", path, "--listen", "127.0.0.1:0"}, nil, pw, io.Discard)
		pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	if !lines.Scan() {
		t.Fatal("no endpoint")
	}
	go io.Copy(io.Discard, pr)
	c := enginetest.NewClient(lines.Text())
	if _, err := c.CreateTable(context.Background(), &dynamodb.CreateTableInput{
		TableName:            aws.String("Held"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: "S"}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: "HASH"}},
		BillingMode:          "PAY_PER_REQUEST",
	}); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(t.TempDir(), "s.sql")
	if err := os.WriteFile(script, []byte("INSERT INTO Held VALUE {'id':'a'};\nSELECT * FROM Held;"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := Main(context.Background(), []string{"run", "--data", path, "-o", "json", script}, nil, &out, &errOut); code != 0 {
		t.Fatalf("run exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(errOut.String(), "running through http://127.0.0.1:") || !strings.Contains(out.String(), `"a"`) {
		t.Fatalf("stdout %q stderr %q", out.String(), errOut.String())
	}
	cancel()
	<-done
}

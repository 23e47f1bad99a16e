package partiql

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

const runScript = `-- the seed, as a script
INSERT INTO "AppTable" VALUE {'PK':'USER#u123','SK':'PROFILE','name':'Alice','email':'alice@example.com'};
INSERT INTO "AppTable" VALUE {'PK':'USER#u123','SK':'ORDER#1','total':42.5, 'tags': <<'a','b'>>};
UPDATE "AppTable" SET name='Alice K' WHERE PK='USER#u123' AND SK='PROFILE';
/* a Query */
SELECT * FROM "AppTable" WHERE PK='USER#u123';
`

func runScriptText(t *testing.T, f OutputFormat, cont bool, src string) (string, string, error) {
	t.Helper()
	_, x := openExecutor(t)
	var out, errOut bytes.Buffer
	r := &Runner{Backend: x, Out: &out, Err: &errOut, Format: f, ContinueOnError: cont}
	err := r.Run(context.Background(), "seed.sql", src)
	return out.String(), errOut.String(), err
}

func TestRunnerFormats(t *testing.T) {
	for _, tc := range []struct {
		format OutputFormat
		want   string
	}{
		{FormatTable, `OK
OK
OK
PK        | SK      | email             | name    | tags         | total
----------+---------+-------------------+---------+--------------+------
USER#u123 | ORDER#1 |                   |         | <<'a', 'b'>> | 42.5
USER#u123 | PROFILE | alice@example.com | Alice K |              |
(2 items)
`},
		{FormatJSON, `[]
[]
[]
[
  {
    "PK": "USER#u123",
    "SK": "ORDER#1",
    "tags": [
      "a",
      "b"
    ],
    "total": 42.5
  },
  {
    "PK": "USER#u123",
    "SK": "PROFILE",
    "email": "alice@example.com",
    "name": "Alice K"
  }
]
`},
		{FormatDDB, `[]
[]
[]
[
  {"PK":{"S":"USER#u123"},"SK":{"S":"ORDER#1"},"tags":{"SS":["a","b"]},"total":{"N":"42.5"}},
  {"PK":{"S":"USER#u123"},"SK":{"S":"PROFILE"},"email":{"S":"alice@example.com"},"name":{"S":"Alice K"}}
]
`},
	} {
		t.Run(string(tc.format), func(t *testing.T) {
			out, errOut, err := runScriptText(t, tc.format, false, runScript)
			if err != nil || errOut != "" {
				t.Fatalf("%v %s", err, errOut)
			}
			if out != tc.want {
				t.Fatalf("output:\n%s\nwant:\n%s", out, tc.want)
			}
		})
	}
}

func TestRunnerErrors(t *testing.T) {
	script := runScript + `
SELECT * FROM "AppTable"
  WHERE PK = 'USER#u123' LIMIT 1;
UPDATE "AppTable" SET n = 1 WHERE PK = 'nobody' AND SK = 'x';
SELECT name FROM "AppTable" WHERE PK='USER#u123' AND SK='PROFILE';
SELECT * FROM "AppTable" WHERE PK = 'x' AND;
`
	out, errOut, err := runScriptText(t, FormatTable, false, script)
	var se *ScriptError
	if !errors.As(err, &se) || se.Failed != 1 || se.Total != 8 {
		t.Fatalf("error %v", err)
	}
	if errOut != "seed.sql:9:26: Unsupported clause: LIMIT\n" {
		t.Fatalf("stderr %q", errOut)
	}
	if strings.Count(out, "items)") != 1 || strings.Contains(out, "(1 item)") {
		t.Fatalf("ran past the failure:\n%s", out)
	}

	out, errOut, err = runScriptText(t, FormatTable, true, script)
	if !errors.As(err, &se) || se.Failed != 3 || err.Error() != "3 of 8 statements failed" {
		t.Fatalf("error %v", err)
	}
	want := "seed.sql:9:26: Unsupported clause: LIMIT\n" +
		"seed.sql:10:1: ConditionalCheckFailedException: The conditional request failed\n" +
		"seed.sql:12:41: Statement wasn't well formed, can't be processed: Missing right-hand side expression of infix operator\n"
	if errOut != want {
		t.Fatalf("stderr:\n%s\nwant:\n%s", errOut, want)
	}
	if !strings.HasSuffix(out, "name\n-------\nAlice K\n(1 item)\n") {
		t.Fatalf("output:\n%s", out)
	}
}

func TestRunnerExplain(t *testing.T) {
	out, errOut, err := runScriptText(t, FormatTable, false, runScript+`
EXPLAIN SELECT * FROM "AppTable" WHERE PK='USER#u123' AND begins_with(SK,'ORDER#');
EXPLAIN SELECT * FROM "AppTable" WHERE begins_with(SK,'ORDER#')`)
	if err != nil {
		t.Fatal(err, errOut)
	}
	for _, want := range []string{
		"Operation: Query on AppTable\n  Key condition:      PK = 'USER#u123' AND begins_with(SK, 'ORDER#')\n",
		"Operation: Scan on AppTable\n  Key condition:      none: no equality on the partition key PK\n",
		"  Reads whole table:  yes",
		// The Query reads one item: half a unit.
		"  Estimate:           examines 1 item, returns 1; consumes 0.5 RCU (eventually consistent)\n",
		// A Scan of the on-demand table reads its four partitions, at
		// least 0.5 RCU each (engine scan.go, partitionCost).
		"  Estimate:           examines 2 items, returns 1; consumes 2 RCU (eventually consistent; a Scan reads each of the table's 4 partitions and rounds each up to a whole 4 KB unit: at least 2 RCU)\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	out, _, err = runScriptText(t, FormatJSON, false, `EXPLAIN SELECT * FROM "AppTable" WHERE PK='x'`)
	if err != nil || !strings.Contains(out, `"Operation": "Query"`) || !strings.Contains(out, `"KeyConditionExpression": "#n0 = :v0"`) {
		t.Fatalf("%v\n%s", err, out)
	}
}

package codegen_test

import (
	"strings"
	"testing"

	"dynalab/engine/attr"

	"dynalab/sessions/codegen"
	"dynalab/sessions/model"
)

// TestPlanChoices: what a statement is written as, and the statements
// that are not one request.
func TestPlanChoices(t *testing.T) {
	env := newLab(t)
	for _, c := range []struct {
		statement, op, note, err string
	}{
		{statement: `SELECT name FROM "AppTable" WHERE PK = 'USER#u1' AND SK = 'PROFILE'`, op: codegen.GetItem},
		{statement: `EXPLAIN SELECT * FROM "AppTable" WHERE PK = 'USER#u1'`, op: codegen.Query},
		{statement: `DELETE FROM "AppTable" WHERE PK = 'USER#u1' AND SK = 'ORDER#0001' AND total > 5`, op: codegen.DeleteItem},
		// A filter on the sort key: a Query's FilterExpression may not read
		// a key attribute, so the executor filters; the program sends the
		// statement.
		{statement: `SELECT * FROM "AppTable" WHERE PK = 'USER#u1' AND (SK = 'PROFILE' OR SK = 'ORDER#0001')`, op: codegen.ExecuteStatement,
			note: "a Query's FilterExpression may not read a key attribute"},
		{statement: `SELECT * FROM "AppTable" WHERE PK IN ['USER#u1', 'USER#u2']`, op: codegen.ExecuteStatement,
			note: "the statement reads 2 partitions"},
		{statement: `SELECT lines[0].sku FROM "AppTable" WHERE PK = 'USER#u1'`, op: codegen.Query,
			note: "ProjectionExpression returns nested attributes in place"},
		{statement: `SELECT * FROM "Nope"`, err: "ResourceNotFoundException"},
		{statement: `SELEC *`, err: "1:1: Unexpected term"},
	} {
		r, err := codegen.Plan(t.Context(), env.backend, c.statement, nil)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: error %v, want %q", c.statement, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.statement, err)
			continue
		}
		if r.Operation != c.op || !strings.Contains(r.Note, c.note) {
			t.Errorf("%s: %s (%q), want %s (%q)", c.statement, r.Operation, r.Note, c.op, c.note)
		}
		if r.Operation == codegen.ExecuteStatement && r.Statement != c.statement {
			t.Errorf("%s: sends %q, not the statement as written", c.statement, r.Statement)
		}
	}
}

// TestFromAPI: an access pattern given as an API request keeps its
// members; the legacy parameters and other operations are refused.
func TestFromAPI(t *testing.T) {
	r, err := codegen.FromAPI("Query", []byte(`{"TableName":"T","IndexName":"I","KeyConditionExpression":"pk = :p",
		"ExpressionAttributeValues":{":p":{"S":"x"}},"ScanIndexForward":false,"Limit":10,"ConsistentRead":true}`))
	if err != nil {
		t.Fatal(err)
	}
	if r.Table != "T" || r.Index != "I" || r.KeyCondition != "pk = :p" || !r.Descending || r.Limit != 10 || !r.ConsistentRead || r.Values[":p"].Str() != "x" {
		t.Errorf("%+v", r)
	}
	r, err = codegen.FromAPI("UpdateItem", []byte(`{"TableName":"T","Key":{"pk":{"S":"x"}},"UpdateExpression":"SET a = :a",
		"ConditionExpression":"attribute_exists(pk)","ExpressionAttributeValues":{":a":{"N":"1"}},"ReturnValues":"NONE"}`))
	if err != nil || r.ReturnValues != "" || r.Condition != "attribute_exists(pk)" {
		t.Errorf("%+v %v", r, err)
	}
	for _, c := range []struct{ op, input, want string }{
		{"BatchGetItem", `{}`, "BatchGetItem: the operation is not one of"},
		{"Query", `{"TableName":"T","KeyConditions":{"pk":{"ComparisonOperator":"EQ"}}}`, "legacy KeyConditions"},
		{"Scan", `{"TableName":"T","ScanFilter":{}}`, "legacy ScanFilter"},
		{"PutItem", `{"TableName":"T","Item":{},"Expected":{"a":{"Exists":false}}}`, "legacy Expected"},
		{"GetItem", `{"TableName":"T","Key":{"pk":{"Q":"x"}}}`, "GetItem request:"},
		{"PutItem", `{"TableName":"T","Item":{"pk":{"S":"x"}},"ReturnValues":"all_new); System.exit(1"}`, "ReturnValues \"all_new); System.exit(1\" is none of"},
	} {
		if _, err := codegen.FromAPI(c.op, []byte(c.input)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %s: error %v, want %q", c.op, c.input, err, c.want)
		}
	}
}

// TestCommentsStayComments: text from a statement or a request that would
// end a line comment in some language (a carriage return, U+2028, Java's
// \u000a) stays inside the header's comment.
func TestCommentsStayComments(t *testing.T) {
	r, err := codegen.FromAPI("GetItem", []byte(`{"TableName":"T","Key":{"pk":{"S":"x"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	r.Statement, r.Operation = "SELECT 1\rSystem.exit(1)\u2028x \\u000a y", codegen.GetItem
	for _, lang := range []codegen.Lang{codegen.Go, codegen.Python, codegen.JS, codegen.Java, codegen.CLI} {
		text, err := codegen.Generate(lang, r)
		if err != nil {
			t.Fatal(err)
		}
		for line := range strings.Lines(text) {
			if strings.Contains(line, "System.exit") && !strings.HasPrefix(strings.TrimSpace(line), "//") && !strings.HasPrefix(strings.TrimSpace(line), "#") {
				t.Errorf("%s: the statement left the comment: %q", lang, line)
			}
		}
		if strings.ContainsAny(text, "\r\u2028") || strings.Contains(text, `\u000a`) && !strings.Contains(text, `\\u000a`) {
			t.Errorf("%s: a line breaker is left in the program:\n%s", lang, text)
		}
	}
}

// TestForPattern: a model's access pattern, by statement with
// parameters or by request.
func TestForPattern(t *testing.T) {
	env := newLab(t)
	ap := model.AccessPattern{Name: "orders", Statement: `SELECT * FROM "AppTable" WHERE PK = ?`}
	if _, err := codegen.ForPattern(t.Context(), env.backend, ap); err == nil || !strings.Contains(err.Error(), "access pattern orders:") {
		t.Errorf("a missing parameter: %v", err)
	}
	ap.Parameters = []attr.Value{attr.S("USER#u2")}
	r, err := codegen.ForPattern(t.Context(), env.backend, ap)
	if err != nil || r.Operation != codegen.Query || len(r.Parameters) != 1 {
		t.Fatalf("%+v %v", r, err)
	}
	ap = model.AccessPattern{Name: "get", Request: &model.Request{Operation: "GetItem", Input: []byte(`{"TableName":"AppTable","Key":{"PK":{"S":"a"},"SK":{"S":"b"}}}`)}}
	if r, err := codegen.ForPattern(t.Context(), env.backend, ap); err != nil || r.Operation != codegen.GetItem || r.Key["SK"].Str() != "b" {
		t.Errorf("%+v %v", r, err)
	}
	if _, err := codegen.ForPattern(t.Context(), env.backend, model.AccessPattern{Name: "empty"}); err == nil {
		t.Error("a pattern with neither statement nor request")
	}
}

// TestLangs: the names ParseLang takes, and Generate's refusals.
func TestLangs(t *testing.T) {
	for in, want := range map[string]codegen.Lang{"go": codegen.Go, "Python": codegen.Python, "py": codegen.Python,
		"node": codegen.JS, "javascript": codegen.JS, "java": codegen.Java, "aws": codegen.CLI, "cli": codegen.CLI} {
		if got, err := codegen.ParseLang(in); err != nil || got != want {
			t.Errorf("ParseLang(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := codegen.ParseLang("rust"); err == nil || !strings.Contains(err.Error(), "one of go, python, js, java, cli") {
		t.Errorf("rust: %v", err)
	}
	get := &codegen.Request{Operation: codegen.GetItem, Table: "T"}
	if _, err := codegen.Generate("rust", get); err == nil {
		t.Error("Generate in an unknown language")
	}
	for _, r := range []*codegen.Request{{Operation: "BatchWriteItem", Table: "T"}, {Operation: codegen.Scan}, {Operation: codegen.ExecuteStatement}} {
		if _, err := codegen.Generate(codegen.Go, r); err == nil {
			t.Errorf("Generate(%+v) succeeded", r)
		}
	}
}

// TestShellQuoting: what a CLI program passes is what the request holds,
// whatever the quotes in it.
func TestShellQuoting(t *testing.T) {
	r := &codegen.Request{Operation: codegen.Scan, Table: "it's", Filter: `a = :v AND b <> "x"`,
		Values: map[string]attr.Value{":v": attr.S(`O'Brien $HOME`)}}
	text, err := codegen.Generate(codegen.CLI, r)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`--table-name 'it'\''s'`, `--filter-expression 'a = :v AND b <> "x"'`,
		`--expression-attribute-values '{":v":{"S":"O'\''Brien $HOME"}}'`} {
		if !strings.Contains(text, want) {
			t.Errorf("lacks %s:\n%s", want, text)
		}
	}
}

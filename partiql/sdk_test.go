package partiql_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/engine/enginetest"
	"dynalab/engine/server"
	"dynalab/partiql"
)

// Interfaces the package promises to satisfy.
var (
	_ partiql.DB        = (*engine.DB)(nil)
	_ server.Dispatcher = (*partiql.Dispatcher)(nil)
	_ partiql.Backend   = (*partiql.Executor)(nil)
)

// serve opens a database with TestMusicExamples' tables (Music, Orders) and
// the seed's AppTable, serves it with the PartiQL dispatcher chained after
// the engine, as main does, and returns an SDK client and the executor.
func serve(t *testing.T) (*dynamodb.Client, *partiql.Executor) {
	t.Helper()
	db := enginetest.Open(t, engine.Options{})
	x := partiql.New(db, partiql.Options{})
	srv := httptest.NewServer(server.New(server.Chain{db, partiql.NewDispatcher(x)}, server.Options{}))
	t.Cleanup(srv.Close)
	c := enginetest.NewClient(srv.URL)
	ctx := enginetest.Ctx(t)
	for _, tbl := range []struct{ name, hash, ht, rng string }{
		{"Music", "Artist", "S", "SongTitle"}, {"Orders", "OrderID", "N", ""}, {"AppTable", "PK", "S", "SK"},
	} {
		in := &dynamodb.CreateTableInput{
			TableName:            aws.String(tbl.name),
			BillingMode:          types.BillingModePayPerRequest,
			AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String(tbl.hash), AttributeType: types.ScalarAttributeType(tbl.ht)}},
			KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String(tbl.hash), KeyType: types.KeyTypeHash}},
		}
		if tbl.rng != "" {
			in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{AttributeName: aws.String(tbl.rng), AttributeType: types.ScalarAttributeTypeS})
			in.KeySchema = append(in.KeySchema, types.KeySchemaElement{AttributeName: aws.String(tbl.rng), KeyType: types.KeyTypeRange})
		}
		if _, err := c.CreateTable(ctx, in); err != nil {
			t.Fatalf("CreateTable %s: %v", tbl.name, err)
		}
	}
	return c, x
}

func s(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
func n(v string) types.AttributeValue { return &types.AttributeValueMemberN{Value: v} }

// itemsText renders SDK items as canonical DynamoDB JSON, one per line.
func itemsText(t *testing.T, items []map[string]types.AttributeValue) string {
	t.Helper()
	var lines []string
	for _, it := range items {
		a, err := fromSDKItem(it)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, string(attr.AppendItem(nil, a)))
	}
	return strings.Join(lines, "\n")
}

// apiError returns the service error code and message of err.
func apiError(err error) (code, msg string) {
	var api smithy.APIError
	if errors.As(err, &api) {
		return api.ErrorCode(), api.ErrorMessage()
	}
	if err != nil {
		return "?", err.Error()
	}
	return "", ""
}

func execute(ctx context.Context, c *dynamodb.Client, stmt string, params ...types.AttributeValue) (*dynamodb.ExecuteStatementOutput, error) {
	return c.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String(stmt), Parameters: params})
}

// TestMusicExamples runs 30 worked examples on the Developer Guide's PartiQL
// Music table (outcomes from its PartiQL reference pages and DynamoDB Local's
// messages) in order, through aws-sdk-go-v2 and the HTTP server. #12 needs
// secondary indexes, which the engine does not have yet; TestIndexNotYet
// checks what it says.
func TestMusicExamples(t *testing.T) {
	c, _ := serve(t)
	ctx := enginetest.Ctx(t)
	seed := []string{
		`INSERT INTO Music VALUE {'Artist':'Acme Band','SongTitle':'PartiQL Rocks','AlbumTitle':'Greatest Hits','Year':2020}`,
		`INSERT INTO Orders VALUE {'OrderID': 7, 'Status': 'new'}`,
	}
	for _, st := range seed {
		if _, err := execute(ctx, c, st); err != nil {
			t.Fatalf("%s: %v", st, err)
		}
	}
	const (
		rocks   = `{"AlbumTitle":{"S":"Greatest Hits"},"Artist":{"S":"Acme Band"},"SongTitle":{"S":"PartiQL Rocks"},"Year":{"N":"2020"}}`
		happy   = `{"Artist":{"S":"Acme Band"},"SongTitle":{"S":"Happy Day"},"Tags":{"SS":["pop","rock"]},"Year":{"N":"2021"}}`
		obrien  = `{"Artist":{"S":"O'Brien"},"SongTitle":{"S":"It's Me"}}`
		invalid = "ValidationException"
		ccf     = "ConditionalCheckFailedException"
	)
	steps := []struct {
		n        int
		stmt     string
		params   []types.AttributeValue
		code     string // expected error code, "" for success
		msg      string
		items    string // expected items, one per line ("-" to skip the check)
		anyOrder bool
	}{
		{n: 1, stmt: `INSERT INTO Music VALUE {'Artist':'Acme Band','SongTitle':'Happy Day','Year':2021,'Tags':<<'pop','rock'>>}`},
		{n: 2, stmt: `INSERT INTO Music VALUE {'Artist':'Acme Band','SongTitle':'Happy Day','Year':2021,'Tags':<<'pop','rock'>>}`,
			code: "DuplicateItemException", msg: "Duplicate primary key exists in table"},
		{n: 3, stmt: `INSERT INTO Music VALUE {'Artist':'Solo'}`, code: invalid, msg: "Key attribute should be present in the item: Key SongTitle"},
		{n: 4, stmt: `INSERT INTO "Music" VALUE {'Artist':'O''Brien','SongTitle':'It''s Me'}`},
		{n: 5, stmt: `SELECT * FROM Music WHERE Artist='Acme Band' AND SongTitle='PartiQL Rocks'`, items: rocks},
		{n: 6, stmt: `SELECT SongTitle, Year FROM Music WHERE Artist='Acme Band'`,
			items: `{"SongTitle":{"S":"Happy Day"},"Year":{"N":"2021"}}` + "\n" + `{"SongTitle":{"S":"PartiQL Rocks"},"Year":{"N":"2020"}}`},
		{n: 7, stmt: `SELECT * FROM Music WHERE Artist='Acme Band' ORDER BY SongTitle DESC`, items: rocks + "\n" + happy},
		{n: 8, stmt: `SELECT * FROM Music WHERE Artist='Acme Band' AND begins_with(SongTitle,'Part')`, items: rocks},
		{n: 9, stmt: `SELECT * FROM Music WHERE Artist='Acme Band' AND Year BETWEEN 2021 AND 2030`, items: happy},
		{n: 10, stmt: `SELECT * FROM Music WHERE Year > 2000`, items: happy + "\n" + rocks, anyOrder: true},
		{n: 11, stmt: `SELECT * FROM Music WHERE Artist IN ['Acme Band','Nobody']`, items: happy + "\n" + rocks},
		{n: 13, stmt: `SELECT * FROM Music WHERE Tags IS MISSING`, items: rocks + "\n" + obrien, anyOrder: true},
		{n: 14, stmt: `SELECT * FROM Music ORDER BY SongTitle`, code: invalid, msg: "Must have WHERE clause in the statement when using ORDER BY clause."},
		{n: 15, stmt: `SELECT * FROM Music WHERE Artist='Acme Band' ORDER BY Year`, code: invalid, msg: "Variable reference Year in ORDER BY clause must be part of the primary key"},
		{n: 16, stmt: `SELECT * FROM Music WHERE Artist=? AND SongTitle=?`, params: []types.AttributeValue{s("Acme Band")},
			code: invalid, msg: "Number of parameters in request and statement don't match."},
		{n: 17, stmt: `UPDATE Music SET AwardsWon=1 SET AwardDetail={'Grammys':[2020,2018]} WHERE Artist='Acme Band' AND SongTitle='PartiQL Rocks' RETURNING ALL NEW *`,
			items: `{"AlbumTitle":{"S":"Greatest Hits"},"Artist":{"S":"Acme Band"},"AwardDetail":{"M":{"Grammys":{"L":[{"N":"2020"},{"N":"2018"}]}}},"AwardsWon":{"N":"1"},"SongTitle":{"S":"PartiQL Rocks"},"Year":{"N":"2020"}}`},
		{n: 18, stmt: `UPDATE Music SET AwardDetail.Grammys = list_append(AwardDetail.Grammys, [2016]) WHERE Artist='Acme Band' AND SongTitle='PartiQL Rocks'`},
		{n: 18, stmt: `SELECT AwardDetail.Grammys FROM Music WHERE Artist='Acme Band' AND SongTitle='PartiQL Rocks'`,
			items: `{"Grammys":{"L":[{"N":"2020"},{"N":"2018"},{"N":"2016"}]}}`},
		{n: 19, stmt: `UPDATE Music REMOVE AwardDetail.Grammys[1] WHERE Artist='Acme Band' AND SongTitle='PartiQL Rocks' RETURNING MODIFIED OLD *`,
			items: `{"AwardDetail":{"M":{"Grammys":{"L":[{"N":"2018"}]}}}}`},
		{n: 20, stmt: `UPDATE Music SET Tags = set_add(Tags, <<'jazz'>>) WHERE Artist='Acme Band' AND SongTitle='Happy Day' RETURNING MODIFIED NEW *`,
			items: `{"Tags":{"SS":["pop","rock","jazz"]}}`},
		{n: 21, stmt: `UPDATE Music SET Tags = set_delete(Other, <<'pop'>>) WHERE Artist='Acme Band' AND SongTitle='Happy Day'`,
			code: invalid, msg: "The first argument to SET_DELETE must equal the assignment value"},
		{n: 22, stmt: `UPDATE Music SET AwardsWon = AwardsWon + 1 WHERE Artist='Acme Band' AND SongTitle='No Such Song'`, code: ccf, msg: "The conditional request failed"},
		{n: 23, stmt: `UPDATE Music SET Year = 2022 WHERE Artist='Acme Band'`, code: invalid, msg: "Where clause does not contain a mandatory equality on all key attributes"},
		{n: 24, stmt: `DELETE FROM Music WHERE Artist='Nobody' AND SongTitle='Nothing'`},
		{n: 25, stmt: `DELETE FROM Music WHERE Artist='Acme Band' AND SongTitle='Happy Day' AND Year = 1999`, code: ccf, msg: "The conditional request failed"},
		{n: 26, stmt: `DELETE FROM Music WHERE Artist='Acme Band' AND SongTitle='Happy Day' RETURNING ALL OLD *`,
			items: `{"Artist":{"S":"Acme Band"},"SongTitle":{"S":"Happy Day"},"Tags":{"SS":["pop","rock","jazz"]},"Year":{"N":"2021"}}`},
		{n: 27, stmt: `DELETE FROM Music WHERE Artist='Acme Band' AND SongTitle='PartiQL Rocks' RETURNING ALL NEW *`,
			code: invalid, msg: "Invalid returning clause: RETURNING ALL NEW *. Only RETURNING ALL OLD * is allowed in DELETE statements."},
		{n: 29, stmt: `EXISTS(SELECT * FROM Music WHERE Artist='Acme Band' AND SongTitle='PartiQL Rocks' AND Year=2020)`,
			code: invalid, msg: "EXISTS can only be used in ExecuteTransaction write requests."},
		{n: 30, stmt: `SELECT * FROM Music LIMIT 1`, code: invalid, msg: "Unsupported clause: LIMIT"},
	}
	for _, st := range steps {
		out, err := execute(ctx, c, st.stmt, st.params...)
		code, msg := apiError(err)
		if code != st.code || (st.code != "" && msg != st.msg) {
			t.Errorf("#%d %s:\n got error %s: %s\nwant %s: %s", st.n, st.stmt, code, msg, st.code, st.msg)
			continue
		}
		if err != nil || st.items == "-" {
			continue
		}
		got := itemsText(t, out.Items)
		if st.anyOrder {
			lines := strings.Split(got, "\n")
			slices.Sort(lines)
			got = strings.Join(lines, "\n")
			want := strings.Split(st.items, "\n")
			slices.Sort(want)
			st.items = strings.Join(want, "\n")
		}
		if got != st.items {
			t.Errorf("#%d %s:\n got items %s\nwant items %s", st.n, st.stmt, got, st.items)
		}
		if out.NextToken != nil {
			t.Errorf("#%d: NextToken %q", st.n, *out.NextToken)
		}
	}

	// #28: EXISTS beside an UPDATE, in a transaction: both apply...
	tx := []types.ParameterizedStatement{
		{Statement: aws.String(`EXISTS(SELECT * FROM Music WHERE Artist='Acme Band' AND SongTitle='PartiQL Rocks' AND Awards IS MISSING)`)},
		{Statement: aws.String(`UPDATE Orders SET Status='paid' WHERE OrderID=7`)},
	}
	res, err := c.ExecuteTransaction(ctx, &dynamodb.ExecuteTransactionInput{TransactStatements: tx})
	if err != nil || len(res.Responses) != 0 {
		t.Fatalf("#28: %v %v", res, err)
	}
	got, err := execute(ctx, c, `SELECT Status FROM Orders WHERE OrderID = 7`)
	if err != nil || itemsText(t, got.Items) != `{"Status":{"S":"paid"}}` {
		t.Fatalf("#28: order 7 is %v %v", got, err)
	}
	// ... and when the EXISTS condition fails, neither does.
	if _, err := execute(ctx, c, `UPDATE Music SET Awards = 1 WHERE Artist='Acme Band' AND SongTitle='PartiQL Rocks'`); err != nil {
		t.Fatal(err)
	}
	tx[1].Statement = aws.String(`UPDATE Orders SET Status='refunded' WHERE OrderID=7`)
	_, err = c.ExecuteTransaction(ctx, &dynamodb.ExecuteTransactionInput{TransactStatements: tx})
	var canceled *types.TransactionCanceledException
	if !errors.As(err, &canceled) {
		t.Fatalf("#28 failing: %v", err)
	}
	if code, msg := apiError(err); code != "TransactionCanceledException" ||
		msg != "Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None]" {
		t.Fatalf("#28 failing: %s: %s", code, msg)
	}
	var reasons []string
	for _, r := range canceled.CancellationReasons {
		reasons = append(reasons, aws.ToString(r.Code))
	}
	if strings.Join(reasons, ",") != "ConditionalCheckFailed,None" {
		t.Fatalf("#28 reasons %v", reasons)
	}
	got, _ = execute(ctx, c, `SELECT Status FROM Orders WHERE OrderID = 7`)
	if itemsText(t, got.Items) != `{"Status":{"S":"paid"}}` {
		t.Fatalf("#28: the cancelled transaction wrote: %s", itemsText(t, got.Items))
	}

	// #30, the right way: Limit 1 gives one item and a NextToken.
	page, err := c.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String(`SELECT * FROM Music`), Limit: aws.Int32(1)})
	if err != nil || len(page.Items) != 1 || page.NextToken == nil {
		t.Fatalf("#30 with Limit 1: %v items, token %v, %v", len(page.Items), page.NextToken, err)
	}
}

// TestIndexNotYet: the engine has no secondary indexes yet, so example #12
// gets the engine's answer for an unknown index.
func TestIndexNotYet(t *testing.T) {
	c, _ := serve(t)
	_, err := execute(enginetest.Ctx(t), c, `SELECT * FROM "Music"."AlbumIndex" WHERE AlbumTitle='Greatest Hits'`)
	if code, msg := apiError(err); code != "ValidationException" || msg != "The table does not have the specified index: AlbumIndex" {
		t.Fatalf("%s: %s", code, msg)
	}
}

// TestSeedStatements runs the seed's three statements verbatim.
func TestSeedStatements(t *testing.T) {
	c, x := serve(t)
	ctx := enginetest.Ctx(t)
	for _, st := range []string{
		`INSERT INTO "AppTable" VALUE {'PK':'USER#u123','SK':'PROFILE','name':'Alice','email':'alice@example.com'}`,
		`INSERT INTO "AppTable" VALUE {'PK':'USER#u123','SK':'ORDER#2025-01-01T10:00','total':42.50}`,
		`INSERT INTO "AppTable" VALUE {'PK':'USER#u124','SK':'ORDER#2025-01-02T10:00','total':7}`,
		`UPDATE "AppTable" SET name='Alice K' WHERE PK='USER#u123' AND SK='PROFILE'`,
	} {
		if _, err := execute(ctx, c, st); err != nil {
			t.Fatalf("%s: %v", st, err)
		}
	}
	const seed = `SELECT * FROM "AppTable" WHERE PK='USER#u123' AND begins_with(SK,'ORDER#')`
	out, err := execute(ctx, c, seed)
	if err != nil || itemsText(t, out.Items) != `{"PK":{"S":"USER#u123"},"SK":{"S":"ORDER#2025-01-01T10:00"},"total":{"N":"42.5"}}` {
		t.Fatalf("%v %v", out, err)
	}
	stmt, _ := partiql.Parse("EXPLAIN " + seed)
	e, err := x.Explain(ctx, stmt, nil)
	if err != nil {
		t.Fatal(err)
	}
	if first, _, _ := strings.Cut(e.String(), "\n"); first != "Operation: Query on AppTable" {
		t.Fatalf("EXPLAIN: %s", e)
	}
	out, err = execute(ctx, c, `SELECT name FROM "AppTable" WHERE PK='USER#u123' AND SK='PROFILE'`)
	if err != nil || itemsText(t, out.Items) != `{"name":{"S":"Alice K"}}` {
		t.Fatalf("%v %v", out, err)
	}
}

// fromSDKItem converts an item from aws-sdk-go-v2's form.
func fromSDKItem(m map[string]types.AttributeValue) (attr.Item, error) {
	it := make(attr.Item, len(m))
	for k, v := range m {
		a, err := fromSDK(v)
		if err != nil {
			return nil, err
		}
		it[k] = a
	}
	return it, nil
}

func fromSDK(v types.AttributeValue) (attr.Value, error) {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return attr.S(v.Value), nil
	case *types.AttributeValueMemberN:
		return attr.N(v.Value)
	case *types.AttributeValueMemberB:
		return attr.B(v.Value), nil
	case *types.AttributeValueMemberBOOL:
		return attr.Bool(v.Value), nil
	case *types.AttributeValueMemberNULL:
		return attr.Null(), nil
	case *types.AttributeValueMemberM:
		m, err := fromSDKItem(v.Value)
		return attr.M(m), err
	case *types.AttributeValueMemberL:
		l := make([]attr.Value, len(v.Value))
		for i, e := range v.Value {
			a, err := fromSDK(e)
			if err != nil {
				return attr.Value{}, err
			}
			l[i] = a
		}
		return attr.L(l), nil
	case *types.AttributeValueMemberSS:
		return attr.SS(v.Value...)
	case *types.AttributeValueMemberNS:
		return attr.NS(v.Value...)
	case *types.AttributeValueMemberBS:
		return attr.BS(v.Value...)
	}
	return attr.Value{}, fmt.Errorf("unsupported attribute value %T", v)
}

package engine_test

// aws-sdk-go-v2 tests of the legacy (pre-expression) parameters. Expected
// outcomes come from the DynamoDB Developer Guide's "Legacy conditional
// parameters" pages (QueryFilter, ScanFilter, Expected, AttributeUpdates,
// AttributesToGet) and the service's validation messages as botocore's
// and moto's tests record them, not from the engine's code.

import (
	"errors"
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"dynalab/engine"
	"dynalab/engine/enginetest"
)

// legacyItem is the stored item every operator case is evaluated against.
func legacyItem() av {
	return withKey("k", "1", av{
		"n": n("5"), "s": s("hello"), "ss": ssv("a", "b"), "ns": nsv("1", "2"), "b": bin(1, 2, 3),
		"l": list(s("x"), n("1")), "nul": null(), "bo": boolv(true), "m": mapv(av{"x": n("1")}),
	})
}

// operatorCase is one ComparisonOperator applied to one attribute of
// legacyItem; match is whether the item satisfies it.
type operatorCase struct {
	name   string
	attr   string
	op     types.ComparisonOperator
	values []types.AttributeValue
	match  bool
}

// operatorCases covers every ComparisonOperator (Developer Guide, legacy
// conditional parameters: Conditions; comparison semantics of condition
// expressions).
func operatorCases() []operatorCase {
	v := func(x ...types.AttributeValue) []types.AttributeValue { return x }
	return []operatorCase{
		{"EQ number", "n", types.ComparisonOperatorEq, v(n("5.0")), true},
		{"EQ other type is false", "n", types.ComparisonOperatorEq, v(s("5")), false},
		{"EQ set unordered", "ss", types.ComparisonOperatorEq, v(ssv("b", "a")), true},
		{"EQ missing", "zz", types.ComparisonOperatorEq, v(n("5")), false},
		// Filters too take EQ/NE on every type (ScyllaDB's
		// test_query_filter.py test_query_filter_eq/_ne, run against DynamoDB).
		{"EQ list", "l", types.ComparisonOperatorEq, v(list(s("x"), n("1"))), true},
		{"EQ map", "m", types.ComparisonOperatorEq, v(mapv(av{"x": n("1")})), true},
		{"EQ BOOL", "bo", types.ComparisonOperatorEq, v(boolv(true)), true},
		{"EQ NULL", "nul", types.ComparisonOperatorEq, v(null()), true},
		{"EQ list in another order", "l", types.ComparisonOperatorEq, v(list(n("1"), s("x"))), false},
		{"NE map", "m", types.ComparisonOperatorNe, v(mapv(av{"x": n("2")})), true},
		{"NE BOOL equal", "bo", types.ComparisonOperatorNe, v(boolv(true)), false},
		{"NE equal", "n", types.ComparisonOperatorNe, v(n("5")), false},
		{"NE different", "n", types.ComparisonOperatorNe, v(n("6")), true},
		{"NE other type is true", "n", types.ComparisonOperatorNe, v(s("5")), true},
		{"NE missing is true", "zz", types.ComparisonOperatorNe, v(n("5")), true},
		{"LT true", "n", types.ComparisonOperatorLt, v(n("6")), true},
		{"LT equal", "n", types.ComparisonOperatorLt, v(n("5")), false},
		{"LT string", "s", types.ComparisonOperatorLt, v(s("z")), true},
		{"LT other type is false", "s", types.ComparisonOperatorLt, v(n("1")), false},
		{"LE equal", "n", types.ComparisonOperatorLe, v(n("5")), true},
		{"LE false", "n", types.ComparisonOperatorLe, v(n("4")), false},
		{"GT true", "n", types.ComparisonOperatorGt, v(n("4")), true},
		{"GT binary", "b", types.ComparisonOperatorGt, v(bin(1, 2)), true},
		{"GT on a set in the item is false", "ns", types.ComparisonOperatorGt, v(n("0")), false},
		{"GE equal", "n", types.ComparisonOperatorGe, v(n("5")), true},
		{"GE false", "n", types.ComparisonOperatorGe, v(n("6")), false},
		{"NOT_NULL present", "n", types.ComparisonOperatorNotNull, nil, true},
		{"NOT_NULL on a NULL-typed attribute", "nul", types.ComparisonOperatorNotNull, nil, true},
		{"NOT_NULL missing", "zz", types.ComparisonOperatorNotNull, nil, false},
		{"NULL missing", "zz", types.ComparisonOperatorNull, nil, true},
		{"NULL present", "n", types.ComparisonOperatorNull, nil, false},
		{"NULL on a NULL-typed attribute is false", "nul", types.ComparisonOperatorNull, nil, false},
		{"CONTAINS substring", "s", types.ComparisonOperatorContains, v(s("ell")), true},
		{"CONTAINS not a substring", "s", types.ComparisonOperatorContains, v(s("xyz")), false},
		{"CONTAINS string set member", "ss", types.ComparisonOperatorContains, v(s("a")), true},
		{"CONTAINS number set member", "ns", types.ComparisonOperatorContains, v(n("2.0")), true},
		{"CONTAINS binary subsequence", "b", types.ComparisonOperatorContains, v(bin(2, 3)), true},
		{"CONTAINS list element", "l", types.ComparisonOperatorContains, v(s("x")), true},
		{"CONTAINS on a number is false", "n", types.ComparisonOperatorContains, v(n("5")), false},
		{"CONTAINS missing", "zz", types.ComparisonOperatorContains, v(s("a")), false},
		{"NOT_CONTAINS absent substring", "s", types.ComparisonOperatorNotContains, v(s("zz")), true},
		{"NOT_CONTAINS set member", "ss", types.ComparisonOperatorNotContains, v(s("a")), false},
		{"NOT_CONTAINS set non-member", "ss", types.ComparisonOperatorNotContains, v(s("c")), true},
		{"NOT_CONTAINS missing is false", "zz", types.ComparisonOperatorNotContains, v(s("a")), false},
		{"BEGINS_WITH prefix", "s", types.ComparisonOperatorBeginsWith, v(s("he")), true},
		{"BEGINS_WITH not a prefix", "s", types.ComparisonOperatorBeginsWith, v(s("el")), false},
		{"BEGINS_WITH binary", "b", types.ComparisonOperatorBeginsWith, v(bin(1)), true},
		{"BEGINS_WITH on a set is false", "ss", types.ComparisonOperatorBeginsWith, v(s("a")), false},
		{"IN member", "n", types.ComparisonOperatorIn, v(n("1"), n("5")), true},
		{"IN not a member", "n", types.ComparisonOperatorIn, v(n("1"), n("2")), false},
		{"IN never matches a set", "ss", types.ComparisonOperatorIn, v(s("a"), s("b")), false},
		{"BETWEEN inclusive", "n", types.ComparisonOperatorBetween, v(n("1"), n("5")), true},
		{"BETWEEN outside", "n", types.ComparisonOperatorBetween, v(n("6"), n("9")), false},
		{"BETWEEN strings", "s", types.ComparisonOperatorBetween, v(s("a"), s("i")), true},
		{"BETWEEN other type is false", "s", types.ComparisonOperatorBetween, v(n("1"), n("9")), false},
	}
}

type legacyEnv struct {
	sdkEnv
	t *testing.T
}

func newLegacyEnv(t *testing.T) legacyEnv {
	e := legacyEnv{newSDKEnv(t, engine.Options{}), t}
	createTable(t, e.c, "Leg", keyDef{"PK", types.ScalarAttributeTypeS}, keyDef{"SK", types.ScalarAttributeTypeS})
	return e
}

func (e legacyEnv) put(item av) {
	e.t.Helper()
	putItem(e.t, e.c, "Leg", item)
}

func cond(op types.ComparisonOperator, vs ...types.AttributeValue) types.Condition {
	return types.Condition{ComparisonOperator: op, AttributeValueList: vs}
}

func expectedOp(op types.ComparisonOperator, vs ...types.AttributeValue) types.ExpectedAttributeValue {
	return types.ExpectedAttributeValue{ComparisonOperator: op, AttributeValueList: vs}
}

func isConditionFailed(err error) bool {
	var ccf *types.ConditionalCheckFailedException
	return errors.As(err, &ccf)
}

// TestLegacyExpectedOperators runs every ComparisonOperator case as an
// Expected condition of PutItem, UpdateItem and DeleteItem (Developer
// Guide, legacy Expected).
func TestLegacyExpectedOperators(t *testing.T) {
	e := newLegacyEnv(t)
	ctx := enginetest.Ctx(t)
	for _, tc := range operatorCases() {
		t.Run(tc.name, func(t *testing.T) {
			item := legacyItem()
			e.put(item)
			exp := map[string]types.ExpectedAttributeValue{tc.attr: expectedOp(tc.op, tc.values...)}
			_, err := e.c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Leg"), Item: item, Expected: exp})
			checkMatch(t, "PutItem", err, tc.match)
			_, err = e.c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("Leg"), Key: key("k", "1"),
				AttributeUpdates: map[string]types.AttributeValueUpdate{"touched": {Action: types.AttributeActionPut, Value: n("1")}},
				Expected:         exp})
			checkMatch(t, "UpdateItem", err, tc.match)
			_, err = e.c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("Leg"), Key: key("k", "1"), Expected: exp})
			checkMatch(t, "DeleteItem", err, tc.match)
			if got := getItem(t, e.c, "Leg", key("k", "1")); (got == nil) != tc.match {
				t.Errorf("after DeleteItem the item exists = %v, want %v", got != nil, !tc.match)
			}
		})
	}
}

func checkMatch(t *testing.T, op string, err error, match bool) {
	t.Helper()
	switch {
	case match && err != nil:
		t.Errorf("%s: %v, want success", op, err)
	case !match && !isConditionFailed(err):
		t.Errorf("%s: %v, want ConditionalCheckFailedException", op, err)
	}
}

// TestLegacyExpectedForms checks the Value/Exists forms and
// ConditionalOperator (Developer Guide, legacy Expected and
// ConditionalOperator).
func TestLegacyExpectedForms(t *testing.T) {
	e := newLegacyEnv(t)
	ctx := enginetest.Ctx(t)
	e.put(legacyItem())
	cases := []struct {
		name   string
		exp    map[string]types.ExpectedAttributeValue
		condOp types.ConditionalOperator
		match  bool
	}{
		{"Value equal", map[string]types.ExpectedAttributeValue{"n": {Value: n("5")}}, "", true},
		{"Value different", map[string]types.ExpectedAttributeValue{"n": {Value: n("6")}}, "", false},
		{"Value with Exists true", map[string]types.ExpectedAttributeValue{"s": {Value: s("hello"), Exists: aws.Bool(true)}}, "", true},
		{"Value on a list", map[string]types.ExpectedAttributeValue{"l": {Value: list(s("x"), n("1"))}}, "", true},
		{"Exists false on a missing attribute", map[string]types.ExpectedAttributeValue{"zz": {Exists: aws.Bool(false)}}, "", true},
		{"Exists false on a present attribute", map[string]types.ExpectedAttributeValue{"n": {Exists: aws.Bool(false)}}, "", false},
		{"Exists false on the key: item exists", map[string]types.ExpectedAttributeValue{"PK": {Exists: aws.Bool(false)}}, "", false},
		{"Value as the single operand", map[string]types.ExpectedAttributeValue{"n": {ComparisonOperator: types.ComparisonOperatorGt, Value: n("1")}}, "", true},
		{"AND both true", map[string]types.ExpectedAttributeValue{"n": {Value: n("5")}, "s": {Value: s("hello")}}, types.ConditionalOperatorAnd, true},
		{"AND one false", map[string]types.ExpectedAttributeValue{"n": {Value: n("5")}, "s": {Value: s("nope")}}, types.ConditionalOperatorAnd, false},
		{"default is AND", map[string]types.ExpectedAttributeValue{"n": {Value: n("5")}, "s": {Value: s("nope")}}, "", false},
		{"OR one true", map[string]types.ExpectedAttributeValue{"n": {Value: n("7")}, "s": {Value: s("hello")}}, types.ConditionalOperatorOr, true},
		{"OR none true", map[string]types.ExpectedAttributeValue{"n": {Value: n("7")}, "s": {Value: s("nope")}}, types.ConditionalOperatorOr, false},
		{"empty Expected is a no-op", map[string]types.ExpectedAttributeValue{}, "", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Leg"), Item: legacyItem(),
				Expected: tc.exp, ConditionalOperator: tc.condOp})
			checkMatch(t, "PutItem", err, tc.match)
		})
	}
	// On a missing item every attribute is missing.
	_, err := e.c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Leg"), Item: key("new", "1"),
		Expected: map[string]types.ExpectedAttributeValue{"PK": {Exists: aws.Bool(false)}}})
	checkMatch(t, "PutItem new", err, true)
	// ReturnValuesOnConditionCheckFailure works with Expected too.
	_, err = e.c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Leg"), Item: key("new", "1"),
		Expected:                            map[string]types.ExpectedAttributeValue{"PK": {Exists: aws.Bool(false)}},
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld})
	var ccf *types.ConditionalCheckFailedException
	if !errors.As(err, &ccf) || ccf.Item == nil {
		t.Fatalf("got %v, want ConditionalCheckFailedException with the item", err)
	}
}

// TestLegacyFilterOperators runs every ComparisonOperator case as a
// ScanFilter and as a QueryFilter (Developer Guide, legacy ScanFilter and
// QueryFilter), EQ and NE on every type included.
func TestLegacyFilterOperators(t *testing.T) {
	e := newLegacyEnv(t)
	ctx := enginetest.Ctx(t)
	e.put(legacyItem())
	e.put(key("other", "1")) // an item that matches only the negative operators
	for _, tc := range operatorCases() {
		t.Run(tc.name, func(t *testing.T) {
			filter := map[string]types.Condition{tc.attr: cond(tc.op, tc.values...)}
			scan, err := e.c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("Leg"), ScanFilter: filter})
			query, qerr := e.c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("Leg"),
				KeyConditions: map[string]types.Condition{"PK": cond(types.ComparisonOperatorEq, s("k"))},
				QueryFilter:   filter})
			if err != nil || qerr != nil {
				t.Fatalf("Scan: %v; Query: %v", err, qerr)
			}
			found := false
			for _, it := range scan.Items {
				if avEqual(it["PK"], s("k")) {
					found = true
				}
			}
			if found != tc.match {
				t.Errorf("Scan: item k matched = %v, want %v (items %d)", found, tc.match, len(scan.Items))
			}
			if want := map[bool]int32{true: 1, false: 0}[tc.match]; query.Count != want || query.ScannedCount != 1 {
				t.Errorf("Query: Count %d ScannedCount %d, want %d and 1", query.Count, query.ScannedCount, want)
			}
		})
	}
}

func typeName(v types.AttributeValue) string {
	switch v.(type) {
	case *types.AttributeValueMemberL:
		return "L"
	case *types.AttributeValueMemberM:
		return "M"
	case *types.AttributeValueMemberBOOL:
		return "BOOL"
	case *types.AttributeValueMemberNULL:
		return "NULL"
	}
	return "?"
}

// TestLegacyFilterConditionalOperator checks AND/OR across filter entries
// and the AWS-verified ConditionalOperator rules.
func TestLegacyFilterConditionalOperator(t *testing.T) {
	e := newLegacyEnv(t)
	ctx := enginetest.Ctx(t)
	for i, v := range []string{"a", "b", "c"} {
		e.put(withKey("p", v, av{"x": n(string(rune('1' + i))), "y": s(v)}))
	}
	two := map[string]types.Condition{"x": cond(types.ComparisonOperatorEq, n("1")), "y": cond(types.ComparisonOperatorEq, s("c"))}
	for _, tc := range []struct {
		op   types.ConditionalOperator
		want []string
	}{{types.ConditionalOperatorOr, []string{"a", "c"}}, {types.ConditionalOperatorAnd, nil}, {"", nil}} {
		out, err := e.c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("Leg"), ScanFilter: two, ConditionalOperator: tc.op})
		if err != nil {
			t.Fatal(err)
		}
		q, err := e.c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("Leg"), QueryFilter: two, ConditionalOperator: tc.op,
			KeyConditions: map[string]types.Condition{"PK": cond(types.ComparisonOperatorEq, s("p"))}})
		if err != nil {
			t.Fatal(err)
		}
		if got := legacySortKeys(out.Items); !equalStrings(got, tc.want) {
			t.Errorf("Scan %q: %v, want %v", tc.op, got, tc.want)
		}
		if got := legacySortKeys(q.Items); !equalStrings(got, tc.want) {
			t.Errorf("Query %q: %v, want %v", tc.op, got, tc.want)
		}
	}
	one := map[string]types.Condition{"x": cond(types.ComparisonOperatorEq, n("1"))}
	_, err := e.c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("Leg"), ScanFilter: one, ConditionalOperator: types.ConditionalOperatorOr})
	wantAPIError(t, err, "ValidationException", "ConditionalOperator can only be used when Filter or Expected has two or more elements")
	_, err = e.c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("Leg"), ConditionalOperator: types.ConditionalOperatorOr})
	wantAPIError(t, err, "ValidationException", "ConditionalOperator cannot be used without Filter or Expected")
	_, err = e.c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Leg"), Item: key("p", "a"), ConditionalOperator: types.ConditionalOperatorAnd})
	wantAPIError(t, err, "ValidationException", "ConditionalOperator cannot be used without Filter or Expected")
}

func legacySortKeys(items []av) []string {
	var out []string
	for _, it := range items {
		if v, ok := it["SK"].(*types.AttributeValueMemberS); ok {
			out = append(out, v.Value)
		}
	}
	sort.Strings(out)
	return out
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestLegacyKeyConditions checks every operator KeyConditions allows on the
// sort key, the ones it refuses, and its shape rules (Developer Guide,
// legacy KeyConditions; dynalite actions/query.js and validations/query.js).
func TestLegacyKeyConditions(t *testing.T) {
	e := newLegacyEnv(t)
	ctx := enginetest.Ctx(t)
	for _, sk := range []string{"a", "ab", "b", "c", "d"} {
		e.put(withKey("p", sk, av{"v": s(sk)}))
	}
	e.put(key("q", "a"))
	pk := cond(types.ComparisonOperatorEq, s("p"))
	run := func(sk *types.Condition, extra func(*dynamodb.QueryInput)) ([]string, error) {
		kc := map[string]types.Condition{"PK": pk}
		if sk != nil {
			kc["SK"] = *sk
		}
		in := &dynamodb.QueryInput{TableName: aws.String("Leg"), KeyConditions: kc}
		if extra != nil {
			extra(in)
		}
		out, err := e.c.Query(ctx, in)
		if err != nil {
			return nil, err
		}
		var got []string
		for _, it := range out.Items {
			if v, ok := it["SK"].(*types.AttributeValueMemberS); ok {
				got = append(got, v.Value)
			} else {
				got = append(got, "?")
			}
		}
		return got, nil
	}
	c := func(op types.ComparisonOperator, vs ...types.AttributeValue) *types.Condition {
		x := cond(op, vs...)
		return &x
	}
	for _, tc := range []struct {
		name string
		sk   *types.Condition
		want []string
	}{
		{"hash only", nil, []string{"a", "ab", "b", "c", "d"}},
		{"EQ", c(types.ComparisonOperatorEq, s("b")), []string{"b"}},
		{"LT", c(types.ComparisonOperatorLt, s("b")), []string{"a", "ab"}},
		{"LE", c(types.ComparisonOperatorLe, s("b")), []string{"a", "ab", "b"}},
		{"GT", c(types.ComparisonOperatorGt, s("b")), []string{"c", "d"}},
		{"GE", c(types.ComparisonOperatorGe, s("b")), []string{"b", "c", "d"}},
		{"BEGINS_WITH", c(types.ComparisonOperatorBeginsWith, s("a")), []string{"a", "ab"}},
		{"BETWEEN", c(types.ComparisonOperatorBetween, s("ab"), s("c")), []string{"ab", "b", "c"}},
	} {
		got, err := run(tc.sk, nil)
		if err != nil || !equalStrings(got, tc.want) {
			t.Errorf("%s: %v %v, want %v", tc.name, got, err, tc.want)
		}
	}
	// KeyConditions go with FilterExpression and ProjectionExpression
	// (dynalite validations/index.js).
	got, err := run(c(types.ComparisonOperatorGe, s("b")), func(in *dynamodb.QueryInput) {
		in.FilterExpression = aws.String("v <> :v")
		in.ExpressionAttributeValues = av{":v": s("c")}
		in.ProjectionExpression = aws.String("SK")
		in.ScanIndexForward = aws.Bool(false)
	})
	if err != nil || !equalStrings(got, []string{"d", "b"}) {
		t.Errorf("with FilterExpression: %v %v", got, err)
	}
	got, err = run(nil, func(in *dynamodb.QueryInput) { in.AttributesToGet = []string{"SK"}; in.Limit = aws.Int32(2) })
	if err != nil || !equalStrings(got, []string{"a", "ab"}) {
		t.Errorf("with AttributesToGet: %v %v", got, err)
	}
	for _, op := range []types.ComparisonOperator{types.ComparisonOperatorNe, types.ComparisonOperatorIn, types.ComparisonOperatorContains,
		types.ComparisonOperatorNotContains} {
		_, err := run(c(op, s("a")), nil)
		wantAPIError(t, err, "ValidationException", "Attempted conditional constraint is not an indexable operation")
	}
	for _, op := range []types.ComparisonOperator{types.ComparisonOperatorNull, types.ComparisonOperatorNotNull} {
		_, err := run(c(op), nil)
		wantAPIError(t, err, "ValidationException", "Attempted conditional constraint is not an indexable operation")
	}
	_, err = e.c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("Leg"),
		KeyConditions: map[string]types.Condition{"PK": cond(types.ComparisonOperatorBeginsWith, s("p"))}})
	wantAPIError(t, err, "ValidationException", "Query key condition not supported")
	_, err = e.c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("Leg"),
		KeyConditions: map[string]types.Condition{"SK": cond(types.ComparisonOperatorEq, s("a"))}})
	wantAPIError(t, err, "ValidationException", "Query condition missed key schema element: PK")
	_, err = run(c(types.ComparisonOperatorEq, n("1")), nil)
	wantAPIError(t, err, "ValidationException", "One or more parameter values were invalid: Condition parameter type does not match schema type")
	_, err = e.c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("Leg"), KeyConditions: map[string]types.Condition{
		"PK": pk, "SK": cond(types.ComparisonOperatorEq, s("a")), "v": cond(types.ComparisonOperatorEq, s("a"))}})
	wantAPIError(t, err, "ValidationException", "Conditions can be of length 1 or 2 only")
	_, err = run(c(types.ComparisonOperatorBetween, s("c"), s("a")), nil)
	wantAPIError(t, err, "ValidationException", "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound")
	_, err = e.c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("Leg"), KeyConditions: map[string]types.Condition{"PK": pk},
		QueryFilter: map[string]types.Condition{"SK": cond(types.ComparisonOperatorEq, s("a"))}})
	wantAPIError(t, err, "ValidationException", "QueryFilter can only contain non-primary key attributes: Primary key attribute: SK")
}

// TestLegacyAttributeUpdates checks PUT, ADD and DELETE (Developer Guide,
// legacy AttributeUpdates; dynalite validations/updateItem.js,
// actions/updateItem.js and db/index.js).
func TestLegacyAttributeUpdates(t *testing.T) {
	e := newLegacyEnv(t)
	ctx := enginetest.Ctx(t)
	update := func(k av, ups map[string]types.AttributeValueUpdate, rv types.ReturnValue) (av, error) {
		out, err := e.c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("Leg"), Key: k, AttributeUpdates: ups, ReturnValues: rv})
		if err != nil {
			return nil, err
		}
		return out.Attributes, nil
	}
	put := func(v types.AttributeValue) types.AttributeValueUpdate {
		return types.AttributeValueUpdate{Action: types.AttributeActionPut, Value: v}
	}
	add := func(v types.AttributeValue) types.AttributeValueUpdate {
		return types.AttributeValueUpdate{Action: types.AttributeActionAdd, Value: v}
	}
	del := func(v types.AttributeValue) types.AttributeValueUpdate {
		return types.AttributeValueUpdate{Action: types.AttributeActionDelete, Value: v}
	}
	k := key("u", "1")
	// An empty AttributeUpdates on a missing item creates the key-only item.
	if _, err := update(k, map[string]types.AttributeValueUpdate{}, ""); err != nil {
		t.Fatal(err)
	}
	if got := getItem(t, e.c, "Leg", k); !itemEqual(got, k) {
		t.Fatalf("empty AttributeUpdates: %s, want the key-only item", showItem(got))
	}
	// DELETE on a missing item creates nothing.
	if _, err := update(key("u", "2"), map[string]types.AttributeValueUpdate{"a": del(nil)}, ""); err != nil {
		t.Fatal(err)
	}
	if got := getItem(t, e.c, "Leg", key("u", "2")); got != nil {
		t.Fatalf("DELETE on a missing item created %s", showItem(got))
	}
	attrs, err := update(k, map[string]types.AttributeValueUpdate{
		"s": put(s("v")), "n": add(n("5")), "ss": add(ssv("a", "b")), "l": add(list(n("1"))), "gone": del(nil),
		"def": {Value: s("default action is PUT")},
	}, types.ReturnValueUpdatedNew)
	if err != nil {
		t.Fatal(err)
	}
	want := av{"s": s("v"), "n": n("5"), "ss": ssv("a", "b"), "l": list(n("1")), "def": s("default action is PUT")}
	if !itemEqual(attrs, want) {
		t.Fatalf("UPDATED_NEW: %s, want %s", showItem(attrs), showItem(want))
	}
	attrs, err = update(k, map[string]types.AttributeValueUpdate{
		"n": add(n("-2.5")), "ss": add(ssv("b", "c")), "l": add(list(s("x"), n("2"))), "def": del(nil),
	}, types.ReturnValueAllNew)
	if err != nil {
		t.Fatal(err)
	}
	want = withKey("u", "1", av{"s": s("v"), "n": n("2.5"), "ss": ssv("a", "b", "c"), "l": list(n("1"), s("x"), n("2"))})
	if !itemEqual(attrs, want) {
		t.Fatalf("ADD: %s, want %s", showItem(attrs), showItem(want))
	}
	attrs, err = update(k, map[string]types.AttributeValueUpdate{"ss": del(ssv("a", "z"))}, types.ReturnValueUpdatedOld)
	if err != nil || !itemEqual(attrs, av{"ss": ssv("a", "b", "c")}) {
		t.Fatalf("DELETE subset: %s %v", showItem(attrs), err)
	}
	if _, err = update(k, map[string]types.AttributeValueUpdate{"ss": del(ssv("b", "c"))}, ""); err != nil {
		t.Fatal(err)
	}
	if got := getItem(t, e.c, "Leg", k); got["ss"] != nil {
		t.Fatalf("DELETE of every member left %s", show(got["ss"]))
	}
	// Type clashes with the stored value (dynalite actions/updateItem.js).
	for name, up := range map[string]types.AttributeValueUpdate{
		"ADD number to a string": {Action: types.AttributeActionAdd, Value: n("1")},
		"ADD set to a string":    add(ssv("a")),
		"ADD list to a string":   add(list(n("1"))),
		"DELETE set of a string": del(ssv("a")),
	} {
		_, err := update(k, map[string]types.AttributeValueUpdate{"s": up}, "")
		if apiMessage(err) != "Type mismatch for attribute to update" {
			t.Errorf("%s: %v", name, err)
		}
	}
	_, err = update(k, map[string]types.AttributeValueUpdate{"n": del(nsv("1"))}, "")
	wantAPIError(t, err, "ValidationException", "Type mismatch for attribute to update")
	// Request-level rules (rows 64–66, 27).
	_, err = update(k, map[string]types.AttributeValueUpdate{"a": {Action: types.AttributeActionPut}}, "")
	wantAPIError(t, err, "ValidationException", "One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified")
	_, err = update(k, map[string]types.AttributeValueUpdate{"a": {Action: types.AttributeActionAdd}}, "")
	wantAPIError(t, err, "ValidationException", "One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified")
	_, err = update(k, map[string]types.AttributeValueUpdate{"a": del(s("x"))}, "")
	wantAPIError(t, err, "ValidationException", "One or more parameter values were invalid: DELETE action with value is not supported for the type S")
	_, err = update(k, map[string]types.AttributeValueUpdate{"a": add(s("x"))}, "")
	wantAPIError(t, err, "ValidationException", "One or more parameter values were invalid: ADD action is not supported for the type S")
	_, err = update(k, map[string]types.AttributeValueUpdate{"a": add(mapv(av{"x": n("1")}))}, "")
	wantAPIError(t, err, "ValidationException", "One or more parameter values were invalid: ADD action is not supported for the type M")
	_, err = update(k, map[string]types.AttributeValueUpdate{"SK": put(s("x"))}, "")
	wantAPIError(t, err, "ValidationException", "One or more parameter values were invalid: Cannot update attribute SK. This attribute is part of the key")
	// ADD on a missing item creates it (AWS docs, AttributeUpdates).
	if _, err := update(key("u", "3"), map[string]types.AttributeValueUpdate{"n": add(n("3"))}, ""); err != nil {
		t.Fatal(err)
	}
	if got := getItem(t, e.c, "Leg", key("u", "3")); !itemEqual(got, withKey("u", "3", av{"n": n("3")})) {
		t.Fatalf("ADD on a missing item: %s", showItem(got))
	}
	// With Expected, the whole update is conditional.
	_, err = e.c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("Leg"), Key: key("u", "3"),
		AttributeUpdates: map[string]types.AttributeValueUpdate{"n": add(n("1"))},
		Expected:         map[string]types.ExpectedAttributeValue{"n": expectedOp(types.ComparisonOperatorGt, n("3"))}})
	if !isConditionFailed(err) {
		t.Fatalf("conditional AttributeUpdates: %v", err)
	}
}

// TestLegacyMixingErrors checks the mixing error of dynalite's
// validations/index.js with the parameter lists in
// the service's order (AWS-verified, ExtendDB test_conditional_operator.py).
func TestLegacyMixingErrors(t *testing.T) {
	e := newLegacyEnv(t)
	ctx := enginetest.Ctx(t)
	const prefix = "Can not use both expression and non-expression parameters in the same request: "
	one := map[string]types.Condition{"a": cond(types.ComparisonOperatorEq, s("x"))}
	exp := map[string]types.ExpectedAttributeValue{"a": {Value: s("x")}}
	ups := map[string]types.AttributeValueUpdate{"a": {Action: types.AttributeActionPut, Value: s("x")}}
	vals := av{":v": s("x")}
	cases := []struct {
		name string
		call func() error
		msg  string
	}{
		{"PutItem Expected", func() error {
			_, err := e.c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Leg"), Item: key("a", "b"), Expected: exp,
				ConditionExpression: aws.String("attribute_exists(PK)")})
			return err
		}, "Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}"},
		{"PutItem Expected and ConditionalOperator", func() error {
			_, err := e.c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Leg"), Item: key("a", "b"), Expected: exp,
				ConditionalOperator: types.ConditionalOperatorAnd, ConditionExpression: aws.String("attribute_exists(PK)")})
			return err
		}, "Non-expression parameters: {Expected, ConditionalOperator} Expression parameters: {ConditionExpression}"},
		{"DeleteItem ConditionalOperator", func() error {
			_, err := e.c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("Leg"), Key: key("a", "b"),
				ConditionalOperator: types.ConditionalOperatorAnd, ConditionExpression: aws.String("attribute_exists(PK)")})
			return err
		}, "Non-expression parameters: {ConditionalOperator} Expression parameters: {ConditionExpression}"},
		{"UpdateItem everything", func() error {
			_, err := e.c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("Leg"), Key: key("a", "b"),
				AttributeUpdates: ups, Expected: exp, ConditionalOperator: types.ConditionalOperatorAnd,
				UpdateExpression: aws.String("SET a = :v"), ConditionExpression: aws.String("attribute_exists(PK)"), ExpressionAttributeValues: vals})
			return err
		}, "Non-expression parameters: {AttributeUpdates, Expected, ConditionalOperator} Expression parameters: {UpdateExpression, ConditionExpression}"},
		{"UpdateItem AttributeUpdates with ConditionExpression", func() error {
			_, err := e.c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("Leg"), Key: key("a", "b"),
				AttributeUpdates: ups, ConditionExpression: aws.String("attribute_exists(PK)")})
			return err
		}, "Non-expression parameters: {AttributeUpdates} Expression parameters: {ConditionExpression}"},
		{"Scan everything", func() error {
			_, err := e.c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("Leg"), AttributesToGet: []string{"a"}, ScanFilter: one,
				ConditionalOperator: types.ConditionalOperatorAnd, FilterExpression: aws.String("a = :v"), ProjectionExpression: aws.String("b"),
				ExpressionAttributeValues: vals})
			return err
		}, "Non-expression parameters: {AttributesToGet, ScanFilter, ConditionalOperator} Expression parameters: {ProjectionExpression, FilterExpression}"},
		{"Scan ScanFilter with ProjectionExpression", func() error {
			_, err := e.c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("Leg"), ScanFilter: one, ProjectionExpression: aws.String("b")})
			return err
		}, "Non-expression parameters: {ScanFilter} Expression parameters: {ProjectionExpression}"},
		{"Query everything", func() error {
			_, err := e.c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("Leg"),
				KeyConditions: map[string]types.Condition{"PK": cond(types.ComparisonOperatorEq, s("k"))}, QueryFilter: one,
				ConditionalOperator: types.ConditionalOperatorAnd, KeyConditionExpression: aws.String("PK = :p"),
				FilterExpression: aws.String("a = :v"), ProjectionExpression: aws.String("b"), ExpressionAttributeValues: av{":p": s("k"), ":v": s("x")}})
			return err
		}, "Non-expression parameters: {QueryFilter, ConditionalOperator, KeyConditions} Expression parameters: {ProjectionExpression, FilterExpression, KeyConditionExpression}"},
		{"Query QueryFilter with FilterExpression beside KeyConditions", func() error {
			_, err := e.c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("Leg"),
				KeyConditions: map[string]types.Condition{"PK": cond(types.ComparisonOperatorEq, s("k"))}, QueryFilter: one,
				FilterExpression: aws.String("a = :v"), ExpressionAttributeValues: vals})
			return err
		}, "Non-expression parameters: {QueryFilter} Expression parameters: {FilterExpression}"},
		{"GetItem AttributesToGet", func() error {
			_, err := e.c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("Leg"), Key: key("a", "b"),
				AttributesToGet: []string{"a"}, ProjectionExpression: aws.String("a")})
			return err
		}, "Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantAPIError(t, tc.call(), "ValidationException", prefix+tc.msg)
		})
	}
}

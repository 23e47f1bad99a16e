package expr

import (
	"testing"

	"dynalab/engine/attr"
)

// Structural key condition errors, from dynalite's suite (recorded against
// DynamoDB). They need no key schema.
func TestKeyTermsErrors(t *testing.T) {
	const vals = `{":ty":{"S":"S"},":a":{"S":"1"},":b":{"S":"1"},":n":{"N":"1"},":t":{"BOOL":true},":m":{"M":{}},":ss":{"SS":["x"]},":n5":{"N":"5"}}`
	tests := []struct{ text, want string }{
		{"a > b and size(b) > c or a > c", "Invalid operator used in KeyConditionExpression: OR"},
		{"a in (b, size(c), d)", "Invalid operator used in KeyConditionExpression: IN"},
		{"attribute_exists(a)", "Invalid operator used in KeyConditionExpression: attribute_exists"},
		{"attribute_not_exists(a)", "Invalid operator used in KeyConditionExpression: attribute_not_exists"},
		{"attribute_type(a, :ty)", "Invalid operator used in KeyConditionExpression: attribute_type"},
		{"contains(a.d, b)", "Invalid operator used in KeyConditionExpression: contains"},
		{"not a > b", "Invalid operator used in KeyConditionExpression: NOT"},
		{"a <> b", "Invalid operator used in KeyConditionExpression: <>"},
		{":a between size(b) and size(a) and b > :b", "Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first operand"},
		{"begins_with(:a, b) and a > :b", "Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its first operand"},
		{"size(b) > a AND a.b > b AND b > c", "KeyConditionExpressions cannot contain nested operations"},
		{"a > size(b.d)", "KeyConditionExpressions cannot contain nested operations"},
		{"a between size(b) and size(a)", "KeyConditionExpressions cannot contain nested operations"},
		{"b > a.b", "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"},
		{"b between c[1] and d", "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"},
		{"a between b and size(a)", "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"},
		{"begins_with(a, b)", "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"},
		{"b.d > a AND c.d > e.f", "KeyConditionExpressions cannot have conditions on nested attributes"},
		{"a.d > c", "KeyConditionExpressions cannot have conditions on nested attributes"},
		{"b[0] > a", "KeyConditionExpressions cannot have conditions on nested attributes"},
		{":b > :a AND a < :b", "Invalid condition in KeyConditionExpression: No key attribute specified"},
		{":a > b AND :a < :b", "Invalid condition in KeyConditionExpression: No key attribute specified"},
		{"b > :a AND b < :a and c = :a and d = :a", "KeyConditionExpressions must only contain one condition per key"},
		{"(a > :a and b > :a) and (b > :a and c > :a)", "KeyConditionExpressions must only contain one condition per key"},
		{":a = a and b = :a and :a = c", "Conditions can be of length 1 or 2 only"},
		{"(a > :a and b > :a) and (c > :a and d > :a) and (e > :a and f > :a)", "Conditions can be of length 1 or 2 only"},
		{"a = :t", "One or more parameter values were invalid: ComparisonOperator EQ is not valid for BOOL AttributeValue type"},
		{"a = :m", "One or more parameter values were invalid: ComparisonOperator EQ is not valid for M AttributeValue type"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			c, err := bindCondition(t, ParamKeyCondition, tt.text, params(t, nil, vals))
			if err != nil {
				t.Fatal(err)
			}
			_, err = KeyTerms(c)
			wantErr(t, err, tt.want)
		})
	}
}

// Key conditions go through the condition rules first, with the
// KeyConditionExpression prefix.
func TestKeyConditionExpressionErrors(t *testing.T) {
	const p = "Invalid KeyConditionExpression: "
	tests := []struct{ text, values, want string }{
		{"", "", p + "The expression can not be empty;"},
		{"a > 4", "", p + `Syntax error; token: "4", near: "> 4"`},
		{"things are not gonna be ok", "", p + `Syntax error; token: "are", near: "things are not"`},
		{"attribute_type(a, b)", "", p + "Incorrect operand type for operator or function; operator or function: attribute_type, operand type: {NS,SS,L,BS,N,M,B,BOOL,NULL,S}"},
		{"attribute_type(a, :a)", `{":a":{"N":"1"}}`, p + "Incorrect operand type for operator or function; operator or function: attribute_type, operand type: N"},
		{"a between :b and :a", `{":a":{"S":"a"},":b":{"N":"1"}}`, p + "The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {N:1}, upper bound operand: AttributeValue: {S:a}"},
		{"a between :b and :a", `{":a":{"S":"a"},":b":{"S":"b"}}`, p + "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {S:b}, upper bound operand: AttributeValue: {S:a}"},
		{"begins_with(a, :n)", `{":n":{"N":"1"}}`, p + "Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"},
		{"name = :n", `{":n":{"N":"1"}}`, p + "Attribute name is a reserved keyword; reserved keyword: name"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			e, err := ParseKeyCondition(tt.text)
			if err == nil {
				_, err = BindKeyCondition(e, params(t, nil, tt.values), KeySchema{HashName: "a", HashType: attr.TypeS})
			}
			wantErr(t, err, tt.want)
		})
	}
}

// Schema checks of key condition expressions (Developer Guide, Query key
// condition expressions), after the table is known.
func TestResolveKeyCondition(t *testing.T) {
	const vals = `{":h":{"S":"h"},":n":{"N":"5"},":m":{"N":"9"},":s":{"S":"p"},":b":{"B":"YQ=="}}`
	rangeTable := KeySchema{HashName: "pk", HashType: attr.TypeS, RangeName: "sk", RangeType: attr.TypeN}
	hashTable := KeySchema{HashName: "pk", HashType: attr.TypeS}
	tests := []struct {
		text   string
		schema KeySchema
		op     KeyOp
		want   string
	}{
		{"pk = :h", rangeTable, KeyNone, ""},
		{"pk = :h AND sk = :n", rangeTable, KeyEQ, ""},
		{"sk < :n AND pk = :h", rangeTable, KeyLT, ""},
		{":n > sk AND pk = :h", rangeTable, KeyLT, ""},
		{":n <= sk AND :h = pk", rangeTable, KeyGE, ""},
		{"pk = :h AND sk BETWEEN :n AND :m", rangeTable, KeyBetween, ""},
		{"pk = :h AND begins_with(sk2, :s)", KeySchema{HashName: "pk", HashType: attr.TypeS, RangeName: "sk2", RangeType: attr.TypeS}, KeyBeginsWith, ""},
		{"sk = :n", rangeTable, 0, "Query condition missed key schema element: pk"},
		{"x = :h", hashTable, 0, "Query condition missed key schema element: pk"},
		{"pk = :h AND x = :n", rangeTable, 0, "Query key condition not supported"},
		{"pk = :h AND sk = :n", hashTable, 0, "Query key condition not supported"},
		{"pk > :h", rangeTable, 0, "Query key condition not supported"},
		{"begins_with(pk, :h)", rangeTable, 0, "Query key condition not supported"},
		{"pk = :n", rangeTable, 0, "One or more parameter values were invalid: Condition parameter type does not match schema type"},
		{"pk = :h AND sk = :s", rangeTable, 0, "One or more parameter values were invalid: Condition parameter type does not match schema type"},
		{"pk = :h AND begins_with(sk, :s)", rangeTable, 0, "One or more parameter values were invalid: Condition parameter type does not match schema type"},
		{"#p = :h", hashTable, KeyNone, ""},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			e, err := ParseKeyCondition(tt.text)
			if err != nil {
				t.Fatal(err)
			}
			k, err := BindKeyCondition(e, params(t, map[string]string{"#p": "pk"}, vals), tt.schema)
			wantErr(t, err, tt.want)
			if tt.want != "" {
				return
			}
			if k.HashName != "pk" || k.HashValue.Str() != "h" || k.RangeOp != tt.op {
				t.Fatalf("got %+v", k)
			}
		})
	}
}

func TestKeyConditionMatch(t *testing.T) {
	const vals = `{":h":{"S":"h"},":lo":{"N":"5"},":hi":{"N":"9"},":p":{"S":"ab"},":bp":{"B":"gA=="}}`
	schemaN := KeySchema{HashName: "pk", HashType: attr.TypeS, RangeName: "sk", RangeType: attr.TypeN}
	schemaS := KeySchema{HashName: "pk", HashType: attr.TypeS, RangeName: "sk", RangeType: attr.TypeS}
	schemaB := KeySchema{HashName: "pk", HashType: attr.TypeS, RangeName: "sk", RangeType: attr.TypeB}
	tests := []struct {
		text   string
		schema KeySchema
		item   string
		want   bool
	}{
		{"pk = :h", schemaN, `{"pk":{"S":"h"}}`, true},
		{"pk = :h", schemaN, `{"pk":{"S":"x"}}`, false},
		{"pk = :h AND sk BETWEEN :lo AND :hi", schemaN, `{"pk":{"S":"h"},"sk":{"N":"9"}}`, true},
		{"pk = :h AND sk BETWEEN :lo AND :hi", schemaN, `{"pk":{"S":"h"},"sk":{"N":"10"}}`, false},
		{"pk = :h AND sk > :lo", schemaN, `{"pk":{"S":"h"},"sk":{"N":"5.5"}}`, true},
		{"pk = :h AND :lo > sk", schemaN, `{"pk":{"S":"h"},"sk":{"N":"4"}}`, true},
		{"pk = :h AND sk <= :lo", schemaN, `{"pk":{"S":"h"},"sk":{"N":"5"}}`, true},
		{"pk = :h AND sk >= :hi", schemaN, `{"pk":{"S":"h"},"sk":{"N":"5"}}`, false},
		{"pk = :h AND sk = :lo", schemaN, `{"pk":{"S":"h"},"sk":{"N":"5.0"}}`, true},
		{"pk = :h AND sk < :lo", schemaN, `{"pk":{"S":"h"}}`, false},
		{"pk = :h AND begins_with(sk, :p)", schemaS, `{"pk":{"S":"h"},"sk":{"S":"abc"}}`, true},
		{"pk = :h AND begins_with(sk, :p)", schemaS, `{"pk":{"S":"h"},"sk":{"S":"ba"}}`, false},
		{"pk = :h AND begins_with(sk, :bp)", schemaB, `{"pk":{"S":"h"},"sk":{"B":"gAE="}}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.text+" "+tt.item, func(t *testing.T) {
			e, err := ParseKeyCondition(tt.text)
			if err != nil {
				t.Fatal(err)
			}
			k, err := BindKeyCondition(e, params(t, nil, vals), tt.schema)
			if err != nil {
				t.Fatal(err)
			}
			if got := k.Match(item(t, tt.item)); got != tt.want {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// Legacy KeyConditions can be resolved through the same path.
func TestResolveKeyTerms(t *testing.T) {
	v := item(t, `{"h":{"S":"h"}}`)["h"]
	k, err := ResolveKeyCondition([]KeyTerm{{Name: "pk", Op: KeyEQ, Values: []attr.Value{v}}},
		KeySchema{HashName: "pk", HashType: attr.TypeS, RangeName: "sk", RangeType: attr.TypeS})
	if err != nil || k.RangeOp != KeyNone || k.HashValue.Str() != "h" {
		t.Fatalf("got %+v, %v", k, err)
	}
	if KeyBeginsWith.String() != "BEGINS_WITH" || KeyOp(200).String() != "" {
		t.Fatal("KeyOp names")
	}
}

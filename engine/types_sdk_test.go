package engine_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"dynalab/engine"
	"dynalab/engine/enginetest"
)

// nestedMaps returns depth maps nested in each other around a scalar:
// nestedMaps(1) = {"x": "leaf"}.
func nestedMaps(depth int) types.AttributeValue {
	var v types.AttributeValue = s("leaf")
	for range depth {
		v = mapv(av{"x": v})
	}
	return v
}

// nestedLists is nestedMaps with lists.
func nestedLists(depth int) types.AttributeValue {
	var v types.AttributeValue = n("1")
	for range depth {
		v = list(v)
	}
	return v
}

// TestAttributeTypesRoundTrip puts every attribute type through PutItem
// and reads it back with GetItem, Query and Scan: values must come back
// byte-exactly, numbers in the canonical form (dynalite; Alternator
// test_number.py).
func TestAttributeTypesRoundTrip(t *testing.T) {
	e := newSDKEnv(t, engine.Options{})
	createAppTable(t, e.c)
	ctx := enginetest.Ctx(t)
	allBytes := make([]byte, 256)
	for i := range allBytes {
		allBytes[i] = byte(i)
	}
	nines38 := strings.Repeat("9", 38)
	tests := []struct {
		name    string
		in, out types.AttributeValue // out nil: same as in
	}{
		{"S ascii", s("hello"), nil},
		{"S empty", s(""), nil},
		{"S unicode", s("héllo wörld 世界 🎉 \u00a0"), nil},
		{"S control and quotes", s("a\x00b\t\n\r\"\\/\x7f\u2028"), nil},
		{"S 100KB", s(strings.Repeat("0123456789", 10*1024)), nil},
		{"N zero", n("0"), nil},
		{"N minus zero", n("-0"), n("0")},
		{"N zero with fraction", n("-0.000"), n("0")},
		{"N exponent", n("1e3"), n("1000")},
		{"N exponent upper plus", n("1E+3"), n("1000")},
		{"N negative exponent", n("1e-3"), n("0.001")},
		{"N leading plus", n("+5"), n("5")},
		{"N leading zeros", n("007"), n("7")},
		{"N bare fraction", n(".5"), n("0.5")},
		{"N trailing fraction zeros", n("123.4500"), n("123.45")},
		{"N one point zero", n("1.0"), n("1")},
		{"N mixed", n("-00012.3400e-2"), n("-0.1234")},
		{"N fraction exponent", n("0.1e1"), n("1")},
		{"N 38 digits", n("12345678901234567890123456789012345678"), nil},
		{"N 38 digits negative fraction", n("-1234567890123456789.0123456789012345678"), nil},
		{"N 38 digits with exponent", n("12345678901234567890123456789012345678e10"), n("123456789012345678901234567890123456780000000000")},
		{"N max magnitude", n("9.9999999999999999999999999999999999999E+125"), n(nines38 + strings.Repeat("0", 88))},
		{"N min magnitude", n("1E-130"), n("0." + strings.Repeat("0", 129) + "1")},
		{"N negative min magnitude", n("-1E-130"), n("-0." + strings.Repeat("0", 129) + "1")},
		{"N large integer", n("100000000000000000000000000000000000000000"), nil},
		{"B bytes", bin(0, 1, 0x7f, 0x80, 0xff), nil},
		{"B all byte values", bin(allBytes...), nil},
		{"B empty", bin(), nil},
		{"BOOL true", boolv(true), nil},
		{"BOOL false", boolv(false), nil},
		{"NULL", null(), nil},
		{"SS", ssv("b", "a", "c"), nil},
		{"SS with empty string", ssv("", "a"), nil},
		{"SS unicode", ssv("é", "e", "E\u0301"), nil},
		{"NS canonicalized", nsv("1e3", "2.50", "-0", "+7"), nsv("1000", "2.5", "0", "7")},
		{"NS numeric order irrelevant", nsv("10", "9", "-1"), nil},
		{"BS", bsv([]byte{1}, []byte{0xff, 0}, []byte("abc")), nil},
		{"BS with empty binary", bsv([]byte{}, []byte{1}), nil},
		{"L empty", list(), nil},
		{"M empty", mapv(nil), nil},
		{"L of every type", list(s("x"), n("1.50"), bin(9), boolv(true), null(), ssv("a"), nsv("2"), bsv([]byte{3}),
			list(s("")), mapv(av{"k": s("v")})), list(s("x"), n("1.5"), bin(9), boolv(true), null(), ssv("a"), nsv("2"), bsv([]byte{3}),
			list(s("")), mapv(av{"k": s("v")}))},
		{"M of every type", mapv(av{"s": s(""), "n": n("-5e-1"), "b": bin(), "t": boolv(false), "z": null(), "ss": ssv("q"),
			"ns": nsv("0.10"), "bs": bsv([]byte{}), "l": list(), "m": mapv(nil), "a.b": s("dot"), "é": s("utf8")}),
			mapv(av{"s": s(""), "n": n("-0.5"), "b": bin(), "t": boolv(false), "z": null(), "ss": ssv("q"),
				"ns": nsv("0.1"), "bs": bsv([]byte{}), "l": list(), "m": mapv(nil), "a.b": s("dot"), "é": s("utf8")})},
		{"deep mixed nesting", mapv(av{"l": list(mapv(av{"l": list(list(mapv(av{"n": n("1e2")})))}))}),
			mapv(av{"l": list(mapv(av{"l": list(list(mapv(av{"n": n("100")})))}))})},
		// Alternator test_manual_requests.py: item → attribute map → 30
		// more maps is 32 levels.
		{"31 nested maps (32 levels)", nestedMaps(31), nil},
		{"31 nested lists (32 levels)", nestedLists(31), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.out
			if want == nil {
				want = tt.in
			}
			k := key("types", tt.name)
			putItem(t, e.c, "AppTable", withKey("types", tt.name, av{"v": tt.in}))
			got := getItem(t, e.c, "AppTable", k)
			if len(got) != 3 || !avEqual(got["v"], want) {
				t.Fatalf("GetItem v = %s\nwant       %s", show(got["v"]), show(want))
			}
			// The same value through Query, and in a ProjectionExpression.
			q, err := e.c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("AppTable"),
				KeyConditionExpression:    aws.String("PK = :p AND SK = :s"),
				ExpressionAttributeValues: av{":p": s("types"), ":s": s(tt.name)},
				ProjectionExpression:      aws.String("v")}, retryTransport)
			if err != nil {
				t.Fatal(err)
			}
			if len(q.Items) != 1 || len(q.Items[0]) != 1 || !avEqual(q.Items[0]["v"], want) {
				t.Fatalf("Query items = %v, want v = %s", q.Items, show(want))
			}
			// Equality in a condition uses the stored value too.
			_, err = e.c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("AppTable"), Key: k,
				ConditionExpression: aws.String("v = :v"), ExpressionAttributeValues: av{":v": want}})
			if err != nil {
				t.Fatalf("DeleteItem with condition v = stored value: %v", err)
			}
		})
	}
}

// TestAttributeValueLimits checks the 400 KB item size boundary with the
// Developer Guide's size rules (numbers by dynalite's formula), attribute
// name lengths and nesting depth.
func TestAttributeValueLimits(t *testing.T) {
	e := newSDKEnv(t, engine.Options{NoThrottle: true}) // 400 KB items to one key: past a partition's 1,000 WCU/s
	createAppTable(t, e.c)
	ctx := enginetest.Ctx(t)
	put := func(item av) error {
		_, err := e.c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("AppTable"), Item: item})
		return err
	}
	t.Run("item of exactly 400 KB", func(t *testing.T) {
		it := padItem("lim", "exact", 409600)
		if err := put(it); err != nil {
			t.Fatalf("409600-byte item: %v", err)
		}
		if got := getItem(t, e.c, "AppTable", key("lim", "exact")); !itemEqual(got, it) {
			t.Fatalf("400 KB item did not round-trip")
		}
	})
	t.Run("item one byte over", func(t *testing.T) {
		wantAPIError(t, put(padItem("lim", "over", 409601)), "ValidationException", "Item size has exceeded the maximum allowed size")
	})
	t.Run("numbers count by the formula", func(t *testing.T) {
		// 3 + 3 + 2 (name "d" + "n") ... fill the rest so that the
		// numbers' sizes decide: "12" is 2 bytes, "-1.5" 4 bytes.
		nums := av{"n1": n("12"), "n2": n("-1.5"), "n3": n("0"), "n4": n("123456")}
		base := withKey("lim", "nums", nums)
		fixed := itemSize(base) + len("d")
		it := withKey("lim", "nums", nums)
		it["d"] = s(strings.Repeat("x", 409600-fixed))
		if err := put(it); err != nil {
			t.Fatalf("item of 409600 bytes by the number formula: %v", err)
		}
		it["d"] = s(strings.Repeat("x", 409601-fixed))
		wantAPIError(t, put(it), "ValidationException", "Item size has exceeded the maximum allowed size")
	})
	t.Run("update past 400 KB", func(t *testing.T) {
		if err := put(padItem("lim", "grow", 409000)); err != nil {
			t.Fatal(err)
		}
		_, err := e.c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("AppTable"), Key: key("lim", "grow"),
			UpdateExpression: aws.String("SET e = :v"), ExpressionAttributeValues: av{":v": s(strings.Repeat("y", 1000))}})
		wantAPIError(t, err, "ValidationException", "Item size to update has exceeded the maximum allowed size")
	})
	t.Run("attribute name of 65535 bytes", func(t *testing.T) {
		name := strings.Repeat("n", 65535)
		if err := put(withKey("lim", "name", av{name: s("v")})); err != nil {
			t.Fatalf("65535-byte name: %v", err)
		}
		if got := getItem(t, e.c, "AppTable", key("lim", "name")); !avEqual(got[name], s("v")) {
			t.Fatalf("long name lost: %s", showItem(got))
		}
		wantAPIError(t, put(withKey("lim", "name2", av{name + "n": s("v")})), "ValidationException",
			"Attribute name is too large, must be less than 65536 bytes")
	})
	t.Run("unusual attribute names", func(t *testing.T) {
		it := withKey("lim", "names", av{"a.b": s("1"), "#x": s("2"), ":y": s("3"), "with space": s("4"), "ключ": s("5"), "名前": s("6"), "[0]": s("7")})
		if err := put(it); err != nil {
			t.Fatal(err)
		}
		if got := getItem(t, e.c, "AppTable", key("lim", "names")); !itemEqual(got, it) {
			t.Fatalf("got %s, want %s", showItem(got), showItem(it))
		}
	})
	t.Run("empty attribute name", func(t *testing.T) {
		wantAPIError(t, put(withKey("lim", "empty", av{"": s("v")})), "ValidationException", "Empty attribute name")
	})
	t.Run("32 nested maps is too deep", func(t *testing.T) {
		wantAPIError(t, put(withKey("lim", "deep", av{"v": nestedMaps(32)})), "ValidationException", "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit")
	})
	t.Run("32 nested lists is too deep", func(t *testing.T) {
		wantAPIError(t, put(withKey("lim", "deep", av{"v": nestedLists(32)})), "ValidationException", "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit")
	})
	t.Run("NULL false", func(t *testing.T) {
		wantAPIError(t, put(withKey("lim", "null", av{"v": &types.AttributeValueMemberNULL{Value: false}})), "ValidationException",
			"One or more parameter values were invalid: Null attribute value types must have the value of true")
	})
}

// TestKeyValuesCanonical checks N and B keys: "1e3" and "1000" are the same
// key (Developer Guide, Number type), returned canonical; binary keys
// round-trip exactly.
func TestKeyValuesCanonical(t *testing.T) {
	e := newSDKEnv(t, engine.Options{})
	ctx := enginetest.Ctx(t)
	createTable(t, e.c, "NumKeys", keyDef{"h", types.ScalarAttributeTypeN}, keyDef{"r", types.ScalarAttributeTypeB})
	k := func(h string, r ...byte) av { return av{"h": n(h), "r": bin(r...)} }
	putItem(t, e.c, "NumKeys", av{"h": n("1e3"), "r": bin(0, 0xff), "v": s("first")})
	got := getItem(t, e.c, "NumKeys", k("1000", 0, 0xff))
	if !itemEqual(got, av{"h": n("1000"), "r": bin(0, 0xff), "v": s("first")}) {
		t.Fatalf("GetItem with 1000 = %s", showItem(got))
	}
	// Same key written as "1000.0": replaces the item.
	putItem(t, e.c, "NumKeys", av{"h": n("1000.0"), "r": bin(0, 0xff), "v": s("second")})
	sc, err := e.c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("NumKeys")})
	if err != nil {
		t.Fatal(err)
	}
	if sc.Count != 1 || !itemEqual(sc.Items[0], av{"h": n("1000"), "r": bin(0, 0xff), "v": s("second")}) {
		t.Fatalf("Scan = %d items %v", sc.Count, sc.Items)
	}
	// Binary keys are distinct by their exact bytes, including 0x00 and
	// trailing zero bytes.
	putItem(t, e.c, "NumKeys", av{"h": n("1e3"), "r": bin(0, 0xff, 0), "v": s("third")})
	putItem(t, e.c, "NumKeys", av{"h": n("1e3"), "r": bin(0), "v": s("fourth")})
	for _, c := range []struct {
		r    []byte
		want string
	}{{[]byte{0, 0xff}, "second"}, {[]byte{0, 0xff, 0}, "third"}, {[]byte{0}, "fourth"}} {
		got := getItem(t, e.c, "NumKeys", k("1e3", c.r...))
		if !avEqual(got["v"], s(c.want)) || !avEqual(got["r"], bin(c.r...)) {
			t.Fatalf("GetItem r=%x = %s, want v=%s", c.r, showItem(got), c.want)
		}
	}
	if d := describe(t, e.c, "NumKeys"); *d.ItemCount != 3 {
		t.Fatalf("ItemCount = %d, want 3", *d.ItemCount)
	}
}

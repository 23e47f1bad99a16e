package engine_test

// Helpers shared by the aws-sdk-go-v2 tests of items, queries, scans,
// tables and attribute types. The value, size and comparison helpers here
// are written from the public sources (Developer Guide: data types, item
// sizes, capacity unit consumption, comparison rules; dynalite's number
// size), not
// from the engine's code, so that the tests can catch the engine's mistakes.

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"dynalab/engine"
	"dynalab/engine/enginetest"
)

// Constructors for the types that s and n (example_app_test.go) don't cover.

func bin(b ...byte) types.AttributeValue {
	if b == nil {
		b = []byte{}
	}
	return &types.AttributeValueMemberB{Value: b}
}
func boolv(b bool) types.AttributeValue    { return &types.AttributeValueMemberBOOL{Value: b} }
func null() types.AttributeValue           { return &types.AttributeValueMemberNULL{Value: true} }
func ssv(v ...string) types.AttributeValue { return &types.AttributeValueMemberSS{Value: v} }
func nsv(v ...string) types.AttributeValue { return &types.AttributeValueMemberNS{Value: v} }
func bsv(v ...[]byte) types.AttributeValue { return &types.AttributeValueMemberBS{Value: v} }
func list(v ...types.AttributeValue) types.AttributeValue {
	if v == nil {
		v = []types.AttributeValue{}
	}
	return &types.AttributeValueMemberL{Value: v}
}
func mapv(m av) types.AttributeValue {
	if m == nil {
		m = av{}
	}
	return &types.AttributeValueMemberM{Value: m}
}

// withKey returns key(pk, sk) plus the given attributes.
func withKey(pk, sk string, attrs av) av {
	it := key(pk, sk)
	for k, v := range attrs {
		it[k] = v
	}
	return it
}

// avEqual is the service's notion of "the same stored value" for
// round-trip checks: same type, byte-identical scalars (numbers compared as
// text, so canonicalization shows), sets as unordered sets, lists in order,
// maps by keys and values.
func avEqual(a, b types.AttributeValue) bool {
	switch x := a.(type) {
	case *types.AttributeValueMemberS:
		y, ok := b.(*types.AttributeValueMemberS)
		return ok && x.Value == y.Value
	case *types.AttributeValueMemberN:
		y, ok := b.(*types.AttributeValueMemberN)
		return ok && x.Value == y.Value
	case *types.AttributeValueMemberB:
		y, ok := b.(*types.AttributeValueMemberB)
		return ok && bytes.Equal(x.Value, y.Value)
	case *types.AttributeValueMemberBOOL:
		y, ok := b.(*types.AttributeValueMemberBOOL)
		return ok && x.Value == y.Value
	case *types.AttributeValueMemberNULL:
		y, ok := b.(*types.AttributeValueMemberNULL)
		return ok && x.Value == y.Value
	case *types.AttributeValueMemberSS:
		y, ok := b.(*types.AttributeValueMemberSS)
		return ok && sameStrings(x.Value, y.Value)
	case *types.AttributeValueMemberNS:
		y, ok := b.(*types.AttributeValueMemberNS)
		return ok && sameStrings(x.Value, y.Value)
	case *types.AttributeValueMemberBS:
		y, ok := b.(*types.AttributeValueMemberBS)
		if !ok {
			return false
		}
		xs, ys := make([]string, len(x.Value)), make([]string, len(y.Value))
		for i, e := range x.Value {
			xs[i] = string(e)
		}
		for i, e := range y.Value {
			ys[i] = string(e)
		}
		return sameStrings(xs, ys)
	case *types.AttributeValueMemberL:
		y, ok := b.(*types.AttributeValueMemberL)
		if !ok || len(x.Value) != len(y.Value) {
			return false
		}
		for i := range x.Value {
			if !avEqual(x.Value[i], y.Value[i]) {
				return false
			}
		}
		return true
	case *types.AttributeValueMemberM:
		y, ok := b.(*types.AttributeValueMemberM)
		return ok && itemEqual(x.Value, y.Value)
	}
	return false
}

func sameStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	a, b = append([]string(nil), a...), append([]string(nil), b...)
	sort.Strings(a)
	sort.Strings(b)
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// itemEqual compares two items (or maps) with avEqual. nil and empty differ:
// callers that care about absence check it themselves.
func itemEqual(a, b av) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || !avEqual(v, w) {
			return false
		}
	}
	return true
}

// show renders a value in DynamoDB JSON-ish form for failure messages, with
// map keys and set members sorted.
func show(v types.AttributeValue) string {
	switch x := v.(type) {
	case nil:
		return "<absent>"
	case *types.AttributeValueMemberS:
		return fmt.Sprintf("{S:%q}", x.Value)
	case *types.AttributeValueMemberN:
		return "{N:" + x.Value + "}"
	case *types.AttributeValueMemberB:
		return fmt.Sprintf("{B:%x}", x.Value)
	case *types.AttributeValueMemberBOOL:
		return fmt.Sprintf("{BOOL:%v}", x.Value)
	case *types.AttributeValueMemberNULL:
		return fmt.Sprintf("{NULL:%v}", x.Value)
	case *types.AttributeValueMemberSS:
		s := append([]string(nil), x.Value...)
		sort.Strings(s)
		return fmt.Sprintf("{SS:%q}", s)
	case *types.AttributeValueMemberNS:
		s := append([]string(nil), x.Value...)
		sort.Strings(s)
		return fmt.Sprintf("{NS:%v}", s)
	case *types.AttributeValueMemberBS:
		s := make([]string, len(x.Value))
		for i, e := range x.Value {
			s[i] = fmt.Sprintf("%x", e)
		}
		sort.Strings(s)
		return fmt.Sprintf("{BS:%v}", s)
	case *types.AttributeValueMemberL:
		parts := make([]string, len(x.Value))
		for i, e := range x.Value {
			parts[i] = show(e)
		}
		return "{L:[" + strings.Join(parts, ",") + "]}"
	case *types.AttributeValueMemberM:
		return "{M:" + showItem(x.Value) + "}"
	}
	return fmt.Sprintf("%T", v)
}

func showItem(it av) string {
	if it == nil {
		return "<nil>"
	}
	names := make([]string, 0, len(it))
	for k := range it {
		names = append(names, k)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, k := range names {
		if len(k) > 40 {
			parts[i] = fmt.Sprintf("%q…(%d bytes):%s", k[:20], len(k), show(it[k]))
			continue
		}
		parts[i] = fmt.Sprintf("%q:%s", k, show(it[k]))
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// itemSize is the Developer Guide's item size, computed independently of the
// engine: names plus value sizes, with the number formula of dynalite.
func itemSize(it av) int {
	size := 0
	for k, v := range it {
		size += len(k) + valueSize(v)
	}
	return size
}

func valueSize(v types.AttributeValue) int {
	switch x := v.(type) {
	case *types.AttributeValueMemberS:
		return len(x.Value)
	case *types.AttributeValueMemberB:
		return len(x.Value)
	case *types.AttributeValueMemberN:
		return numberSize(x.Value)
	case *types.AttributeValueMemberBOOL, *types.AttributeValueMemberNULL:
		return 1
	case *types.AttributeValueMemberSS:
		n := 0
		for _, e := range x.Value {
			n += len(e)
		}
		return n
	case *types.AttributeValueMemberNS:
		n := 0
		for _, e := range x.Value {
			n += numberSize(e)
		}
		return n
	case *types.AttributeValueMemberBS:
		n := 0
		for _, e := range x.Value {
			n += len(e)
		}
		return n
	case *types.AttributeValueMemberL:
		n := 3
		for _, e := range x.Value {
			n += 1 + valueSize(e)
		}
		return n
	case *types.AttributeValueMemberM:
		n := 3
		for k, e := range x.Value {
			n += 1 + len(k) + valueSize(e)
		}
		return n
	}
	panic(fmt.Sprintf("valueSize of %T", v))
}

// numberSize: 0 → 1; otherwise 1 + ceil(d/2) + (d even and exponent even ?
// 1 : 0) + (negative ? 1 : 0), d = significant digits, exponent = decimal
// exponent of the first significant digit (dynalite's db/index.js).
func numberSize(text string) int {
	r, ok := new(big.Rat).SetString(text)
	if !ok {
		panic("bad number " + text)
	}
	if r.Sign() == 0 {
		return 1
	}
	neg := r.Sign() < 0
	// Significant digits and exponent from the plain decimal text.
	plain := new(big.Rat).Abs(r).FloatString(200)
	intPart, frac, _ := strings.Cut(plain, ".")
	intPart = strings.TrimLeft(intPart, "0")
	var digits string
	var exp int
	if intPart != "" {
		digits = strings.TrimRight(intPart+frac, "0")
		exp = len(intPart) - 1
	} else {
		trimmed := strings.TrimLeft(frac, "0")
		exp = -(len(frac) - len(trimmed)) - 1
		digits = strings.TrimRight(trimmed, "0")
	}
	d := len(digits)
	size := 1 + (d+1)/2
	if d%2 == 0 && exp%2 == 0 {
		size++
	}
	if neg {
		size++
	}
	return size
}

func readUnitsFor(size int, consistent bool) float64 {
	u := float64((size + 4095) / 4096)
	if u < 1 {
		u = 1
	}
	if !consistent {
		u /= 2
	}
	return u
}

func writeUnitsFor(size int) float64 {
	u := float64((size + 1023) / 1024)
	if u < 1 {
		u = 1
	}
	return u
}

// sdkEnv is a fresh database served over HTTP with an SDK client.
type sdkEnv struct {
	db *engine.DB
	c  *dynamodb.Client
}

func newSDKEnv(t *testing.T, opts engine.Options) sdkEnv {
	t.Helper()
	db := enginetest.Open(t, opts)
	return sdkEnv{db: db, c: enginetest.Client(t, db)}
}

// keyDef describes one key attribute for createTable.
type keyDef struct {
	name string
	typ  types.ScalarAttributeType
}

// createTable creates an on-demand table with the given hash key and
// optional range key (range.name == "" for none).
func createTable(t *testing.T, c *dynamodb.Client, name string, hash, rng keyDef) *types.TableDescription {
	t.Helper()
	in := &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String(hash.name), AttributeType: hash.typ}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String(hash.name), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
	}
	if rng.name != "" {
		in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{AttributeName: aws.String(rng.name), AttributeType: rng.typ})
		in.KeySchema = append(in.KeySchema, types.KeySchemaElement{AttributeName: aws.String(rng.name), KeyType: types.KeyTypeRange})
	}
	out, err := c.CreateTable(enginetest.Ctx(t), in)
	if err != nil {
		t.Fatalf("CreateTable %s: %v", name, err)
	}
	return out.TableDescription
}

// retryTransport is a per-call option for idempotent calls that move large
// bodies. aws-sdk-go-v2 occasionally fails to read a large response with
// "use of closed network connection" (a client-side net/http race,
// aws/aws-sdk-go-v2#1825 and #2737; reproduced here against a static
// net/http server, so not the engine's doing). The SDK classes that error
// as retryable; enginetest's client makes one attempt only.
func retryTransport(o *dynamodb.Options) {
	o.RetryMaxAttempts = 3
	o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
		so.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return time.Millisecond, nil })
	})
}

func putItem(t *testing.T, c *dynamodb.Client, table string, item av) {
	t.Helper()
	if _, err := c.PutItem(enginetest.Ctx(t), &dynamodb.PutItemInput{TableName: aws.String(table), Item: item}, retryTransport); err != nil {
		t.Fatalf("PutItem %s: %v", showItem(item), err)
	}
}

// getItem reads an item strongly; nil when there is none.
func getItem(t *testing.T, c *dynamodb.Client, table string, k av) av {
	t.Helper()
	out, err := c.GetItem(enginetest.Ctx(t), &dynamodb.GetItemInput{TableName: aws.String(table), Key: k, ConsistentRead: aws.Bool(true)}, retryTransport)
	if err != nil {
		t.Fatalf("GetItem %s: %v", showItem(k), err)
	}
	return out.Item
}

func describe(t *testing.T, c *dynamodb.Client, table string) *types.TableDescription {
	t.Helper()
	out, err := c.DescribeTable(enginetest.Ctx(t), &dynamodb.DescribeTableInput{TableName: aws.String(table)})
	if err != nil {
		t.Fatalf("DescribeTable %s: %v", table, err)
	}
	return out.Table
}

// wantAPIError fails unless err is the service error code with message msg
// (any message when msg is "").
func wantAPIError(t *testing.T, err error, code, msg string) {
	t.Helper()
	var api smithy.APIError
	if !errors.As(err, &api) {
		t.Fatalf("got %v, want %s: %q", err, code, msg)
	}
	if api.ErrorCode() != code || (msg != "" && api.ErrorMessage() != msg) {
		t.Fatalf("got %s: %q\nwant %s: %q", api.ErrorCode(), api.ErrorMessage(), code, msg)
	}
}

// apiMessage returns the service error message of err, or "".
func apiMessage(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		return api.ErrorMessage()
	}
	return ""
}

// units returns CapacityUnits of a ConsumedCapacity, -1 when absent.
func units(c *types.ConsumedCapacity) float64 {
	if c == nil || c.CapacityUnits == nil {
		return -1
	}
	return *c.CapacityUnits
}

// padItem returns withKey(pk, sk) plus attribute "d" holding a string that
// makes the item exactly size bytes (Developer Guide item sizes).
func padItem(pk, sk string, size int) av {
	it := key(pk, sk)
	fill := size - itemSize(it) - len("d")
	if fill < 0 {
		panic("padItem: size too small")
	}
	it["d"] = s(strings.Repeat("x", fill))
	return it
}

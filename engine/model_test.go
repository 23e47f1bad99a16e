package engine_test

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/engine/enginetest"
)

// TestRandomOpsAgainstModel drives the engine's in-process API with random
// Put / Update (ADD, SET, REMOVE, DELETE) / Delete / Get / Query / Scan
// operations and checks every answer — items, ReturnValues, conditional
// failures, update errors, consumed capacity, paging — against a
// map-based model written from the public sources. At the end ItemCount and
// TableSizeBytes must equal the model's (Developer Guide item sizes).
func TestRandomOpsAgainstModel(t *testing.T) {
	if testing.Short() {
		t.Skip("randomized model test")
	}
	const seed, ops = 20250301, 3000
	m := newModelRun(t, seed)
	for m.op = 0; m.op < ops; m.op++ {
		switch r := m.rng.IntN(100); {
		case r < 20:
			m.put()
		case r < 50:
			m.update()
		case r < 60:
			m.delete()
		case r < 78:
			m.get()
		case r < 95:
			m.query()
		default:
			m.scan()
		}
	}
	m.scan()
	m.checkStats()
	enginetest.Check(t, m.db) // everything derived from the items agrees with them
	t.Logf("seed %d: %d ops, %d items at the end, %+v", seed, ops, m.items(), m.stats)
	if m.items() == 0 || m.stats.creates == 0 || m.stats.condFails == 0 || m.stats.updateErrs == 0 || m.stats.deletes == 0 {
		t.Fatalf("seed %d: the run exercised too little: %+v, %d items", seed, m.stats, m.items())
	}
}

// mItem is the model of one item: its key and its optional attributes.
type mItem struct {
	pk string
	sk string // canonical number
	n  *int64
	s  *string
	ss map[string]bool // nil: absent
	l  []int64         // nil: absent (lEmpty marks a present empty list)
	lP bool
	mm map[string]string // nil: absent
}

func (it *mItem) clone() *mItem {
	c := *it
	if it.n != nil {
		v := *it.n
		c.n = &v
	}
	if it.s != nil {
		v := *it.s
		c.s = &v
	}
	if it.ss != nil {
		c.ss = map[string]bool{}
		for k := range it.ss {
			c.ss[k] = true
		}
	}
	c.l = append([]int64(nil), it.l...)
	if it.mm != nil {
		c.mm = map[string]string{}
		for k, v := range it.mm {
			c.mm[k] = v
		}
	}
	return &c
}

// av renders the model item in SDK types, for comparison and sizes.
func (it *mItem) av() av {
	out := av{"pk": s(it.pk), "sk": n(it.sk)}
	if it.n != nil {
		out["n"] = n(fmt.Sprint(*it.n))
	}
	if it.s != nil {
		out["s"] = s(*it.s)
	}
	if it.ss != nil {
		var members []string
		for k := range it.ss {
			members = append(members, k)
		}
		out["ss"] = ssv(members...)
	}
	if it.lP {
		elems := []types.AttributeValue{}
		for _, e := range it.l {
			elems = append(elems, n(fmt.Sprint(e)))
		}
		out["l"] = list(elems...)
	}
	if it.mm != nil {
		mv := av{}
		for k, v := range it.mm {
			mv[k] = s(v)
		}
		out["m"] = mapv(mv)
	}
	return out
}

// toAttr converts an SDK value to the engine's, for in-process requests.
func toAttr(v types.AttributeValue) attr.Value {
	must := func(v attr.Value, err error) attr.Value {
		if err != nil {
			panic(err)
		}
		return v
	}
	switch x := v.(type) {
	case *types.AttributeValueMemberS:
		return attr.S(x.Value)
	case *types.AttributeValueMemberN:
		return attr.MustN(x.Value)
	case *types.AttributeValueMemberB:
		return attr.B(x.Value)
	case *types.AttributeValueMemberBOOL:
		return attr.Bool(x.Value)
	case *types.AttributeValueMemberNULL:
		return attr.Null()
	case *types.AttributeValueMemberSS:
		return must(attr.SS(x.Value...))
	case *types.AttributeValueMemberNS:
		return must(attr.NS(x.Value...))
	case *types.AttributeValueMemberBS:
		return must(attr.BS(x.Value...))
	case *types.AttributeValueMemberL:
		elems := make([]attr.Value, len(x.Value))
		for i, e := range x.Value {
			elems[i] = toAttr(e)
		}
		return attr.L(elems)
	case *types.AttributeValueMemberM:
		return attr.M(toAttrItem(x.Value))
	}
	panic(fmt.Sprintf("toAttr %T", v))
}

func toAttrItem(it av) attr.Item {
	if it == nil {
		return nil
	}
	out := attr.Item{}
	for k, v := range it {
		out[k] = toAttr(v)
	}
	return out
}

// fromAttr converts an engine value to SDK types.
func fromAttr(v attr.Value) types.AttributeValue {
	switch v.Type() {
	case attr.TypeS:
		return s(v.Str())
	case attr.TypeN:
		return n(v.Str())
	case attr.TypeB:
		return bin(v.Bytes()...)
	case attr.TypeBOOL:
		return boolv(v.BoolValue())
	case attr.TypeNULL:
		return null()
	case attr.TypeSS, attr.TypeNS, attr.TypeBS:
		var strs []string
		var bins [][]byte
		for _, e := range v.Members() {
			strs = append(strs, e.Str())
			bins = append(bins, e.Bytes())
		}
		switch v.Type() {
		case attr.TypeSS:
			return ssv(strs...)
		case attr.TypeNS:
			return nsv(strs...)
		}
		return bsv(bins...)
	case attr.TypeL:
		elems := []types.AttributeValue{}
		for _, e := range v.List() {
			elems = append(elems, fromAttr(e))
		}
		return list(elems...)
	case attr.TypeM:
		out := av{}
		for k, e := range v.Map() {
			out[k] = fromAttr(e)
		}
		return mapv(out)
	}
	panic(fmt.Sprintf("fromAttr type %v", v.Type()))
}

func fromAttrItem(it attr.Item) av {
	if it == nil {
		return nil
	}
	out := av{}
	for k, v := range it {
		out[k] = fromAttr(v)
	}
	return out
}

type modelRun struct {
	t     *testing.T
	seed  uint64
	rng   *rand.Rand
	db    *engine.DB
	ctx   context.Context
	op    int
	data  map[string]*mItem // "pk/sk" → item
	stats struct{ creates, condFails, updateErrs, deletes, pages int }
}

var (
	modelPKs = []string{"a", "b", "c", "d"}
	// modelSKs are canonical; modelSKForms are other spellings of some.
	modelSKs     = []string{"-100", "-2.5", "-1", "0", "0.5", "1", "2", "3", "10", "11", "100", "1000"}
	modelSKForms = map[string][]string{"-100": {"-1e2", "-100.0"}, "1": {"1.0", "+1", "10e-1"}, "10": {"1e1", "010"}, "1000": {"1E3"}, "0.5": {".5", "5e-1"}}
	modelWords   = []string{"x", "y", "z", "w"}
)

func newModelRun(t *testing.T, seed uint64) *modelRun {
	db := enginetest.Open(t, engine.Options{})
	ctx := enginetest.Ctx(t)
	_, err := db.CreateTable(ctx, &engine.CreateTableInput{
		TableName:            "Model",
		AttributeDefinitions: []engine.AttributeDefinition{{AttributeName: "pk", AttributeType: "S"}, {AttributeName: "sk", AttributeType: "N"}},
		KeySchema:            []engine.KeySchemaElement{{AttributeName: "pk", KeyType: "HASH"}, {AttributeName: "sk", KeyType: "RANGE"}},
		BillingMode:          engine.BillingPayPerRequest,
	})
	if err != nil {
		t.Fatal(err)
	}
	return &modelRun{t: t, seed: seed, rng: rand.New(rand.NewPCG(seed, seed)), db: db, ctx: ctx, data: map[string]*mItem{}}
}

func (m *modelRun) fatalf(format string, args ...any) {
	m.t.Helper()
	m.t.Fatalf("seed %d, op %d: %s", m.seed, m.op, fmt.Sprintf(format, args...))
}

func (m *modelRun) items() int { return len(m.data) }

// randomKey picks a key; the sort key is sometimes spelled non-canonically.
func (m *modelRun) randomKey() (pk, sk, skText string) {
	pk = modelPKs[m.rng.IntN(len(modelPKs))]
	sk = modelSKs[m.rng.IntN(len(modelSKs))]
	skText = sk
	if forms := modelSKForms[sk]; len(forms) > 0 && m.rng.IntN(3) == 0 {
		skText = forms[m.rng.IntN(len(forms))]
	}
	return pk, sk, skText
}

func keyAttr(pk, skText string) attr.Item {
	return attr.Item{"pk": attr.S(pk), "sk": attr.MustN(skText)}
}

func (m *modelRun) randomWords() []string {
	var out []string
	for _, w := range modelWords {
		if m.rng.IntN(2) == 0 {
			out = append(out, w)
		}
	}
	if len(out) == 0 {
		out = append(out, modelWords[m.rng.IntN(len(modelWords))])
	}
	return out
}

func (m *modelRun) randomItem(pk, sk string) *mItem {
	it := &mItem{pk: pk, sk: sk}
	if m.rng.IntN(2) == 0 {
		v := int64(m.rng.IntN(2001) - 1000)
		it.n = &v
	}
	if m.rng.IntN(2) == 0 {
		v := strings.Repeat(modelWords[m.rng.IntN(4)], m.rng.IntN(3000))
		it.s = &v
	}
	if m.rng.IntN(3) == 0 {
		it.ss = map[string]bool{}
		for _, w := range m.randomWords() {
			it.ss[w] = true
		}
	}
	if m.rng.IntN(3) == 0 {
		it.lP = true
		for range m.rng.IntN(4) {
			it.l = append(it.l, int64(m.rng.IntN(100)))
		}
	}
	if m.rng.IntN(4) == 0 {
		it.mm = map[string]string{"k": "v"}
	}
	return it
}

func sizeOf(it *mItem) int {
	if it == nil {
		return 0
	}
	return itemSize(it.av())
}

// checkCapacity compares the ConsumedCapacity of a call with want units.
func (m *modelRun) checkCapacity(what string, c *engine.ConsumedCapacity, want float64) {
	m.t.Helper()
	if c == nil || c.CapacityUnits != want || c.TableName != "Model" {
		m.fatalf("%s: ConsumedCapacity %+v, want %v units", what, c, want)
	}
}

// checkItem compares an engine item with the model's (nil = none).
func (m *modelRun) checkItem(what string, got attr.Item, want *mItem) {
	m.t.Helper()
	if want == nil {
		if got != nil {
			m.fatalf("%s: got %s, want no item", what, showItem(fromAttrItem(got)))
		}
		return
	}
	if g := fromAttrItem(got); !itemEqual(g, want.av()) {
		m.fatalf("%s:\n got %s\nwant %s", what, showItem(g), showItem(want.av()))
	}
}

func isCondFailed(err error) bool {
	var api *engine.APIError
	return errors.As(err, &api) && api.Code == engine.CodeConditionalCheckFailed
}

func (m *modelRun) put() {
	pk, sk, skText := m.randomKey()
	id := pk + "/" + sk
	old := m.data[id]
	it := m.randomItem(pk, sk)
	in := &engine.PutItemInput{TableName: "Model", Item: toAttrItem(it.av()), ReturnConsumedCapacity: engine.CapacityTotal}
	in.Item["sk"] = attr.MustN(skText)
	if m.rng.IntN(2) == 0 {
		in.ReturnValues = engine.ReturnAllOld
	}
	conditional := m.rng.IntN(3) == 0
	if conditional {
		in.ConditionExpression = ptr("attribute_not_exists(pk)")
		in.ReturnValuesOnConditionCheckFailure = engine.ReturnAllOld
	}
	out, err := m.db.PutItem(m.ctx, in)
	if conditional && old != nil {
		var api *engine.APIError
		if !errors.As(err, &api) || api.Code != engine.CodeConditionalCheckFailed {
			m.fatalf("conditional put over %s: %v, want ConditionalCheckFailedException", id, err)
		}
		m.checkItem("ConditionalCheckFailedException.Item", api.Item, old)
		m.stats.condFails++
		return
	}
	if err != nil {
		m.fatalf("put %s: %v", id, err)
	}
	if in.ReturnValues == engine.ReturnAllOld {
		m.checkItem("put ALL_OLD", out.Attributes, old)
	} else if out.Attributes != nil {
		m.fatalf("put without ReturnValues returned %v", out.Attributes)
	}
	m.checkCapacity("put", out.ConsumedCapacity, writeUnitsFor(max(sizeOf(old), sizeOf(it))))
	if old == nil {
		m.stats.creates++
	}
	m.data[id] = it
}

// modelUpdate is one update the model knows how to apply.
type modelUpdate struct {
	expr   string
	values map[string]types.AttributeValue
	// apply changes the (cloned) item, or returns the error message the
	// service gives; exists says whether the item existed.
	apply  func(it *mItem, exists bool) string
	writes bool // has SET or ADD: creates a missing item
}

const (
	msgPathInvalid = "The document path provided in the update expression is invalid for update"
	msgNotInItem   = "The provided expression refers to an attribute that does not exist in the item"
)

func (m *modelRun) randomUpdate() modelUpdate {
	k := int64(m.rng.IntN(11) - 5)
	word := modelWords[m.rng.IntN(4)]
	str := strings.Repeat(word, m.rng.IntN(1500))
	switch m.rng.IntN(12) {
	case 0:
		return modelUpdate{"ADD n :k", av{":k": n(fmt.Sprint(k))}, func(it *mItem, _ bool) string {
			v := k
			if it.n != nil {
				v += *it.n
			}
			it.n = &v
			return ""
		}, true}
	case 1:
		return modelUpdate{"SET s = :v", av{":v": s(str)}, func(it *mItem, _ bool) string { it.s = &str; return "" }, true}
	case 2:
		return modelUpdate{"REMOVE s, n", nil, func(it *mItem, _ bool) string { it.s, it.n = nil, nil; return "" }, false}
	case 3:
		words := m.randomWords()
		return modelUpdate{"ADD ss :w", av{":w": ssv(words...)}, func(it *mItem, _ bool) string {
			if it.ss == nil {
				it.ss = map[string]bool{}
			}
			for _, w := range words {
				it.ss[w] = true
			}
			return ""
		}, true}
	case 4:
		words := m.randomWords()
		return modelUpdate{"DELETE ss :w", av{":w": ssv(words...)}, func(it *mItem, _ bool) string {
			for _, w := range words {
				delete(it.ss, w)
			}
			if len(it.ss) == 0 {
				it.ss = nil
			}
			return ""
		}, false}
	case 5:
		return modelUpdate{"SET l = list_append(if_not_exists(l, :empty), :x)", av{":empty": list(), ":x": list(n(fmt.Sprint(k)))}, func(it *mItem, _ bool) string {
			it.lP = true
			it.l = append(it.l, k)
			return ""
		}, true}
	case 6:
		return modelUpdate{"REMOVE l[0]", nil, func(it *mItem, exists bool) string {
			switch {
			case exists && !it.lP:
				return msgPathInvalid
			case len(it.l) > 0:
				it.l = it.l[1:]
			}
			return ""
		}, false}
	case 7:
		return modelUpdate{"SET m.k = :v", av{":v": s(word)}, func(it *mItem, _ bool) string {
			if it.mm == nil {
				return msgPathInvalid
			}
			it.mm["k"] = word
			return ""
		}, true}
	case 8:
		return modelUpdate{"SET m = :m", av{":m": mapv(av{"k": s(word)})}, func(it *mItem, _ bool) string {
			it.mm = map[string]string{"k": word}
			return ""
		}, true}
	case 9:
		return modelUpdate{"SET n = n + :k", av{":k": n(fmt.Sprint(k))}, func(it *mItem, _ bool) string {
			if it.n == nil {
				return msgNotInItem
			}
			v := *it.n + k
			it.n = &v
			return ""
		}, true}
	case 10:
		return modelUpdate{"SET s = :v ADD n :k REMOVE m", av{":v": s(str), ":k": n(fmt.Sprint(k))}, func(it *mItem, _ bool) string {
			v := k
			if it.n != nil {
				v += *it.n
			}
			it.s, it.n, it.mm = &str, &v, nil
			return ""
		}, true}
	}
	return modelUpdate{"REMOVE m.k", nil, func(it *mItem, exists bool) string {
		if exists && it.mm == nil {
			return msgPathInvalid
		}
		delete(it.mm, "k")
		return ""
	}, false}
}

func (m *modelRun) update() {
	pk, sk, skText := m.randomKey()
	id := pk + "/" + sk
	old := m.data[id]
	u := m.randomUpdate()
	in := &engine.UpdateItemInput{TableName: "Model", Key: keyAttr(pk, skText), UpdateExpression: ptr(u.expr),
		ExpressionAttributeValues: engine.Values(toAttrItem(u.values)), ReturnConsumedCapacity: engine.CapacityTotal}
	modes := []string{"", engine.ReturnAllOld, engine.ReturnAllNew}
	in.ReturnValues = modes[m.rng.IntN(len(modes))]
	condPass := true
	if m.rng.IntN(4) == 0 {
		in.ConditionExpression = ptr("attribute_exists(n) AND n > :zero")
		if in.ExpressionAttributeValues == nil {
			in.ExpressionAttributeValues = engine.Values{}
		}
		in.ExpressionAttributeValues[":zero"] = attr.MustN("0")
		condPass = old != nil && old.n != nil && *old.n > 0
	}
	out, err := m.db.UpdateItem(m.ctx, in)
	if !condPass {
		if !isCondFailed(err) {
			m.fatalf("update %s %q with a false condition: %v", id, u.expr, err)
		}
		m.stats.condFails++
		return
	}
	var next *mItem
	if old != nil {
		next = old.clone()
	} else {
		next = &mItem{pk: pk, sk: sk}
	}
	if msg := u.apply(next, old != nil); msg != "" {
		var api *engine.APIError
		if !errors.As(err, &api) || api.Code != engine.CodeValidation || api.Message != msg {
			m.fatalf("update %s %q on %v: got %v, want ValidationException %q", id, u.expr, old != nil, err, msg)
		}
		m.stats.updateErrs++
		return
	}
	if err != nil {
		m.fatalf("update %s %q: %v", id, u.expr, err)
	}
	if old == nil && !u.writes {
		next = nil
	}
	switch in.ReturnValues {
	case engine.ReturnAllOld:
		m.checkItem("update ALL_OLD", out.Attributes, old)
	case engine.ReturnAllNew:
		m.checkItem("update ALL_NEW", out.Attributes, next)
	default:
		if out.Attributes != nil {
			m.fatalf("update without ReturnValues returned %v", out.Attributes)
		}
	}
	m.checkCapacity("update "+u.expr, out.ConsumedCapacity, writeUnitsFor(max(sizeOf(old), sizeOf(next))))
	if next == nil {
		return
	}
	if old == nil {
		m.stats.creates++
	}
	m.data[id] = next
}

func (m *modelRun) delete() {
	pk, sk, skText := m.randomKey()
	id := pk + "/" + sk
	old := m.data[id]
	in := &engine.DeleteItemInput{TableName: "Model", Key: keyAttr(pk, skText), ReturnValues: engine.ReturnAllOld, ReturnConsumedCapacity: engine.CapacityTotal}
	condPass := true
	if m.rng.IntN(4) == 0 {
		in.ConditionExpression = ptr("attribute_exists(s)")
		condPass = old != nil && old.s != nil
	}
	out, err := m.db.DeleteItem(m.ctx, in)
	if !condPass {
		if !isCondFailed(err) {
			m.fatalf("delete %s with a false condition: %v", id, err)
		}
		m.stats.condFails++
		return
	}
	if err != nil {
		m.fatalf("delete %s: %v", id, err)
	}
	m.checkItem("delete ALL_OLD", out.Attributes, old)
	m.checkCapacity("delete", out.ConsumedCapacity, writeUnitsFor(sizeOf(old)))
	if old != nil {
		m.stats.deletes++
	}
	delete(m.data, id)
}

func (m *modelRun) get() {
	pk, sk, skText := m.randomKey()
	want := m.data[pk+"/"+sk]
	consistent := m.rng.IntN(2) == 0
	out, err := m.db.GetItem(m.ctx, &engine.GetItemInput{TableName: "Model", Key: keyAttr(pk, skText), ConsistentRead: consistent, ReturnConsumedCapacity: engine.CapacityTotal})
	if err != nil {
		m.fatalf("get: %v", err)
	}
	m.checkItem("get "+pk+"/"+sk, out.Item, want)
	m.checkCapacity("get", out.ConsumedCapacity, readUnitsFor(sizeOf(want), consistent))
}

func ratOf(num string) *big.Rat {
	r, ok := new(big.Rat).SetString(num)
	if !ok {
		panic(num)
	}
	return r
}

func (m *modelRun) query() {
	pk := modelPKs[m.rng.IntN(len(modelPKs))]
	v1 := modelSKs[m.rng.IntN(len(modelSKs))]
	v2 := modelSKs[m.rng.IntN(len(modelSKs))]
	if ratOf(v1).Cmp(ratOf(v2)) > 0 {
		v1, v2 = v2, v1
	}
	type opDef struct {
		cond string
		keep func(c1, c2 int) bool // comparisons of sk with v1 and v2
	}
	ops := []opDef{
		{"pk = :p", func(int, int) bool { return true }},
		{"pk = :p AND sk = :a", func(c1, _ int) bool { return c1 == 0 }},
		{"pk = :p AND sk < :a", func(c1, _ int) bool { return c1 < 0 }},
		{"pk = :p AND sk <= :a", func(c1, _ int) bool { return c1 <= 0 }},
		{"pk = :p AND sk > :a", func(c1, _ int) bool { return c1 > 0 }},
		{"pk = :p AND sk >= :a", func(c1, _ int) bool { return c1 >= 0 }},
		{"pk = :p AND sk BETWEEN :a AND :b", func(c1, c2 int) bool { return c1 >= 0 && c2 <= 0 }},
	}
	op := ops[m.rng.IntN(len(ops))]
	vals := engine.Values{":p": attr.S(pk)}
	if strings.Contains(op.cond, ":a") {
		vals[":a"] = attr.MustN(v1)
	}
	if strings.Contains(op.cond, ":b") {
		vals[":b"] = attr.MustN(v2)
	}
	var inRange []*mItem
	for _, it := range m.data {
		if it.pk == pk && op.keep(ratOf(it.sk).Cmp(ratOf(v1)), ratOf(it.sk).Cmp(ratOf(v2))) {
			inRange = append(inRange, it)
		}
	}
	forward := m.rng.IntN(2) == 0
	sort.Slice(inRange, func(i, j int) bool {
		c := ratOf(inRange[i].sk).Cmp(ratOf(inRange[j].sk))
		if forward {
			return c < 0
		}
		return c > 0
	})
	in := &engine.QueryInput{TableName: "Model", KeyConditionExpression: ptr(op.cond), ExpressionAttributeValues: vals,
		ScanIndexForward: &forward, ConsistentRead: true, ReturnConsumedCapacity: engine.CapacityTotal}
	filtered := m.rng.IntN(3) == 0
	want := inRange
	if filtered {
		in.FilterExpression = ptr("attribute_exists(s)")
		want = nil
		for _, it := range inRange {
			if it.s != nil {
				want = append(want, it)
			}
		}
	}
	limit := 0
	if m.rng.IntN(2) == 0 {
		limit = 1 + m.rng.IntN(4)
		l := int64(limit)
		in.Limit = &l
	}
	var got []attr.Item
	scanned := 0
	for page := 0; ; page++ {
		if page > len(inRange)+2 {
			m.fatalf("query %q did not end", op.cond)
		}
		out, err := m.db.Query(m.ctx, in)
		if err != nil {
			m.fatalf("query %q: %v", op.cond, err)
		}
		m.stats.pages++
		// The page read the next ScannedCount items of the range.
		if scanned+out.ScannedCount > len(inRange) {
			m.fatalf("query %q: scanned past the range", op.cond)
		}
		size := 0
		for _, it := range inRange[scanned : scanned+out.ScannedCount] {
			size += sizeOf(it)
		}
		m.checkCapacity("query page", out.ConsumedCapacity, readUnitsFor(size, true))
		scanned += out.ScannedCount
		got = append(got, out.Items...)
		if out.Count != len(out.Items) {
			m.fatalf("query: Count %d with %d items", out.Count, len(out.Items))
		}
		wantLEK := limit > 0 && out.ScannedCount == limit
		if (out.LastEvaluatedKey != nil) != wantLEK {
			m.fatalf("query %q limit %d: page of %d scanned, LastEvaluatedKey %v", op.cond, limit, out.ScannedCount, out.LastEvaluatedKey)
		}
		if out.LastEvaluatedKey == nil {
			break
		}
		last := inRange[scanned-1]
		if !itemEqual(fromAttrItem(out.LastEvaluatedKey), av{"pk": s(last.pk), "sk": n(last.sk)}) {
			m.fatalf("query: LastEvaluatedKey %s, want %s/%s", showItem(fromAttrItem(out.LastEvaluatedKey)), last.pk, last.sk)
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
	if scanned != len(inRange) || len(got) != len(want) {
		m.fatalf("query %q (%s,%s) forward=%v filter=%v limit %d: %d items scanned %d, want %d of %d", op.cond, v1, v2, forward, filtered, limit, len(got), scanned, len(want), len(inRange))
	}
	for i := range want {
		m.checkItem(fmt.Sprintf("query %q item %d", op.cond, i), got[i], want[i])
	}
}

func (m *modelRun) scan() {
	total := int64(1 + m.rng.IntN(4))
	seen := map[string]bool{}
	for seg := int64(0); seg < total; seg++ {
		in := &engine.ScanInput{TableName: "Model", Segment: &seg, TotalSegments: &total}
		if m.rng.IntN(2) == 0 {
			l := int64(1 + m.rng.IntN(10))
			in.Limit = &l
		}
		for page := 0; ; page++ {
			if page > len(m.data)+2 {
				m.fatalf("scan did not end")
			}
			out, err := m.db.Scan(m.ctx, in)
			if err != nil {
				m.fatalf("scan: %v", err)
			}
			m.stats.pages++
			for _, it := range out.Items {
				g := fromAttrItem(it)
				id := g["pk"].(*types.AttributeValueMemberS).Value + "/" + g["sk"].(*types.AttributeValueMemberN).Value
				if seen[id] {
					m.fatalf("scan returned %s twice", id)
				}
				seen[id] = true
				m.checkItem("scan "+id, it, m.data[id])
			}
			if out.LastEvaluatedKey == nil {
				break
			}
			in.ExclusiveStartKey = out.LastEvaluatedKey
		}
	}
	if len(seen) != len(m.data) {
		m.fatalf("scan with %d segments saw %d items, model has %d", total, len(seen), len(m.data))
	}
}

func (m *modelRun) checkStats() {
	out, err := m.db.DescribeTable(m.ctx, &engine.DescribeTableInput{TableName: "Model"})
	if err != nil {
		m.fatalf("DescribeTable: %v", err)
	}
	size := 0
	for _, it := range m.data {
		size += sizeOf(it)
	}
	if out.Table.ItemCount != int64(len(m.data)) || out.Table.TableSizeBytes != int64(size) {
		m.fatalf("ItemCount %d TableSizeBytes %d, model %d and %d", out.Table.ItemCount, out.Table.TableSizeBytes, len(m.data), size)
	}
}

func ptr[T any](v T) *T { return &v }

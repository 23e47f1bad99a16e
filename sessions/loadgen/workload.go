package loadgen

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"dynalab/engine"
	"dynalab/engine/attr"
)

// Mix is the share of each operation in the load, as weights (percent,
// usually): Read is GetItem, Query a Query of one partition key, Write a
// PutItem.
type Mix struct {
	Read, Query, Write int
}

// DefaultMix is 80% GetItem, 20% PutItem.
var DefaultMix = Mix{Read: 80, Write: 20}

// ParseMix reads a mix written "read=80,write=20" (also get=, put=,
// query=); missing operations weigh 0.
func ParseMix(s string) (Mix, error) {
	var m Mix
	for part := range strings.SplitSeq(s, ",") {
		name, value, ok := strings.Cut(strings.TrimSpace(part), "=")
		n, err := strconv.Atoi(strings.TrimSpace(value))
		if !ok || err != nil || n < 0 {
			return Mix{}, fmt.Errorf("mix %q: want OPERATION=WEIGHT pairs like read=80,write=20 (weights are whole numbers ≥ 0)", s)
		}
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "read", "get", "getitem":
			m.Read += n
		case "query":
			m.Query += n
		case "write", "put", "putitem":
			m.Write += n
		default:
			return Mix{}, fmt.Errorf("mix %q: unknown operation %q (want read, query or write)", s, name)
		}
	}
	if m.total() == 0 {
		return Mix{}, fmt.Errorf("mix %q: every weight is 0", s)
	}
	return m, nil
}

func (m Mix) total() int { return m.Read + m.Query + m.Write }

// String writes the mix as ParseMix reads it, leaving out zero weights.
func (m Mix) String() string {
	var parts []string
	for _, p := range []struct {
		name string
		n    int
	}{{"read", m.Read}, {"query", m.Query}, {"write", m.Write}} {
		if p.n > 0 {
			parts = append(parts, p.name+"="+strconv.Itoa(p.n))
		}
	}
	return strings.Join(parts, ",")
}

// Shares returns the fraction of requests that are reads (GetItem and
// Query together) and writes.
func (m Mix) Shares() (reads, writes float64) {
	t := float64(m.total())
	if t == 0 {
		return 0, 0
	}
	return float64(m.Read+m.Query) / t, float64(m.Write) / t
}

// Keys is how a load picks the partition key of each request.
type Keys string

// The key distributions.
const (
	Uniform Keys = "uniform" // every key equally often
	Hot     Keys = "hot"     // HotShare of the requests on one key, the rest uniform
	Zipf    Keys = "zipf"    // Zipf's law (s = 1.1): a few keys take most requests, with a long tail
)

// HotShare is the fraction of requests a Hot load sends to its hot key.
const HotShare = 0.9

// zipfS is the exponent of the Zipf distribution (it must exceed 1).
const zipfS = 1.1

// ParseKeys reads a key distribution's name.
func ParseKeys(s string) (Keys, error) {
	switch k := Keys(strings.ToLower(s)); k {
	case Uniform, Hot, Zipf:
		return k, nil
	}
	return "", fmt.Errorf("keys %q: want uniform, hot or zipf", s)
}

// Key attribute values: partition keys "load-000042" (or 42, or those
// bytes), one item each, under the sort key "load" (or 0) when the table
// has one. A later load on the same table reads what an earlier one
// wrote.
const (
	keyPrefix   = "load-"
	sortValue   = "load"
	payloadName = "payload"
	// MaxKeyCount is the most distinct partition keys a load uses.
	MaxKeyCount = 1_000_000
)

// schema is what a load needs of its table's key schema.
type schema struct {
	table          string
	pkName, pkType string
	skName, skType string // "" when the table has no sort key
	gsis           int
}

// schemaOf reads the key schema of a DescribeTable answer.
func schemaOf(d *engine.TableDescription) (schema, error) {
	s := schema{table: d.TableName, gsis: len(d.GlobalSecondaryIndexes)}
	types := map[string]string{}
	for _, a := range d.AttributeDefinitions {
		types[a.AttributeName] = a.AttributeType
	}
	for _, k := range d.KeySchema {
		switch k.KeyType {
		case engine.KeyTypeHash:
			s.pkName, s.pkType = k.AttributeName, types[k.AttributeName]
		case engine.KeyTypeRange:
			s.skName, s.skType = k.AttributeName, types[k.AttributeName]
		}
	}
	if s.pkName == "" || s.pkType == "" || (s.skName != "" && s.skType == "") {
		return schema{}, fmt.Errorf("table %s: DescribeTable gave no usable key schema", d.TableName)
	}
	return s, nil
}

// value is the key attribute value of type typ for text (a number's
// digits for N).
func value(typ, text, number string) (attr.Value, error) {
	switch typ {
	case "S":
		return attr.S(text), nil
	case "B":
		return attr.BString(text), nil
	case "N":
		return attr.N(number)
	}
	return attr.Value{}, fmt.Errorf("key type %q is not S, N or B", typ)
}

// pk returns key k's partition key value.
func (s schema) pk(k int) attr.Value {
	v, err := value(s.pkType, fmt.Sprintf("%s%06d", keyPrefix, k), strconv.Itoa(k))
	if err != nil {
		panic(err) // schemaOf and newItems checked the type
	}
	return v
}

// key returns key k's primary key.
func (s schema) key(k int) attr.Item {
	it := attr.Item{s.pkName: s.pk(k)}
	if s.skName != "" {
		v, err := value(s.skType, sortValue, "0")
		if err != nil {
			panic(err) // checked by newItems
		}
		it[s.skName] = v
	}
	return it
}

// items makes the items a load writes: key k's primary key and a string
// payload that brings the item to exactly size bytes, as the service
// counts them.
type items struct {
	schema
	size    int
	payload string // the longest payload; each item takes a prefix
}

// newItems checks that items of size bytes can hold the table's keys.
func newItems(s schema, size, keys int) (*items, error) {
	for _, t := range []string{s.pkType, s.skType} {
		if t == "" {
			continue
		}
		if _, err := value(t, "x", "1"); err != nil {
			return nil, fmt.Errorf("table %s: %w", s.table, err)
		}
	}
	// The largest key (most digits) leaves the least room.
	least := s.key(keys-1).Size() + len(payloadName) + 1
	if size < least {
		return nil, fmt.Errorf("item size %d B is too small: items of table %s take at least %d B (key attributes and a payload)", size, s.table, least)
	}
	return &items{schema: s, size: size, payload: strings.Repeat("x", size)}, nil
}

// item returns key k's item.
func (it *items) item(k int) attr.Item {
	item := it.key(k)
	n := it.size - item.Size() - len(payloadName)
	item[payloadName] = attr.S(it.payload[:n])
	return item
}

// op is one kind of request.
type op uint8

const (
	opGet op = iota
	opQuery
	opPut
	opCount
)

var opNames = [opCount]string{"GetItem", "Query", "PutItem"}

// chooser draws the operation and the key of each request; only the
// scheduler uses it.
type chooser struct {
	rng  *rand.Rand
	mix  Mix
	keys Keys
	n    int
	zipf *rand.Zipf
}

func newChooser(seed uint64, mix Mix, keys Keys, n int) *chooser {
	c := &chooser{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), mix: mix, keys: keys, n: n}
	if keys == Zipf && n > 1 {
		c.zipf = rand.NewZipf(c.rng, zipfS, 1, uint64(n-1))
	}
	return c
}

// op draws an operation by the mix's weights.
func (c *chooser) op() op {
	x := c.rng.IntN(c.mix.total())
	switch {
	case x < c.mix.Read:
		return opGet
	case x < c.mix.Read+c.mix.Query:
		return opQuery
	}
	return opPut
}

// key draws a key by the distribution; key 0 is the hot key.
func (c *chooser) key() int {
	switch {
	case c.keys == Hot && c.rng.Float64() < HotShare:
		return 0
	case c.zipf != nil:
		return int(c.zipf.Uint64())
	}
	return c.rng.IntN(c.n)
}

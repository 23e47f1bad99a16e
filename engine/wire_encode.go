package engine

import (
	"encoding/json"
	"strconv"

	"dynalab/engine/attr"
)

// Hand-written response encoders for the data-plane operations: encoding/json
// re-validates every MarshalJSON result, which doubled the cost of encoding
// items. Their output is byte-for-byte what encoding/json would produce.

// wireEncoder is a response type with its own encoder.
type wireEncoder interface {
	appendWire(dst []byte) []byte
}

// wireSizer is a wireEncoder that can tell about how long its encoding
// is, so that a 20 KB Query page is encoded into one buffer instead of a
// growing one (growslice was 15% of the server's CPU on Query).
type wireSizer interface {
	wireSize() int
}

// itemsWireSize estimates the JSON length of items.
func itemsWireSize(items ...attr.Item) int {
	n := 64
	for _, it := range items {
		n += it.Size() + 16*len(it) + 2
	}
	return n
}

func (out *GetItemOutput) wireSize() int { return itemsWireSize(out.Item) }
func (out *QueryOutput) wireSize() int {
	return itemsWireSize(out.Items...) + itemsWireSize(out.LastEvaluatedKey)
}

// object builds a JSON object member by member.
type object struct {
	b     []byte
	first bool
}

func newObject(dst []byte) object { return object{b: append(dst, '{'), first: true} }

func (o *object) key(k string) {
	if !o.first {
		o.b = append(o.b, ',')
	}
	o.first = false
	o.b = append(o.b, '"')
	o.b = append(o.b, k...)
	o.b = append(o.b, '"', ':')
}

func (o *object) item(k string, it attr.Item) {
	o.key(k)
	o.b = attr.AppendItem(o.b, it)
}

func (o *object) int(k string, n int) {
	o.key(k)
	o.b = strconv.AppendInt(o.b, int64(n), 10)
}

func (o *object) capacity(c *ConsumedCapacity) {
	if c == nil {
		return
	}
	o.key("ConsumedCapacity")
	o.b = appendCapacity(o.b, c)
}

func (o *object) end() []byte { return append(o.b, '}') }

func appendCapacity(dst []byte, c *ConsumedCapacity) []byte {
	// Rare enough (only when asked for) to leave to encoding/json.
	data, _ := json.Marshal(c)
	return append(dst, data...)
}

func (out *GetItemOutput) appendWire(dst []byte) []byte {
	o := newObject(dst)
	if out.Item != nil {
		o.item("Item", out.Item)
	}
	o.capacity(out.ConsumedCapacity)
	return o.end()
}

func appendWriteOutput(dst []byte, attrs attr.Item, c *ConsumedCapacity, m *ItemCollectionMetrics) []byte {
	o := newObject(dst)
	if len(attrs) > 0 {
		o.item("Attributes", attrs)
	}
	o.capacity(c)
	if m != nil {
		// Rare (tables with LSIs, when asked for): encoding/json.
		o.key("ItemCollectionMetrics")
		data, _ := json.Marshal(m)
		o.b = append(o.b, data...)
	}
	return o.end()
}

func (out *PutItemOutput) appendWire(dst []byte) []byte {
	return appendWriteOutput(dst, out.Attributes, out.ConsumedCapacity, out.ItemCollectionMetrics)
}

func (out *UpdateItemOutput) appendWire(dst []byte) []byte {
	return appendWriteOutput(dst, out.Attributes, out.ConsumedCapacity, out.ItemCollectionMetrics)
}

func (out *DeleteItemOutput) appendWire(dst []byte) []byte {
	return appendWriteOutput(dst, out.Attributes, out.ConsumedCapacity, out.ItemCollectionMetrics)
}

func (out *QueryOutput) appendWire(dst []byte) []byte {
	o := newObject(dst)
	if out.Items != nil {
		o.key("Items")
		o.b = append(o.b, '[')
		for i, it := range out.Items {
			if i > 0 {
				o.b = append(o.b, ',')
			}
			o.b = attr.AppendItem(o.b, it)
		}
		o.b = append(o.b, ']')
	}
	o.int("Count", out.Count)
	o.int("ScannedCount", out.ScannedCount)
	if len(out.LastEvaluatedKey) > 0 {
		o.item("LastEvaluatedKey", out.LastEvaluatedKey)
	}
	o.capacity(out.ConsumedCapacity)
	return o.end()
}

// encodeResponse encodes an operation's output.
func encodeResponse(out any) ([]byte, error) {
	if we, ok := out.(wireEncoder); ok {
		size := 256
		if ws, ok := out.(wireSizer); ok {
			size = ws.wireSize()
		}
		return we.appendWire(make([]byte, 0, size)), nil
	}
	return json.Marshal(out)
}

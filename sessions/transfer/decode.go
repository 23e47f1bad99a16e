package transfer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"dynalab/engine/attr"
)

// DecodeLine decodes one line of a JSON-lines format (ddb-json or json)
// into an item. It never panics; its errors say what is wrong with the
// line, for a rejected-line report.
func DecodeLine(f Format, line []byte) (attr.Item, error) {
	switch f {
	case FormatDDB:
		return decodeDDB(line)
	case FormatJSON:
		return decodePlain(line)
	}
	return nil, fmt.Errorf("format %q has no line decoder", f)
}

// decodeDDB decodes a DynamoDB JSON line: a bare item or an S3 export line.
func decodeDDB(line []byte) (attr.Item, error) {
	if onlyItemMember(line) {
		it, werr := decodeWrapper(line)
		if werr == nil {
			return it, nil
		}
		if it, err := attr.ParseItem(line); err == nil && it != nil {
			return it, nil // a bare item whose only attribute is named Item
		}
		return nil, werr
	}
	it, err := attr.ParseItem(line)
	if err != nil {
		return nil, ddbError(line, err)
	}
	if it == nil {
		return nil, errors.New("null is not an item: a line must be a JSON object")
	}
	return it, nil
}

// onlyItemMember reports whether line is a JSON object whose first member
// is "Item" (decodeWrapper checks that it is the only one).
func onlyItemMember(line []byte) bool {
	b := bytes.TrimLeft(line, " \t")
	if len(b) == 0 || b[0] != '{' {
		return false
	}
	b = bytes.TrimLeft(b[1:], " \t")
	if !bytes.HasPrefix(b, []byte(`"Item"`)) {
		return false
	}
	b = bytes.TrimLeft(b[len(`"Item"`):], " \t")
	return len(b) > 0 && b[0] == ':'
}

// decodeWrapper decodes an S3 export line, {"Item":{...}}.
func decodeWrapper(line []byte) (attr.Item, error) {
	r := attr.NewReader(line)
	var it attr.Item
	members := 0
	err := r.Object(func(key string) error {
		members++
		if key != "Item" {
			return fmt.Errorf("unexpected member %q beside Item", key)
		}
		var err error
		it, err = r.Item()
		return err
	})
	if err == nil {
		err = r.End()
	}
	switch {
	case err != nil:
		return nil, ddbError(line, err)
	case members != 1:
		return nil, errors.New(`an S3 export line has one member, "Item"`)
	case it == nil:
		return nil, errors.New(`"Item" is null`)
	}
	return it, nil
}

// ddbError words a DynamoDB JSON decoding error for a person: the codec
// speaks the service's terse SerializationException texts, and says
// nothing at all about malformed JSON.
func ddbError(line []byte, err error) error {
	if serr := jsonSyntaxError(line); serr != nil {
		return serr
	}
	var aerr *attr.Error
	if errors.As(err, &aerr) {
		if aerr.Message == "" {
			return errors.New("malformed DynamoDB JSON")
		}
		if aerr.Kind == attr.Serialization {
			return fmt.Errorf("not DynamoDB JSON (%s): values must look like {\"S\":\"text\"} or {\"N\":\"1\"}; is the format json?", aerr.Message)
		}
	}
	return err
}

// jsonSyntaxError returns encoding/json's description of malformed JSON,
// with its column, or nil when line is well-formed.
func jsonSyntaxError(line []byte) error {
	var v json.RawMessage
	err := json.Unmarshal(line, &v)
	if err == nil {
		return nil
	}
	var serr *json.SyntaxError
	if errors.As(err, &serr) {
		return fmt.Errorf("malformed JSON at column %d: %s", serr.Offset, serr.Error())
	}
	return fmt.Errorf("malformed JSON: %w", err)
}

// decodePlain decodes a plain JSON line, inferring types.
func decodePlain(line []byte) (attr.Item, error) {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		if serr := jsonSyntaxError(line); serr != nil {
			return nil, serr
		}
		return nil, fmt.Errorf("malformed JSON: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("malformed JSON: more than one value on the line")
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("a line must be a JSON object, not %s", jsonKind(v))
	}
	return inferItem(obj, 1)
}

// inferItem converts a JSON object to an item by the json format's rules.
func inferItem(obj map[string]any, depth int) (attr.Item, error) {
	it := make(attr.Item, len(obj))
	for k, x := range obj {
		v, err := inferValue(x, depth+1)
		if err != nil {
			return nil, fmt.Errorf("attribute %q: %w", k, err)
		}
		it[k] = v
	}
	return it, nil
}

// inferValue converts one decoded JSON value (json.Number for numbers);
// depth is the nesting level the value would occupy.
func inferValue(x any, depth int) (attr.Value, error) {
	switch x := x.(type) {
	case nil:
		return attr.Null(), nil
	case bool:
		return attr.Bool(x), nil
	case string:
		return attr.S(x), nil
	case json.Number:
		v, err := attr.N(string(x))
		if err != nil {
			return attr.Value{}, fmt.Errorf("number %s: %w", x, err)
		}
		return v, nil
	case []any:
		if depth > attr.MaxDepth {
			return attr.Value{}, errTooDeep
		}
		list := make([]attr.Value, len(x))
		for i, e := range x {
			v, err := inferValue(e, depth+1)
			if err != nil {
				return attr.Value{}, fmt.Errorf("[%d]: %w", i, err)
			}
			list[i] = v
		}
		return attr.L(list), nil
	case map[string]any:
		if depth > attr.MaxDepth {
			return attr.Value{}, errTooDeep
		}
		m, err := inferItem(x, depth)
		if err != nil {
			return attr.Value{}, err
		}
		return attr.M(m), nil
	}
	return attr.Value{}, fmt.Errorf("unsupported JSON value %T", x)
}

var errTooDeep = fmt.Errorf("nested more than %d levels deep (DynamoDB's limit)", attr.MaxDepth)

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case []any:
		return "an array"
	}
	return "an object"
}

// quoteCut quotes s for a message, cut to n bytes.
func quoteCut(s string, n int) string {
	if len(s) > n {
		s = strings.ToValidUTF8(s[:n], "") + "…"
	}
	return fmt.Sprintf("%q", s)
}

package attr

import (
	"errors"
	"strconv"
)

// Reader decodes a JSON request body member by member, without reflection,
// reporting wrong JSON types with the service's SerializationException
// texts. The engine's hot operations decode their requests with it.
//
// A Reader stops at the first error; every method then returns it.
type Reader struct {
	d   decoder
	err error
}

// NewReader returns a Reader over a request body. What it decodes does
// not share memory with body.
func NewReader(body []byte) *Reader { return &Reader{d: decoder{data: string(body)}} }

// NewStringReader returns a Reader over a request body held in a string.
// What it decodes shares memory with body (strings are substrings of it).
func NewStringReader(body string) *Reader { return &Reader{d: decoder{data: body}} }

// Err returns the first error the Reader met.
func (r *Reader) Err() error { return r.err }

func (r *Reader) fail(err error) error {
	if r.err == nil {
		r.err = err
	}
	return r.err
}

// Object reads a JSON object (or null), calling member for each key; the
// callback must consume the member's value with one Reader method.
func (r *Reader) Object(member func(key string) error) error {
	if r.err != nil {
		return r.err
	}
	d := &r.d
	if r.null() {
		return nil
	}
	switch d.peek() {
	case '{':
	case '[':
		return r.fail(serialization("Start of list found where not expected"))
	case 0:
		return r.fail(errMalformed)
	default:
		if d.peek() == '"' || d.peek() == 't' || d.peek() == 'f' || d.peek() == '-' || (d.peek() >= '0' && d.peek() <= '9') {
			return r.fail(serialization("Expected null"))
		}
		return r.fail(errMalformed)
	}
	d.pos++
	if d.peek() == '}' {
		d.pos++
		return nil
	}
	for {
		if d.peek() != '"' {
			return r.fail(errMalformed)
		}
		key, err := d.str()
		if err != nil {
			return r.fail(err)
		}
		if d.peek() != ':' {
			return r.fail(errMalformed)
		}
		d.pos++
		if err := member(key); err != nil {
			return r.fail(err)
		}
		if r.err != nil {
			return r.err
		}
		switch d.peek() {
		case ',':
			d.pos++
		case '}':
			d.pos++
			return nil
		default:
			return r.fail(errMalformed)
		}
	}
}

// End checks that nothing but white space follows the top-level value and
// reports a deferred attribute-value validation error.
func (r *Reader) End() error {
	if r.err != nil {
		return r.err
	}
	r.d.skipSpace()
	if r.d.pos != len(r.d.data) {
		return r.fail(errMalformed)
	}
	if r.d.verr != nil {
		return r.fail(r.d.verr)
	}
	return nil
}

// null consumes a JSON null and reports whether there was one.
func (r *Reader) null() bool {
	if r.d.peek() == 'n' && r.d.consumeLiteral("null") {
		return true
	}
	return false
}

// String reads a string member; null yields "".
func (r *Reader) String() (string, error) {
	if r.err != nil || r.null() {
		return "", r.err
	}
	s, err := r.d.expectString("String")
	if err != nil {
		return "", r.fail(err)
	}
	return s, nil
}

// StringPtr reads a string member, keeping null (nil) apart from "".
func (r *Reader) StringPtr() (*string, error) {
	if r.err != nil || r.null() {
		return nil, r.err
	}
	s, err := r.String()
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// Bool reads a boolean member; null yields false.
func (r *Reader) Bool() (bool, error) {
	b, _, err := r.BoolPtr()
	return b, err
}

// BoolPtr reads a boolean member and whether it was present.
func (r *Reader) BoolPtr() (value, present bool, err error) {
	if r.err != nil || r.null() {
		return false, false, r.err
	}
	switch {
	case r.d.consumeLiteral("true"):
		return true, true, nil
	case r.d.consumeLiteral("false"):
		return false, true, nil
	}
	return false, false, r.fail(r.d.wrongType("Boolean"))
}

// Int64Ptr reads an integer member (nil when null). Fractions are
// truncated, as the service's deserializer does for integer members.
func (r *Reader) Int64Ptr() (*int64, error) {
	if r.err != nil || r.null() {
		return nil, r.err
	}
	d := &r.d
	c := d.peek()
	if c != '-' && (c < '0' || c > '9') {
		return nil, r.fail(d.wrongType("Long"))
	}
	start := d.pos
	if err := d.number(); err != nil {
		return nil, r.fail(err)
	}
	text := d.data[start:d.pos]
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(text, 64)
		if ferr != nil || f > 9.2e18 || f < -9.2e18 {
			return nil, r.fail(serialization("NUMBER_VALUE cannot be converted to Long"))
		}
		n = int64(f)
	}
	return &n, nil
}

// Item reads an item or key member (nil when null).
func (r *Reader) Item() (Item, error) {
	if r.err != nil {
		return nil, r.err
	}
	r.d.skipSpace()
	if r.null() {
		return nil, nil
	}
	it, err := r.d.item(1)
	if err != nil {
		return nil, r.fail(err)
	}
	return it, nil
}

// StringMap reads a map of strings (ExpressionAttributeNames).
func (r *Reader) StringMap() (map[string]string, error) {
	if r.err != nil || r.null() {
		return nil, r.err
	}
	if r.d.peek() != '{' {
		if r.d.peek() == '[' {
			return nil, r.fail(serialization("Start of list found where not expected"))
		}
		return nil, r.fail(serialization("Expected map or null"))
	}
	m := map[string]string{}
	err := r.Object(func(k string) error {
		v, err := r.StringPtr()
		if v != nil {
			m[k] = *v
		}
		return err
	})
	return m, err
}

// StringList reads a list of strings (AttributesToGet).
func (r *Reader) StringList() ([]string, error) {
	if r.err != nil || r.null() {
		return nil, r.err
	}
	list := []string{}
	err := r.List(func() error {
		v, err := r.StringPtr()
		if v != nil {
			list = append(list, *v)
		}
		return err
	})
	return list, err
}

// List reads a JSON array (or null), calling elem for each element; the
// callback must consume it with one Reader method.
func (r *Reader) List(elem func() error) error {
	if r.err != nil || r.null() {
		return r.err
	}
	d := &r.d
	if d.peek() != '[' {
		if d.peek() == '{' {
			return r.fail(serialization("Start of structure or map found where not expected"))
		}
		return r.fail(serialization("Expected list or null"))
	}
	d.pos++
	if d.peek() == ']' {
		d.pos++
		return nil
	}
	for {
		if err := elem(); err != nil {
			return r.fail(err)
		}
		if r.err != nil {
			return r.err
		}
		switch d.peek() {
		case ',':
			d.pos++
		case ']':
			d.pos++
			return nil
		default:
			return r.fail(errMalformed)
		}
	}
}

// Values reads an ExpressionAttributeValues map. An invalid value is
// reported as the service does: "ExpressionAttributeValues contains invalid
// value: <message> for key <:k>".
func (r *Reader) Values() (Item, error) {
	if r.err != nil || r.null() {
		return nil, r.err
	}
	if c := r.d.peek(); c != '{' {
		if c == '[' {
			return nil, r.fail(serialization("Start of list found where not expected"))
		}
		return nil, r.fail(serialization("Expected map or null"))
	}
	out := Item{}
	var invalid error
	err := r.Object(func(k string) error {
		if r.null() {
			return nil
		}
		saved := r.d.verr
		r.d.verr = nil
		v, err := r.d.value(1)
		if err != nil {
			return err
		}
		if r.d.verr != nil && invalid == nil {
			msg := r.d.verr.Error()
			if e, ok := errors.AsType[*Error](r.d.verr); ok {
				msg = e.Message
			}
			invalid = validation("ExpressionAttributeValues contains invalid value: " + msg + " for key " + k)
		}
		r.d.verr = saved
		out[k] = v
		return nil
	})
	if err != nil {
		return nil, err
	}
	if invalid != nil && r.d.verr == nil {
		r.d.verr = invalid
	}
	return out, nil
}

// Skip skips any JSON value (unknown members are ignored, as the service
// does).
func (r *Reader) Skip() error {
	if r.err != nil {
		return r.err
	}
	if err := r.d.skipValue(0); err != nil {
		return r.fail(err)
	}
	return nil
}

// Raw returns the next JSON value's text unparsed (nil for null).
func (r *Reader) Raw() ([]byte, error) {
	if r.err != nil || r.null() {
		return nil, r.err
	}
	r.d.skipSpace()
	start := r.d.pos
	if err := r.Skip(); err != nil {
		return nil, err
	}
	return []byte(r.d.data[start:r.d.pos]), nil
}

// Null consumes a JSON null, reporting whether the next value was one.
func (r *Reader) Null() bool { return r.err == nil && r.null() }

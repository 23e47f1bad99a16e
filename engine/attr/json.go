package attr

import (
	"encoding/base64"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// The JSON codec is hand-written: it runs on every request and every stored
// item, it must report the service's SerializationException and
// ValidationException texts rather than encoding/json's, and it must never
// use float64 for numbers.

// maxJSONDepth bounds recursion on hostile input; far beyond MaxDepth, which
// is checked separately with the service's message.
const maxJSONDepth = 512

// ParseItem decodes a JSON object of attribute names to DynamoDB JSON
// attribute values. JSON null yields a nil Item.
func ParseItem(data []byte) (Item, error) { return parseItem(decoder{data: string(data)}) }

// ParseStoredItem decodes an item the engine stored: the stored form
// (AppendStored) or, in databases written before it, DynamoDB JSON
// (AppendItem). It trusts the input to be canonical, skipping the checks a
// client's input needs, and shares memory with s instead of copying
// strings out of it. It still never panics on corrupt input: it returns an
// error.
func ParseStoredItem(s string) (Item, error) {
	it, _, err := ParseStoredItemSize(s)
	return it, err
}

// ParseStoredItemSize is ParseStoredItem that also returns the item's
// Size without a second walk over the map.
func ParseStoredItemSize(s string) (Item, int, error) {
	if s != "" && s[0] == storedMarker {
		return parseStored(s)
	}
	d := decoder{data: s, trusted: true}
	d.skipSpace()
	if d.consumeLiteral("null") {
		return nil, 0, d.finish()
	}
	it, err := d.item(1)
	if err != nil {
		return nil, 0, err
	}
	if err := d.finish(); err != nil {
		return nil, 0, err
	}
	return it, d.size, nil
}

func parseItem(d decoder) (Item, error) {
	d.skipSpace()
	if d.consumeLiteral("null") {
		return nil, d.finish()
	}
	it, err := d.item(1)
	if err != nil {
		return nil, err
	}
	if err := d.finish(); err != nil {
		return nil, err
	}
	return it, nil
}

// ParseValue decodes one DynamoDB JSON attribute value such as {"S":"x"}.
func ParseValue(data []byte) (Value, error) {
	d := decoder{data: string(data)}
	v, err := d.value(1)
	if err != nil {
		return Value{}, err
	}
	if err := d.finish(); err != nil {
		return Value{}, err
	}
	return v, nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (it *Item) UnmarshalJSON(data []byte) error {
	v, err := ParseItem(data)
	if err != nil {
		return err
	}
	*it = v
	return nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (v *Value) UnmarshalJSON(data []byte) error {
	d := decoder{data: string(data)}
	d.skipSpace()
	if d.consumeLiteral("null") {
		return d.finish()
	}
	x, err := ParseValue(data)
	if err != nil {
		return err
	}
	*v = x
	return nil
}

// MarshalJSON implements json.Marshaler.
func (it Item) MarshalJSON() ([]byte, error) { return AppendItem(nil, it), nil }

// MarshalJSON implements json.Marshaler.
func (v Value) MarshalJSON() ([]byte, error) { return AppendValue(nil, v), nil }

type decoder struct {
	data    string
	pos     int
	verr    error // first validation error; reported once the input proved well-formed
	trusted bool  // input is our own canonical encoding: skip client-input checks
	size    int   // item size of the top-level item read so far (Item.Size)
	plain   bool  // the string str read last is printable ASCII without escapes
}

var errMalformed = serialization("")

// finish checks for trailing garbage and reports a deferred validation error.
func (d *decoder) finish() error {
	d.skipSpace()
	if d.pos != len(d.data) {
		return errMalformed
	}
	return d.verr
}

func (d *decoder) invalid(err error) {
	if d.verr == nil {
		d.verr = err
	}
}

func (d *decoder) skipSpace() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *decoder) peek() byte {
	if !d.trusted { // our own encoding has no white space
		d.skipSpace()
	}
	if d.pos < len(d.data) {
		return d.data[d.pos]
	}
	return 0
}

func (d *decoder) consumeLiteral(lit string) bool {
	if len(d.data)-d.pos >= len(lit) && d.data[d.pos:d.pos+len(lit)] == lit {
		d.pos += len(lit)
		return true
	}
	return false
}

// wrongType words a JSON token found where another shape was expected, the
// way the service's deserializer does.
func (d *decoder) wrongType(want string) error {
	switch c := d.peek(); {
	case c == '{':
		return serialization("Start of structure or map found where not expected")
	case c == '[':
		return serialization("Start of list found where not expected")
	case c == '"':
		return serialization("STRING_VALUE cannot be converted to " + want)
	case c == 't' || c == 'f':
		return serialization("BOOLEAN_VALUE cannot be converted to " + want)
	case c == '-' || (c >= '0' && c <= '9'):
		return serialization("NUMBER_VALUE cannot be converted to " + want)
	}
	return errMalformed
}

// item reads an object of name → AttributeValue. depth is the nesting level
// of the object itself (an item is level 1).
func (d *decoder) item(depth int) (Item, error) {
	switch d.peek() {
	case '{':
	case '[':
		return nil, serialization("Start of list found where not expected")
	case '"', 't', 'f', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return nil, serialization("Expected map or null")
	default:
		return nil, errMalformed
	}
	if depth > maxJSONDepth {
		return nil, errMalformed
	}
	d.pos++
	it := Item{}
	if d.peek() == '}' {
		d.pos++
		return it, nil
	}
	for {
		if d.peek() != '"' {
			return nil, errMalformed
		}
		name, err := d.str()
		if err != nil {
			return nil, err
		}
		if d.peek() != ':' {
			return nil, errMalformed
		}
		d.pos++
		if d.peek() == 'n' {
			if !d.consumeLiteral("null") {
				return nil, errMalformed
			}
		} else {
			v, err := d.value(depth + 1)
			if err != nil {
				return nil, err
			}
			it[name] = v
			if depth == 1 {
				d.size += len(name) + v.Size()
			}
		}
		switch d.peek() {
		case ',':
			d.pos++
		case '}':
			d.pos++
			return it, nil
		default:
			return nil, errMalformed
		}
	}
}

// value reads one AttributeValue object. depth is the level an L or M value
// here would occupy.
func (d *decoder) value(depth int) (Value, error) {
	switch d.peek() {
	case '{':
	case '[':
		return Value{}, serialization("Start of list found where not expected")
	case '"', 't', 'f', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return Value{}, serialization("Expected null")
	default:
		return Value{}, errMalformed
	}
	if depth > maxJSONDepth {
		return Value{}, errMalformed
	}
	d.pos++
	var v Value
	types := 0
	if d.peek() == '}' {
		d.pos++
		d.invalid(validation("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"))
		return v, nil
	}
	for {
		if d.peek() != '"' {
			return Value{}, errMalformed
		}
		key, err := d.str()
		if err != nil {
			return Value{}, err
		}
		if d.peek() != ':' {
			return Value{}, errMalformed
		}
		d.pos++
		if d.peek() == 'n' { // null members are ignored, as the service does
			if !d.consumeLiteral("null") {
				return Value{}, errMalformed
			}
		} else {
			t, known := ParseType(key)
			if !known {
				if err := d.skipValue(0); err != nil {
					return Value{}, err
				}
			} else {
				x, err := d.typed(t, depth)
				if err != nil {
					return Value{}, err
				}
				if types == 0 {
					v = x
				}
				types++
			}
		}
		switch d.peek() {
		case ',':
			d.pos++
			continue
		case '}':
			d.pos++
		default:
			return Value{}, errMalformed
		}
		break
	}
	switch {
	case types == 0:
		d.invalid(validation("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"))
	case types > 1:
		d.invalid(validation("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"))
	}
	if depth > MaxDepth && (v.t == TypeM || v.t == TypeL) {
		d.invalid(validation(MsgNestingTooDeep))
	}
	return v, nil
}

// typed reads the member of an AttributeValue for type t.
func (d *decoder) typed(t Type, depth int) (Value, error) {
	switch t {
	case TypeS:
		s, err := d.expectString("String")
		return Value{t: TypeS, s: s, plain: d.plain}, err
	case TypeN:
		s, err := d.expectString("String")
		if err != nil || d.trusted {
			return Value{t: TypeN, s: s}, err
		}
		c, verr := CanonicalNumber(s)
		if verr != nil {
			d.invalid(verr)
		}
		return Value{t: TypeN, s: c}, nil
	case TypeB:
		s, err := d.expectString("Blob")
		if err != nil {
			return Value{}, err
		}
		raw, err := decodeBase64(s)
		return Value{t: TypeB, s: raw}, err
	case TypeBOOL, TypeNULL:
		switch {
		case d.consumeLiteral("true"):
			if t == TypeNULL {
				return Null(), nil
			}
			return Bool(true), nil
		case d.consumeLiteral("false"):
			if t == TypeNULL {
				d.invalid(validation("One or more parameter values were invalid: Null attribute value types must have the value of true"))
				return Null(), nil
			}
			return Bool(false), nil
		}
		return Value{}, d.wrongType("Boolean")
	case TypeSS, TypeNS, TypeBS:
		return d.set(t)
	case TypeL:
		if d.peek() != '[' {
			if d.peek() == '{' {
				return Value{}, serialization("Start of structure or map found where not expected")
			}
			return Value{}, serialization("Expected list or null")
		}
		d.pos++
		list := []Value{}
		if d.peek() == ']' {
			d.pos++
			return L(list), nil
		}
		for {
			if d.peek() == 'n' && d.consumeLiteral("null") {
				// A null element is dropped, like a null member.
			} else {
				e, err := d.value(depth + 1)
				if err != nil {
					return Value{}, err
				}
				list = append(list, e)
			}
			switch d.peek() {
			case ',':
				d.pos++
			case ']':
				d.pos++
				return L(list), nil
			default:
				return Value{}, errMalformed
			}
		}
	case TypeM:
		it, err := d.item(depth)
		if err != nil {
			return Value{}, err
		}
		return M(it), nil
	}
	return Value{}, errMalformed
}

func (d *decoder) expectString(want string) (string, error) {
	if d.peek() != '"' {
		return "", d.wrongType(want)
	}
	return d.str()
}

// set reads the JSON array of an SS, NS or BS value and applies the set rules.
func (d *decoder) set(t Type) (Value, error) {
	if d.peek() != '[' {
		if d.peek() == '{' {
			return Value{}, serialization("Start of structure or map found where not expected")
		}
		return Value{}, serialization("Expected list or null")
	}
	d.pos++
	var texts []string // as given, for the duplicate message
	var members []Value
	et := t.ElemType()
	if d.peek() == ']' {
		d.pos++
	} else {
		for {
			if d.peek() == 'n' && d.consumeLiteral("null") {
				// dropped, like a null list element
			} else {
				want := "String"
				if et == TypeB {
					want = "Blob"
				}
				s, err := d.expectString(want)
				if err != nil {
					return Value{}, err
				}
				texts = append(texts, s)
				m := Value{t: et, s: s}
				switch {
				case d.trusted && et != TypeB:
				case et == TypeN:
					c, verr := CanonicalNumber(s)
					if verr != nil {
						d.invalid(verr)
					}
					m.s = c
				case et == TypeB:
					raw, err := decodeBase64(s)
					if err != nil {
						return Value{}, err
					}
					m.s = raw
				}
				members = append(members, m)
			}
			if d.peek() == ',' {
				d.pos++
				continue
			}
			if d.peek() == ']' {
				d.pos++
				break
			}
			return Value{}, errMalformed
		}
	}
	if d.trusted {
		return Value{t: t, x: &composite{list: members}}, nil
	}
	canon := make([]string, len(members))
	for i, m := range members {
		canon[i] = m.s
	}
	if err := checkSet(t, canon, texts); err != nil {
		d.invalid(err)
	}
	return Value{t: t, x: &composite{list: members}}, nil
}

// checkSet applies the non-empty and no-duplicates rules. canon holds the
// members' canonical texts; given (optional) the texts as the client sent
// them, which the service quotes in its message.
func checkSet(t Type, canon, given []string) error {
	if len(canon) == 0 {
		switch t {
		case TypeSS:
			return validation("One or more parameter values were invalid: An string set  may not be empty")
		case TypeNS:
			return validation("One or more parameter values were invalid: An number set  may not be empty")
		default:
			return validation("One or more parameter values were invalid: Binary sets should not be empty")
		}
	}
	if !hasDuplicates(canon) {
		return nil
	}
	if given == nil {
		given = canon
		if t == TypeBS {
			given = make([]string, len(canon))
			for i, c := range canon {
				given[i] = encodeBase64(c)
			}
		}
	}
	switch t {
	case TypeSS:
		return validation("One or more parameter values were invalid: Input collection [" + strings.Join(given, ", ") + "] contains duplicates.")
	case TypeNS:
		return validation("Input collection contains duplicates")
	default:
		return validation("One or more parameter values were invalid: Input collection [" + strings.Join(given, ", ") + "]of type BS contains duplicates.")
	}
}

func hasDuplicates(texts []string) bool {
	if len(texts) < 16 {
		for i := range texts {
			for j := i + 1; j < len(texts); j++ {
				if texts[i] == texts[j] {
					return true
				}
			}
		}
		return false
	}
	seen := make(map[string]struct{}, len(texts))
	for _, t := range texts {
		if _, dup := seen[t]; dup {
			return true
		}
		seen[t] = struct{}{}
	}
	return false
}

// str reads a JSON string at d.pos (which holds the opening quote). The
// common case — no escapes — returns a substring of the input without
// copying.
func (d *decoder) str() (string, error) {
	d.plain = false // until the text proves plain below
	d.pos++         // opening quote
	start := d.pos
	// Names, type keys and most values are short: a plain loop beats
	// IndexByte's call overhead there; long strings use IndexByte.
	end := -1
	for i := start; i < len(d.data) && i < start+16; i++ {
		if c := d.data[i]; c == '"' {
			end = i - start
			break
		} else if c == '\\' {
			return d.strEscaped(start)
		}
	}
	if end < 0 {
		if end = strings.IndexByte(d.data[start:], '"'); end < 0 {
			return "", errMalformed
		}
		if strings.IndexByte(d.data[start:start+end], '\\') >= 0 {
			return d.strEscaped(start)
		}
	}
	s := d.data[start : start+end]
	d.plain = !d.trusted && plainASCII(s)
	if !d.trusted && !d.plain {
		for i := 0; i < len(s); i++ {
			if s[i] < 0x20 {
				return "", errMalformed
			}
		}
		if !utf8.ValidString(s) {
			// Refused, never coerced: replacing the bad bytes would make
			// "k\xff" and "k\xfe" one key (see ValidText).
			return "", errMalformed
		}
	}
	d.pos = start + end + 1
	return s, nil
}

// strEscaped reads a string that contains escapes, from its first byte.
func (d *decoder) strEscaped(start int) (string, error) {
	d.pos = start
	var buf []byte
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case c == '"':
			d.pos++
			if !utf8.Valid(buf) {
				return "", errMalformed
			}
			return string(buf), nil
		case c < 0x20:
			return "", errMalformed
		case c != '\\':
			buf = append(buf, c)
			d.pos++
			continue
		}
		d.pos++
		if d.pos >= len(d.data) {
			return "", errMalformed
		}
		e := d.data[d.pos]
		d.pos++
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, ok := d.hex4()
			if !ok {
				return "", errMalformed
			}
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if d.pos+1 < len(d.data) && d.data[d.pos] == '\\' && d.data[d.pos+1] == 'u' {
					save := d.pos
					d.pos += 2
					var ok2 bool
					r2, ok2 = d.hex4()
					if !ok2 {
						return "", errMalformed
					}
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						r = dec
						r2 = -2
					} else {
						d.pos = save
					}
				}
				if r2 != -2 {
					// A lone surrogate has no UTF-8 form: refused like an
					// invalid byte rather than turned into U+FFFD.
					return "", errMalformed
				}
			}
			buf = utf8.AppendRune(buf, r)
		default:
			return "", errMalformed
		}
	}
	return "", errMalformed
}

func (d *decoder) hex4() (rune, bool) {
	r, ok := hex4(d.data, d.pos)
	if ok {
		d.pos += 4
	}
	return r, ok
}

// skipValue skips any well-formed JSON value (for unknown members).
func (d *decoder) skipValue(depth int) error {
	if depth > maxJSONDepth {
		return errMalformed
	}
	switch c := d.peek(); {
	case c == '"':
		_, err := d.str()
		return err
	case c == '{' || c == '[':
		closer := byte('}')
		if c == '[' {
			closer = ']'
		}
		d.pos++
		if d.peek() == closer {
			d.pos++
			return nil
		}
		for {
			if c == '{' {
				if d.peek() != '"' {
					return errMalformed
				}
				if _, err := d.str(); err != nil {
					return err
				}
				if d.peek() != ':' {
					return errMalformed
				}
				d.pos++
			}
			if err := d.skipValue(depth + 1); err != nil {
				return err
			}
			switch d.peek() {
			case ',':
				d.pos++
			case closer:
				d.pos++
				return nil
			default:
				return errMalformed
			}
		}
	case c == 't':
		return d.literal("true")
	case c == 'f':
		return d.literal("false")
	case c == 'n':
		return d.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		return d.number()
	}
	return errMalformed
}

func (d *decoder) literal(lit string) error {
	if d.consumeLiteral(lit) {
		return nil
	}
	return errMalformed
}

// number skips a JSON number, checking its grammar.
func (d *decoder) number() error {
	start := d.pos
	if d.pos < len(d.data) && d.data[d.pos] == '-' {
		d.pos++
	}
	digits := func() int {
		n := 0
		for d.pos < len(d.data) && d.data[d.pos] >= '0' && d.data[d.pos] <= '9' {
			d.pos++
			n++
		}
		return n
	}
	if digits() == 0 {
		return errMalformed
	}
	if d.pos < len(d.data) && d.data[d.pos] == '.' {
		d.pos++
		if digits() == 0 {
			return errMalformed
		}
	}
	if d.pos < len(d.data) && (d.data[d.pos] == 'e' || d.data[d.pos] == 'E') {
		d.pos++
		if d.pos < len(d.data) && (d.data[d.pos] == '+' || d.data[d.pos] == '-') {
			d.pos++
		}
		if digits() == 0 {
			return errMalformed
		}
	}
	if d.pos == start {
		return errMalformed
	}
	return nil
}

// decodeBase64 decodes standard padded base64 with the service's errors.
func decodeBase64(s string) (string, error) {
	if len(s)%4 != 0 {
		return "", serialization("Base64 encoded length is expected a multiple of 4 bytes but found: " + strconv.Itoa(len(s)))
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil {
		for _, c := range []byte(s) {
			if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=') {
				return "", serialization("Invalid Base64 character: '" + string(rune(c)) + "'")
			}
		}
		return "", serialization("Invalid last non-pad Base64 character dectected")
	}
	return string(raw), nil
}

func encodeBase64(raw string) string { return base64.StdEncoding.EncodeToString([]byte(raw)) }

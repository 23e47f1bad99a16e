package attr

import (
	"errors"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	in := `{"a":{"S":"x\"y\\z\n"},"b":{"N":"-12.5"},"c":{"B":"AAEC"},"d":{"SS":["a","b"]},"e":{"NS":["1","2.5"]},"f":{"BS":["AA=="]},"g":{"M":{"k":{"BOOL":true},"n":{"NULL":true}}},"h":{"L":[{"N":"1"},{"S":""},{"L":[]},{"M":{}}]},"i":{"BOOL":false}}`
	it, err := ParseItem([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(AppendItem(nil, it)); got != in {
		t.Fatalf("round trip:\n got %s\nwant %s", got, in)
	}
}

func TestCanonicalOutput(t *testing.T) {
	it, err := ParseItem([]byte(`{"n":{"N":"1e3"},"s":{"S":"\u00e9\ud83d\ude00<>&"}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"n":{"N":"1000"},"s":{"S":"é😀<>&"}}`
	if got := it.String(); got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
}

func TestDecodeErrors(t *testing.T) {
	const invalid = "One or more parameter values were invalid: "
	tests := []struct {
		in   string
		kind ErrorKind
		msg  string
	}{
		{`{"a":{}}`, Validation, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"},
		{`{"a":{"S":null}}`, Validation, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"},
		{`{"a":{"S":"x","N":"1"}}`, Validation, "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"},
		{`{"a":{"NULL":false}}`, Validation, invalid + "Null attribute value types must have the value of true"},
		{`{"a":{"SS":[]}}`, Validation, invalid + "An string set  may not be empty"},
		{`{"a":{"NS":[]}}`, Validation, invalid + "An number set  may not be empty"},
		{`{"a":{"BS":[]}}`, Validation, invalid + "Binary sets should not be empty"},
		{`{"a":{"SS":["a","a"]}}`, Validation, invalid + "Input collection [a, a] contains duplicates."},
		{`{"a":{"NS":["1","1.0"]}}`, Validation, "Input collection contains duplicates"},
		{`{"a":{"BS":["Yg==","Yg=="]}}`, Validation, invalid + "Input collection [Yg==, Yg==]of type BS contains duplicates."},
		{`{"a":{"N":"x1"}}`, Validation, "The parameter cannot be converted to a numeric value: x1"},
		{`{"a":{"N":""}}`, Validation, "The parameter cannot be converted to a numeric value"},
		{`{"a":{"N":5}}`, Serialization, "NUMBER_VALUE cannot be converted to String"},
		{`{"a":{"S":true}}`, Serialization, "BOOLEAN_VALUE cannot be converted to String"},
		{`{"a":{"S":{}}}`, Serialization, "Start of structure or map found where not expected"},
		{`{"a":{"S":[]}}`, Serialization, "Start of list found where not expected"},
		{`{"a":{"BOOL":"true"}}`, Serialization, "STRING_VALUE cannot be converted to Boolean"},
		{`{"a":{"B":"abc"}}`, Serialization, "Base64 encoded length is expected a multiple of 4 bytes but found: 3"},
		{`{"a":{"B":"ab!="}}`, Serialization, "Invalid Base64 character: '!'"},
		{`{"a":{"B":"YR=="}}`, Serialization, "Invalid last non-pad Base64 character dectected"},
		{`{"a":{"L":{}}}`, Serialization, "Start of structure or map found where not expected"},
		{`{"a":{"M":[]}}`, Serialization, "Start of list found where not expected"},
		{`{"a":"x"}`, Serialization, "Expected null"},
		{`[]`, Serialization, "Start of list found where not expected"},
		{`{"a":{"S":"x"}`, Serialization, ""},
		{`{"a":{"S":"x"}} x`, Serialization, ""},
		{`{"a":{"S":"\x01"}}`, Serialization, ""},
		// A serialization problem after a validation problem still wins.
		{`{"a":{},"b":{"S":1}}`, Serialization, "NUMBER_VALUE cannot be converted to String"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := ParseItem([]byte(tt.in))
			var ae *Error
			if !errors.As(err, &ae) {
				t.Fatalf("error = %v, want %q", err, tt.msg)
			}
			if ae.Kind != tt.kind || ae.Message != tt.msg {
				t.Fatalf("error = (%d) %q, want (%d) %q", ae.Kind, ae.Message, tt.kind, tt.msg)
			}
		})
	}
}

func TestNesting(t *testing.T) {
	nest := func(levels int) string {
		return "{\"a\":" + strings.Repeat(`{"M":{"a":`, levels) + `{"S":"x"}` + strings.Repeat("}}", levels) + "}"
	}
	// Item (level 1), top-level attribute map (2), 30 more: 32 in all.
	it, err := ParseItem([]byte(nest(31)))
	if err != nil {
		t.Fatalf("32 levels: %v", err)
	}
	if it.Depth() != 32 {
		t.Fatalf("depth = %d, want 32", it.Depth())
	}
	if _, err := ParseItem([]byte(nest(32))); err == nil || err.Error() != "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit" {
		t.Fatalf("33 levels: %v", err)
	}
	if _, err := ParseItem([]byte(nest(100000))); err == nil {
		t.Fatal("deep input must fail")
	}
}

func TestItemSize(t *testing.T) {
	// The documentation's example: {"shirt-color":"R","shirt-size":"M"} = 23 bytes.
	it := Item{"shirt-color": S("R"), "shirt-size": S("M")}
	if got := it.Size(); got != 23 {
		t.Fatalf("size = %d, want 23", got)
	}
	l := L([]Value{S("ab"), Null()})
	if got := l.Size(); got != 3+1+2+1+1 {
		t.Fatalf("list size = %d", got)
	}
	m := M(map[string]Value{"k": Bool(true)})
	if got := m.Size(); got != 3+1+1+1 {
		t.Fatalf("map size = %d", got)
	}
}

func TestEqualSets(t *testing.T) {
	a, _ := NS("1", "2.0", "3")
	b, _ := NS("3", "2", "1")
	if !Equal(a, b) {
		t.Fatal("number sets equal by value regardless of order")
	}
	c, _ := SS("1", "2", "3")
	if Equal(a, c) {
		t.Fatal("NS and SS never equal")
	}
	if !Equal(MustN("1"), MustN("1.0")) || Equal(S("6"), MustN("6")) {
		t.Fatal("number/string equality")
	}
	if c, ok := Compare(BString("\x80"), BString("\x7f")); !ok || c != 1 {
		t.Fatal("binary compares unsigned")
	}
}

func FuzzParseItem(f *testing.F) {
	f.Add([]byte(`{"a":{"S":"x"},"b":{"N":"1e3"},"c":{"L":[{"M":{"d":{"BS":["AA=="]}}}]}}`))
	f.Add([]byte(`{"a":{"NS":["1","1.0"]}}`))
	f.Add([]byte(`{"a":{"B":"YR=="}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		it, err := ParseItem(data)
		if err != nil {
			return
		}
		// What decodes must encode and decode back to an equal item.
		again, err := ParseItem(AppendItem(nil, it))
		if err != nil {
			t.Fatalf("re-decode of %s: %v", AppendItem(nil, it), err)
		}
		if !again.Equal(it) {
			t.Fatalf("round trip changed %s", AppendItem(nil, it))
		}
		// A plain hint never changes the JSON: it only skips the scan.
		if a, b := AppendItem(nil, it), AppendItem(nil, withoutPlain(it)); string(a) != string(b) {
			t.Fatalf("plain hint changed the JSON: %s vs %s", a, b)
		}
		_ = it.Size()
	})
}

// ParseStoredItemSize's size is Item.Size of what it decodes.
func TestParseStoredItemSize(t *testing.T) {
	for _, in := range []string{
		`{}`, `null`,
		`{"a":{"S":"xyz"},"n":{"N":"-12.50"},"b":{"B":"AAEC"},"t":{"BOOL":true},"z":{"NULL":true}}`,
		`{"l":{"L":[{"S":"a"},{"M":{"k":{"NS":["1","22"]}}}]},"ss":{"SS":["a","bc"]}}`,
	} {
		it, size, err := ParseStoredItemSize(in)
		if err != nil || size != it.Size() {
			t.Errorf("%s: size %d, Item.Size %d, %v", in, size, it.Size(), err)
		}
	}
}

package attr

import (
	"errors"
	"testing"
)

func TestValidText(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{`{"k":{"S":"plain"}}`, true},
		{`{"k":{"S":"é😀"}}`, true},
		{`{"k":{"S":"\u00e9\ud83d\ude00"}}`, true},
		{`{"k":{"S":"\\ud800"}}`, true}, // an escaped backslash, then text
		{`{"k":{"S":"\\\\\ud83d\ude00"}}`, true},
		{`{"k":{"S":"a\"b\\"}}`, true},
		{`{"k":{"S":"\u12"}}`, true}, // malformed: the parser's to refuse
		{"{\"k\":{\"S\":\"k\xff\"}}", false},
		{"{\"k\":{\"S\":\"k\xfe\"}}", false},
		{"{\"k\xc3\":{\"S\":\"v\"}}", false},        // truncated sequence in a name
		{"{\"k\":{\"S\":\"\xed\xa0\x80\"}}", false}, // a surrogate encoded in UTF-8
		{"{\"k\":{\"S\":\"\xc0\xaf\"}}", false},     // an overlong encoding
		{`{"k":{"S":"\ud800"}}`, false},             // lone high surrogate
		{`{"k":{"S":"\udc00"}}`, false},             // lone low surrogate
		{`{"k":{"S":"\ud800\u0041"}}`, false},       // high + non-surrogate
		{`{"k":{"S":"\ud800\ud800\udc00"}}`, false}, // high + pair
		{`{"k":{"S":"x\ud800`, false},               // cut short
		{`{"k":{"S":"\uDBFF\uDFFF"}}`, true},        // upper case, last pair
	}
	for _, tt := range tests {
		if got := ValidText([]byte(tt.in)); got != tt.want {
			t.Errorf("ValidText(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// The decoder refuses what ValidText refuses instead of coercing it to
// U+FFFD, so that an in-process Dispatch cannot store "k\xff" as "k\ufffd".
func TestDecodeRefusesInvalidText(t *testing.T) {
	for _, in := range []string{
		"{\"k\":{\"S\":\"k\xff\"}}",
		"{\"k\":{\"S\":\"k\xff with \\\"escapes\\\"\"}}",
		"{\"k\xfe\":{\"S\":\"v\"}}",
		`{"k":{"S":"\ud800"}}`,
		`{"k":{"S":"a\udc00b"}}`,
		`{"k":{"S":"\ud800\u0041"}}`,
	} {
		_, err := ParseItem([]byte(in))
		var ae *Error
		if !errors.As(err, &ae) || ae.Kind != Serialization {
			t.Errorf("ParseItem(%q) = %v, want a SerializationException", in, err)
		}
	}
}

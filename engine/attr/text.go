package attr

import (
	"bytes"
	"unicode/utf8"
)

// ValidText reports whether a JSON request body is text every string of
// which has one exact Unicode form: valid UTF-8, and no \u escape of a lone
// UTF-16 surrogate. A body that fails is refused as a SerializationException
// (the service's JSON parser fails on such bytes, and the service answers a
// body it cannot parse with a bare SerializationException: aws/aws-sdk-js#46,
// aws/aws-sdk-php#1536), never coerced: replacing bad bytes by U+FFFD would
// make two different keys ("k\xff", "k\xfe") one stored value.
//
// Malformed escapes are left to the JSON parser, which refuses them anyway.
func ValidText(body []byte) bool {
	if !utf8.Valid(body) {
		return false
	}
	// Backslashes only occur inside strings in well-formed JSON; an escaped
	// backslash ("\\u") is consumed whole, so it is never taken for \u.
	for i := bytes.IndexByte(body, '\\'); i >= 0; {
		if i+1 >= len(body) {
			return true
		}
		next := i + 2
		if body[i+1] == 'u' {
			r, ok := hex4(body, i+2)
			switch {
			case !ok:
			case r >= 0xDC00 && r <= 0xDFFF:
				return false // a low surrogate without its high one
			case r >= 0xD800 && r <= 0xDBFF:
				lo, ok := rune(0), false
				if i+7 < len(body) && body[i+6] == '\\' && body[i+7] == 'u' {
					lo, ok = hex4(body, i+8)
				}
				if !ok || lo < 0xDC00 || lo > 0xDFFF {
					return false // a high surrogate without its low one
				}
				next = i + 12
			default:
				next = i + 6
			}
		}
		if next >= len(body) {
			return true
		}
		j := bytes.IndexByte(body[next:], '\\')
		if j < 0 {
			return true
		}
		i = next + j
	}
	return true
}

// hex4 reads four hex digits at b[i:] (a request body, or the decoder's
// string).
func hex4[T string | []byte](b T, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for j := i; j < i+4; j++ {
		c := b[j]
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	return r, true
}

package attr

import (
	"strconv"
	"strings"

	"github.com/cockroachdb/apd/v3"
)

// Number limits from the service documentation: at most 38 significant
// digits; magnitude between 1E-130 and 9.9999999999999999999999999999999999999E+125.
const (
	MaxDigits   = 38
	maxExponent = 126  // decimalExp (value = 0.DIGITS × 10^exp) of the largest allowed magnitude
	minExponent = -129 // ... and of the smallest, 1E-130 = 0.1 × 10^-129
)

// Number error texts, exactly as the service words them.
const (
	msgNumberOverflow  = "Number overflow. Attempting to store a number with magnitude larger than supported range"
	msgNumberUnderflow = "Number underflow. Attempting to store a number with magnitude smaller than supported range"
	msgNumberDigits    = "Attempting to store more than 38 significant digits in a Number"
	msgNumberInvalid   = "The parameter cannot be converted to a numeric value"
)

// decimal is a number split into sign, significant digits (no leading or
// trailing zeros) and exponent: value = ±0.DIGITS × 10^exp. Zero has no
// digits.
type decimal struct {
	neg    bool
	digits string
	exp    int
}

// parseDecimal reads decimal text in any form the service accepts: optional
// sign, digits with an optional point, optional exponent. It does not apply
// the range and precision limits.
func parseDecimal(text string) (decimal, bool) {
	var d decimal
	i := 0
	if i < len(text) && (text[i] == '+' || text[i] == '-') {
		d.neg = text[i] == '-'
		i++
	}
	var digits []byte
	intDigits := 0 // digits before the point, leading zeros dropped
	seenDigit := false
	for ; i < len(text) && text[i] >= '0' && text[i] <= '9'; i++ {
		seenDigit = true
		if len(digits) == 0 && text[i] == '0' {
			continue
		}
		digits = append(digits, text[i])
		intDigits++
	}
	leadingFracZeros := 0
	if i < len(text) && text[i] == '.' {
		i++
		for ; i < len(text) && text[i] >= '0' && text[i] <= '9'; i++ {
			seenDigit = true
			if len(digits) == 0 && text[i] == '0' {
				leadingFracZeros++
				continue
			}
			digits = append(digits, text[i])
		}
	}
	if !seenDigit {
		return d, false
	}
	exp10 := 0
	if i < len(text) && (text[i] == 'e' || text[i] == 'E') {
		i++
		eneg := false
		if i < len(text) && (text[i] == '+' || text[i] == '-') {
			eneg = text[i] == '-'
			i++
		}
		start := i
		for ; i < len(text) && text[i] >= '0' && text[i] <= '9'; i++ {
			if exp10 < 1_000_000 { // clamp: anything bigger is out of range anyway
				exp10 = exp10*10 + int(text[i]-'0')
			}
		}
		if i == start {
			return d, false
		}
		if eneg {
			exp10 = -exp10
		}
	}
	if i != len(text) {
		return d, false
	}
	// Trim trailing zeros of the significant digits.
	end := len(digits)
	for end > 0 && digits[end-1] == '0' {
		end--
	}
	if end == 0 {
		return decimal{}, true // zero; sign dropped (-0 → 0)
	}
	d.digits = string(digits[:end])
	if intDigits > 0 {
		d.exp = intDigits + exp10
	} else {
		d.exp = -leadingFracZeros + exp10
	}
	return d, true
}

// check applies the service's range and precision limits, in its order.
func (d decimal) check() error {
	if d.digits == "" {
		return nil
	}
	if d.exp > maxExponent {
		return validation(msgNumberOverflow)
	}
	if d.exp < minExponent {
		return validation(msgNumberUnderflow)
	}
	if len(d.digits) > MaxDigits {
		return validation(msgNumberDigits)
	}
	return nil
}

// text renders d in the service's canonical plain-decimal form.
func (d decimal) text() string {
	if d.digits == "" {
		return "0"
	}
	var b strings.Builder
	if d.neg {
		b.WriteByte('-')
	}
	n := len(d.digits)
	switch {
	case d.exp <= 0:
		b.WriteString("0.")
		b.WriteString(strings.Repeat("0", -d.exp))
		b.WriteString(d.digits)
	case d.exp >= n:
		b.WriteString(d.digits)
		b.WriteString(strings.Repeat("0", d.exp-n))
	default:
		b.WriteString(d.digits[:d.exp])
		b.WriteByte('.')
		b.WriteString(d.digits[d.exp:])
	}
	return b.String()
}

// CanonicalNumber validates number text as the service does and returns its
// canonical plain-decimal form. Errors carry the service's messages.
func CanonicalNumber(text string) (string, error) {
	if text == "" {
		return "", validation(msgNumberInvalid)
	}
	d, ok := parseDecimal(text)
	if !ok {
		return "", validation(msgNumberInvalid + ": " + text)
	}
	if err := d.check(); err != nil {
		return "", err
	}
	return d.text(), nil
}

// NumberParts splits an N value into sign, significant digits and exponent
// (value = ±0.DIGITS × 10^exp; zero has no digits). Key encoding uses it.
func (v Value) NumberParts() (neg bool, digits string, exp int) {
	d, _ := parseDecimal(v.s)
	return d.neg, d.digits, d.exp
}

// compareDecimal orders two decimals numerically.
func compareDecimal(a, b decimal) int {
	sa, sb := a.sign(), b.sign()
	if sa != sb {
		if sa < sb {
			return -1
		}
		return 1
	}
	if sa == 0 {
		return 0
	}
	c := 0
	switch {
	case a.exp < b.exp:
		c = -1
	case a.exp > b.exp:
		c = 1
	default:
		c = strings.Compare(a.digits, b.digits)
	}
	if sa < 0 {
		c = -c
	}
	return c
}

func (d decimal) sign() int {
	switch {
	case d.digits == "":
		return 0
	case d.neg:
		return -1
	}
	return 1
}

// compareNumbers orders two canonical number texts numerically.
func compareNumbers(a, b string) int {
	if a == b {
		return 0
	}
	da, _ := parseDecimal(a)
	db, _ := parseDecimal(b)
	return compareDecimal(da, db)
}

// exactContext has room for any sum of two in-range numbers without rounding.
var exactContext = apd.BaseContext.WithPrecision(400)

// Add returns a+b for two N values, exactly. A result the service cannot
// store fails with its (misleading, but real) overflow message.
func Add(a, b Value) (Value, error) { return arith(a, b, false) }

// Sub returns a-b for two N values; see Add.
func Sub(a, b Value) (Value, error) { return arith(a, b, true) }

func arith(a, b Value, sub bool) (Value, error) {
	if a.t != TypeN || b.t != TypeN {
		return Value{}, validation("An operand in the update expression has an incorrect data type")
	}
	var x, y, r apd.Decimal
	if _, _, err := x.SetString(a.s); err != nil {
		return Value{}, validation(msgNumberInvalid)
	}
	if _, _, err := y.SetString(b.s); err != nil {
		return Value{}, validation(msgNumberInvalid)
	}
	var err error
	if sub {
		_, err = exactContext.Sub(&r, &x, &y)
	} else {
		_, err = exactContext.Add(&r, &x, &y)
	}
	if err != nil {
		return Value{}, validation(msgNumberOverflow)
	}
	d, ok := parseDecimal(r.Text('f'))
	if !ok {
		return Value{}, validation(msgNumberOverflow)
	}
	if d.digits != "" && (d.exp > maxExponent || len(d.digits) > MaxDigits) {
		return Value{}, validation(msgNumberOverflow)
	}
	if err := d.check(); err != nil {
		return Value{}, err
	}
	return Value{t: TypeN, s: d.text()}, nil
}

// numberSize is the storage size of a canonical number: one byte per two
// significant digits plus one, aligned to base-100 pairs, plus one for a
// negative sign (dynalite's formula, matched against the service).
func numberSize(text string) int {
	d, _ := parseDecimal(text)
	if d.digits == "" {
		return 1
	}
	n := len(d.digits)
	size := 1 + (n+1)/2
	firstExp := d.exp - 1
	if n%2 == 0 && firstExp%2 == 0 {
		size++
	}
	if d.neg {
		size++
	}
	return size
}

func strconvInt(i int64) string { return strconv.FormatInt(i, 10) }

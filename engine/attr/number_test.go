package attr

import (
	"errors"
	"testing"
)

func TestCanonicalNumber(t *testing.T) {
	tests := []struct{ in, want, err string }{
		{"0", "0", ""},
		{"-0", "0", ""},
		{"+5", "5", ""},
		{"007", "7", ""},
		{".5", "0.5", ""},
		{"5.", "5", ""},
		{"1e3", "1000", ""},
		{"1E+3", "1000", ""},
		{"1e-3", "0.001", ""},
		{"-12.500", "-12.5", ""},
		{"1.23e1", "12.3", ""},
		{"123.456e-2", "1.23456", ""},
		{"0.000", "0", ""},
		{"0e999999999999", "0", ""},
		{"9.9999999999999999999999999999999999999E+125", "99999999999999999999999999999999999999" + zeros(88), ""},
		{"1E-130", "0." + zeros(129) + "1", ""},
		{"12345678901234567890123456789012345678", "12345678901234567890123456789012345678", ""},
		{"1234567890123456789012345678901234567800000", "1234567890123456789012345678901234567800000", ""},
		// Errors, with the service's messages.
		{"", "", "The parameter cannot be converted to a numeric value"},
		{"abc", "", "The parameter cannot be converted to a numeric value: abc"},
		{"NaN", "", "The parameter cannot be converted to a numeric value: NaN"},
		{"Infinity", "", "The parameter cannot be converted to a numeric value: Infinity"},
		{" 1", "", "The parameter cannot be converted to a numeric value:  1"},
		{"1 ", "", "The parameter cannot be converted to a numeric value: 1 "},
		{"1e", "", "The parameter cannot be converted to a numeric value: 1e"},
		{".", "", "The parameter cannot be converted to a numeric value: ."},
		{"--1", "", "The parameter cannot be converted to a numeric value: --1"},
		{"1E+126", "", msgNumberOverflow},
		{"-1E+126", "", msgNumberOverflow},
		{"1E-131", "", msgNumberUnderflow},
		{"123456789012345678901234567890123456789", "", msgNumberDigits},
		{"1e99999999999999999999", "", msgNumberOverflow},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := CanonicalNumber(tt.in)
			if tt.err != "" {
				var ae *Error
				if !errors.As(err, &ae) || ae.Message != tt.err || ae.Kind != Validation {
					t.Fatalf("CanonicalNumber(%q) error = %v, want %q", tt.in, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("CanonicalNumber(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func zeros(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = '0'
	}
	return string(b)
}

func TestArithmetic(t *testing.T) {
	tests := []struct {
		a, b string
		sub  bool
		want string
		err  string
	}{
		{"1", "2", false, "3", ""},
		{"0.1", "0.2", false, "0.3", ""},
		{"5", "7", true, "-2", ""},
		{"1.5", "1.5", true, "0", ""},
		{"99999999999999999999999999999999999999", "1", false, "100000000000000000000000000000000000000", ""},
		{"99999999999999999999999999999999999999", "0.1", false, "", msgNumberOverflow},
		{"1e50", "1", false, "", msgNumberOverflow},
		{"9.9999999999999999999999999999999999999E+125", "9.9999999999999999999999999999999999999E+125", false, "", msgNumberOverflow},
		{"12345678901234567890", "0.5", false, "12345678901234567890.5", ""},
	}
	for _, tt := range tests {
		f := Add
		if tt.sub {
			f = Sub
		}
		got, err := f(MustN(tt.a), MustN(tt.b))
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("%s op %s: error %v, want %q", tt.a, tt.b, err, tt.err)
			}
			continue
		}
		if err != nil || got.Str() != tt.want {
			t.Errorf("%s op %s = %v, %v; want %s", tt.a, tt.b, got, err, tt.want)
		}
	}
}

func TestNumberSize(t *testing.T) {
	// Sizes by dynalite's formula, matched against the service.
	tests := []struct {
		n    string
		size int
	}{
		{"0", 1}, {"1", 2}, {"10", 2}, {"12", 2}, {"123", 3}, {"1234", 3},
		{"12.5", 3}, {"-1", 3}, {"0.1", 2}, {"0.12", 2}, {"0.123", 3}, {"100", 2},
	}
	for _, tt := range tests {
		if got := MustN(tt.n).Size(); got != tt.size {
			t.Errorf("size(%s) = %d, want %d", tt.n, got, tt.size)
		}
	}
}

func TestCompareNumbers(t *testing.T) {
	ordered := []string{"-100", "-10.5", "-10", "-1", "-0.001", "0", "1E-130", "0.5", "1", "1.5", "10", "100"}
	for i := range ordered {
		for j := range ordered {
			c, ok := Compare(MustN(ordered[i]), MustN(ordered[j]))
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if !ok || c != want {
				t.Errorf("Compare(%s, %s) = %d, want %d", ordered[i], ordered[j], c, want)
			}
		}
	}
}

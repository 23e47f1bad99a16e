package partiql

import (
	"errors"
	"reflect"
	"testing"
)

// FuzzParse checks that nothing panics, that every error is an *Error
// pointing inside the input, and that whatever parses formats to text that
// parses back to the same tree and the same text.
func FuzzParse(f *testing.F) {
	for _, c := range parseCases {
		f.Add(c.in)
	}
	f.Add("SELECT * FROM t1x; SELECT 2")
	f.Add("UPDATE t1x SET a = set_add(a, <<?>>) REMOVE b[0] WHERE k = -0.5e-3")
	f.Fuzz(func(t *testing.T, src string) {
		Tokens(src)
		IsComplete(src)
		for _, s := range SplitScript(src) {
			_, _ = s.Parse()
		}
		s, err := Parse(src)
		if err != nil {
			var perr *Error
			if !errors.As(err, &perr) {
				t.Fatalf("Parse(%q): error %T %v", src, err, err)
			}
			if perr.Offset < 0 || perr.Offset > len(src) || perr.Line < 1 || perr.Column < 1 || perr.Message == "" {
				t.Fatalf("Parse(%q): bad error %+v", src, perr)
			}
			return
		}
		text := Format(s)
		again, err := Parse(text)
		if err != nil {
			t.Fatalf("Parse(%q) ok, but its format %q: %v", src, text, err)
		}
		if text2 := Format(again); text2 != text {
			t.Fatalf("format of %q not stable:\n%s\n%s", src, text, text2)
		}
		if ParamCount(s) != ParamCount(again) {
			t.Fatalf("param count changed for %q", src)
		}
		zeroPos(reflect.ValueOf(s))
		zeroPos(reflect.ValueOf(again))
		if !reflect.DeepEqual(s, again) {
			t.Fatalf("tree of %q changed through %q", src, text)
		}
	})
}

package pricing

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// FormatUnits writes capacity units and rates as people write them: 600,
// 0.5, 1.5, never 1.5000000000000002 or 6e+02.
func FormatUnits(x float64) string {
	return strconv.FormatFloat(round6(x), 'f', -1, 64)
}

// FormatDollars writes an amount of money with cents, and with two
// significant digits when it is less than a cent: $197.10, $0.47, $0.0047.
func FormatDollars(x float64) string {
	sign := ""
	if x < 0 {
		sign, x = "-", -x
	}
	decimals := 2
	for x > 0 && x < 0.01 && x*math.Pow10(decimals) < 10 && decimals < 10 {
		decimals++
	}
	// Half a cent rounds up, as on a bill ('f' alone rounds half to even).
	scale := math.Pow10(decimals)
	s := strconv.FormatFloat(math.Round(x*scale)/scale, 'f', decimals, 64)
	for decimals > 2 && strings.HasSuffix(s, "0") { // 0.00999 rounds to 0.0100
		s, decimals = s[:len(s)-1], decimals-1
	}
	return sign + "$" + s
}

// FormatSize writes a size in the largest binary unit that shows it
// exactly in at most two decimals (10 KB, 1.5 KB, 25 GB), else in bytes
// (1332 B).
func FormatSize(bytes int64) string {
	units := []struct {
		name  string
		bytes int64
	}{{"TB", 1 << 40}, {"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}}
	for _, u := range units {
		if bytes >= u.bytes && bytes%u.bytes*100%u.bytes == 0 {
			return FormatUnits(float64(bytes)/float64(u.bytes)) + " " + u.name
		}
	}
	return strconv.FormatInt(bytes, 10) + " B"
}

// ParseSize reads a size such as 10KB, 1.5 KB, 400kb, 25GB or 512 (bytes).
// Units are binary (1 KB = 1024 B; KiB, MiB… are accepted too); a size
// that is not a whole number of bytes is rounded up.
func ParseSize(s string) (int64, error) {
	text := strings.TrimSpace(s)
	if text == "" {
		return 0, fmt.Errorf("empty size; want a number and a unit, like 10KB")
	}
	if strings.HasPrefix(text, "-") {
		return 0, fmt.Errorf("size %q is negative", s)
	}
	end := strings.IndexFunc(text, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	if end < 0 {
		end = len(text)
	}
	n, err := strconv.ParseFloat(text[:end], 64)
	if end == 0 || err != nil {
		return 0, fmt.Errorf("%q is not a size; want a number and a unit, like 10KB or 1.5MB", s)
	}
	unit := strings.TrimSpace(text[end:])
	mult, ok := unitBytes(unit)
	if !ok {
		return 0, fmt.Errorf("unknown unit %q in %q; use B, KB, MB, GB or TB (1 KB = 1024 B)", unit, s)
	}
	bytes := math.Ceil(n * float64(mult))
	if bytes >= 1<<62 {
		return 0, fmt.Errorf("size %q is too large", s)
	}
	return int64(bytes), nil
}

// unitBytes is the size of a unit's name, in any case.
func unitBytes(unit string) (int64, bool) {
	switch strings.ToUpper(unit) {
	case "", "B":
		return 1, true
	case "K", "KB", "KIB":
		return 1 << 10, true
	case "M", "MB", "MIB":
		return 1 << 20, true
	case "G", "GB", "GIB":
		return 1 << 30, true
	case "T", "TB", "TIB":
		return 1 << 40, true
	}
	return 0, false
}

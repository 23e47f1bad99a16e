package pricing

import (
	"strings"
	"testing"
)

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		{"10KB", 10240},
		{"10kb", 10240},
		{"10 KB", 10240},
		{"10KiB", 10240},
		{"1.5KB", 1536},
		{"1.3KB", 1332}, // 1331.2 rounds up to a whole byte
		{"512", 512},
		{"512B", 512},
		{"400KB", 400 << 10},
		{"1MB", 1 << 20},
		{"25GB", 25 << 30},
		{"0.5TB", 1 << 39},
		{".5KB", 512},
	}
	for _, tt := range tests {
		got, err := ParseSize(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
	bad := []struct{ in, want string }{
		{"", "empty size"},
		{"10XB", `unknown unit "XB" in "10XB"; use B, KB, MB, GB or TB`},
		{"-1KB", `size "-1KB" is negative`},
		{"KB", `"KB" is not a size`},
		{"1.2.3KB", `"1.2.3KB" is not a size`},
		{"1e3KB", `unknown unit "e3KB"`},
		{"99999999999TB", "too large"},
	}
	for _, tt := range bad {
		if _, err := ParseSize(tt.in); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseSize(%q): %v, want %q", tt.in, err, tt.want)
		}
	}
}

func TestFormatSize(t *testing.T) {
	tests := []struct {
		in   int64
		want string
	}{
		{0, "0 B"},
		{512, "512 B"},
		{1024, "1 KB"},
		{1536, "1.5 KB"},
		{1280, "1.25 KB"},
		{1332, "1332 B"},
		{10240, "10 KB"},
		{25 << 30, "25 GB"},
		{12.5 * (1 << 30), "12.5 GB"},
	}
	for _, tt := range tests {
		if got := FormatSize(tt.in); got != tt.want {
			t.Errorf("FormatSize(%d) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFormatUnitsAndDollars(t *testing.T) {
	units := []struct {
		in   float64
		want string
	}{{600, "600"}, {0.5, "0.5"}, {1.5, "1.5"}, {0.1 * 3, "0.3"}, {1576.8000000000002, "1576.8"}, {0, "0"}}
	for _, tt := range units {
		if got := FormatUnits(tt.in); got != tt.want {
			t.Errorf("FormatUnits(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
	dollars := []struct {
		in   float64
		want string
	}{
		{197.1, "$197.10"}, {57.4145, "$57.41"}, {0.4745, "$0.47"}, {0.0949, "$0.09"}, {82.125, "$82.13"}, {0.125, "$0.13"}, {0.01, "$0.01"}, {0, "$0.00"},
		{0.0047, "$0.0047"}, {0.00094899, "$0.00095"}, {0.009999, "$0.01"}, {-2.5, "-$2.50"},
	}
	for _, tt := range dollars {
		if got := FormatDollars(tt.in); got != tt.want {
			t.Errorf("FormatDollars(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

package pricing

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// The names LoadTable checks are the struct's JSON names.
func TestPriceNamesMatchJSON(t *testing.T) {
	d := Default()
	data, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]any
	if err := json.Unmarshal(data, &fields); err != nil {
		t.Fatal(err)
	}
	delete(fields, "name")
	if len(fields) != len(d.prices()) {
		t.Errorf("JSON has %d prices, prices() %d", len(fields), len(d.prices()))
	}
	for _, p := range d.prices() {
		if fields[p.name] != *p.v {
			t.Errorf("%s: JSON %v, prices() %v", p.name, fields[p.name], *p.v)
		}
	}
}

func TestLoadTable(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}

	// The default table written out loads back unchanged.
	data, _ := json.Marshal(Default())
	got, err := LoadTable(write("default.json", string(data)))
	if err != nil || !reflect.DeepEqual(got, Default()) {
		t.Errorf("default round trip: %+v, %v", got, err)
	}

	// A table without a name is named after its file.
	unnamed := `{"readRequestPerMillion":0.1,"writeRequestPerMillion":0.5,"rcuHour":0.0001,"wcuHour":0.0005,"storageGBMonth":0.1,"streamReadRequestPer100K":0}`
	path := write("unnamed.json", unnamed)
	if got, err := LoadTable(path); err != nil || got.Name != path || got.StorageGBMonth != 0.1 {
		t.Errorf("unnamed: %+v, %v", got, err)
	}

	errs := []struct {
		name, text string
		want       []string // in the message, with the file name
	}{
		{"missing", `{"readRequestPerMillion":0.1,"writeRequestPerMillion":0.5,"rcuHour":0.0001,"storageGBMonth":0.1}`,
			[]string{`missing price "wcuHour", "streamReadRequestPer100K"`}},
		{"null", strings.Replace(unnamed, `"rcuHour":0.0001`, `"rcuHour":null`, 1), []string{`missing price "rcuHour"`}},
		{"negative", strings.Replace(unnamed, `"wcuHour":0.0005`, `"wcuHour":-0.0005`, 1), []string{`"wcuHour" is -0.0005`, "zero or more"}},
		{"unknown", strings.Replace(unnamed, `"rcuHour"`, `"rcuHours"`, 1), []string{`unknown field "rcuHours"`}},
		{"string", strings.Replace(unnamed, `0.0001`, `"0.0001"`, 1), []string{`"rcuHour" is a JSON string; want a number`}},
		{"syntax", `{"rcuHour": 0.1,}`, []string{"invalid JSON at byte"}},
		{"array", `[1, 2]`, []string{"want a JSON object of prices, got JSON array"}},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			path := write(tt.name+".json", tt.text)
			_, err := LoadTable(path)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range append(tt.want, path) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}

	if _, err := LoadTable(filepath.Join(dir, "absent.json")); err == nil || !strings.Contains(err.Error(), "absent.json") {
		t.Errorf("absent file: %v", err)
	}
}

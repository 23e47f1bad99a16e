package pricing

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
)

// Table is a price list: what DynamoDB charges, in US dollars, for each
// thing the estimate counts. Its JSON form is what `dynalab calc --prices`
// reads; every price must be given.
type Table struct {
	Name                     string  `json:"name,omitempty"`           // shown with estimates, e.g. "us-east-1 Standard"
	ReadRequestPerMillion    float64 `json:"readRequestPerMillion"`    // on demand: per million read request units
	WriteRequestPerMillion   float64 `json:"writeRequestPerMillion"`   // on demand: per million write request units
	RCUHour                  float64 `json:"rcuHour"`                  // provisioned: per RCU-hour
	WCUHour                  float64 `json:"wcuHour"`                  // provisioned: per WCU-hour
	StorageGBMonth           float64 `json:"storageGBMonth"`           // per GB-month stored (table and indexes)
	StreamReadRequestPer100K float64 `json:"streamReadRequestPer100K"` // per 100,000 DynamoDB Streams read request units (GetRecords calls)
}

// Default is the list price of the Standard table class in us-east-1
// (US East, N. Virginia), from https://aws.amazon.com/dynamodb/pricing/on-demand/
// and https://aws.amazon.com/dynamodb/pricing/provisioned/, as of
// November 2024, when on-demand throughput prices were halved (from
// $0.25 / $1.25 per million). Other regions, and the Standard-IA table
// class, need a price file (LoadTable): Standard-IA prices were not at
// hand when this table was written, so none are guessed here.
func Default() Table {
	return Table{
		Name:                     "us-east-1 Standard",
		ReadRequestPerMillion:    0.125,
		WriteRequestPerMillion:   0.625,
		RCUHour:                  0.00013,
		WCUHour:                  0.00065,
		StorageGBMonth:           0.25,
		StreamReadRequestPer100K: 0.02,
	}
}

// price is one price of a Table with its JSON name.
type price struct {
	name string
	v    *float64
}

// prices lists t's prices in JSON order; a test keeps the names in step
// with the struct tags.
func (t *Table) prices() []price {
	return []price{
		{"readRequestPerMillion", &t.ReadRequestPerMillion},
		{"writeRequestPerMillion", &t.WriteRequestPerMillion},
		{"rcuHour", &t.RCUHour},
		{"wcuHour", &t.WCUHour},
		{"storageGBMonth", &t.StorageGBMonth},
		{"streamReadRequestPer100K", &t.StreamReadRequestPer100K},
	}
}

// Validate reports the first price that is negative or not a number.
func (t Table) Validate() error {
	for _, p := range t.prices() {
		if math.IsNaN(*p.v) || math.IsInf(*p.v, 0) || *p.v < 0 {
			return fmt.Errorf("%q is %v; a price must be a number of dollars, zero or more", p.name, *p.v)
		}
	}
	return nil
}

// LoadTable reads a price table from a JSON file (see Table for the
// fields). Unknown fields, missing prices and negative prices are errors
// naming the field and the file. A table without a name is named after the
// file.
func LoadTable(path string) (Table, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Table{}, fmt.Errorf("load prices: %w", err)
	}
	t, err := ParseTable(data)
	if err != nil {
		return Table{}, fmt.Errorf("prices in %s: %w", path, err)
	}
	if t.Name == "" {
		t.Name = path
	}
	return t, nil
}

// ParseTable reads a price table from its JSON form, as LoadTable does.
func ParseTable(data []byte) (Table, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return Table{}, jsonError(err)
	}
	var t Table
	known := []string{"name"}
	for _, p := range t.prices() {
		known = append(known, p.name)
	}
	var unknown, missing []string
	for name := range fields {
		if !slices.Contains(known, name) {
			unknown = append(unknown, fmt.Sprintf("%q", name))
		}
	}
	for _, p := range t.prices() {
		if raw, ok := fields[p.name]; !ok || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
			missing = append(missing, fmt.Sprintf("%q", p.name))
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return Table{}, fmt.Errorf("unknown field %s (the fields are %s)", strings.Join(unknown, ", "), strings.Join(known, ", "))
	}
	if len(missing) > 0 {
		return Table{}, fmt.Errorf("missing price %s", strings.Join(missing, ", "))
	}
	if err := json.Unmarshal(data, &t); err != nil {
		return Table{}, jsonError(err)
	}
	return t, t.Validate()
}

// jsonError says what is wrong with a price file in its own terms.
func jsonError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fmt.Errorf("invalid JSON at byte %d: %w", syntax.Offset, err)
	case errors.As(err, &typ) && typ.Field != "":
		want := "number"
		if typ.Type.String() == "string" {
			want = "string"
		}
		return fmt.Errorf("%q is a JSON %s; want a %s", typ.Field, typ.Value, want)
	case errors.As(err, &typ):
		return fmt.Errorf("want a JSON object of prices, got JSON %s", typ.Value)
	}
	return err
}

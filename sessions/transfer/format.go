package transfer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"dynalab/engine/attr"
)

// Format is a file format for items.
type Format string

// The formats; see the package documentation for their rules.
const (
	FormatDDB  Format = "ddb-json" // DynamoDB JSON lines (bare or S3-export {"Item":...})
	FormatJSON Format = "json"     // plain JSON lines, types inferred
	FormatCSV  Format = "csv"      // CSV with a typed header
)

// Formats lists the formats, for help texts.
var Formats = []Format{FormatDDB, FormatJSON, FormatCSV}

// ParseFormat returns the format named s ("ddb", "dynamodb-json" and
// "jsonl" are accepted as well).
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(s) {
	case "ddb-json", "ddb", "dynamodb-json", "dynamodb":
		return FormatDDB, nil
	case "json", "jsonl", "ndjson":
		return FormatJSON, nil
	case "csv":
		return FormatCSV, nil
	}
	return "", fmt.Errorf("unknown format %q: use ddb-json, json or csv", s)
}

// FormatForName returns the format a file name implies, ignoring a .gz
// suffix: csv for .csv, and "" (undecided) for anything else — JSON lines
// are told apart by their content (see SniffFormat).
func FormatForName(name string) Format {
	name = strings.TrimSuffix(strings.ToLower(name), ".gz")
	if filepath.Ext(name) == ".csv" {
		return FormatCSV
	}
	return ""
}

// ExportFormatForName returns the format an export to the named file uses
// by default: csv for .csv (and .csv.gz), ddb-json otherwise — it is the
// only lossless one.
func ExportFormatForName(name string) Format {
	if f := FormatForName(name); f != "" {
		return f
	}
	return FormatDDB
}

// SniffFormat decides between ddb-json and json from the first lines of an
// input (its first 64 KiB, say), using the first non-blank line that is a
// well-formed JSON object: ddb-json when that is an S3 export line
// ({"Item":{...}}) or an object whose members are all DynamoDB attribute
// values (objects with one member named by a type: S, N, B, BOOL, NULL, M,
// L, SS, NS, BS); json when it is any other object. With no such line it
// returns ddb-json, whose errors then say what is wrong.
func SniffFormat(head []byte) Format {
	for len(head) > 0 {
		line := head
		if i := bytes.IndexByte(head, '\n'); i >= 0 {
			line, head = head[:i], head[i+1:]
		} else {
			head = nil
		}
		if f, ok := sniffLine(line); ok {
			return f
		}
	}
	return FormatDDB
}

// sniffLine classifies one line, or reports false when it is blank or not
// a well-formed JSON object.
func sniffLine(line []byte) (Format, bool) {
	if len(bytes.TrimSpace(line)) == 0 || !json.Valid(line) {
		return "", false
	}
	r := attr.NewReader(line)
	members, typed, wrapper := 0, 0, false
	err := r.Object(func(key string) error {
		members++
		raw, err := r.Raw()
		switch {
		case err != nil:
			return err
		case isTypedValue(raw):
			typed++
		case key == "Item" && isTypedItem(raw):
			wrapper = true
		}
		return nil
	})
	if err == nil {
		err = r.End()
	}
	switch {
	case err != nil:
		return "", false // valid JSON but not an object
	case wrapper && members == 1, members > 0 && typed == members:
		return FormatDDB, true
	case members > 0:
		return FormatJSON, true
	}
	return "", false // {} says nothing
}

// isTypedValue reports whether raw is a JSON object with exactly one
// member, named by a DynamoDB type.
func isTypedValue(raw []byte) bool {
	r := attr.NewReader(raw)
	n, typed := 0, true
	err := r.Object(func(key string) error {
		n++
		if _, ok := attr.ParseType(key); !ok {
			typed = false
		}
		return r.Skip()
	})
	return err == nil && n == 1 && typed
}

// isTypedItem reports whether raw is a non-empty JSON object of typed values.
func isTypedItem(raw []byte) bool {
	r := attr.NewReader(raw)
	n, typed := 0, true
	err := r.Object(func(string) error {
		n++
		v, err := r.Raw()
		if err == nil && !isTypedValue(v) {
			typed = false
		}
		return err
	})
	return err == nil && n > 0 && typed
}

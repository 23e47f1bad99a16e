package samples

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"dynalab/engine"
	"dynalab/engine/attr"
)

//go:embed data
var data embed.FS

// Sample is one sample data model.
type Sample struct {
	Name        string // e.g. "single-table"
	Title       string // one line
	Description string // what it teaches, in a few paragraphs
	// Tables are the CreateTable inputs of its tables, by name.
	Tables []engine.CreateTableInput
	// Items counts the items of each table.
	Items map[string]int
	// Queries are the saved queries it adds to a session, by name.
	Queries []Query
}

// Query is one of a sample's saved queries.
type Query struct {
	Name        string
	Description string // the leading "--" comment lines, without "--"
	Text        string // the whole file: comments and statement
}

// TotalItems returns the number of items of all its tables.
func (s *Sample) TotalItems() int {
	n := 0
	for _, c := range s.Items {
		n += c
	}
	return n
}

// ErrUnknown is returned (wrapped) for a sample name that is not one of
// List's.
var ErrUnknown = errors.New("no such sample")

// List returns the samples, sorted by name.
func List() []Sample {
	entries, err := fs.ReadDir(data, "data")
	if err != nil {
		panic(fmt.Sprintf("samples: embedded data: %v", err)) // a build without data/
	}
	var out []Sample
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, *mustRead(e.Name()))
		}
	}
	return out
}

// Names returns the samples' names, sorted.
func Names() []string {
	var names []string
	for _, s := range List() {
		names = append(names, s.Name)
	}
	return names
}

// Get returns the named sample.
func Get(name string) (*Sample, error) {
	if name == "" || strings.ContainsAny(name, `/\.`) {
		return nil, unknown(name)
	}
	if _, err := fs.Stat(data, path.Join("data", name)); err != nil {
		return nil, unknown(name)
	}
	return mustRead(name), nil
}

func unknown(name string) error {
	return fmt.Errorf("sample %q: %w; the samples are %s", name, ErrUnknown, strings.Join(Names(), ", "))
}

// mustRead reads a sample's directory. The data is embedded and checked by
// the package's tests, so a malformed sample is a programmer error.
func mustRead(name string) *Sample {
	s, err := read(name)
	if err != nil {
		panic(fmt.Sprintf("samples: embedded sample %q: %v", name, err))
	}
	return s
}

func read(name string) (*Sample, error) {
	dir := path.Join("data", name)
	about, err := fs.ReadFile(data, path.Join(dir, "about.txt"))
	if err != nil {
		return nil, err
	}
	title, desc, _ := strings.Cut(string(about), "\n")
	s := &Sample{Name: name, Title: strings.TrimSpace(title), Description: strings.Trim(desc, "\n"), Items: map[string]int{}}

	tables, err := fs.Glob(data, path.Join(dir, "tables", "*.json"))
	if err != nil {
		return nil, err
	}
	for _, p := range tables {
		b, err := fs.ReadFile(data, p)
		if err != nil {
			return nil, err
		}
		var in engine.CreateTableInput
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in); err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		if want := strings.TrimSuffix(path.Base(p), ".json"); in.TableName != want {
			return nil, fmt.Errorf("%s: TableName %q, want %q", p, in.TableName, want)
		}
		s.Tables = append(s.Tables, in)
		items, err := itemLines(name, in.TableName)
		if err != nil {
			return nil, err
		}
		s.Items[in.TableName] = len(items)
	}
	if len(s.Tables) == 0 {
		return nil, errors.New("no tables")
	}

	queries, err := fs.Glob(data, path.Join(dir, "queries", "*.sql"))
	if err != nil {
		return nil, err
	}
	for _, p := range queries {
		b, err := fs.ReadFile(data, p)
		if err != nil {
			return nil, err
		}
		q := Query{Name: strings.TrimSuffix(path.Base(p), ".sql"), Text: string(b)}
		q.Description = describe(q.Text)
		s.Queries = append(s.Queries, q)
	}
	sort.Slice(s.Queries, func(i, j int) bool { return s.Queries[i].Name < s.Queries[j].Name })
	return s, nil
}

// itemLines returns the non-blank lines of a table's items file; a table
// without one has no items.
func itemLines(sample, table string) ([][]byte, error) {
	b, err := fs.ReadFile(data, path.Join("data", sample, "items", table+".jsonl"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var lines [][]byte
	for line := range bytes.Lines(b) {
		if line = bytes.TrimSpace(line); len(line) > 0 {
			lines = append(lines, line)
		}
	}
	return lines, nil
}

// items decodes a table's items.
func (s *Sample) items(table string) ([]attr.Item, error) {
	lines, err := itemLines(s.Name, table)
	if err != nil {
		return nil, err
	}
	out := make([]attr.Item, 0, len(lines))
	for i, line := range lines {
		it, err := attr.ParseItem(line)
		if err != nil || it == nil {
			return nil, fmt.Errorf("sample %s: items/%s.jsonl:%d: not a DynamoDB JSON item: %v", s.Name, table, i+1, err)
		}
		out = append(out, it)
	}
	return out, nil
}

// ItemsOf returns the items of one of the sample's tables.
func (s *Sample) ItemsOf(table string) ([]attr.Item, error) { return s.items(table) }

// ModelFile returns the sample as a model file (sessions/model's format:
// its tables, facets, access patterns and items), data/NAME/model.json.
func (s *Sample) ModelFile() ([]byte, error) {
	return fs.ReadFile(data, path.Join("data", s.Name, "model.json"))
}

// describe returns the leading "--" comment lines of a query, as
// sessions.SavedQuery's Description has them.
func describe(text string) string {
	var desc []string
	for line := range strings.Lines(text) {
		line = strings.TrimSpace(line)
		if line == "" && len(desc) == 0 {
			continue
		}
		rest, ok := strings.CutPrefix(line, "--")
		if !ok {
			break
		}
		desc = append(desc, strings.TrimSpace(rest))
	}
	return strings.Join(desc, "\n")
}

// KeySchema renders a table's key, e.g. "PK S, SK S" or "Id N".
func KeySchema(t *engine.CreateTableInput) string {
	types := map[string]string{}
	for _, d := range t.AttributeDefinitions {
		types[d.AttributeName] = d.AttributeType
	}
	var parts []string
	for _, k := range t.KeySchema {
		parts = append(parts, k.AttributeName+" "+types[k.AttributeName])
	}
	return strings.Join(parts, ", ")
}

// IndexNames returns a table's index names, LSIs then GSIs.
func IndexNames(t *engine.CreateTableInput) []string {
	var out []string
	for _, ix := range t.LocalSecondaryIndexes {
		out = append(out, ix.IndexName)
	}
	for _, ix := range t.GlobalSecondaryIndexes {
		out = append(out, ix.IndexName)
	}
	return out
}

package transfer

import (
	"fmt"
	"strings"

	"dynalab/engine"
	"dynalab/engine/attr"
)

// The service's limits that a batch would otherwise fail on as a whole.
const (
	maxHashKeyBytes  = 2048
	maxRangeKeyBytes = 1024
	maxNameBytes     = 65535
)

// KeyAttr is one key attribute: its name and type (S, N or B).
type KeyAttr struct {
	Name string
	Type attr.Type
}

// KeySchema is a table's primary key: a partition key and an optional
// sort key (Range.Name == "" when none).
type KeySchema struct {
	Hash, Range KeyAttr
}

// ParseKeySchema parses the --key syntax: "PK:S" or "PK:S,SK:N", types S,
// N or B (S when omitted).
func ParseKeySchema(s string) (KeySchema, error) {
	var ks KeySchema
	parts := strings.Split(s, ",")
	if s == "" || len(parts) > 2 {
		return ks, fmt.Errorf("key %q: want PARTITION_KEY:TYPE or PARTITION_KEY:TYPE,SORT_KEY:TYPE, e.g. PK:S,SK:S", s)
	}
	for i, p := range parts {
		name, typ := strings.TrimSpace(p), attr.TypeS
		if j := strings.LastIndexByte(name, ':'); j >= 0 {
			t, ok := attr.ParseType(strings.ToUpper(strings.TrimSpace(name[j+1:])))
			if !ok || !t.IsScalarKey() {
				return ks, fmt.Errorf("key %q: type %q of %q: key attributes are S, N or B", s, name[j+1:], name[:j])
			}
			name, typ = strings.TrimSpace(name[:j]), t
		}
		if name == "" {
			return ks, fmt.Errorf("key %q: an attribute name is empty", s)
		}
		if i == 0 {
			ks.Hash = KeyAttr{name, typ}
		} else {
			ks.Range = KeyAttr{name, typ}
		}
	}
	if ks.Range.Name == ks.Hash.Name {
		return ks, fmt.Errorf("key %q: the sort key must differ from the partition key", s)
	}
	return ks, nil
}

// String returns the schema in the --key syntax.
func (ks KeySchema) String() string {
	s := ks.Hash.Name + ":" + ks.Hash.Type.String()
	if ks.Range.Name != "" {
		s += "," + ks.Range.Name + ":" + ks.Range.Type.String()
	}
	return s
}

// keySchemaOf reads a table description's key schema.
func keySchemaOf(d *engine.TableDescription) (KeySchema, error) {
	types := map[string]attr.Type{}
	for _, a := range d.AttributeDefinitions {
		t, _ := attr.ParseType(a.AttributeType)
		types[a.AttributeName] = t
	}
	var ks KeySchema
	for _, k := range d.KeySchema {
		ka := KeyAttr{k.AttributeName, types[k.AttributeName]}
		if ka.Type == 0 {
			return ks, fmt.Errorf("table %s: no attribute definition for key %q", d.TableName, k.AttributeName)
		}
		if k.KeyType == engine.KeyTypeRange {
			ks.Range = ka
		} else {
			ks.Hash = ka
		}
	}
	if ks.Hash.Name == "" {
		return ks, fmt.Errorf("table %s: no partition key in its description", d.TableName)
	}
	return ks, nil
}

// createInput is the CreateTable request for an on-demand table with ks.
func (ks KeySchema) createInput(table string) *engine.CreateTableInput {
	in := &engine.CreateTableInput{
		TableName:            table,
		BillingMode:          engine.BillingPayPerRequest,
		AttributeDefinitions: []engine.AttributeDefinition{{AttributeName: ks.Hash.Name, AttributeType: ks.Hash.Type.String()}},
		KeySchema:            []engine.KeySchemaElement{{AttributeName: ks.Hash.Name, KeyType: engine.KeyTypeHash}},
	}
	if ks.Range.Name != "" {
		in.AttributeDefinitions = append(in.AttributeDefinitions, engine.AttributeDefinition{AttributeName: ks.Range.Name, AttributeType: ks.Range.Type.String()})
		in.KeySchema = append(in.KeySchema, engine.KeySchemaElement{AttributeName: ks.Range.Name, KeyType: engine.KeyTypeRange})
	}
	return in
}

// check applies the rules the service would reject a whole batch for, so
// that one bad line is rejected alone.
func (ks KeySchema) check(it attr.Item) error {
	if err := checkKeyAttr(it, ks.Hash, "partition", maxHashKeyBytes); err != nil {
		return err
	}
	if ks.Range.Name != "" {
		if err := checkKeyAttr(it, ks.Range, "sort", maxRangeKeyBytes); err != nil {
			return err
		}
	}
	for name := range it {
		if name == "" {
			return fmt.Errorf("an attribute name is empty")
		}
		if len(name) > maxNameBytes {
			return fmt.Errorf("attribute name %s is longer than %d bytes", quoteCut(name, 20), maxNameBytes)
		}
	}
	if d := it.Depth(); d > attr.MaxDepth {
		return errTooDeep
	}
	if n := it.Size(); n > attr.MaxItemSize {
		return fmt.Errorf("item is %d bytes; DynamoDB items are at most %d bytes (400 KB)", n, attr.MaxItemSize)
	}
	return nil
}

func checkKeyAttr(it attr.Item, k KeyAttr, role string, maxBytes int) error {
	v, ok := it[k.Name]
	switch {
	case !ok:
		return fmt.Errorf("missing key attribute %q (the table's %s key, type %s)", k.Name, role, k.Type)
	case v.Type() != k.Type:
		return fmt.Errorf("key attribute %q is %s; the table's %s key is %s", k.Name, v.Type(), role, k.Type)
	case (k.Type == attr.TypeS || k.Type == attr.TypeB) && v.Len() == 0:
		return fmt.Errorf("key attribute %q is empty; key strings and binaries need at least one byte", k.Name)
	case v.Len() > maxBytes:
		return fmt.Errorf("key attribute %q is %d bytes; a %s key is at most %d", k.Name, v.Len(), role, maxBytes)
	}
	return nil
}

// key returns a string identifying it's primary key, to find duplicates
// within a batch (numbers are canonical, so equal numbers give equal
// strings).
func (ks KeySchema) key(it attr.Item) string {
	b := attr.AppendValue(nil, it[ks.Hash.Name])
	if ks.Range.Name != "" {
		b = append(b, 0)
		b = attr.AppendValue(b, it[ks.Range.Name])
	}
	return string(b)
}

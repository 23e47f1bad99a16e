package partiql

import (
	"context"
	"encoding/json"
	"errors"

	"dynalab/engine"
	"dynalab/engine/attr"
)

// KeyAttribute is one attribute of a key schema.
type KeyAttribute struct {
	Name string
	Type attr.Type // S, N or B
}

// KeySchema is the primary key of a table or index.
type KeySchema struct {
	Hash  KeyAttribute
	Range KeyAttribute // Name is "" when there is no sort key
	// Hashes and Ranges list every attribute of a multi-attribute GSI key
	// (several HASH or RANGE elements, plan_multikey.go), in key schema
	// order; Hash and Range are then the first of each. Both are nil for
	// a single-attribute key.
	Hashes, Ranges []KeyAttribute
}

// Names returns the key attribute names, partition key first.
func (k KeySchema) Names() []string {
	if k.Multi() {
		return k.multiNames()
	}
	if k.Range.Name == "" {
		return []string{k.Hash.Name}
	}
	return []string{k.Hash.Name, k.Range.Name}
}

// Has reports whether name is one of the key's attributes.
func (k KeySchema) Has(name string) bool {
	if k.Multi() {
		_, ok := k.multiType(name)
		return ok
	}
	return name == k.Hash.Name || (k.Range.Name != "" && name == k.Range.Name)
}

// typeOf returns the type of a key attribute.
func (k KeySchema) typeOf(name string) attr.Type {
	if t, ok := k.multiType(name); ok {
		return t
	}
	if name == k.Hash.Name {
		return k.Hash.Type
	}
	return k.Range.Type
}

// IndexSchema describes a secondary index.
type IndexSchema struct {
	Name       string
	Global     bool // a GSI (else an LSI)
	Key        KeySchema
	Projection string // ALL, KEYS_ONLY or INCLUDE
	// NonKeyAttributes are the attributes an INCLUDE projection adds to
	// the keys.
	NonKeyAttributes []string
}

// Schema is what planning needs to know about a table.
type Schema struct {
	Table   string
	Key     KeySchema
	Indexes []IndexSchema
}

// Index returns the named index, or nil.
func (s *Schema) Index(name string) *IndexSchema {
	for i := range s.Indexes {
		if s.Indexes[i].Name == name {
			return &s.Indexes[i]
		}
	}
	return nil
}

// indexDescription is the part of a TableDescription that describes
// secondary indexes. engine.TableDescription does not have these members
// yet; reading them through JSON picks them up as soon as it does.
type indexDescription struct {
	AttributeDefinitions   []engine.AttributeDefinition `json:"AttributeDefinitions"`
	LocalSecondaryIndexes  []describedIndex             `json:"LocalSecondaryIndexes"`
	GlobalSecondaryIndexes []describedIndex             `json:"GlobalSecondaryIndexes"`
}

type describedIndex struct {
	IndexName  string                    `json:"IndexName"`
	KeySchema  []engine.KeySchemaElement `json:"KeySchema"`
	Projection struct {
		ProjectionType   string   `json:"ProjectionType"`
		NonKeyAttributes []string `json:"NonKeyAttributes"`
	} `json:"Projection"`
}

// SchemaFromDescription extracts the key schema of a table, and of its
// secondary indexes when withIndexes is set, from DescribeTable's answer.
func SchemaFromDescription(d *engine.TableDescription, withIndexes bool) (*Schema, error) {
	s := &Schema{Table: d.TableName, Key: keySchema(d.KeySchema, d.AttributeDefinitions)}
	if !withIndexes {
		return s, nil
	}
	data, err := json.Marshal(d)
	if err != nil {
		return nil, err
	}
	var ix indexDescription
	if err := json.Unmarshal(data, &ix); err != nil {
		return nil, err
	}
	for _, l := range ix.LocalSecondaryIndexes {
		s.Indexes = append(s.Indexes, IndexSchema{Name: l.IndexName, Key: keySchema(l.KeySchema, ix.AttributeDefinitions),
			Projection: l.Projection.ProjectionType, NonKeyAttributes: l.Projection.NonKeyAttributes})
	}
	for _, g := range ix.GlobalSecondaryIndexes {
		s.Indexes = append(s.Indexes, IndexSchema{Name: g.IndexName, Global: true, Key: keySchema(g.KeySchema, ix.AttributeDefinitions),
			Projection: g.Projection.ProjectionType, NonKeyAttributes: g.Projection.NonKeyAttributes})
	}
	return s, nil
}

func keySchema(elems []engine.KeySchemaElement, defs []engine.AttributeDefinition) KeySchema {
	typeOf := func(name string) attr.Type {
		for _, d := range defs {
			if d.AttributeName == name {
				t, _ := attr.ParseType(d.AttributeType)
				return t
			}
		}
		return 0
	}
	var k KeySchema
	for _, e := range elems {
		a := KeyAttribute{Name: e.AttributeName, Type: typeOf(e.AttributeName)}
		if e.KeyType == engine.KeyTypeRange {
			k.Range = a
			k.Ranges = append(k.Ranges, a)
		} else {
			k.Hash = a
			k.Hashes = append(k.Hashes, a)
		}
	}
	return k.settle()
}

// Schema returns the key schema of a table (with its indexes when
// withIndexes is set). A missing table is the data plane's
// ResourceNotFoundException, as the service reports it for statements.
func (x *Executor) Schema(ctx context.Context, table string, withIndexes bool) (*Schema, error) {
	if x.describe != nil {
		return x.describe(ctx, table, withIndexes)
	}
	out, err := x.db.DescribeTable(ctx, &engine.DescribeTableInput{TableName: table})
	if err != nil {
		var api *engine.APIError
		if errors.As(err, &api) && api.Code == engine.CodeResourceNotFound {
			return nil, errNotFound()
		}
		return nil, err
	}
	return SchemaFromDescription(out.Table, withIndexes)
}

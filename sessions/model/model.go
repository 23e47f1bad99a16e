package model

import (
	"encoding/json"
	"slices"

	"dynalab/engine"
	"dynalab/engine/attr"
)

// FormatVersion is the Version a model file written today has.
const FormatVersion = 1

// Model is a data model: tables, the entity types (facets) stored in
// them, the access patterns that read and write them, and sample items.
type Model struct {
	Version        int             `json:"Version"`
	Name           string          `json:"Name,omitempty"`
	Description    string          `json:"Description,omitempty"`
	Tables         []Table         `json:"Tables"`
	AccessPatterns []AccessPattern `json:"AccessPatterns,omitempty"`
}

// Table is a table: its CreateTable definition in the service's own JSON
// shape, its TTL attribute, the facets stored in it and sample items.
type Table struct {
	TableName              string                        `json:"TableName"`
	AttributeDefinitions   []engine.AttributeDefinition  `json:"AttributeDefinitions"`
	KeySchema              []engine.KeySchemaElement     `json:"KeySchema"`
	BillingMode            string                        `json:"BillingMode,omitempty"`
	ProvisionedThroughput  *engine.ProvisionedThroughput `json:"ProvisionedThroughput,omitempty"`
	TableClass             string                        `json:"TableClass,omitempty"`
	LocalSecondaryIndexes  []engine.LocalSecondaryIndex  `json:"LocalSecondaryIndexes,omitempty"`
	GlobalSecondaryIndexes []engine.GlobalSecondaryIndex `json:"GlobalSecondaryIndexes,omitempty"`
	StreamSpecification    *engine.StreamSpecification   `json:"StreamSpecification,omitempty"`
	// TimeToLiveAttribute is the attribute UpdateTimeToLive enables TTL
	// on; "" for none.
	TimeToLiveAttribute string `json:"TimeToLiveAttribute,omitempty"`
	// NonKeyAttributes are the attributes the items carry besides the
	// table's keys, with their types (S, N, B, BOOL, NULL, M, L, SS, NS,
	// BS): documentation, and NoSQL Workbench's NonKeyAttributes.
	NonKeyAttributes []engine.AttributeDefinition `json:"NonKeyAttributes,omitempty"`
	Facets           []Facet                      `json:"Facets,omitempty"`
	Items            []attr.Item                  `json:"Items,omitempty"`
}

// Facet is an entity type stored in a table, NoSQL Workbench's "facet":
// its key patterns and attributes. A pattern is literal text with {name}
// placeholders, e.g. USER#{userId} or ORDER#{placedAt}#{orderId}; a
// placeholder names one of the facet's Attributes.
type Facet struct {
	Name         string `json:"Name"`
	PartitionKey string `json:"PartitionKey"`
	SortKey      string `json:"SortKey,omitempty"`
	// Attributes are the facet's attributes besides the table's key
	// attributes, the key patterns' placeholders among them.
	Attributes []string `json:"Attributes,omitempty"`
}

// AccessPattern is a named read or write of the model: a PartiQL
// statement (with example values for its ? parameters) or an API
// request, and the facet it returns.
type AccessPattern struct {
	Name        string       `json:"Name"`
	Description string       `json:"Description,omitempty"`
	Statement   string       `json:"Statement,omitempty"`
	Parameters  []attr.Value `json:"Parameters,omitempty"`
	Request     *Request     `json:"Request,omitempty"`
	Facet       string       `json:"Facet,omitempty"`
}

// Request is an access pattern given as an API request: the operation
// (GetItem, Query, Scan, PutItem, UpdateItem, DeleteItem) and its request
// body in the service's JSON.
type Request struct {
	Operation string          `json:"Operation"`
	Input     json.RawMessage `json:"Input"`
}

// Table returns the named table, or nil.
func (m *Model) Table(name string) *Table {
	for i := range m.Tables {
		if m.Tables[i].TableName == name {
			return &m.Tables[i]
		}
	}
	return nil
}

// Pattern returns the named access pattern, or nil.
func (m *Model) Pattern(name string) *AccessPattern {
	for i := range m.AccessPatterns {
		if m.AccessPatterns[i].Name == name {
			return &m.AccessPatterns[i]
		}
	}
	return nil
}

// Facet returns the table's named facet, or nil.
func (t *Table) Facet(name string) *Facet {
	for i := range t.Facets {
		if t.Facets[i].Name == name {
			return &t.Facets[i]
		}
	}
	return nil
}

// CreateTableInput returns the table's CreateTable request.
func (t *Table) CreateTableInput() *engine.CreateTableInput {
	return &engine.CreateTableInput{
		TableName:              t.TableName,
		AttributeDefinitions:   slices.Clone(t.AttributeDefinitions),
		KeySchema:              slices.Clone(t.KeySchema),
		BillingMode:            t.BillingMode,
		ProvisionedThroughput:  t.ProvisionedThroughput,
		TableClass:             t.TableClass,
		LocalSecondaryIndexes:  slices.Clone(t.LocalSecondaryIndexes),
		GlobalSecondaryIndexes: slices.Clone(t.GlobalSecondaryIndexes),
		StreamSpecification:    t.StreamSpecification,
	}
}

// keyName returns the table's partition (HASH) or sort (RANGE) key
// attribute, "" when there is none.
func (t *Table) keyName(keyType string) string {
	for _, k := range t.KeySchema {
		if k.KeyType == keyType {
			return k.AttributeName
		}
	}
	return ""
}

// attrType returns the type AttributeDefinitions give an attribute, "" when
// they do not define it.
func (t *Table) attrType(name string) string {
	for _, d := range t.AttributeDefinitions {
		if d.AttributeName == name {
			return d.AttributeType
		}
	}
	return ""
}

// keyAttributes returns the table's and its indexes' key attributes.
func (t *Table) keyAttributes() map[string]bool {
	out := map[string]bool{}
	for _, k := range t.KeySchema {
		out[k.AttributeName] = true
	}
	for _, ix := range t.LocalSecondaryIndexes {
		for _, k := range ix.KeySchema {
			out[k.AttributeName] = true
		}
	}
	for _, ix := range t.GlobalSecondaryIndexes {
		for _, k := range ix.KeySchema {
			out[k.AttributeName] = true
		}
	}
	return out
}

// Match reports whether item is of the facet: its key attributes match
// the facet's key patterns.
func (f *Facet) Match(t *Table, item attr.Item) bool {
	pk, err := ParsePattern(f.PartitionKey)
	if err != nil || !pk.MatchValue(item[t.keyName(engine.KeyTypeHash)]) {
		return false
	}
	sk := t.keyName(engine.KeyTypeRange)
	if sk == "" {
		return true
	}
	p, err := ParsePattern(f.SortKey)
	return err == nil && p.MatchValue(item[sk])
}

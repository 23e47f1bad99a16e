package model

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"dynalab/engine"
	"dynalab/engine/attr"
)

// NoSQL Workbench for Amazon DynamoDB imports and exports data models as
// JSON ("NoSQL Workbench model format", ModelMetadata.Version "3.0"; AWS
// DynamoDB Developer Guide, "Exporting a data model" and "Importing an
// existing data model"):
//
//	{"ModelName": "...", "ModelMetadata": {"Author", "DateCreated", "DateLastModified",
//	   "Description", "AWSService": "Amazon DynamoDB", "Version": "3.0"},
//	 "DataModel": [{"TableName", "KeyAttributes": {"PartitionKey": {"AttributeName", "AttributeType"},
//	   "SortKey": {...}}, "NonKeyAttributes": [{"AttributeName", "AttributeType"}],
//	   "TableFacets": [{"FacetName", "KeyAttributeAlias": {"PartitionKeyAlias", "SortKeyAlias"},
//	     "TableData": [], "NonKeyAttributes": ["name", ...], "DataAccess": {"MySql": {}}}],
//	   "GlobalSecondaryIndexes": [{"IndexName", "KeyAttributes": {...}, "Projection": {...}}],
//	   "TableData": [DynamoDB JSON items], "DataAccess": {"MySql": {}},
//	   "BillingMode", "ProvisionedCapacitySettings": {"ProvisionedThroughput": {...}, "AutoScalingRead", ...}}]}
//
// A Workbench facet's key aliases are the names its key columns show; a
// dynalab facet's key patterns. An alias that is a plain name becomes the
// pattern {name} (the key is that value) and back; an upper-case word
// (PROFILE) is a constant; a pattern with text (USER#{userId}, or
// Workbench users' USER#<userId>) is kept as the alias.

// Workbench is a NoSQL Workbench data model.
type Workbench struct {
	ModelName     string            `json:"ModelName"`
	ModelMetadata WorkbenchMetadata `json:"ModelMetadata"`
	DataModel     []WorkbenchTable  `json:"DataModel"`
}

// WorkbenchMetadata is a Workbench model's metadata.
type WorkbenchMetadata struct {
	Author           string `json:"Author"`
	DateCreated      string `json:"DateCreated"`
	DateLastModified string `json:"DateLastModified"`
	Description      string `json:"Description"`
	AWSService       string `json:"AWSService"`
	Version          string `json:"Version"`
}

// WorkbenchTable is a table of a Workbench model.
type WorkbenchTable struct {
	TableName                   string                       `json:"TableName"`
	KeyAttributes               WorkbenchKeys                `json:"KeyAttributes"`
	NonKeyAttributes            []WorkbenchAttribute         `json:"NonKeyAttributes"`
	TableFacets                 []WorkbenchFacet             `json:"TableFacets"`
	GlobalSecondaryIndexes      []WorkbenchIndex             `json:"GlobalSecondaryIndexes,omitempty"`
	TableData                   []attr.Item                  `json:"TableData"`
	DataAccess                  json.RawMessage              `json:"DataAccess,omitempty"`
	SampleDataFormats           json.RawMessage              `json:"SampleDataFormats,omitempty"`
	BillingMode                 string                       `json:"BillingMode,omitempty"`
	ProvisionedCapacitySettings *WorkbenchCapacity           `json:"ProvisionedCapacitySettings,omitempty"`
	LocalSecondaryIndexes       []engine.LocalSecondaryIndex `json:"LocalSecondaryIndexes,omitempty"` // read if present; not written
}

// WorkbenchKeys are a table's or index's key attributes.
type WorkbenchKeys struct {
	PartitionKey WorkbenchAttribute  `json:"PartitionKey"`
	SortKey      *WorkbenchAttribute `json:"SortKey,omitempty"`
}

// WorkbenchAttribute is an attribute with its type (S, N, B, BOOL, M, L,
// SS, NS, BS, NULL).
type WorkbenchAttribute struct {
	AttributeName string `json:"AttributeName"`
	AttributeType string `json:"AttributeType"`
}

// WorkbenchFacet is a Workbench facet.
type WorkbenchFacet struct {
	FacetName         string `json:"FacetName"`
	KeyAttributeAlias struct {
		PartitionKeyAlias string `json:"PartitionKeyAlias"`
		SortKeyAlias      string `json:"SortKeyAlias,omitempty"`
	} `json:"KeyAttributeAlias"`
	TableData        []attr.Item     `json:"TableData"`
	NonKeyAttributes []string        `json:"NonKeyAttributes"`
	DataAccess       json.RawMessage `json:"DataAccess,omitempty"`
}

// WorkbenchIndex is a GSI of a Workbench model.
type WorkbenchIndex struct {
	IndexName     string            `json:"IndexName"`
	KeyAttributes WorkbenchKeys     `json:"KeyAttributes"`
	Projection    engine.Projection `json:"Projection"`
}

// WorkbenchCapacity is a provisioned table's capacity settings.
type WorkbenchCapacity struct {
	ProvisionedThroughput struct {
		ReadCapacityUnits  int64 `json:"ReadCapacityUnits"`
		WriteCapacityUnits int64 `json:"WriteCapacityUnits"`
	} `json:"ProvisionedThroughput"`
	AutoScalingRead  json.RawMessage `json:"AutoScalingRead,omitempty"`
	AutoScalingWrite json.RawMessage `json:"AutoScalingWrite,omitempty"`
}

// IsWorkbench reports whether data looks like a NoSQL Workbench model
// (it has ModelName and DataModel) rather than a dynalab model file.
func IsWorkbench(data []byte) bool {
	var probe struct {
		ModelName *string         `json:"ModelName"`
		DataModel json.RawMessage `json:"DataModel"`
	}
	return json.Unmarshal(data, &probe) == nil && probe.ModelName != nil && probe.DataModel != nil
}

// ReadWorkbench decodes a NoSQL Workbench model.
func ReadWorkbench(data []byte) (*Workbench, error) {
	var wb Workbench
	if err := json.Unmarshal(data, &wb); err != nil {
		return nil, fmt.Errorf("NoSQL Workbench model: %w", err)
	}
	if wb.ModelMetadata.AWSService != "" && wb.ModelMetadata.AWSService != "Amazon DynamoDB" {
		return nil, fmt.Errorf("NoSQL Workbench model for %s, not Amazon DynamoDB", wb.ModelMetadata.AWSService)
	}
	return &wb, nil
}

// Marshal writes the Workbench model as NoSQL Workbench does: indented
// JSON.
func (wb *Workbench) Marshal() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(wb); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// workbenchVar is NoSQL Workbench users' own placeholder style, <name>.
var workbenchVar = regexp.MustCompile(`<([^<>#]+)>`)

// aliasPattern turns a key alias into a key pattern: text with
// placeholders stays, an upper-case word is a constant (PROFILE), any
// other name labels the whole value.
func aliasPattern(alias string) string {
	alias = workbenchVar.ReplaceAllString(alias, "{$1}")
	if _, err := ParsePattern(alias); err == nil && strings.Contains(alias, "{") || constantWord.MatchString(alias) {
		return alias
	}
	return "{" + strings.NewReplacer("{", "", "}", "").Replace(alias) + "}"
}

// patternAlias turns a key pattern into a key alias.
func patternAlias(pattern string) string {
	if p, err := ParsePattern(pattern); err == nil && p.Whole() {
		return p.Vars()[0]
	}
	return pattern
}

// FromWorkbench converts a NoSQL Workbench model. Workbench keeps no
// access patterns in a form dynalab reads, and no TTL or streams; GSIs of
// a provisioned table get the table's throughput (Workbench gives them
// none); a table without BillingMode is PAY_PER_REQUEST.
func FromWorkbench(wb *Workbench) *Model {
	m := &Model{Version: FormatVersion, Name: wb.ModelName, Description: wb.ModelMetadata.Description}
	for _, wt := range wb.DataModel {
		t := Table{TableName: wt.TableName, BillingMode: wt.BillingMode}
		if t.BillingMode == "" {
			t.BillingMode = engine.BillingPayPerRequest
		}
		define := func(a WorkbenchAttribute) {
			if t.attrType(a.AttributeName) == "" {
				t.AttributeDefinitions = append(t.AttributeDefinitions, engine.AttributeDefinition(a))
			}
		}
		keys := func(k WorkbenchKeys) []engine.KeySchemaElement {
			define(k.PartitionKey)
			ks := []engine.KeySchemaElement{{AttributeName: k.PartitionKey.AttributeName, KeyType: engine.KeyTypeHash}}
			if k.SortKey != nil && k.SortKey.AttributeName != "" {
				define(*k.SortKey)
				ks = append(ks, engine.KeySchemaElement{AttributeName: k.SortKey.AttributeName, KeyType: engine.KeyTypeRange})
			}
			return ks
		}
		t.KeySchema = keys(wt.KeyAttributes)
		var tp *engine.ProvisionedThroughput
		if t.BillingMode == engine.BillingProvisioned && wt.ProvisionedCapacitySettings != nil {
			p := wt.ProvisionedCapacitySettings.ProvisionedThroughput
			r, w := p.ReadCapacityUnits, p.WriteCapacityUnits
			tp = &engine.ProvisionedThroughput{ReadCapacityUnits: &r, WriteCapacityUnits: &w}
			t.ProvisionedThroughput = tp
		}
		for _, g := range wt.GlobalSecondaryIndexes {
			proj := g.Projection
			t.GlobalSecondaryIndexes = append(t.GlobalSecondaryIndexes, engine.GlobalSecondaryIndex{IndexName: g.IndexName,
				KeySchema: keys(g.KeyAttributes), Projection: &proj, ProvisionedThroughput: tp})
		}
		for _, l := range wt.LocalSecondaryIndexes {
			t.LocalSecondaryIndexes = append(t.LocalSecondaryIndexes, l)
		}
		for _, a := range wt.NonKeyAttributes {
			if a.AttributeName != wt.KeyAttributes.PartitionKey.AttributeName && (wt.KeyAttributes.SortKey == nil || a.AttributeName != wt.KeyAttributes.SortKey.AttributeName) {
				t.NonKeyAttributes = append(t.NonKeyAttributes, engine.AttributeDefinition(a))
			}
		}
		items := slices.Clone(wt.TableData)
		for _, f := range wt.TableFacets {
			fc := Facet{Name: f.FacetName, PartitionKey: aliasPattern(f.KeyAttributeAlias.PartitionKeyAlias),
				Attributes: slices.Clone(f.NonKeyAttributes)}
			if f.KeyAttributeAlias.SortKeyAlias != "" {
				fc.SortKey = aliasPattern(f.KeyAttributeAlias.SortKeyAlias)
			}
			// A placeholder inside text names an attribute the facet has.
			for _, p := range []string{fc.PartitionKey, fc.SortKey} {
				if pt, err := ParsePattern(p); err == nil && !pt.Whole() {
					for _, v := range pt.Vars() {
						if !slices.Contains(fc.Attributes, v) {
							fc.Attributes = append(fc.Attributes, v)
						}
					}
				}
			}
			t.Facets = append(t.Facets, fc)
			items = append(items, f.TableData...) // Workbench before 3.0 kept items per facet
		}
		t.Items = items
		m.Tables = append(m.Tables, t)
	}
	return m
}

// ToWorkbench converts a model to NoSQL Workbench's format; notes say
// what the format cannot carry (LSIs, TTL, streams, access patterns).
func ToWorkbench(m *Model) (*Workbench, []string) {
	wb := &Workbench{ModelName: m.Name, ModelMetadata: WorkbenchMetadata{Description: m.Description,
		AWSService: "Amazon DynamoDB", Version: "3.0"}}
	if wb.ModelName == "" {
		wb.ModelName = "dynalab"
	}
	var notes []string
	mysql := json.RawMessage(`{"MySql":{}}`)
	for i := range m.Tables {
		t := &m.Tables[i]
		attrOf := func(name string) WorkbenchAttribute {
			return WorkbenchAttribute{AttributeName: name, AttributeType: t.attrType(name)}
		}
		keys := func(ks []engine.KeySchemaElement) WorkbenchKeys {
			var k WorkbenchKeys
			for _, e := range ks {
				if e.KeyType == engine.KeyTypeHash && k.PartitionKey.AttributeName == "" {
					k.PartitionKey = attrOf(e.AttributeName)
				} else if e.KeyType == engine.KeyTypeRange && k.SortKey == nil {
					a := attrOf(e.AttributeName)
					k.SortKey = &a
				}
			}
			return k
		}
		wt := WorkbenchTable{TableName: t.TableName, KeyAttributes: keys(t.KeySchema), BillingMode: billingMode(t),
			DataAccess: mysql, TableData: t.Items, NonKeyAttributes: []WorkbenchAttribute{}, TableFacets: []WorkbenchFacet{}}
		if wt.TableData == nil {
			wt.TableData = []attr.Item{}
		}
		own := map[string]bool{}
		for _, k := range t.KeySchema {
			own[k.AttributeName] = true
		}
		add := func(a WorkbenchAttribute) {
			if !own[a.AttributeName] {
				own[a.AttributeName] = true
				wt.NonKeyAttributes = append(wt.NonKeyAttributes, a)
			}
		}
		for _, a := range t.NonKeyAttributes {
			add(WorkbenchAttribute(a))
		}
		for _, d := range t.AttributeDefinitions { // index keys
			add(WorkbenchAttribute(d))
		}
		for _, f := range t.Facets {
			for _, a := range f.Attributes {
				if !own[a] {
					add(WorkbenchAttribute{AttributeName: a, AttributeType: itemType(t.Items, a)})
				}
			}
		}
		if p := t.ProvisionedThroughput; wt.BillingMode == engine.BillingProvisioned && p != nil && p.ReadCapacityUnits != nil && p.WriteCapacityUnits != nil {
			wt.ProvisionedCapacitySettings = &WorkbenchCapacity{}
			wt.ProvisionedCapacitySettings.ProvisionedThroughput.ReadCapacityUnits = *p.ReadCapacityUnits
			wt.ProvisionedCapacitySettings.ProvisionedThroughput.WriteCapacityUnits = *p.WriteCapacityUnits
		}
		for _, g := range t.GlobalSecondaryIndexes {
			wi := WorkbenchIndex{IndexName: g.IndexName, KeyAttributes: keys(g.KeySchema)}
			if g.Projection != nil {
				wi.Projection = *g.Projection
			}
			if n := len(g.KeySchema); n > 2 {
				notes = append(notes, fmt.Sprintf("GSI %s of %s has a multi-attribute key: NoSQL Workbench gets its first partition and sort key attributes only", g.IndexName, t.TableName))
			}
			wt.GlobalSecondaryIndexes = append(wt.GlobalSecondaryIndexes, wi)
		}
		for _, f := range t.Facets {
			wf := WorkbenchFacet{FacetName: f.Name, TableData: []attr.Item{}, NonKeyAttributes: slices.Clone(f.Attributes), DataAccess: mysql}
			if wf.NonKeyAttributes == nil {
				wf.NonKeyAttributes = []string{}
			}
			wf.KeyAttributeAlias.PartitionKeyAlias = patternAlias(f.PartitionKey)
			if f.SortKey != "" {
				wf.KeyAttributeAlias.SortKeyAlias = patternAlias(f.SortKey)
			}
			wt.TableFacets = append(wt.TableFacets, wf)
		}
		if len(t.LocalSecondaryIndexes) > 0 {
			notes = append(notes, fmt.Sprintf("table %s: its LSIs are left out (NoSQL Workbench models GSIs only)", t.TableName))
		}
		if t.TimeToLiveAttribute != "" {
			notes = append(notes, fmt.Sprintf("table %s: its TTL attribute %s is left out", t.TableName, t.TimeToLiveAttribute))
		}
		if streamView(t.StreamSpecification) != "" {
			notes = append(notes, fmt.Sprintf("table %s: its stream is left out", t.TableName))
		}
		wb.DataModel = append(wb.DataModel, wt)
	}
	if n := len(m.AccessPatterns); n > 0 {
		notes = append(notes, fmt.Sprintf("%d access patterns are left out (their NoSQL Workbench form is not documented)", n))
	}
	return wb, notes
}

// itemType returns the type of an attribute in the first item that has
// it; S when none has.
func itemType(items []attr.Item, name string) string {
	for _, it := range items {
		if v, ok := it[name]; ok {
			return v.Type().String()
		}
	}
	return "S"
}

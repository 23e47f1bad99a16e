package model

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"dynalab/engine"
	"dynalab/partiql"
	"dynalab/sessions"
)

// checker collects problems with lines.
type checker struct {
	f  *File
	ps Problems
}

func (c *checker) at(ptr any, format string, args ...any) {
	c.ps = append(c.ps, Problem{File: c.f.Name, Line: c.f.Line(ptr), Message: fmt.Sprintf(format, args...)})
}

// Check checks the model: the rules below, one problem per mistake, then
// (when they all pass) the service's own validation, by creating the
// tables, writing the sample items and planning the access patterns on an
// in-memory engine.
func (f *File) Check() Problems {
	c := &checker{f: f}
	m := f.Model
	switch {
	case m.Version == 0:
		c.at(m, "Version is missing: a model file says \"Version\": %d", FormatVersion)
	case m.Version > FormatVersion:
		c.at(&m.Version, "Version %d is newer than this dynalab reads (%d)", m.Version, FormatVersion)
	}
	if len(m.Tables) == 0 {
		c.at(m, "the model has no Tables")
	}
	names := map[string]bool{}
	for i := range m.Tables {
		t := &m.Tables[i]
		if t.TableName != "" && names[t.TableName] {
			c.at(&t.TableName, "table %s is defined twice", t.TableName)
		}
		names[t.TableName] = true
		c.table(t)
	}
	c.patterns(m)
	if len(c.ps) == 0 {
		c.service(m)
	}
	return c.ps.sorted()
}

// tableNameRE is the service's rule for table and index names.
var tableNameRE = regexp.MustCompile(`^[a-zA-Z0-9_.-]{3,255}$`)

func (c *checker) table(t *Table) {
	if t.TableName == "" {
		c.at(t, "a table needs a TableName")
		return
	}
	if !tableNameRE.MatchString(t.TableName) {
		c.at(&t.TableName, "table name %q: 3 to 255 letters, digits, _ - or .", t.TableName)
	}
	c.keySchema(t, t.KeySchema, &t.KeySchema, "table "+t.TableName)
	defined := map[string]bool{}
	for i := range t.AttributeDefinitions {
		d := &t.AttributeDefinitions[i]
		if defined[d.AttributeName] {
			c.at(d, "table %s: attribute %s is defined twice in AttributeDefinitions", t.TableName, d.AttributeName)
		}
		defined[d.AttributeName] = true
		if d.AttributeType != "S" && d.AttributeType != "N" && d.AttributeType != "B" {
			c.at(d, "table %s: attribute %s has type %q; a key attribute is S, N or B", t.TableName, d.AttributeName, d.AttributeType)
		}
	}
	keys := t.keyAttributes()
	for i := range t.AttributeDefinitions {
		d := &t.AttributeDefinitions[i]
		if !keys[d.AttributeName] {
			c.at(d, "table %s: %s is in AttributeDefinitions but is no key of the table or an index (the service refuses definitions nothing uses)", t.TableName, d.AttributeName)
		}
	}
	for i := range t.NonKeyAttributes {
		a := &t.NonKeyAttributes[i]
		switch {
		case slices.ContainsFunc(t.KeySchema, func(k engine.KeySchemaElement) bool { return k.AttributeName == a.AttributeName }):
			c.at(a, "table %s: %s is the table's key, not a NonKeyAttribute", t.TableName, a.AttributeName)
		case !slices.Contains([]string{"S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"}, a.AttributeType):
			c.at(a, "table %s: NonKeyAttribute %s has type %q; it is S, N, B, BOOL, NULL, M, L, SS, NS or BS", t.TableName, a.AttributeName, a.AttributeType)
		case slices.IndexFunc(t.NonKeyAttributes, func(b engine.AttributeDefinition) bool { return b.AttributeName == a.AttributeName }) < i:
			c.at(a, "table %s: NonKeyAttribute %s is listed twice", t.TableName, a.AttributeName)
		}
	}
	c.billing(t)
	c.indexes(t)
	c.stream(t)
	c.ttl(t)
	c.facets(t)
	c.items(t)
}

// keySchema checks a key schema: one HASH first, then RANGE, every
// attribute in AttributeDefinitions. Multi-attribute GSI keys (up to four
// HASH then up to four RANGE elements) are allowed where multi is set.
func (c *checker) keySchema(t *Table, ks []engine.KeySchemaElement, at any, what string) {
	if len(ks) == 0 {
		c.at(at, "%s: KeySchema is missing", what)
		return
	}
	multi := strings.HasPrefix(what, "GSI ")
	hashes, ranges := 0, 0
	for i := range ks {
		k := &ks[i]
		switch k.KeyType {
		case engine.KeyTypeHash:
			if ranges > 0 {
				c.at(k, "%s: HASH key %s after a RANGE key; the partition key comes first", what, k.AttributeName)
			}
			hashes++
		case engine.KeyTypeRange:
			ranges++
		default:
			c.at(k, "%s: KeyType %q of %s; it is HASH or RANGE", what, k.KeyType, k.AttributeName)
			continue
		}
		if t.attrType(k.AttributeName) == "" {
			c.at(k, "%s: key attribute %s is missing from AttributeDefinitions", what, k.AttributeName)
		}
	}
	switch {
	case hashes == 0:
		c.at(at, "%s: KeySchema has no HASH (partition) key", what)
	case !multi && (hashes > 1 || ranges > 1):
		c.at(at, "%s: KeySchema has %d HASH and %d RANGE keys; a table or LSI has one of each at most", what, hashes, ranges)
	case hashes > 4 || ranges > 4:
		c.at(at, "%s: a multi-attribute key has at most 4 HASH and 4 RANGE attributes", what)
	}
}

func (c *checker) billing(t *Table) {
	switch t.BillingMode {
	case engine.BillingPayPerRequest:
		if t.ProvisionedThroughput != nil {
			c.at(&t.ProvisionedThroughput, "table %s: PAY_PER_REQUEST takes no ProvisionedThroughput", t.TableName)
		}
	case engine.BillingProvisioned, "":
		if t.ProvisionedThroughput == nil {
			what := "PROVISIONED"
			if t.BillingMode == "" {
				what = "no BillingMode (so PROVISIONED, the service's default)"
			}
			at := any(&t.BillingMode)
			if t.BillingMode == "" {
				at = &t.TableName
			}
			c.at(at, "table %s: %s needs ProvisionedThroughput (or say \"BillingMode\": \"PAY_PER_REQUEST\")", t.TableName, what)
		} else {
			c.throughput(t.ProvisionedThroughput, "table "+t.TableName)
		}
	default:
		c.at(&t.BillingMode, "table %s: BillingMode %q; it is PROVISIONED or PAY_PER_REQUEST", t.TableName, t.BillingMode)
	}
}

func (c *checker) throughput(p *engine.ProvisionedThroughput, what string) {
	if p.ReadCapacityUnits == nil || p.WriteCapacityUnits == nil || *p.ReadCapacityUnits < 1 || *p.WriteCapacityUnits < 1 {
		c.at(p, "%s: ProvisionedThroughput needs ReadCapacityUnits and WriteCapacityUnits of at least 1", what)
	}
}

func (c *checker) indexes(t *Table) {
	seen := map[string]bool{}
	name := func(n string, at any) {
		if n == "" {
			c.at(at, "table %s: an index needs an IndexName", t.TableName)
			return
		}
		if !tableNameRE.MatchString(n) {
			c.at(at, "table %s: index name %q: 3 to 255 letters, digits, _ - or .", t.TableName, n)
		}
		if seen[n] {
			c.at(at, "table %s: two indexes are named %s", t.TableName, n)
		}
		seen[n] = true
	}
	hash, rng := t.keyName(engine.KeyTypeHash), t.keyName(engine.KeyTypeRange)
	if len(t.LocalSecondaryIndexes) > 5 {
		c.at(&t.LocalSecondaryIndexes, "table %s: %d LSIs; a table has at most 5", t.TableName, len(t.LocalSecondaryIndexes))
	}
	for i := range t.LocalSecondaryIndexes {
		ix := &t.LocalSecondaryIndexes[i]
		name(ix.IndexName, ix)
		what := "LSI " + ix.IndexName
		c.keySchema(t, ix.KeySchema, ix, what)
		if len(ix.KeySchema) > 0 && ix.KeySchema[0].AttributeName != hash {
			c.at(&ix.KeySchema[0], "%s: an LSI's partition key is the table's, %s", what, hash)
		}
		if rng == "" {
			c.at(ix, "%s: only a table with a sort key can have LSIs", what)
		}
		if len(ix.KeySchema) != 2 {
			c.at(ix, "%s: an LSI has the table's partition key and a sort key of its own", what)
		}
		c.projection(ix.Projection, ix, what)
	}
	if len(t.GlobalSecondaryIndexes) > 20 {
		c.at(&t.GlobalSecondaryIndexes, "table %s: %d GSIs; a table has at most 20", t.TableName, len(t.GlobalSecondaryIndexes))
	}
	for i := range t.GlobalSecondaryIndexes {
		ix := &t.GlobalSecondaryIndexes[i]
		name(ix.IndexName, ix)
		what := "GSI " + ix.IndexName
		c.keySchema(t, ix.KeySchema, ix, what)
		c.projection(ix.Projection, ix, what)
		switch {
		case t.BillingMode == engine.BillingPayPerRequest && ix.ProvisionedThroughput != nil:
			c.at(&ix.ProvisionedThroughput, "%s: the table is PAY_PER_REQUEST, so its GSIs take no ProvisionedThroughput", what)
		case t.BillingMode != engine.BillingPayPerRequest && ix.ProvisionedThroughput == nil:
			c.at(ix, "%s: the table is PROVISIONED, so its GSIs need ProvisionedThroughput", what)
		case ix.ProvisionedThroughput != nil:
			c.throughput(ix.ProvisionedThroughput, what)
		}
	}
}

func (c *checker) projection(p *engine.Projection, at any, what string) {
	if p == nil {
		c.at(at, "%s: Projection is missing (ALL, KEYS_ONLY or INCLUDE)", what)
		return
	}
	switch p.ProjectionType {
	case "ALL", "KEYS_ONLY":
		if len(p.NonKeyAttributes) > 0 {
			c.at(p, "%s: NonKeyAttributes go with ProjectionType INCLUDE, not %s", what, p.ProjectionType)
		}
	case "INCLUDE":
		if len(p.NonKeyAttributes) == 0 {
			c.at(p, "%s: ProjectionType INCLUDE needs NonKeyAttributes", what)
		}
		seen := map[string]bool{}
		for _, a := range p.NonKeyAttributes {
			if seen[a] {
				c.at(p, "%s: %s appears twice in NonKeyAttributes", what, a)
			}
			seen[a] = true
		}
	default:
		c.at(p, "%s: ProjectionType %q; it is ALL, KEYS_ONLY or INCLUDE", what, p.ProjectionType)
	}
}

func (c *checker) stream(t *Table) {
	s := t.StreamSpecification
	if s == nil || s.StreamEnabled == nil || !*s.StreamEnabled {
		if s != nil && s.StreamViewType != "" {
			c.at(s, "table %s: StreamViewType without \"StreamEnabled\": true", t.TableName)
		}
		return
	}
	switch s.StreamViewType {
	case "KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES":
	default:
		c.at(s, "table %s: StreamViewType %q; it is KEYS_ONLY, NEW_IMAGE, OLD_IMAGE or NEW_AND_OLD_IMAGES", t.TableName, s.StreamViewType)
	}
}

func (c *checker) ttl(t *Table) {
	a := t.TimeToLiveAttribute
	if a == "" {
		return
	}
	for _, k := range t.KeySchema {
		if k.AttributeName == a {
			c.at(&t.TimeToLiveAttribute, "table %s: TimeToLiveAttribute %s is a key attribute of the table: "+
				"its value can never be updated, so no item's expiry could be moved; use an attribute of its own", t.TableName, a)
			return
		}
	}
	if typ := t.attrType(a); typ != "" && typ != "N" {
		c.at(&t.TimeToLiveAttribute, "table %s: TimeToLiveAttribute %s is defined as %s; TTL reads a Number of epoch seconds", t.TableName, a, typ)
	}
}

func (c *checker) facets(t *Table) {
	seen := map[string]bool{}
	hash, rng := t.keyName(engine.KeyTypeHash), t.keyName(engine.KeyTypeRange)
	own := map[string]bool{hash: true, rng: true}
	for i := range t.Facets {
		fc := &t.Facets[i]
		what := "table " + t.TableName + ": facet " + fc.Name
		switch {
		case fc.Name == "":
			c.at(fc, "table %s: a facet needs a Name", t.TableName)
		case seen[fc.Name]:
			c.at(&fc.Name, "%s is defined twice", what)
		}
		seen[fc.Name] = true
		attrs := map[string]bool{}
		for _, a := range fc.Attributes {
			if own[a] {
				c.at(&fc.Attributes, "%s: %s is the table's key; Attributes lists the others", what, a)
			}
			attrs[a] = true
		}
		c.keyPattern(t, fc, fc.PartitionKey, hash, &fc.PartitionKey, attrs, what)
		switch {
		case rng == "" && fc.SortKey != "":
			c.at(&fc.SortKey, "%s: SortKey %q, but table %s has no sort key", what, fc.SortKey, t.TableName)
		case rng != "" && fc.SortKey == "":
			c.at(fc, "%s: table %s has a sort key (%s): the facet needs a SortKey pattern", what, t.TableName, rng)
		case rng != "":
			c.keyPattern(t, fc, fc.SortKey, rng, &fc.SortKey, attrs, what)
		}
	}
}

// keyPattern checks a facet's pattern for key attribute key.
func (c *checker) keyPattern(t *Table, fc *Facet, text, key string, at any, attrs map[string]bool, what string) {
	if text == "" {
		c.at(fc, "%s: PartitionKey pattern is missing", what)
		return
	}
	p, err := ParsePattern(text)
	if err != nil {
		c.at(at, "%s: key pattern %v", what, err)
		return
	}
	for _, v := range p.Vars() {
		// A whole-key placeholder only names the key's value (NoSQL
		// Workbench's key alias); inside text it is an attribute.
		if !attrs[v] && v != key && !p.Whole() {
			c.at(at, "%s: key pattern %q uses {%s}, which is not one of the facet's Attributes", what, text, v)
		}
	}
	if typ := t.attrType(key); (typ == "N" || typ == "B") && !p.Whole() && !(typ == "N" && p.Constant()) {
		c.at(at, "%s: key pattern %q for %s, a %s key: a number or binary key is one placeholder, not text", what, text, key, typ)
	}
}

func (c *checker) items(t *Table) {
	for i := range t.Items {
		it := &t.Items[i]
		for _, k := range t.KeySchema {
			v, ok := (*it)[k.AttributeName]
			want := t.attrType(k.AttributeName)
			switch {
			case !ok:
				c.at(it, "table %s: item %d lacks key attribute %s", t.TableName, i+1, k.AttributeName)
			case want != "" && v.Type().String() != want:
				c.at(it, "table %s: item %d: key attribute %s is %s, the table says %s", t.TableName, i+1, k.AttributeName, v.Type(), want)
			}
		}
	}
}

// requestOps are the operations an access pattern's Request may name.
var requestOps = map[string]func() any{
	"GetItem":    func() any { return &engine.GetItemInput{} },
	"Query":      func() any { return &engine.QueryInput{} },
	"Scan":       func() any { return &engine.ScanInput{} },
	"PutItem":    func() any { return &engine.PutItemInput{} },
	"UpdateItem": func() any { return &engine.UpdateItemInput{} },
	"DeleteItem": func() any { return &engine.DeleteItemInput{} },
}

func (c *checker) patterns(m *Model) {
	seen := map[string]bool{}
	for i := range m.AccessPatterns {
		ap := &m.AccessPatterns[i]
		what := "access pattern " + ap.Name
		switch {
		case ap.Name == "":
			c.at(ap, "an access pattern needs a Name")
		case seen[ap.Name]:
			c.at(&ap.Name, "%s is defined twice", what)
		default:
			if err := sessions.ValidateName(ap.Name); err != nil {
				c.at(&ap.Name, "%s: %v (it is saved as a query of that name)", what, err)
			}
		}
		seen[ap.Name] = true
		var table, index string
		switch {
		case ap.Statement != "" && ap.Request != nil:
			c.at(ap, "%s: give a Statement or a Request, not both", what)
			continue
		case ap.Statement != "":
			st, err := partiql.Parse(ap.Statement)
			if err != nil {
				c.at(&ap.Statement, "%s: the statement does not parse: %v", what, err)
				continue
			}
			if _, ok := st.(*partiql.Explain); ok {
				c.at(&ap.Statement, "%s: an access pattern is the statement itself, without EXPLAIN", what)
				continue
			}
			if n := partiql.ParamCount(st); n != len(ap.Parameters) {
				c.at(&ap.Statement, "%s: the statement has %d ? parameters and Parameters gives %d values", what, n, len(ap.Parameters))
			}
			table, index = partiql.StatementTarget(st)
		case ap.Request != nil:
			table, index = c.request(ap, what)
		default:
			c.at(ap, "%s: it needs a Statement (PartiQL) or a Request", what)
			continue
		}
		t := m.Table(table)
		if table != "" && t == nil {
			c.at(ap, "%s reads table %s, which the model does not define", what, table)
			continue
		}
		if t != nil && index != "" && !hasIndex(t, index) {
			c.at(ap, "%s reads index %s, which table %s does not have", what, index, table)
		}
		if ap.Facet != "" && (t == nil || t.Facet(ap.Facet) == nil) {
			c.at(&ap.Facet, "%s returns facet %s, which table %s does not define", what, ap.Facet, table)
		}
	}
}

// request checks an access pattern's API request and returns its table
// and index.
func (c *checker) request(ap *AccessPattern, what string) (table, index string) {
	r := ap.Request
	mk, ok := requestOps[r.Operation]
	if !ok {
		c.at(&r.Operation, "%s: Operation %q; it is one of GetItem, Query, Scan, PutItem, UpdateItem, DeleteItem", what, r.Operation)
		return "", ""
	}
	in := mk()
	dec := json.NewDecoder(bytes.NewReader(r.Input))
	dec.DisallowUnknownFields()
	if err := dec.Decode(in); err != nil {
		c.at(&r.Input, "%s: %s Input: %v", what, r.Operation, err)
		return "", ""
	}
	var target struct{ TableName, IndexName string }
	_ = json.Unmarshal(r.Input, &target) // decoded above
	if target.TableName == "" {
		c.at(&r.Input, "%s: %s Input has no TableName", what, r.Operation)
	}
	return target.TableName, target.IndexName
}

func hasIndex(t *Table, name string) bool {
	return slices.ContainsFunc(t.GlobalSecondaryIndexes, func(g engine.GlobalSecondaryIndex) bool { return g.IndexName == name }) ||
		slices.ContainsFunc(t.LocalSecondaryIndexes, func(l engine.LocalSecondaryIndex) bool { return l.IndexName == name })
}

// service runs the model on an in-memory engine: the service's own
// validation of each table, item and statement, with its messages.
func (c *checker) service(m *Model) {
	db, err := engine.Open(engine.Options{Path: engine.InMemory, SweepInterval: -1, NoThrottle: true, TTLSettle: -1})
	if err != nil {
		c.ps = append(c.ps, Problem{File: c.f.Name, Message: "check: " + err.Error()})
		return
	}
	defer db.Close()
	ctx := context.Background()
	created := map[string]bool{}
	for i := range m.Tables {
		t := &m.Tables[i]
		if _, err := db.CreateTable(ctx, t.CreateTableInput()); err != nil {
			c.at(t, "table %s: CreateTable refuses it: %s", t.TableName, apiText(err))
			continue
		}
		created[t.TableName] = true
		if t.TimeToLiveAttribute != "" {
			on := true
			if _, err := db.UpdateTimeToLive(ctx, &engine.UpdateTimeToLiveInput{TableName: t.TableName,
				TimeToLiveSpecification: &engine.TimeToLiveSpecification{AttributeName: &t.TimeToLiveAttribute, Enabled: &on}}); err != nil {
				c.at(&t.TimeToLiveAttribute, "table %s: UpdateTimeToLive refuses it: %s", t.TableName, apiText(err))
			}
		}
		for j := range t.Items {
			if _, err := db.PutItem(ctx, &engine.PutItemInput{TableName: t.TableName, Item: t.Items[j]}); err != nil {
				c.at(&t.Items[j], "table %s: item %d: PutItem refuses it: %s", t.TableName, j+1, apiText(err))
			}
		}
	}
	x := partiql.New(db, partiql.Options{})
	for i := range m.AccessPatterns {
		ap := &m.AccessPatterns[i]
		if ap.Statement == "" {
			continue
		}
		st, err := partiql.Parse(ap.Statement)
		if err != nil {
			continue // reported above
		}
		if table, _ := partiql.StatementTarget(st); !created[table] {
			continue
		}
		if _, err := x.Plan(ctx, st, ap.Parameters); err != nil {
			c.at(&ap.Statement, "access pattern %s: %s", ap.Name, apiText(err))
		}
	}
}

// apiText renders an engine error as the service's "Code: message".
func apiText(err error) string {
	var api *engine.APIError
	if errors.As(err, &api) {
		return api.Code + ": " + api.Message
	}
	return err.Error()
}

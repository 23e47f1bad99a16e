package engine

import (
	"fmt"
	"strings"
)

// Index limits of the service (Developer Guide, Constraints: secondary
// indexes; API Reference CreateTable).
const (
	maxLSIs                  = 5
	maxGSIs                  = 20
	maxNonKeyAttributesTotal = 100
	maxNonKeyAttributes      = 20
)

// indexSpec is an LSI or GSI of a request, for the checks both share.
type indexSpec struct {
	name       string
	keySchema  []KeySchemaElement
	projection *Projection
	throughput *ProvisionedThroughput
	global     bool
}

func (in *CreateTableInput) indexSpecs() []indexSpec {
	specs := make([]indexSpec, 0, len(in.LocalSecondaryIndexes)+len(in.GlobalSecondaryIndexes))
	for _, l := range in.LocalSecondaryIndexes {
		specs = append(specs, indexSpec{name: l.IndexName, keySchema: l.KeySchema, projection: l.Projection})
	}
	for _, g := range in.GlobalSecondaryIndexes {
		specs = append(specs, g.spec())
	}
	return specs
}

func (g *GlobalSecondaryIndex) spec() indexSpec {
	return indexSpec{name: g.IndexName, keySchema: g.KeySchema, projection: g.Projection, throughput: g.ProvisionedThroughput, global: true}
}

// indexConstraints adds the model constraints of one index at path
// (e.g. "globalSecondaryIndexes.1.member").
func (c *constraints) index(s indexSpec, path string) {
	if s.name == "" {
		c.notNull(false, path+".indexName")
	} else {
		c.nameRules(s.name, path+".indexName")
	}
	c.notNull(s.keySchema != nil, path+".keySchema")
	if s.keySchema != nil {
		if len(s.keySchema) < 1 {
			c.add(keySchemaString(s.keySchema), path+".keySchema", "Member must have length greater than or equal to 1")
		}
		// A GSI's KeySchema has no model maximum since multi-attribute
		// keys (API_CreateGlobalSecondaryIndexAction: "Array Members:
		// Minimum number of 1 item"); an LSI's still has 2.
		if len(s.keySchema) > 2 && !s.global {
			c.add(keySchemaString(s.keySchema), path+".keySchema", "Member must have length less than or equal to 2")
		}
	}
	for i, k := range s.keySchema {
		p := fmt.Sprintf("%s.keySchema.%d.member", path, i+1)
		c.keyAttrName(k.AttributeName, p+".attributeName")
		c.notNull(k.KeyType != "", p+".keyType")
		c.enum(k.KeyType, p+".keyType", KeyTypeHash, KeyTypeRange)
	}
	c.notNull(s.projection != nil, path+".projection")
	if p := s.projection; p != nil {
		c.enum(p.ProjectionType, path+".projection.projectionType", ProjectionAll, ProjectionKeysOnly, ProjectionInclude)
		if p.NonKeyAttributes != nil && len(p.NonKeyAttributes) < 1 {
			c.add("'[]'", path+".projection.nonKeyAttributes", "Member must have length greater than or equal to 1")
		}
		if len(p.NonKeyAttributes) > maxNonKeyAttributes {
			c.add("'["+strings.Join(p.NonKeyAttributes, ", ")+"]'", path+".projection.nonKeyAttributes", "Member must have length less than or equal to 20")
		}
		c.nonKeyAttrNames(p.NonKeyAttributes, path+".projection.nonKeyAttributes")
	}
	if pt := s.throughput; pt != nil {
		c.notNull(pt.WriteCapacityUnits != nil, path+".provisionedThroughput.writeCapacityUnits")
		c.minInt(pt.WriteCapacityUnits, path+".provisionedThroughput.writeCapacityUnits", 1)
		c.notNull(pt.ReadCapacityUnits != nil, path+".provisionedThroughput.readCapacityUnits")
		c.minInt(pt.ReadCapacityUnits, path+".provisionedThroughput.readCapacityUnits", 1)
	}
}

// checkCreateIndexes applies the service's index rules of CreateTable, in
// its order: LSIs, then GSIs (each: key schema, projection, throughput,
// name), then the counts; names are unique across both kinds.
func checkCreateIndexes(in *CreateTableInput, defs []string) error {
	names := map[string]bool{}
	if in.LocalSecondaryIndexes != nil {
		if len(in.LocalSecondaryIndexes) == 0 {
			return invalidParam("List of LocalSecondaryIndexes is empty")
		}
		if len(in.KeySchema) != 2 {
			return invalidParam("Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex")
		}
		for _, l := range in.LocalSecondaryIndexes {
			s := indexSpec{name: l.IndexName, keySchema: l.KeySchema, projection: l.Projection}
			if err := checkIndexKeySchema(s, defs); err != nil {
				return err
			}
			if len(s.keySchema) != 2 {
				return invalidParam("Index KeySchema does not have a range key for index: %s", s.name)
			}
			if h, th := s.keySchema[0].AttributeName, in.KeySchema[0].AttributeName; h != th {
				return invalidParam("Index KeySchema does not have the same leading hash key as table KeySchema for index: %s. index hash key: %s, table hash key: %s", s.name, h, th)
			}
			if err := checkProjection(s.projection); err != nil {
				return err
			}
			if names[s.name] {
				return invalidParam("Duplicate index name: %s", s.name)
			}
			names[s.name] = true
		}
		if len(in.LocalSecondaryIndexes) > maxLSIs {
			return invalidParam("Number of LocalSecondaryIndexes exceeds per-table limit of %d", maxLSIs)
		}
	}
	if in.GlobalSecondaryIndexes != nil {
		if len(in.GlobalSecondaryIndexes) == 0 {
			return invalidParam("List of GlobalSecondaryIndexes is empty")
		}
		for _, g := range in.GlobalSecondaryIndexes {
			s := g.spec()
			if err := checkIndexKeySchema(s, defs); err != nil {
				return err
			}
			if err := checkProjection(s.projection); err != nil {
				return err
			}
			if err := checkIndexThroughput(s, in.BillingMode == BillingPayPerRequest); err != nil {
				return err
			}
			if names[s.name] {
				return invalidParam("Duplicate index name: %s", s.name)
			}
			names[s.name] = true
		}
		if len(in.GlobalSecondaryIndexes) > maxGSIs {
			return invalidParam("GlobalSecondaryIndex count exceeds the per-table limit of %d", maxGSIs)
		}
	}
	total := 0
	for _, s := range in.indexSpecs() {
		total += len(s.projection.NonKeyAttributes)
	}
	if total > maxNonKeyAttributesTotal {
		// Wording in no public source found (a guess; see the issue note).
		return invalidParam("Number of projected attributes in all indexes exceeds limit of %d", maxNonKeyAttributesTotal)
	}
	return nil
}

// checkIndexKeySchema applies the key schema rules to an index.
func checkIndexKeySchema(s indexSpec, defs []string) error {
	keys := make([]string, len(s.keySchema))
	for i, k := range s.keySchema {
		keys[i] = k.AttributeName
	}
	for _, k := range keys {
		if !contains(defs, k) {
			return invalidParam("Some index key attributes are not defined in AttributeDefinitions. Keys: [%s], AttributeDefinitions: [%s]",
				strings.Join(keys, ", "), strings.Join(defs, ", "))
		}
	}
	if len(keys) == 2 && keys[0] == keys[1] && !(s.global && isMultiKey(s.keySchema)) {
		return validationError("Both the Hash Key and the Range Key element in the KeySchema have the same name")
	}
	if s.keySchema[0].KeyType != KeyTypeHash {
		return validationError("Invalid KeySchema: The first KeySchemaElement is not a HASH key type")
	}
	if s.global && isMultiKey(s.keySchema) {
		return checkMultiKeySchema(s)
	}
	if len(keys) == 2 && s.keySchema[1].KeyType != KeyTypeRange {
		return validationError("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type")
	}
	return nil
}

// checkProjection applies the projection rules.
func checkProjection(p *Projection) error {
	if p.ProjectionType == "" {
		return invalidParam("Unknown ProjectionType: null")
	}
	if p.NonKeyAttributes != nil && p.ProjectionType != ProjectionInclude {
		return invalidParam("ProjectionType is %s, but NonKeyAttributes is specified", p.ProjectionType)
	}
	if p.ProjectionType == ProjectionInclude && len(p.NonKeyAttributes) == 0 {
		return invalidParam("ProjectionType is INCLUDE, but NonKeyAttributes is not specified")
	}
	seen := map[string]bool{}
	for _, a := range p.NonKeyAttributes {
		if seen[a] {
			return invalidParam("Duplicate element in NonKeyAttributes: %s", a)
		}
		seen[a] = true
	}
	return nil
}

// checkIndexThroughput ties a GSI's throughput to the billing mode.
func checkIndexThroughput(s indexSpec, payPerRequest bool) error {
	pt := s.throughput
	if payPerRequest {
		if pt != nil {
			return invalidParam("ProvisionedThroughput should not be specified for index: %s when BillingMode is PAY_PER_REQUEST", s.name)
		}
		return nil
	}
	if pt == nil {
		return invalidParam("ProvisionedThroughput is not specified for index: %s", s.name)
	}
	if *pt.ReadCapacityUnits > maxCapacityUnits {
		return Validationf("Given value %d for ReadCapacityUnits is out of bounds", *pt.ReadCapacityUnits)
	}
	if *pt.WriteCapacityUnits > maxCapacityUnits {
		return Validationf("Given value %d for WriteCapacityUnits is out of bounds", *pt.WriteCapacityUnits)
	}
	return nil
}

// checkDefinitionsUsed is the rule that every attribute definition is a
// key of the table or of an index (with indexes, the service names both
// lists).
func checkDefinitionsUsed(in *CreateTableInput, defs []string) error {
	var used []string
	add := func(ks []KeySchemaElement) {
		for _, k := range ks {
			if !contains(used, k.AttributeName) {
				used = append(used, k.AttributeName)
			}
		}
	}
	add(in.KeySchema)
	for _, s := range in.indexSpecs() {
		add(s.keySchema)
	}
	for _, d := range defs {
		if !contains(used, d) {
			return invalidParam("Some AttributeDefinitions are not used. AttributeDefinitions: [%s], keys used: [%s]",
				strings.Join(defs, ", "), strings.Join(used, ", "))
		}
	}
	return nil
}

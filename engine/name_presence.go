package engine

import (
	"encoding/json"
	"fmt"
)

// The service tells a member the request left out (or sent as null) from
// one it sent empty: a key attribute name that is absent is "Value null at
// '<path>' failed to satisfy constraint: Member must not be null", one that
// is "" breaks the model's minimum length (KeySchemaAttributeName: 1..255
// in botocore's service-2.json), "Value '' at '<path>' failed to satisfy
// constraint: Member must have length greater than or equal to 1"
// (paritysuite's tests/tier3/validation-ordering/updateItem.test.ts records
// the same two forms for an empty tableName beside an absent key).
//
// The request structs keep plain string members (backup_restore.go compares
// KeySchemaElement values with reflect.DeepEqual, sessions and the
// workbench build them as literals), so presence is found when the request
// is decoded: CreateTableInput and UpdateTableInput decode as usual, then
// a second, narrow pass over the same bytes notes which of those names were
// absent. The result lives in an unexported field of the input, which JSON
// ignores; an input built in Go has none, and its "" names are empty names.

// absentMembers is the set of constraint paths ("keySchema.1.member.
// attributeName", "tableName") whose member the request did not carry.
type absentMembers map[string]bool

// nameOnly is the shape of a list element whose AttributeName is tracked.
type nameOnly struct {
	AttributeName *string `json:"AttributeName"`
}

type keySchemaOnly struct {
	KeySchema []nameOnly `json:"KeySchema"`
}

func (a absentMembers) names(list []nameOnly, path string) {
	for i, e := range list {
		if e.AttributeName == nil {
			a[fmt.Sprintf("%s.%d.member.attributeName", path, i+1)] = true
		}
	}
}

// UnmarshalJSON decodes a CreateTable request and notes the names it left out.
func (in *CreateTableInput) UnmarshalJSON(b []byte) error {
	type plain CreateTableInput
	if err := json.Unmarshal(b, (*plain)(in)); err != nil {
		return err
	}
	var shape struct {
		TableName              *string         `json:"TableName"`
		AttributeDefinitions   []nameOnly      `json:"AttributeDefinitions"`
		KeySchema              []nameOnly      `json:"KeySchema"`
		LocalSecondaryIndexes  []keySchemaOnly `json:"LocalSecondaryIndexes"`
		GlobalSecondaryIndexes []keySchemaOnly `json:"GlobalSecondaryIndexes"`
	}
	// The bytes decoded above, into a subset of the same shapes: this
	// cannot fail where the first pass did not.
	if err := json.Unmarshal(b, &shape); err != nil {
		return err
	}
	a := absentMembers{}
	if shape.TableName == nil {
		a["tableName"] = true
	}
	a.names(shape.AttributeDefinitions, "attributeDefinitions")
	a.names(shape.KeySchema, "keySchema")
	for i, l := range shape.LocalSecondaryIndexes {
		a.names(l.KeySchema, fmt.Sprintf("localSecondaryIndexes.%d.member.keySchema", i+1))
	}
	for i, g := range shape.GlobalSecondaryIndexes {
		a.names(g.KeySchema, fmt.Sprintf("globalSecondaryIndexes.%d.member.keySchema", i+1))
	}
	in.absent = a
	return nil
}

// UnmarshalJSON decodes an UpdateTable request and notes the names it left out.
func (in *UpdateTableInput) UnmarshalJSON(b []byte) error {
	type plain UpdateTableInput
	if err := json.Unmarshal(b, (*plain)(in)); err != nil {
		return err
	}
	var shape struct {
		TableName                   *string    `json:"TableName"`
		AttributeDefinitions        []nameOnly `json:"AttributeDefinitions"`
		GlobalSecondaryIndexUpdates []struct {
			Create *keySchemaOnly `json:"Create"`
		} `json:"GlobalSecondaryIndexUpdates"`
	}
	if err := json.Unmarshal(b, &shape); err != nil {
		return err
	}
	a := absentMembers{}
	if shape.TableName == nil {
		a["tableName"] = true
	}
	a.names(shape.AttributeDefinitions, "attributeDefinitions")
	for i, u := range shape.GlobalSecondaryIndexUpdates {
		if u.Create != nil {
			a.names(u.Create.KeySchema, fmt.Sprintf("globalSecondaryIndexUpdates.%d.member.create.keySchema", i+1))
		}
	}
	in.absent = a
	return nil
}

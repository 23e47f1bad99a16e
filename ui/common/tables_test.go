package common

import (
	"slices"
	"testing"

	"dynalab/engine"
)

func TestInfoFromDescriptionIndexes(t *testing.T) {
	yes := true
	ks := func(pairs ...string) []engine.KeySchemaElement {
		var out []engine.KeySchemaElement
		for i := 0; i < len(pairs); i += 2 {
			out = append(out, engine.KeySchemaElement{AttributeName: pairs[i], KeyType: pairs[i+1]})
		}
		return out
	}
	d := &engine.TableDescription{
		TableName: "Orders", TableStatus: engine.StatusActive,
		AttributeDefinitions: []engine.AttributeDefinition{
			{AttributeName: "PK", AttributeType: "S"}, {AttributeName: "SK", AttributeType: "S"},
			{AttributeName: "placedAt", AttributeType: "N"}, {AttributeName: "GSI1PK", AttributeType: "S"},
			{AttributeName: "userId", AttributeType: "S"}, {AttributeName: "tenant", AttributeType: "S"},
			{AttributeName: "status", AttributeType: "S"}, {AttributeName: "statusAt", AttributeType: "N"},
		},
		KeySchema: ks("PK", "HASH", "SK", "RANGE"),
		LocalSecondaryIndexes: []engine.LocalSecondaryIndexDescription{{
			IndexName: "LSI1", KeySchema: ks("PK", "HASH", "placedAt", "RANGE"),
			Projection: &engine.Projection{ProjectionType: engine.ProjectionKeysOnly},
		}},
		GlobalSecondaryIndexes: []engine.GlobalSecondaryIndexDescription{
			{IndexName: "GSI1", IndexStatus: engine.StatusActive, KeySchema: ks("GSI1PK", "HASH"),
				Projection: &engine.Projection{ProjectionType: engine.ProjectionAll}},
			{IndexName: "GSI2-multi", IndexStatus: engine.StatusActive,
				KeySchema:  ks("userId", "HASH", "tenant", "HASH", "status", "RANGE", "statusAt", "RANGE"),
				Projection: &engine.Projection{ProjectionType: engine.ProjectionInclude, NonKeyAttributes: []string{"total"}}},
			{IndexName: "GSI3-new", IndexStatus: engine.StatusCreating, Backfilling: &yes, KeySchema: ks("status", "HASH"),
				Projection: &engine.Projection{ProjectionType: engine.ProjectionAll}},
		},
	}
	info := InfoFromDescription(d)
	if len(info.Indexes) != 4 {
		t.Fatalf("indexes %+v", info.Indexes)
	}
	lsi, gsi, multi, creating := info.Indexes[0], info.Indexes[1], info.Indexes[2], info.Indexes[3]

	if lsi.Name != "LSI1" || lsi.Global || lsi.Kind() != "LSI" || lsi.Projection != "KEYS_ONLY" || lsi.Status != "ACTIVE" ||
		lsi.Hash != (KeyAttr{"PK", "S"}) || lsi.Range != (KeyAttr{"placedAt", "N"}) || lsi.MultiKey() || lsi.Unreadable() != "" {
		t.Errorf("LSI %+v", lsi)
	}
	if got := lsi.KeySchema(); got != "PK | placedAt" {
		t.Errorf("LSI key schema %q", got)
	}

	if gsi.Kind() != "GSI" || gsi.Hash != (KeyAttr{"GSI1PK", "S"}) || gsi.Range.Name != "" || len(gsi.Sort) != 0 ||
		gsi.KeySchema() != "GSI1PK" || gsi.Projection != "ALL" || gsi.Unreadable() != "" {
		t.Errorf("GSI %+v", gsi)
	}

	wantPart := []KeyAttr{{"userId", "S"}, {"tenant", "S"}}
	wantSort := []KeyAttr{{"status", "S"}, {"statusAt", "N"}}
	if !slices.Equal(multi.Partition, wantPart) || !slices.Equal(multi.Sort, wantSort) || !multi.MultiKey() ||
		multi.Hash != wantPart[0] || multi.Range != wantSort[0] || multi.Projection != "INCLUDE" {
		t.Errorf("multi-attribute GSI %+v", multi)
	}
	if got := multi.KeySchema(); got != "userId, tenant | status, statusAt" {
		t.Errorf("multi key schema %q", got)
	}
	if got := multi.KeyNames(); !slices.Equal(got, []string{"userId", "tenant", "status", "statusAt"}) {
		t.Errorf("multi key names %v", got)
	}

	if creating.Status != "CREATING" || !creating.Backfilling || creating.Unreadable() == "" {
		t.Errorf("creating GSI %+v (%q)", creating, creating.Unreadable())
	}
	if ix, ok := info.Index("GSI2-multi"); !ok || ix.Name != "GSI2-multi" {
		t.Errorf("Index lookup: %v %+v", ok, ix)
	}
	if _, ok := info.Index(""); ok {
		t.Error("the table itself is not an index")
	}
	// A table without indexes stays as it was.
	d.LocalSecondaryIndexes, d.GlobalSecondaryIndexes = nil, nil
	if info := InfoFromDescription(d); info.Indexes != nil || info.KeySchema() != "PK S · SK S" {
		t.Errorf("no indexes: %+v", info)
	}
}

package engine

import (
	"encoding/json"
	"fmt"

	"dynalab/engine/attr"
	"dynalab/engine/internal/store"
)

// tableMeta is a table's catalog record, persisted as JSON under its name.
type tableMeta struct {
	Name                 string                `json:"name"`
	ID                   uint32                `json:"id"`
	TableID              string                `json:"tableId"`
	KeySchema            []KeySchemaElement    `json:"keySchema"`
	AttributeDefinitions []AttributeDefinition `json:"attributeDefinitions"`
	BillingMode          string                `json:"billingMode"`
	ReadCapacity         int64                 `json:"rcu,omitempty"`
	WriteCapacity        int64                 `json:"wcu,omitempty"`
	CreatedMillis        int64                 `json:"created"`
	LastIncreaseMillis   int64                 `json:"lastIncrease,omitempty"`
	LastDecreaseMillis   int64                 `json:"lastDecrease,omitempty"`
	DecreasesToday       int64                 `json:"decreasesToday,omitempty"`
	DecreaseDay          string                `json:"decreaseDay,omitempty"`
	PayPerRequestMillis  int64                 `json:"payPerRequestSince,omitempty"`
	DeletionProtection   bool                  `json:"deletionProtection,omitempty"`
	TableClass           string                `json:"tableClass,omitempty"`
	Stream               *tableStream          `json:"stream,omitempty"`  // latest stream, if any (stream.go)
	TTL                  *tableTTL             `json:"ttl,omitempty"`     // TTL setting, if ever set (ttl.go)
	Indexes              []indexMeta           `json:"indexes,omitempty"` // LSIs and GSIs, in creation order (index.go)

	// Control-plane settings of issue #11.
	Tags     []storedTag         `json:"tags,omitempty"`     // in the order first set (tags.go)
	OnDemand *OnDemandThroughput `json:"onDemand,omitempty"` // on-demand maxima, if ever set (on_demand.go)
	Policy   *resourcePolicy     `json:"policy,omitempty"`   // resource-based policy (resource_policy.go)
	PITR     *tablePITR          `json:"pitr,omitempty"`     // point-in-time recovery (pitr.go)
	Replicas []string            `json:"replicas,omitempty"` // regions of its global table (replica.go)
}

// table is a catalog entry with what the data plane derives from it.
type table struct {
	meta      tableMeta
	arn       string
	hashName  string
	hashType  attr.Type
	rangeName string // "" for a hash-only table
	rangeType attr.Type
	prefix    []byte // store.ItemPrefix(meta.ID)
	db        *DB    // for change capture; nil in storage benchmarks
	meter     *tableMeter
	indexes   []*index // LSIs and GSIs, as in meta.Indexes
}

func newTable(m tableMeta, region, account string) *table {
	t := &table{meta: m, prefix: store.ItemPrefix(m.ID)}
	t.arn = fmt.Sprintf("arn:aws:dynamodb:%s:%s:table/%s", region, account, m.Name)
	types := attrTypes(m.AttributeDefinitions)
	for _, k := range m.KeySchema {
		switch k.KeyType {
		case KeyTypeHash:
			t.hashName, t.hashType = k.AttributeName, types[k.AttributeName]
		case KeyTypeRange:
			t.rangeName, t.rangeType = k.AttributeName, types[k.AttributeName]
		}
	}
	for _, im := range m.Indexes {
		t.indexes = append(t.indexes, newIndex(im, t.arn, types))
	}
	return t
}

func (t *table) encodeMeta() (string, error) {
	data, err := json.Marshal(t.meta)
	if err != nil {
		return "", fmt.Errorf("encode catalog record of %s: %w", t.meta.Name, err)
	}
	return string(data), nil
}

// keyNames returns the table's key attribute names, hash first.
func (t *table) keyNames() []string {
	if t.rangeName == "" {
		return []string{t.hashName}
	}
	return []string{t.hashName, t.rangeName}
}

// isKeyAttr reports whether name is one of the table's key attributes.
func (t *table) isKeyAttr(name string) bool {
	return name == t.hashName || (t.rangeName != "" && name == t.rangeName)
}

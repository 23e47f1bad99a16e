package engine

import (
	"time"

	"dynalab/engine/attr"
)

// Shapes shared by several operations. Field names and JSON names are the
// service's; optional members are omitted when empty, as the service does.

// KeySchemaElement is one element of a key schema.
type KeySchemaElement struct {
	AttributeName string `json:"AttributeName"`
	KeyType       string `json:"KeyType"` // HASH or RANGE
}

// AttributeDefinition declares the type of a key attribute.
type AttributeDefinition struct {
	AttributeName string `json:"AttributeName"`
	AttributeType string `json:"AttributeType"` // S, N or B
}

// ProvisionedThroughput is the requested read and write capacity.
type ProvisionedThroughput struct {
	ReadCapacityUnits  *int64 `json:"ReadCapacityUnits,omitempty"`
	WriteCapacityUnits *int64 `json:"WriteCapacityUnits,omitempty"`
}

// ProvisionedThroughputDescription is the capacity a table has.
type ProvisionedThroughputDescription struct {
	LastDecreaseDateTime   *float64 `json:"LastDecreaseDateTime,omitempty"`
	LastIncreaseDateTime   *float64 `json:"LastIncreaseDateTime,omitempty"`
	NumberOfDecreasesToday int64    `json:"NumberOfDecreasesToday"`
	ReadCapacityUnits      int64    `json:"ReadCapacityUnits"`
	WriteCapacityUnits     int64    `json:"WriteCapacityUnits"`
}

// BillingModeSummary says how a table is billed.
type BillingModeSummary struct {
	BillingMode                       string   `json:"BillingMode"`
	LastUpdateToPayPerRequestDateTime *float64 `json:"LastUpdateToPayPerRequestDateTime,omitempty"`
}

// TableClassSummary says which table class a table uses.
type TableClassSummary struct {
	TableClass string `json:"TableClass"`
}

// TableDescription is what DescribeTable and the other control-plane
// operations report about a table.
type TableDescription struct {
	AttributeDefinitions      []AttributeDefinition             `json:"AttributeDefinitions,omitempty"`
	BillingModeSummary        *BillingModeSummary               `json:"BillingModeSummary,omitempty"`
	CreationDateTime          float64                           `json:"CreationDateTime,omitempty"`
	DeletionProtectionEnabled bool                              `json:"DeletionProtectionEnabled"`
	GlobalSecondaryIndexes    []GlobalSecondaryIndexDescription `json:"GlobalSecondaryIndexes,omitempty"`
	GlobalTableVersion        string                            `json:"GlobalTableVersion,omitempty"`
	ItemCount                 int64                             `json:"ItemCount"`
	KeySchema                 []KeySchemaElement                `json:"KeySchema,omitempty"`
	LatestStreamArn           string                            `json:"LatestStreamArn,omitempty"`
	LatestStreamLabel         string                            `json:"LatestStreamLabel,omitempty"`
	LocalSecondaryIndexes     []LocalSecondaryIndexDescription  `json:"LocalSecondaryIndexes,omitempty"`
	OnDemandThroughput        *OnDemandThroughput               `json:"OnDemandThroughput,omitempty"`
	ProvisionedThroughput     *ProvisionedThroughputDescription `json:"ProvisionedThroughput,omitempty"`
	Replicas                  []ReplicaDescription              `json:"Replicas,omitempty"`
	StreamSpecification       *StreamSpecification              `json:"StreamSpecification,omitempty"`
	TableArn                  string                            `json:"TableArn"`
	TableClassSummary         *TableClassSummary                `json:"TableClassSummary,omitempty"`
	TableId                   string                            `json:"TableId"`
	TableName                 string                            `json:"TableName"`
	TableSizeBytes            int64                             `json:"TableSizeBytes"`
	TableStatus               string                            `json:"TableStatus"`
}

// Capacity is a number of capacity units, split by kind.
type Capacity struct {
	CapacityUnits      float64 `json:"CapacityUnits"`
	ReadCapacityUnits  float64 `json:"ReadCapacityUnits,omitempty"`
	WriteCapacityUnits float64 `json:"WriteCapacityUnits,omitempty"`
}

// ConsumedCapacity reports what an operation consumed.
type ConsumedCapacity struct {
	TableName              string              `json:"TableName"`
	CapacityUnits          float64             `json:"CapacityUnits"`
	ReadCapacityUnits      float64             `json:"ReadCapacityUnits,omitempty"`
	WriteCapacityUnits     float64             `json:"WriteCapacityUnits,omitempty"`
	Table                  *Capacity           `json:"Table,omitempty"`
	GlobalSecondaryIndexes map[string]Capacity `json:"GlobalSecondaryIndexes,omitempty"`
	LocalSecondaryIndexes  map[string]Capacity `json:"LocalSecondaryIndexes,omitempty"`
}

// Values of enumerations used across operations.
const (
	BillingProvisioned   = "PROVISIONED"
	BillingPayPerRequest = "PAY_PER_REQUEST"

	StatusActive   = "ACTIVE"
	StatusCreating = "CREATING"
	StatusDeleting = "DELETING"
	StatusUpdating = "UPDATING"

	KeyTypeHash  = "HASH"
	KeyTypeRange = "RANGE"

	ReturnNone       = "NONE"
	ReturnAllOld     = "ALL_OLD"
	ReturnUpdatedOld = "UPDATED_OLD"
	ReturnAllNew     = "ALL_NEW"
	ReturnUpdatedNew = "UPDATED_NEW"

	CapacityNone    = "NONE"
	CapacityTotal   = "TOTAL"
	CapacityIndexes = "INDEXES"
)

// epochSeconds renders a time as the wire's fractional epoch seconds.
func epochSeconds(t time.Time) float64 {
	return float64(t.UnixMilli()) / 1000
}

// Key is an item's primary key.
type Key = attr.Item

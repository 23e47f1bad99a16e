package engine

import "context"

// DescribeLimitsInput is the DescribeLimits request (no members).
type DescribeLimitsInput struct{}

// DescribeLimitsOutput is the DescribeLimits response.
type DescribeLimitsOutput struct {
	AccountMaxReadCapacityUnits  int64 `json:"AccountMaxReadCapacityUnits"`
	AccountMaxWriteCapacityUnits int64 `json:"AccountMaxWriteCapacityUnits"`
	TableMaxReadCapacityUnits    int64 `json:"TableMaxReadCapacityUnits"`
	TableMaxWriteCapacityUnits   int64 `json:"TableMaxWriteCapacityUnits"`
}

// The service's default throughput quotas per Region (ServiceQuotas.md:
// 80,000 RCU/WCU per account, 40,000 per table).
const (
	accountMaxCapacity = 80000
	tableMaxCapacity   = 40000
)

// DescribeLimits returns the throughput quotas: the service's defaults.
func (db *DB) DescribeLimits(ctx context.Context, in *DescribeLimitsInput) (*DescribeLimitsOutput, error) {
	return &DescribeLimitsOutput{
		AccountMaxReadCapacityUnits:  accountMaxCapacity,
		AccountMaxWriteCapacityUnits: accountMaxCapacity,
		TableMaxReadCapacityUnits:    tableMaxCapacity,
		TableMaxWriteCapacityUnits:   tableMaxCapacity,
	}, nil
}

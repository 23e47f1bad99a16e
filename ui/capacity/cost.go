package capacity

import "dynalab/engine/pricing"

// Pricing is what capacity costs: an engine/pricing price table. The pane
// counts reads and writes only; storage, backups and streams are not
// counted.
type Pricing struct {
	pricing.Table
}

// DefaultPricing is us-east-1's Standard table class (on-demand prices
// after the November 2024 reduction): pricing.Default.
var DefaultPricing = Pricing{pricing.Default()}

// Monthly estimates a month's cost (AWS bills 730 hours a month): for
// provisioned capacity, what is provisioned, all month; on demand, the
// average consumption per second over the window, all month.
func (p Pricing) Monthly(onDemand bool, provRCU, provWCU, avgRCU, avgWCU float64) float64 {
	if onDemand {
		return p.OnDemandMonthly(avgRCU, avgWCU)
	}
	return p.ProvisionedMonthly(provRCU, provWCU)
}

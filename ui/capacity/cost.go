package capacity

// Pricing is what capacity costs. The defaults are the AWS list prices
// for the Standard table class in us-east-1 (on-demand prices after the
// November 2024 reduction); storage, backups and streams are not counted.
type Pricing struct {
	ReadRequestPerMillion  float64 // on demand: dollars per million read request units
	WriteRequestPerMillion float64 // on demand: dollars per million write request units
	RCUHour                float64 // provisioned: dollars per RCU-hour
	WCUHour                float64 // provisioned: dollars per WCU-hour
}

// DefaultPricing is us-east-1's Standard table class.
var DefaultPricing = Pricing{
	ReadRequestPerMillion:  0.125,
	WriteRequestPerMillion: 0.625,
	RCUHour:                0.00013,
	WCUHour:                0.00065,
}

// Hours and seconds in the month the estimate is for (AWS bills 730
// hours a month).
const (
	monthHours   = 730
	monthSeconds = monthHours * 3600
)

// Monthly estimates a month's cost: for provisioned capacity, what is
// provisioned, all month; on demand, the average consumption per second
// over the window, all month.
func (p Pricing) Monthly(onDemand bool, provRCU, provWCU, avgRCU, avgWCU float64) float64 {
	if onDemand {
		return (avgRCU*p.ReadRequestPerMillion + avgWCU*p.WriteRequestPerMillion) * monthSeconds / 1e6
	}
	return (provRCU*p.RCUHour + provWCU*p.WCUHour) * monthHours
}

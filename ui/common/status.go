package common

// Status is what the status bar shows about the focused pane: the last
// operation, where it ran, what it returned, and whether more exists.
type Status struct {
	Operation string // GetItem, Query, Scan, PutItem, PartiQL, ... ("" when none yet)
	Table     string // the table operated on
	Index     string // the index, "" for the table itself

	HasCounts bool // Shown and Scanned are meaningful
	Shown     int  // items shown (after any filter)
	Scanned   int  // items the service examined

	Page int  // pages loaded so far (0: not paged)
	More bool // more pages exist

	HasCapacity bool    // Capacity is meaningful
	Capacity    float64 // capacity units the last operation consumed

	// Note qualifies what is shown, e.g. "filter over 300 loaded rows".
	Note string
	// Running describes work in progress ("Scanning… 4,500 items").
	Running string
}

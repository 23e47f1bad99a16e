package ui

import (
	"dynalab/engine"
)

// ThrottleFeed returns a feed of the engine's first-throttle notices for
// Options.Notices and the callback that fills it, for engine.DB.OnThrottle:
// the activity pane lists each as an entry from "Capacity" whose line
// names the table, its units and --no-throttle. The callback never
// blocks: past buffer waiting notices, further ones are dropped.
func ThrottleFeed(buffer int) (<-chan AuthEvent, func(engine.ThrottleNotice)) {
	ch := make(chan AuthEvent, buffer)
	return ch, func(n engine.ThrottleNotice) {
		target := n.Table
		if n.Index != "" {
			target += "/" + n.Index
		}
		select {
		case ch <- AuthEvent{Time: n.Time, Source: "Capacity", Operation: "Throttled", Target: target, Summary: n.String()}:
		default:
		}
	}
}

package ui

import (
	"time"

	"dynalab/engine/auth"
	"dynalab/ui/common"
)

// AuthEvent is one authorization decision of the workbench's served
// endpoint, as the Activity pane lists it: source "Auth", the operation
// and table, who was allowed or denied by which statement, and on the
// detail view (enter) the full explanation with every statement's trace.
type AuthEvent = common.Activity

// AuthFeed returns a feed of authorization decisions for Options.Auth and
// the callback that fills it, for auth.Config.OnResult. The callback
// never blocks: when the pane falls more than buffer decisions behind,
// further ones are dropped. Requests without a body, which the server
// refuses before any operation, are not reported.
func AuthFeed(buffer int) (<-chan AuthEvent, func(*auth.Result)) {
	ch := make(chan AuthEvent, buffer)
	return ch, func(r *auth.Result) {
		if r.Allowed() && len(r.Decisions) == 0 {
			return
		}
		select {
		case ch <- AuthActivity(r, time.Now()):
		default:
		}
	}
}

// AuthActivity describes one decision as an Activity entry at now.
func AuthActivity(r *auth.Result, now time.Time) AuthEvent {
	a := AuthEvent{Time: now, Source: "Auth", Operation: r.Operation(), Target: r.Resource()}
	if r.Allowed() {
		a.Summary = r.Summary()
		for _, l := range r.Explanation() {
			a.Summary += "\n" + l
		}
		return a
	}
	f := common.NewFailure(a.Operation, a.Target, r.Err, now)
	f.Detail = append([]string{"", r.Summary()}, r.Explanation()...)
	a.Failure = f
	return a
}

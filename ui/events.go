package ui

import (
	"dynalab/sessions"
	"dynalab/ui/browser"
	"dynalab/ui/capacity"
	"dynalab/ui/common"
	"dynalab/ui/streams"
)

// The workbench's live feeds come from its Backend (sessions.Backend's
// Subscribe); these adapt them to the panes' own types.

// CheckpointFunc says where an import from the browser into table from
// input (an absolute path) keeps its checkpoint, and the command line
// that resumes it.
type CheckpointFunc = browser.CheckpointFunc

// Pricing is what the capacity pane's cost estimate charges.
type Pricing = capacity.Pricing

// changeEvents adapts a backend's changes to the streams pane's events;
// nil stays nil (no feed). The channel closes when src does.
func changeEvents(src <-chan sessions.Change) <-chan streams.Event {
	if src == nil {
		return nil
	}
	out := make(chan streams.Event, cap(src))
	go func() {
		defer close(out)
		for c := range src {
			if st := c.Status; st != nil {
				out <- streams.Event{Feed: &streams.FeedStatus{Source: st.Endpoint,
					Streamed: st.Streamed, NoStream: st.NoStream, Err: st.Err, Unsupported: st.Unsupported}}
				continue
			}
			out <- streams.Event{Seq: c.Seq, Time: c.Time, Table: c.Table, Kind: streams.Kind(c.Kind),
				Keys: c.Keys, OldImage: c.OldImage, NewImage: c.NewImage, TTL: c.TTL, Dropped: c.Dropped}
		}
	}()
	return out
}

// capacitySamples adapts a backend's capacity samples to the capacity
// pane's; nil stays nil.
func capacitySamples(src <-chan sessions.CapacitySample) <-chan capacity.Sample {
	if src == nil {
		return nil
	}
	out := make(chan capacity.Sample, cap(src))
	go func() {
		defer close(out)
		for s := range src {
			hot := make([]capacity.HotKey, len(s.HotKeys))
			for i, h := range s.HotKeys {
				hot[i] = capacity.HotKey{Key: h.Key, Units: h.Units}
			}
			out <- capacity.Sample{Time: s.Time, Table: s.Table, Index: s.Index,
				ConsumedRCU: s.ConsumedRCU, ConsumedWCU: s.ConsumedWCU,
				ProvisionedRCU: s.ProvisionedRCU, ProvisionedWCU: s.ProvisionedWCU, OnDemand: s.OnDemand,
				ThrottledReads: s.ThrottledReads, ThrottledWrites: s.ThrottledWrites, HotKeys: hot}
		}
	}()
	return capacity.Quiet(out)
}

// activities adapts a backend's events to the Activity pane's entries: a
// refused or failed one carries its explanation as a failure's detail.
func activities(src <-chan sessions.Event) <-chan common.Activity {
	if src == nil {
		return nil
	}
	out := make(chan common.Activity, cap(src))
	go func() {
		defer close(out)
		for ev := range src {
			out <- activityOf(ev)
		}
	}()
	return out
}

func activityOf(ev sessions.Event) common.Activity {
	a := common.Activity{Time: ev.Time, Source: ev.Source, Operation: ev.Operation, Target: ev.Target, Summary: ev.Summary}
	if ev.Err == nil {
		for _, l := range ev.Detail {
			a.Summary += "\n" + l
		}
		return a
	}
	f := common.NewFailure(ev.Operation, ev.Target, ev.Err, ev.Time)
	f.Detail = append([]string{"", ev.Summary}, ev.Detail...)
	a.Failure = f
	return a
}

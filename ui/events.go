package ui

import (
	"context"

	"dynalab/engine"
	"dynalab/sessions"
	"dynalab/ui/browser"
	"dynalab/ui/capacity"
	"dynalab/ui/streams"
)

// ChangeEvent is one committed change for the streams pane; the engine's
// change feed adapts its stream records to it.
type ChangeEvent = streams.Event

// ChangeKind is what a change did: ChangeInsert, ChangeModify or
// ChangeRemove.
type ChangeKind = streams.Kind

// The kinds of change.
const (
	ChangeInsert = streams.Insert
	ChangeModify = streams.Modify
	ChangeRemove = streams.Remove
)

// CapacitySample is one second of one table's (or index's) capacity for
// the capacity pane; the engine's metering adapts its samples to it.
type CapacitySample = capacity.Sample

// HotKey is a partition key's share of a second's traffic.
type HotKey = capacity.HotKey

// Pricing is what the capacity pane's cost estimate charges.
type Pricing = capacity.Pricing

// ParseChangeKind returns the ChangeKind of a stream record's eventName
// ("INSERT", "MODIFY", "REMOVE"), or 0.
func ParseChangeKind(eventName string) ChangeKind { return streams.ParseKind(eventName) }

// ChangesFromEngine adapts an engine change subscription (engine.DB's
// Subscribe) to the streams pane's events. The returned channel closes
// when src does (the subscription's cancel, or the database closing).
func ChangesFromEngine(src <-chan engine.ChangeEvent) <-chan ChangeEvent {
	out := make(chan ChangeEvent, cap(src))
	go func() {
		defer close(out)
		for ev := range src {
			out <- ChangeEvent{
				Seq: ev.SequenceNumber, Time: ev.Time, Table: ev.Table, Kind: streams.ParseKind(ev.EventName),
				Keys: ev.Keys, OldImage: ev.OldImage, NewImage: ev.NewImage, TTL: ev.TTL, Dropped: ev.Dropped,
			}
		}
	}()
	return out
}

// CheckpointFunc says where an import from the browser into table from
// input (an absolute path) keeps its checkpoint, and the command line
// that resumes it.
type CheckpointFunc = browser.CheckpointFunc

// FeedStatus is what a change feed that tails streams covers (a remote
// session's), for the streams pane.
type FeedStatus = streams.FeedStatus

// ChangesFromRemote starts the change feed of a remote session — its
// tables' streams, polled through the DynamoDB Streams API
// (sessions.Remote.Changes) — adapted to the streams pane's events. It
// returns nil for a backend that is not a *sessions.Remote. The feed stops
// when ctx ends or the backend is closed.
func ChangesFromRemote(ctx context.Context, b sessions.Backend) <-chan ChangeEvent {
	r, ok := b.(*sessions.Remote)
	if !ok {
		return nil
	}
	return ChangesFromStreams(r.Changes(ctx, sessions.ChangeOptions{}))
}

// ChangesFromStreams adapts a remote change feed (sessions.Remote's
// Changes) to the streams pane's events. The returned channel closes when
// src does.
func ChangesFromStreams(src <-chan sessions.StreamChange) <-chan ChangeEvent {
	out := make(chan ChangeEvent, cap(src))
	go func() {
		defer close(out)
		for c := range src {
			if st := c.Status; st != nil {
				out <- ChangeEvent{Feed: &FeedStatus{Source: st.Endpoint,
					Streamed: st.Streamed, NoStream: st.NoStream, Err: st.Err, Unsupported: st.Unsupported}}
				continue
			}
			rec := &c.Record
			ttl := rec.UserIdentity != nil && rec.UserIdentity.PrincipalId == "dynamodb.amazonaws.com"
			out <- ChangeEvent{
				Seq: rec.Dynamodb.SequenceNumber, Time: sessions.RecordTime(rec), Table: c.Table,
				Kind: streams.ParseKind(rec.EventName), Keys: rec.Dynamodb.Keys,
				OldImage: rec.Dynamodb.OldImage, NewImage: rec.Dynamodb.NewImage, TTL: ttl,
			}
		}
	}()
	return out
}

// CapacityFromEngine adapts an engine capacity subscription (engine.DB's
// SubscribeCapacity) to the capacity pane's samples. The returned channel
// closes when src does.
func CapacityFromEngine(src <-chan engine.CapacitySample) <-chan CapacitySample {
	out := make(chan CapacitySample, cap(src))
	go func() {
		defer close(out)
		for s := range src {
			hot := make([]HotKey, len(s.HotKeys))
			for i, h := range s.HotKeys {
				hot[i] = HotKey{Key: h.Key, Units: h.ReadUnits + h.WriteUnits}
			}
			out <- CapacitySample{
				Time: s.Time, Table: s.Table, Index: s.Index,
				ConsumedRCU: s.ConsumedRCU, ConsumedWCU: s.ConsumedWCU,
				ProvisionedRCU: s.ProvisionedRCU, ProvisionedWCU: s.ProvisionedWCU, OnDemand: s.OnDemand,
				ThrottledReads: s.ThrottledReads, ThrottledWrites: s.ThrottledWrites,
				HotKeys: hot,
			}
		}
	}()
	return out
}

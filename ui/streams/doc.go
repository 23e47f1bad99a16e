// Package streams is the workbench's change-feed pane: a live tail of
// committed changes across tables (or one table), INSERT, MODIFY and
// REMOVE colored, deletions by TTL marked as service deletions, MODIFY
// shown as a typed old → new diff, with pause/resume and a filter.
//
// The pane reads Events from a channel with a re-armed channel-read
// command (each read drains what is waiting, so a burst costs one frame).
// The root adapts the session's change feed (sessions.Backend's
// Subscribe: a local engine's every change, or a remote session's tables'
// streams, polled through the DynamoDB Streams API) to Event; a remote
// feed also sends FeedStatus events
// (which tables have no stream, whether polling fails), which the pane
// shows instead of counting them. A session without a feed gives no
// channel, and the pane says so on screen.
package streams

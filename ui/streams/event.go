package streams

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"dynalab/engine/attr"
)

// Kind is what a change did to an item.
type Kind uint8

// The kinds of change, as DynamoDB Streams names them.
const (
	Insert Kind = iota + 1 // a new item
	Modify                 // an existing item changed
	Remove                 // an item was deleted
)

// String returns the stream record's eventName: INSERT, MODIFY, REMOVE.
func (k Kind) String() string {
	switch k {
	case Insert:
		return "INSERT"
	case Modify:
		return "MODIFY"
	case Remove:
		return "REMOVE"
	}
	return "?"
}

// Event is one committed change, as the engine's change feed reports it
// (engine.ChangeEvent carries the same facts, its EventName as a string).
type Event struct {
	Seq      string    // the stream record's sequence number; "" when the table has no stream
	Time     time.Time // when the change was committed
	Table    string
	Kind     Kind
	Keys     attr.Item // the item's key attributes
	OldImage attr.Item // the item before (MODIFY, REMOVE), when the stream keeps it
	NewImage attr.Item // the item after (INSERT, MODIFY), when the stream keeps it
	// TTL marks a deletion made by the TTL sweeper: the service's own
	// deletion (userIdentity dynamodb.amazonaws.com), not a client's.
	TTL bool
	// Dropped counts the changes the feed lost just before this one
	// because the reader fell behind.
	Dropped int
	// Feed, when set, makes this no change but news about the feed
	// itself: which tables it covers, whether it is failing.
	Feed *FeedStatus
}

// FeedStatus is what a feed that tails tables' streams (a remote
// session's, through the DynamoDB Streams API) covers. The engine's own
// feed covers every table and sends none.
type FeedStatus struct {
	Source   string   // where the changes come from (the Streams API endpoint)
	Streamed []string // tables whose changes are tailed
	NoStream []string // tables without a stream: their changes cannot be seen
	// Err is why the feed's last poll failed; it keeps retrying. nil
	// once a poll succeeds.
	Err error
	// Unsupported: the endpoint has no Streams API; the feed has stopped.
	Unsupported bool
}

// ParseKind returns the Kind of a stream record's eventName, or 0.
func ParseKind(eventName string) Kind {
	switch eventName {
	case "INSERT":
		return Insert
	case "MODIFY":
		return Modify
	case "REMOVE":
		return Remove
	}
	return 0
}

// eventsMsg carries the events read from the feed in one go.
type eventsMsg struct {
	feed   <-chan Event
	events []Event
	closed bool
}

// maxBatch bounds the events one read takes, so that a flood still
// yields to keys between frames.
const maxBatch = 512

// Listen returns the re-armed read of the feed: it waits for one event,
// then takes whatever else is already waiting.
func Listen(feed <-chan Event) tea.Cmd {
	if feed == nil {
		return nil
	}
	return func() tea.Msg {
		ev, ok := <-feed
		if !ok {
			return eventsMsg{feed: feed, closed: true}
		}
		batch := []Event{ev}
		for len(batch) < maxBatch {
			select {
			case ev, ok := <-feed:
				if !ok {
					return eventsMsg{feed: feed, events: batch, closed: true}
				}
				batch = append(batch, ev)
			default:
				return eventsMsg{feed: feed, events: batch}
			}
		}
		return eventsMsg{feed: feed, events: batch}
	}
}

package store

// Counters, read for the engine's invariant checker: each must be at
// least every id or sequence number it handed out that is still stored.

// TableSeq returns the last table (and index) id handed out, 0 if none.
func (t *Tx) TableSeq() (uint64, error) { return t.counter(keySeq) }

// StreamIDSeq returns the last stream id handed out, 0 if none.
func (t *Tx) StreamIDSeq() (uint64, error) { return t.counter(keyStreamID) }

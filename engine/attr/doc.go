// Package attr implements DynamoDB attribute values: the ten types (S, N, B,
// SS, NS, BS, M, L, NULL, BOOL), their exact DynamoDB JSON codec, the item
// size rules behind the 400 KB limit and capacity units, and the comparison
// rules used by keys, conditions and filters.
//
// Numbers are kept as canonical decimal text (38 significant digits at most,
// never float64); arithmetic uses github.com/cockroachdb/apd/v3 and is exact.
// Values are immutable once built: constructors validate, accessors never
// hand out storage a caller could change behind the value's back, except
// where documented (List, Map and Members return the backing slices and maps,
// which callers must treat as read-only).
package attr

package engine

import (
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"strings"
	"time"
)

// Shard iterators. An iterator is "<stream ARN>|1|<token>" like the
// service's; the token (base64url) holds the stream id, the shard index,
// the position — the sequence number of the last record the reader has
// passed, so the next record has a larger one — and the time the iterator
// was issued, with a CRC-32 so that a mangled iterator is refused rather
// than misread. Clients must treat iterators as opaque; they are not
// secret and not signed.

// iteratorVersion is the middle field of an iterator.
const iteratorVersion = "1"

// shardIterator is a decoded iterator.
type shardIterator struct {
	sid, idx uint32
	pos      uint64 // records with larger sequence numbers come next
	issued   int64  // epoch milliseconds
}

func (it shardIterator) encode(arn string) string {
	b := make([]byte, 0, 28)
	b = binary.BigEndian.AppendUint32(b, it.sid)
	b = binary.BigEndian.AppendUint32(b, it.idx)
	b = binary.BigEndian.AppendUint64(b, it.pos)
	b = binary.BigEndian.AppendUint64(b, uint64(it.issued))
	b = binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
	return arn + "|" + iteratorVersion + "|" + base64.RawURLEncoding.EncodeToString(b)
}

// decodeIterator reads an iterator; ok is false for anything this engine
// did not issue. The ARN part is returned for the caller to check against
// the stream the token names.
func decodeIterator(s string) (it shardIterator, arn string, ok bool) {
	i := strings.LastIndexByte(s, '|')
	if i < 0 {
		return it, "", false
	}
	head, token := s[:i], s[i+1:]
	arn, ok = strings.CutSuffix(head, "|"+iteratorVersion)
	if !ok {
		return it, "", false
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) != 28 || crc32.ChecksumIEEE(b[:24]) != binary.BigEndian.Uint32(b[24:]) {
		return it, "", false
	}
	it.sid = binary.BigEndian.Uint32(b)
	it.idx = binary.BigEndian.Uint32(b[4:])
	it.pos = binary.BigEndian.Uint64(b[8:])
	it.issued = int64(binary.BigEndian.Uint64(b[16:]))
	return it, arn, true
}

// expired reports whether the iterator is older than IteratorLifetime.
func (it shardIterator) expired(now time.Time) bool {
	return now.Sub(time.UnixMilli(it.issued)) > IteratorLifetime
}

// errExpiredIterator is the ExpiredIteratorException for an iterator
// issued at issued, seen at now (the wording of the service's Kinesis-based
// message).
func errExpiredIterator(issued int64, now time.Time) *APIError {
	const layout = "Mon Jan 02 15:04:05 UTC 2006"
	return &APIError{Code: CodeExpiredIterator, Message: "Iterator expired. The iterator was created at time " +
		time.UnixMilli(issued).UTC().Format(layout) + " while right now it is " + now.UTC().Format(layout) +
		" which is further in the future than the tolerated delay of 900000 milliseconds."}
}

// errTrimmed is the TrimmedDataAccessException for a shard ("" when the
// whole shard is gone).
func errTrimmed(shard string) *APIError {
	what := "The requested data in shard " + shard + " has been trimmed"
	if shard == "" {
		what = "The requested shard has been trimmed"
	}
	return &APIError{Code: CodeTrimmedDataAccess, Message: what +
		": it is older than the stream's 24-hour retention. Get a TRIM_HORIZON iterator to read what remains."}
}

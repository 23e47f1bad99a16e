package store

// Telling a torn end from damage. A crash or power loss can only tear the
// transaction being appended: whatever follows the last transaction that
// checks out is then incomplete, and cutting it off loses nothing that
// was ever complete in the file. A changed byte in an earlier transaction
// (a bad disk, a stray write, an editor) looks the same to a forward scan,
// which stops at the first transaction that does not check out; but then
// complete, checksummed transactions follow it. Cutting there would
// quietly drop every one of them, so such a file is refused instead
// (CorruptError) and left untouched until Repair is asked to cut it.
//
// To find what follows the damage the scan cannot be trusted to resync
// (a changed length field misframes everything after it), so the bytes
// after the last good transaction are searched for commit records
// directly. A commit record's fixed prefix is 30 bytes; one damaged byte
// leaves one of its halves intact, so records are found by either half
// and accepted with at most one byte differing. A record after the first
// counts as a committed transaction when its checksum matches the bytes
// since the record before it: a transaction that was completely written.

import (
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"slices"
	"strconv"
)

// ErrCorrupt is returned (wrapped in a *CorruptError) by Open for a file
// damaged before its last transaction.
var ErrCorrupt = errors.New("database file is corrupt")

// CorruptError describes a database file damaged before its end.
type CorruptError struct {
	Path   string
	Offset int64 // where the first transaction that does not check out begins
	After  int   // complete, checksummed transactions found after the damage
	Reason string
}

func (e *CorruptError) Error() string {
	where := fmt.Sprintf("the transaction at byte offset %d does not check out", e.Offset)
	if e.Offset == 0 {
		where = "its header (byte offset 0) is damaged"
	}
	return fmt.Sprintf("database file %s is corrupt: %s (%s), and %d committed transaction%s follow%s the damage; the file was not changed. Run: dynalab repair %s",
		e.Path, where, e.Reason, e.After, plural(e.After), verbS(e.After), e.Path)
}

// Unwrap makes a CorruptError an ErrCorrupt.
func (e *CorruptError) Unwrap() error { return ErrCorrupt }

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func verbS(n int) string {
	if n == 1 {
		return "s"
	}
	return ""
}

// commitPrefix begins every commit record; its value follows.
var commitPrefix = []byte("*3\r\n$3\r\nset\r\n$8\r\nm/commit\r\n$")

// commitMark is a record found in the damaged part of a file.
type commitMark struct {
	start int    // offset in the searched bytes
	ends  []int  // where the record may end: one, or several if it is damaged
	seq   uint64 // meaningful when ok
	crc   uint32
	ok    bool // the value parsed as "<seq> <crc>"
}

// end is the record's most likely end.
func (m commitMark) end() int { return m.ends[0] }

// findCommits returns the commit records in b, in order, tolerating one
// damaged byte in each.
func findCommits(b []byte) []commitMark {
	half := len(commitPrefix) / 2
	var starts []int
	for _, part := range [2]struct {
		pat   []byte
		shift int
	}{{commitPrefix[:half], 0}, {commitPrefix[half:], half}} {
		for i := 0; ; {
			j := bytes.Index(b[i:], part.pat)
			if j < 0 {
				break
			}
			if s := i + j - part.shift; s >= 0 && s+len(commitPrefix) <= len(b) && hamming(b[s:s+len(commitPrefix)], commitPrefix) <= 1 {
				starts = append(starts, s)
			}
			i += j + 1
		}
	}
	slices.Sort(starts) // both halves of an intact record match
	var marks []commitMark
	for _, s := range starts {
		if len(marks) > 0 && s < marks[len(marks)-1].end() {
			continue
		}
		marks = append(marks, readCommitMark(b, s))
	}
	return marks
}

// readCommitMark reads the record whose prefix begins at s: "<len>\r\n
// <seq> <crc>\r\n" follows. Where that is damaged, the record may end
// where its length says, or after one of the next line ends.
func readCommitMark(b []byte, s int) commitMark {
	m := commitMark{start: s}
	from := s + len(commitPrefix)
	rest := b[from:min(len(b), from+48)]
	if n, v, ok := bytes.Cut(rest, []byte("\r\n")); ok && len(n) <= 2 {
		if l, err := strconv.Atoi(string(n)); err == nil && l >= 0 && l+2 <= len(v) {
			if string(v[l:l+2]) == "\r\n" {
				m.seq, m.crc, m.ok = parseCommit(v[:l])
			}
			m.ends = append(m.ends, from+len(n)+2+l+2)
		}
	}
	// A damaged byte can make or unmake a line end in the length or the
	// value: the record ends after one of the first three.
	for i, k := 0, 0; k < 3; k++ {
		j := bytes.IndexByte(rest[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		m.ends = append(m.ends, from+i)
	}
	if len(m.ends) == 0 {
		m.ends = append(m.ends, from+len(rest))
	}
	return m
}

func hamming(a, b []byte) int {
	d := 0
	for i := range a {
		if a[i] != b[i] {
			d++
		}
	}
	return d
}

// damage is what follows the last good transaction of a file.
type damage struct {
	marks     []commitMark
	verified  []bool // marks[i] checks out against the bytes before it
	committed int    // how many do
}

// inspect classifies rest, the bytes after the last good transaction. The
// first record there belongs to the transaction the scan stopped at; it
// checks out only when its sequence number is what is wrong, which no
// torn write produces.
func inspect(rest []byte) damage {
	d := damage{marks: findCommits(rest)}
	d.verified = make([]bool, len(d.marks))
	froms := []int{0}
	for i, m := range d.marks {
		for _, from := range froms {
			if m.ok && from <= m.start && crc32.Checksum(rest[from:m.start], castagnoli) == m.crc {
				d.verified[i] = true
				d.committed++
				break
			}
		}
		froms = m.ends
	}
	return d
}

// continues reports whether the first two records found are consecutive
// transactions that check out.
func (d damage) continues() bool {
	return len(d.marks) >= 2 && d.verified[0] && d.verified[1] && d.marks[1].seq == d.marks[0].seq+1
}

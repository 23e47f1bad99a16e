package transfer

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"dynalab/engine/attr"
)

// DefaultMaxLineBytes bounds one input line (a CSV record: all its lines).
// No item can need that much text: items are at most 400 KB, and even
// escaped or base64-encoded they stay far below it.
const DefaultMaxLineBytes = 4 << 20

// record is one input line, or one CSV record spanning several lines.
type record struct {
	text    []byte // without the line ending; valid until the next read
	line    int64  // 1-based number of its first line
	lines   int64  // physical lines it spans
	start   int64  // byte offset of its first byte (in the decompressed input)
	end     int64  // byte offset just past its line ending
	tooLong bool   // longer than the limit: text is truncated
	crlf    bool   // the line ended with \r\n (kept inside a CSV cell)
}

// lineReader reads lines with their numbers and byte offsets, holding at
// most one line (up to max bytes) in memory.
type lineReader struct {
	r      *bufio.Reader
	max    int
	offset int64 // bytes consumed
	line   int64 // lines consumed
	buf    []byte
}

func newLineReader(r *bufio.Reader, max int, offset, line int64) *lineReader {
	if max <= 0 {
		max = DefaultMaxLineBytes
	}
	return &lineReader{r: r, max: max, offset: offset, line: line}
}

// next returns the next physical line (blank ones included); io.EOF at the
// end. A line past the limit is consumed whole but only its first max bytes
// are kept, and tooLong is set.
func (lr *lineReader) next() (record, error) {
	rec := record{line: lr.line + 1, lines: 1, start: lr.offset}
	lr.buf = lr.buf[:0]
	n := 0
	for {
		chunk, err := lr.r.ReadSlice('\n')
		n += len(chunk)
		if !rec.tooLong {
			if len(lr.buf)+len(chunk) > lr.max+2 { // +2: the line ending is not content
				rec.tooLong = true
				chunk = chunk[:max(0, lr.max-len(lr.buf))]
			}
			lr.buf = append(lr.buf, chunk...)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return rec, err
		}
		if n == 0 {
			return rec, io.EOF
		}
		break
	}
	lr.offset += int64(n)
	lr.line++
	rec.end = lr.offset
	rec.crlf = bytes.HasSuffix(lr.buf, []byte("\r\n"))
	rec.text = trimEOL(lr.buf)
	if rec.line == 1 {
		rec.text = bytes.TrimPrefix(rec.text, []byte("\xef\xbb\xbf")) // a UTF-8 byte order mark
	}
	return rec, nil
}

func trimEOL(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}

// isBlank reports whether a line holds only white space.
func isBlank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return false
		}
	}
	return true
}

// recordReader yields the items of an input's records in one format,
// skipping blank lines.
type recordReader struct {
	lr     *lineReader
	format Format
	name   string // for messages
	csv    *csvDecoder
	cells  []string
	buf    []byte // a CSV record spanning lines
}

// readHeader reads a CSV input's header: its first non-blank record.
func (r *recordReader) readHeader() error {
	for {
		rec, err := r.lr.next()
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%s: empty input: a CSV file starts with a header line, e.g. pk:S,sk:S,price:N", r.name)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", r.name, err)
		}
		if isBlank(rec.text) {
			continue
		}
		rec, cells, bad, err := r.csvRecord(rec)
		if err != nil {
			return err
		}
		if bad == nil {
			var cols []Column
			if cols, bad = ParseColumns(cells); bad == nil {
				r.csv = &csvDecoder{cols: cols}
				return nil
			}
		}
		return fmt.Errorf("%s:%d: header: %v", r.name, rec.line, bad)
	}
}

// next returns the next non-blank record with its item, or with the
// reason it cannot be imported (bad); err is io.EOF at the end, or a read
// error.
func (r *recordReader) next() (rec record, it attr.Item, bad error, err error) {
	for {
		rec, err = r.lr.next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				err = fmt.Errorf("%s: read after line %d: %w", r.name, r.lr.line, err)
			}
			return rec, nil, nil, err
		}
		if !isBlank(rec.text) {
			break
		}
	}
	if r.format != FormatCSV {
		if rec.tooLong {
			return rec, nil, fmt.Errorf("line longer than %d bytes (no item is that large)", r.lr.max), nil
		}
		it, bad = DecodeLine(r.format, rec.text)
		return rec, it, bad, nil
	}
	rec, cells, bad, err := r.csvRecord(rec)
	if bad != nil || err != nil {
		return rec, nil, bad, err
	}
	it, bad = r.csv.decode(cells)
	return rec, it, bad, nil
}

// csvRecord reads the rest of a CSV record that starts with rec (a quoted
// cell may span lines) and splits it into cells.
func (r *recordReader) csvRecord(rec record) (record, []string, error, error) {
	if rec.tooLong {
		return rec, nil, fmt.Errorf("line longer than %d bytes (no item is that large)", r.lr.max), nil
	}
	cells, complete, bad := splitCSV(rec.text, r.cells)
	if complete || bad != nil {
		r.cells = cells
		return rec, cells, bad, nil
	}
	r.buf = append(r.buf[:0], rec.text...)
	last := rec
	for !complete && bad == nil {
		more, err := r.lr.next()
		if errors.Is(err, io.EOF) {
			rec.text = r.buf
			return rec, nil, errors.New("a quoted cell is not closed before the end of the input"), nil
		}
		if err != nil {
			return rec, nil, nil, fmt.Errorf("%s: read after line %d: %w", r.name, r.lr.line, err)
		}
		if more.tooLong || len(r.buf)+2+len(more.text) > r.lr.max {
			rec.text, rec.end, rec.lines = r.buf, more.end, rec.lines+1
			return rec, nil, fmt.Errorf("record longer than %d bytes: is a quote not closed?", r.lr.max), nil
		}
		if last.crlf {
			r.buf = append(r.buf, '\r')
		}
		r.buf = append(append(r.buf, '\n'), more.text...)
		rec.end, rec.lines, last = more.end, rec.lines+1, more
		cells, complete, bad = splitCSV(r.buf, r.cells)
	}
	r.cells = cells
	rec.text = r.buf
	return rec, cells, bad, nil
}

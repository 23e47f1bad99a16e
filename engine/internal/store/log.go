package store

// The database file is an append-only log that the store writes itself;
// buntdb holds the data in memory (":memory:") and loads the file on open.
//
// Format 3 (this code). The file is buntdb's: RESP commands "set key value"
// and "del key". It begins with a header, the command
//
//	set m/format 3
//
// and then holds transactions. A transaction is the commands of one
// Store.Update, in the order they were made, followed by its commit record
//
//	set m/commit "<seq> <crc>"
//
// where seq is the transaction's sequence number (one more than the
// previous transaction's) and crc the CRC-32C, as 8 hex digits, of the
// transaction's command bytes (from the end of the previous commit record,
// or of the header, to the start of this one). A transaction is written
// with one write call; nothing after the last valid commit record counts.
//
// Open scans the file before loading it: everything up to the end of the
// last commit record whose checksum and sequence number are right is kept;
// anything after it — a transaction torn by a crash or a power loss in the
// middle of its write, a zero-filled tail, garbage — is cut off, copied
// beside the file as FILE.torn-* (unless it is all zero bytes) and
// reported through Options.Warnf. A torn transaction is thus dropped
// whole: never half applied, and no complete transaction before it is lost.
// The same scan collects the commands, and the kept ones are loaded into
// buntdb in key order (load.go), so the file is read once.
//
// Format 2 is format 3's framing with every item in DynamoDB JSON; format 3
// also holds items in the engine's binary stored form (engine/attr's
// stored.go), which format 2 code cannot read. A format 2 file is read as
// is and rewritten in format 3 at once, so format 2 code refuses it.
//
// Format 1 files (buntdb's own persistence, written by earlier dynalab
// versions, with no transaction boundaries) are read as buntdb read them —
// every complete command, an incomplete last command dropped — and
// rewritten in format 3 at once. Format 1 code refuses a newer file (its
// m/format is higher), so an older dynalab never appends unframed commands
// to it.
//
// Durability. Update appends its transaction inside buntdb's write lock, so
// file order is commit order. With SyncAlways it then waits, after
// releasing the lock, until an fsync covers its transaction: the first
// waiter fsyncs everything appended so far while later writers queue up
// behind it, then one of those fsyncs for all of them (group commit).
// SyncEverySecond fsyncs from a background goroutine once a second when
// something was appended; SyncNever leaves it to the operating system (and
// Close). A failed write is cut off the file again and the transaction
// rolled back in memory; a failed fsync leaves the file's state unknown, so
// the store refuses further writes until it is reopened.
//
// Compaction (Shrink, and automatically once the file is past 32 MB and
// twice its size after the previous compaction) writes a new file — the
// header, every live key as one transaction, then the transactions appended
// meanwhile, copied — fsyncs it and renames it over the old one.

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tidwall/buntdb"
)

// File is the database file as the store writes it: an *os.File, or what
// Options.WrapFile made of one.
type File interface {
	io.Writer
	Seek(offset int64, whence int) (int64, error)
	Truncate(size int64) error
	Sync() error
	Close() error
}

const (
	keyCommit = "m/commit"

	autoCompactMin = 32 << 20 // bytes: no automatic compaction below
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// header is the first command of a format 2 file.
var header = appendSet(nil, keyFormat, strconv.Itoa(FormatVersion))

// headerPrefix is the header without its version digits.
var headerPrefix = []byte("*3\r\n$3\r\nset\r\n$8\r\nm/format\r\n$")

// wal is a store's file.
type wal struct {
	path     string
	readOnly bool // never write the file (Options.ReadOnly)
	policy   SyncPolicy
	warnf    func(format string, args ...any)
	wrap     func(File) File
	progress *loadProgress // Options.OnLoad and Cancel, while opening

	// Guarded by Store.wmu (and, for f, also by smu with syncing set).
	f         File
	size      int64  // bytes of complete transactions in the file
	seq       uint64 // sequence number of the last appended transaction
	base      int64  // size after the last compaction
	live      int64  // what a compaction would write: measured after open, then kept
	liveKnown bool   // the measurement is done
	unsorted  bool   // the file loaded out of key order: rewrite it in order (load.go)
	retryAt   int64  // after a failed compaction: no other before this size
	closed    bool

	appended atomic.Uint64 // seq of the last appended transaction
	failed   atomic.Pointer[error]

	smu     sync.Mutex
	cond    *sync.Cond
	durable uint64 // seq covered by the last fsync
	syncing bool   // an fsync is running (or compaction holds the file)

	compacting atomic.Bool
	bg         sync.WaitGroup
	stop       chan struct{}
}

// recovered is what scanning a file found.
type recovered struct {
	format int     // 0 new or empty file, 1 legacy, 2 or 3 framed
	end    int64   // bytes to keep
	seq    uint64  // last commit record's sequence number
	txns   int     // transactions kept
	load   *loader // a framed file's commands up to end, when they could be kept
}

// openWAL opens (creating if needed) the file at path, cuts off a torn
// tail and loads the rest into db. Nothing is changed in a file of a newer
// format.
func openWAL(path string, opts Options, db *buntdb.DB) (*wal, error) {
	w := &wal{path: path, readOnly: opts.ReadOnly, policy: opts.Sync, warnf: opts.Warnf, wrap: opts.WrapFile, stop: make(chan struct{})}
	w.cond = sync.NewCond(&w.smu)
	if w.warnf == nil {
		w.warnf = func(string, ...any) {}
	}
	flag := os.O_CREATE | os.O_RDWR
	if w.readOnly {
		flag = os.O_RDONLY
	} else {
		// A compaction interrupted by a crash leaves its temporary file.
		_ = os.Remove(compactPath(path))
	}
	f, err := os.OpenFile(path, flag, 0o600) // private: every item is in it
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			f.Close()
		}
	}()
	rec, err := w.recover(f, opts)
	if err != nil {
		return nil, err
	}
	if rec.load != nil {
		// Read once already: put what the scan collected in.
		w.unsorted = rec.load.outOfOrder() && rec.end >= autoCompactMin
		live, err := rec.load.apply(db, w.progress)
		if err != nil {
			return nil, fmt.Errorf("load %s: %w", path, err)
		}
		rec.load = nil
		w.live, w.liveKnown = live+int64(len(header)), true
	} else {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return nil, err
		}
		// The scan read the file once: this read is the second half.
		r := w.progress.readerFrom(f, w.progress.half())
		if err := db.Load(io.LimitReader(bufio.NewReaderSize(r, readBuffer(rec.end)), rec.end)); err != nil {
			if cerr := w.progress.canceled(); cerr != nil {
				err = cerr
			}
			return nil, fmt.Errorf("load %s: %w", path, err)
		}
	}
	// The commit record frames the file; it is not data.
	if err := db.Update(func(tx *buntdb.Tx) error {
		_, err := tx.Delete(keyCommit)
		if errors.Is(err, buntdb.ErrNotFound) {
			err = nil
		}
		return err
	}); err != nil {
		return nil, err
	}
	if rec.format == 1 {
		if v, err := readFormat(db); err != nil || v > FormatVersion {
			return nil, formatError(path, v, err)
		}
	}
	w.f, w.size, w.seq, w.base = w.wrapped(f), rec.end, rec.seq, rec.end
	w.appended.Store(rec.seq)
	w.durable = rec.seq
	switch {
	case w.readOnly:
		// Served as it is: an older format is read as it is, a new or
		// empty file holds nothing, a torn end was left in place.
		ok = true
		return w, nil
	}
	switch rec.format {
	case 0: // new: write the header
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return nil, err
		}
		if err := f.Truncate(0); err != nil {
			return nil, err
		}
		if _, err := w.f.Write(header); err != nil {
			return nil, writeError(path, err)
		}
		if err := w.f.Sync(); err != nil {
			return nil, fmt.Errorf("sync database file %s: %w", path, err)
		}
		syncDir(filepath.Dir(path))
		w.size, w.base = int64(len(header)), int64(len(header))
	case 1, 2: // an older format: rewrite in this one
		if err := w.compactFile(db, nil); err != nil {
			return nil, fmt.Errorf("rewrite %s in format %d: %w", path, FormatVersion, err)
		}
		w.warnf("dynalab: %s: rewrote the database file in format %d (it was in format %d)", path, FormatVersion, rec.format)
	default:
		if _, err := f.Seek(rec.end, io.SeekStart); err != nil {
			return nil, err
		}
	}
	if rec.format < FormatVersion { // new or migrated: the header says it
		if err := db.Update(func(tx *buntdb.Tx) error {
			_, _, err := tx.Set(keyFormat, strconv.Itoa(FormatVersion), nil)
			return err
		}); err != nil {
			return nil, err
		}
	}
	ok = true
	if w.policy == SyncEverySecond {
		w.bg.Add(1)
		go w.syncEverySecond()
	}
	return w, nil
}

func (w *wal) wrapped(f File) File {
	if w.wrap != nil {
		return w.wrap(f)
	}
	return f
}

func readFormat(db *buntdb.DB) (int, error) {
	var v string
	err := db.View(func(tx *buntdb.Tx) error {
		var err error
		v, err = tx.Get(keyFormat)
		return err
	})
	if errors.Is(err, buntdb.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("unreadable format version %q", v)
	}
	return n, nil
}

func formatError(path string, v int, err error) error {
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return fmt.Errorf("%s was written by a newer dynalab (format %d; this one reads up to %d)", path, v, FormatVersion)
}

func writeError(path string, err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("write database file %s: %w", path, err)
}

// recover scans f, decides its format and cuts off whatever follows the
// last complete transaction.
func (w *wal) recover(f *os.File, opts Options) (recovered, error) {
	var rec recovered
	fi, err := f.Stat()
	if err != nil {
		return rec, err
	}
	size := fi.Size()
	w.progress = newLoadProgress(opts, size)
	w.progress.at(0)
	head := make([]byte, len(header))
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return rec, err
	}
	head = head[:n]
	switch {
	case len(head) < len(header) && bytes.HasPrefix(header, head):
		// New, empty, or torn while its header was written.
		if size > 0 {
			w.warnf("dynalab: %s: the file ends inside its header (%d bytes); starting it afresh", w.path, size)
		}
		return rec, nil
	case bytes.HasPrefix(head, headerPrefix):
		v, ok := headerVersion(head[len(headerPrefix):])
		if !ok {
			rec.format = 1
			break
		}
		if v > FormatVersion {
			return rec, formatError(w.path, v, nil)
		}
		if v == 1 {
			rec.format = 1
			break
		}
		rec.format = v
	default:
		rec.format = 1
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return rec, err
	}
	if rec.format == 1 {
		// Only format 1 lacks commit records: a file that has them was
		// written in a later format, and its header is damaged. Reading it
		// as format 1 would apply torn and damaged transactions in part.
		if d, err := inspectFile(f, 0, size); err != nil {
			return rec, err
		} else if len(d.marks) > 0 {
			return rec, &CorruptError{Path: w.path, After: len(d.marks), Reason: "it does not name the file's format"}
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return rec, err
		}
	}
	var why error
	if rec.format == 1 {
		sc := scanner{r: bufio.NewReaderSize(w.progress.reader(f), readBuffer(size)), size: size, legacy: true}
		rec.end, why = sc.scanLegacy()
		// A canceled read looks like the end of the file to the scan:
		// nothing may be cut for it.
		if err := w.progress.canceled(); err != nil {
			return rec, err
		}
	} else {
		readFrom := func(off int64) ([]byte, error) {
			if err := w.progress.canceled(); err != nil {
				return nil, err
			}
			return readAt(f, off, size)
		}
		load := newLoader(size)
		fs, err := scanFramed(bufio.NewReaderSize(w.progress.reader(f), readBuffer(size)), size, readFrom, load)
		if err == nil {
			err = w.progress.canceled()
		}
		if err != nil {
			return rec, err
		}
		if fs.after > 0 {
			return rec, &CorruptError{Path: w.path, Offset: fs.end, After: fs.after, Reason: describe(fs.why)}
		}
		rec.end, rec.seq, rec.txns, why = fs.end, fs.seq, fs.txns, fs.why
		if load.keep(fs.end, fs.head) {
			rec.load = load
		}
	}
	if rec.end < size && w.readOnly {
		w.warnf("dynalab: %s: serving the file read-only without its incomplete end (%d bytes from offset %d: %s); the file was not changed", w.path, size-rec.end, rec.end, describe(why))
	} else if rec.end < size {
		if err := w.cutTail(f, rec.end, size, why); err != nil {
			return rec, err
		}
	}
	if rec.end == 0 {
		rec.format = 0 // nothing left: start afresh, with a header
	}
	return rec, nil
}

// readBuffer sizes the read buffer of a file of size bytes.
func readBuffer(size int64) int {
	return int(min(max(size, 4096), 1<<20))
}

// headerVersion reads "1\r\n<digit>\r\n" after the header prefix.
func headerVersion(b []byte) (int, bool) {
	if len(b) < 6 || string(b[:3]) != "1\r\n" || b[3] < '0' || b[3] > '9' || string(b[4:6]) != "\r\n" {
		return 0, false
	}
	return int(b[3] - '0'), true
}

// cutTail saves and removes the bytes of f from end to size.
func (w *wal) cutTail(f *os.File, end, size int64, why error) error {
	tail := make([]byte, size-end)
	if _, err := f.ReadAt(tail, end); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read the torn end of %s: %w", w.path, err)
	}
	what := "an incomplete transaction"
	if errors.Is(why, errCorrupt) || errors.Is(why, errChecksum) || errors.Is(why, errSequence) {
		what = "an unreadable transaction"
	}
	msg := fmt.Sprintf("dynalab: %s: dropped %s at the end of the file (%d bytes from offset %d: %s; a crash or power loss in the middle of a write); everything before it is intact",
		w.path, what, len(tail), end, describe(why))
	if len(bytes.Trim(tail, "\x00")) > 0 {
		if saved, err := os.CreateTemp(filepath.Dir(w.path), filepath.Base(w.path)+".torn-*"); err == nil {
			_, err = saved.Write(tail)
			if cerr := saved.Close(); err == nil && cerr == nil {
				msg += "; the dropped bytes are saved in " + saved.Name()
			} else {
				os.Remove(saved.Name()) // the warning then does not claim a copy
			}
		}
	}
	if err := f.Truncate(end); err != nil {
		return fmt.Errorf("cut the torn end of %s: %w", w.path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync database file %s: %w", w.path, err)
	}
	w.warnf("%s", msg)
	return nil
}

// Why a scan stopped before the end of the file.
var (
	errCorrupt   = errors.New("not a valid command")
	errChecksum  = errors.New("its checksum does not match its commit record")
	errSequence  = errors.New("its commit record is out of sequence")
	errNoCommit  = errors.New("its commands end without a commit record")
	errBadHeader = errors.New("the file's header is not a valid command")
)

// describe says what a scan found where it stopped.
func describe(why error) string {
	switch {
	case why == nil:
		return errNoCommit.Error()
	case errors.Is(why, io.ErrUnexpectedEOF):
		return "the file ends inside it"
	}
	return why.Error()
}

// inspectFile reads f from end to size and looks for complete
// transactions after the damage there (damage.go).
func inspectFile(f *os.File, end, size int64) (damage, error) {
	rest, err := readAt(f, end, size)
	return inspect(rest), err
}

func readAt(f *os.File, from, size int64) ([]byte, error) {
	b := make([]byte, size-from)
	if _, err := f.ReadAt(b, from); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read %s from offset %d: %w", f.Name(), from, err)
	}
	return b, nil
}

// framedScan is what scanning a framed (format 2 or later) file found.
type framedScan struct {
	end   int64  // bytes that check out
	seq   uint64 // the last commit record's sequence number
	txns  int    // transactions that check out
	why   error  // what stopped the scan before the end, if it stopped
	after int    // complete transactions found after end: damage, not a torn end
	head  int64  // where the header ends (0 if it is unreadable)
}

// scanFramed scans a framed file of size bytes from r and, where the scan
// stops early, looks at the rest (readFrom reads it) for transactions that
// were complete. load, if not nil, collects the commands.
func scanFramed(r *bufio.Reader, size int64, readFrom func(off int64) ([]byte, error), load *loader) (framedScan, error) {
	sc := scanner{r: r, size: size, load: load}
	var fs framedScan
	fs.end, fs.seq, fs.txns, fs.why = sc.scanLog()
	fs.head = sc.headerEnd
	if fs.end == size {
		return fs, nil
	}
	rest, err := readFrom(fs.end)
	if err != nil {
		return fs, err
	}
	d := inspect(rest)
	if errors.Is(fs.why, errSequence) && fs.txns == 1 && d.continues() {
		// The first transaction's sequence number is not checked against
		// anything; it is the damaged one when the two after it agree.
		fs.end, fs.txns = sc.headerEnd, 0
		if rest, err = readFrom(fs.end); err != nil {
			return fs, err
		}
		d = inspect(rest)
	}
	fs.after = d.committed
	if fs.end == 0 { // a damaged header: every transaction follows it
		fs.after = len(d.marks)
	}
	return fs, nil
}

// scanner reads the commands of a file.
type scanner struct {
	r         *bufio.Reader
	size      int64
	pos       int64 // bytes consumed
	legacy    bool
	cmd       []byte // the raw bytes of the last command
	headerEnd int64  // where the header ends (scanLog)
	args      [5][]byte
	nargs     int
	load      *loader // when set, scanLog hands it every command
}

// scanLog returns the end of the last valid commit record of a framed
// file, its sequence number and how many transactions precede it; why
// says what stopped the scan early (nil: the file ends after complete
// commands that have no commit record).
func (s *scanner) scanLog() (end int64, seq uint64, txns int, why error) {
	// The header.
	if err := s.next(); err != nil || s.nargs != 3 || string(s.args[1]) != keyFormat {
		return 0, 0, 0, errBadHeader
	}
	end, s.headerEnd = s.pos, s.pos
	if s.load != nil {
		s.load.header(s.args[1], s.args[2], s.pos)
	}
	crc := uint32(0)
	first := true
	for {
		if err := s.next(); err != nil {
			if errors.Is(err, io.EOF) {
				return end, seq, txns, nil
			}
			return end, seq, txns, err
		}
		if s.nargs == 3 && string(s.args[1]) == keyCommit {
			n, c, ok := parseCommit(s.args[2])
			switch {
			case !ok:
				return end, seq, txns, errCorrupt
			case c != crc:
				return end, seq, txns, errChecksum
			case !first && n != seq+1:
				return end, seq, txns, errSequence
			}
			end, seq, crc, first = s.pos, n, 0, false
			txns++
			if s.load != nil {
				s.load.commit(s.pos)
			}
			continue
		}
		crc = crc32.Update(crc, castagnoli, s.cmd)
		if s.load != nil {
			if s.nargs == 3 {
				s.load.add(s.args[1], s.args[2], false)
			} else {
				s.load.add(s.args[1], nil, true)
			}
		}
	}
}

// scanLegacy returns the end of the last complete command of a format 1
// file (buntdb's rule; NUL bytes between commands are skipped as buntdb
// skips them).
func (s *scanner) scanLegacy() (int64, error) {
	end := int64(0)
	for {
		err := s.next()
		if errors.Is(err, io.EOF) {
			return s.pos, nil
		}
		if err != nil {
			return end, err
		}
		end = s.pos
	}
}

// parseCommit reads "<seq> <crc>".
func parseCommit(b []byte) (uint64, uint32, bool) {
	a, c, ok := bytes.Cut(b, []byte(" "))
	if !ok || len(c) != 8 {
		return 0, 0, false
	}
	n, err1 := strconv.ParseUint(string(a), 10, 64)
	x, err2 := strconv.ParseUint(string(c), 16, 32)
	return n, uint32(x), err1 == nil && err2 == nil
}

// next reads one command: io.EOF at a clean end, io.ErrUnexpectedEOF when
// the file ends inside it, errCorrupt for anything else.
func (s *scanner) next() error {
	s.cmd = s.cmd[:0]
	s.nargs = 0
	if s.legacy {
		for {
			c, err := s.r.ReadByte()
			if err != nil {
				return io.EOF
			}
			if c != 0 {
				_ = s.r.UnreadByte()
				break
			}
			s.pos++
		}
	} else if _, err := s.r.Peek(1); err != nil {
		return io.EOF
	}
	n, err := s.number('*')
	if err != nil {
		return err
	}
	if n < 1 || n > len(s.args) {
		return errCorrupt
	}
	var starts, lens [5]int
	for i := range n {
		l, err := s.number('$')
		if err != nil {
			return err
		}
		if int64(l)+2 > s.size-s.pos-int64(len(s.cmd)) {
			return io.ErrUnexpectedEOF
		}
		start := len(s.cmd)
		s.cmd = slices.Grow(s.cmd, l+2)[:start+l+2]
		if _, err := io.ReadFull(s.r, s.cmd[start:]); err != nil {
			return io.ErrUnexpectedEOF
		}
		if s.cmd[start+l] != '\r' || s.cmd[start+l+1] != '\n' {
			return errCorrupt
		}
		starts[i], lens[i] = start, l
	}
	for i := range n {
		s.args[i] = s.cmd[starts[i] : starts[i]+lens[i]]
	}
	s.nargs = n
	op := string(bytes.ToLower(s.args[0]))
	switch {
	case op == "set" && n == 3, op == "del" && n == 2:
	case s.legacy && (op == "set" && n == 5 || op == "flushdb" && n == 1):
	default:
		return errCorrupt
	}
	if !s.legacy && op != string(s.args[0]) {
		return errCorrupt
	}
	s.pos += int64(len(s.cmd))
	return nil
}

// number reads a "<c><digits>\r\n" line into s.cmd.
func (s *scanner) number(c byte) (int, error) {
	line, err := s.r.ReadSlice('\n')
	s.cmd = append(s.cmd, line...)
	if err != nil {
		if errors.Is(err, io.EOF) {
			return 0, io.ErrUnexpectedEOF
		}
		return 0, errCorrupt
	}
	if len(line) < 4 || line[0] != c || line[len(line)-2] != '\r' || len(line) > 14 {
		return 0, errCorrupt
	}
	n := 0
	for _, d := range line[1 : len(line)-2] {
		if d < '0' || d > '9' {
			return 0, errCorrupt
		}
		n = n*10 + int(d-'0')
	}
	return n, nil
}

// appendSet appends "set key value" in RESP.
func appendSet(buf []byte, key, value string) []byte {
	buf = append(buf, "*3\r\n$3\r\nset\r\n"...)
	buf = appendBulk(buf, key)
	return appendBulk(buf, value)
}

// appendDel appends "del key" in RESP.
func appendDel(buf []byte, key string) []byte {
	buf = append(buf, "*2\r\n$3\r\ndel\r\n"...)
	return appendBulk(buf, key)
}

// liveLen is the length of "set key value" in RESP: what the pair adds to
// a compacted file.
func liveLen(key, value string) int64 {
	return int64(len("*3\r\n$3\r\nset\r\n") + bulkLen(len(key)) + bulkLen(len(value)))
}

func bulkLen(n int) int {
	d := 1
	for x := n; x >= 10; x /= 10 {
		d++
	}
	return 1 + d + 2 + n + 2
}

func appendBulk(buf []byte, s string) []byte {
	buf = append(buf, '$')
	buf = strconv.AppendInt(buf, int64(len(s)), 10)
	buf = append(buf, '\r', '\n')
	buf = append(buf, s...)
	return append(buf, '\r', '\n')
}

// appendCommit appends the commit record of a transaction.
func appendCommit(buf []byte, seq uint64, crc uint32) []byte {
	var v [32]byte
	b := strconv.AppendUint(v[:0], seq, 10)
	b = append(b, ' ')
	const hex = "0123456789abcdef"
	for sh := 28; sh >= 0; sh -= 4 {
		b = append(b, hex[crc>>uint(sh)&0xf])
	}
	buf = append(buf, "*3\r\n$3\r\nset\r\n$8\r\nm/commit\r\n$"...)
	buf = strconv.AppendInt(buf, int64(len(b)), 10)
	buf = append(buf, '\r', '\n')
	buf = append(buf, b...)
	return append(buf, '\r', '\n')
}

func (w *wal) failure() error {
	if p := w.failed.Load(); p != nil {
		return *p
	}
	return nil
}

func (w *wal) fail(err error) {
	err = fmt.Errorf("%w; the database refuses writes until it is reopened", err)
	w.failed.CompareAndSwap(nil, &err)
}

// append writes one transaction: buf holds its commands from offset from
// on (buf may be reused by the caller afterwards). The caller holds
// Store.wmu and buntdb's write lock; on error it rolls the transaction back.
func (w *wal) append(buf []byte, from int) ([]byte, error) {
	if err := w.failure(); err != nil {
		return buf, err
	}
	if w.closed {
		return buf, buntdb.ErrDatabaseClosed
	}
	crc := crc32.Checksum(buf[from:], castagnoli)
	buf = appendCommit(buf, w.seq+1, crc)
	n, err := w.f.Write(buf[from:])
	if err != nil {
		err = writeError(w.path, err)
		if n > 0 {
			// A partial write (a full disk): cut it off again. Should that
			// fail too, the next open drops it (it has no commit record),
			// but nothing may be appended after it.
			if terr := w.f.Truncate(w.size); terr != nil {
				w.fail(fmt.Errorf("%w (and cutting the partial write off failed: %v)", err, terr))
			} else if _, serr := w.f.Seek(w.size, io.SeekStart); serr != nil {
				w.fail(fmt.Errorf("%w (and seeking back failed: %v)", err, serr))
			}
		}
		return buf, err
	}
	w.size += int64(n)
	w.seq++
	w.appended.Store(w.seq)
	return buf, nil
}

// waitDurable returns once an fsync has covered transaction seq: group
// commit. The first waiter fsyncs everything appended so far; writers that
// append meanwhile wait, and the next fsync covers all of them.
func (w *wal) waitDurable(seq uint64) error {
	w.smu.Lock()
	defer w.smu.Unlock()
	for w.durable < seq {
		if err := w.failure(); err != nil {
			return err
		}
		if w.syncing {
			w.cond.Wait()
			continue
		}
		w.syncing = true
		target := w.appended.Load()
		f := w.f
		w.smu.Unlock()
		err := f.Sync()
		w.smu.Lock()
		w.syncing = false
		w.cond.Broadcast()
		if err != nil {
			err = fmt.Errorf("sync database file %s: %w", w.path, err)
			w.fail(err)
			return err
		}
		w.durable = max(w.durable, target)
	}
	return nil
}

func (w *wal) syncEverySecond() {
	defer w.bg.Done()
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-w.stop:
			return
		case <-t.C:
		}
		w.smu.Lock()
		due := w.durable < w.appended.Load()
		w.smu.Unlock()
		if due && w.failure() == nil {
			if err := w.waitDurable(w.appended.Load()); err != nil {
				w.warnf("dynalab: %v", err)
			}
		}
	}
}

// holdFile waits for a running fsync and keeps the next one from starting
// until releaseFile: the file may be swapped meanwhile.
func (w *wal) holdFile() {
	w.smu.Lock()
	for w.syncing {
		w.cond.Wait()
	}
	w.syncing = true
	w.smu.Unlock()
}

func (w *wal) releaseFile(durable bool) {
	w.smu.Lock()
	w.syncing = false
	if durable {
		w.durable = max(w.durable, w.appended.Load())
	}
	w.cond.Broadcast()
	w.smu.Unlock()
}

// close syncs and closes the file. The caller holds Store.wmu.
func (w *wal) close() error {
	if w.closed {
		return nil
	}
	close(w.stop)
	w.bg.Wait()
	w.holdFile()
	w.closed = true
	var err error
	if w.durable < w.appended.Load() {
		err = w.f.Sync()
	}
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	w.releaseFile(err == nil)
	return err
}

func compactPath(path string) string { return path + ".compact" }

// compactFile rewrites the file: the header, a snapshot of db as one
// transaction, then whatever was appended since the snapshot began. lock,
// when not nil, is Store.wmu: the snapshot is taken without it and the
// tail copied and the file swapped with it held. Without lock the caller
// holds it (or no one else writes).
func (w *wal) compactFile(db *buntdb.DB, lock sync.Locker) error {
	if lock != nil {
		lock.Lock()
	}
	start, seq := w.size, w.seq
	if w.closed {
		if lock != nil {
			lock.Unlock()
		}
		return buntdb.ErrDatabaseClosed
	}
	if lock != nil {
		lock.Unlock()
	}
	tmp := compactPath(w.path)
	// The new file takes the old one's mode, whatever the umask.
	mode := os.FileMode(0o600)
	if fi, err := os.Stat(w.path); err == nil {
		mode = fi.Mode().Perm()
	}
	out, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, mode)
	if err != nil {
		return err
	}
	if err := out.Chmod(mode); err != nil && runtime.GOOS != "windows" {
		out.Close()
		os.Remove(tmp)
		return fmt.Errorf("chmod %s: %w", tmp, err)
	}
	done := false
	defer func() {
		if !done {
			out.Close()
			os.Remove(tmp)
		}
	}()
	bw := bufio.NewWriterSize(out, 1<<20)
	if _, err := bw.Write(header); err != nil {
		return writeError(tmp, err)
	}
	// The snapshot, in chunks, so that writers are not held up for long.
	// Writes made meanwhile may or may not be in it; they are all in the
	// tail copied below, and replaying them over the snapshot gives the
	// same state.
	crc := uint32(0)
	var buf []byte
	pivot := ""
	for more := true; more; {
		select {
		case <-w.stop:
			return buntdb.ErrDatabaseClosed
		default:
		}
		more = false
		buf = buf[:0]
		err := db.View(func(tx *buntdb.Tx) error {
			n := 0
			return tx.AscendGreaterOrEqual("", pivot, func(k, v string) bool {
				if n == 1000 {
					pivot, more = k, true
					return false
				}
				n++
				if k != keyFormat && k != keyCommit {
					buf = appendSet(buf, k, v)
				}
				return true
			})
		})
		if err != nil {
			return err
		}
		crc = crc32.Update(crc, castagnoli, buf)
		if _, err := bw.Write(buf); err != nil {
			return writeError(tmp, err)
		}
	}
	if _, err := bw.Write(appendCommit(nil, seq, crc)); err != nil {
		return writeError(tmp, err)
	}
	if lock != nil {
		lock.Lock()
		defer lock.Unlock()
	}
	if w.closed {
		return buntdb.ErrDatabaseClosed
	}
	if w.size > start {
		in, err := os.Open(w.path)
		if err != nil {
			return err
		}
		_, err = io.Copy(bw, io.NewSectionReader(in, start, w.size-start))
		in.Close()
		if err != nil {
			return fmt.Errorf("copy the end of %s: %w", w.path, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return writeError(tmp, err)
	}
	size, err := out.Seek(0, io.SeekCurrent)
	if err != nil {
		return err
	}
	if err := out.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", tmp, err)
	}
	if err := out.Close(); err != nil {
		return err
	}
	done = true
	w.holdFile()
	durable := false
	defer func() { w.releaseFile(durable) }()
	// Windows renames over a file only when no one has it open.
	_ = w.f.Close()
	rerr := os.Rename(tmp, w.path)
	if rerr != nil {
		os.Remove(tmp)
	} else {
		syncDir(filepath.Dir(w.path))
	}
	f, err := os.OpenFile(w.path, os.O_RDWR, 0)
	if err == nil {
		_, err = f.Seek(0, io.SeekEnd)
	}
	if err != nil {
		err = fmt.Errorf("reopen %s after compaction: %w", w.path, err)
		w.fail(err)
		return err
	}
	w.f = w.wrapped(f)
	if rerr != nil {
		return fmt.Errorf("replace %s: %w", w.path, rerr)
	}
	w.size, w.base = size, size
	durable = true
	return nil
}

package store

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofrs/flock"
)

// RepairReport says what Repair found and did.
type RepairReport struct {
	Path     string
	Intact   bool   // nothing needed repair; nothing was changed
	Original string // where the file as it was is kept (PATH.corrupt-<time>)

	HeaderRestored bool  // a damaged header was rewritten; nothing after it lost
	Kept           int   // transactions kept
	KeptBytes      int64 // bytes kept
	Reason         string

	// What could not be kept: everything from LostOffset on.
	LostOffset       int64
	LostBytes        int64
	LostTransactions int  // complete transactions, the damaged one included
	Incomplete       bool // the file also ended in an incomplete transaction
	LostItemWrites   int  // item puts in the lost transactions, as far as readable
	LostItemDeletes  int
	LostItems        int  // distinct items those writes touched
	Unreadable       bool // part of the lost bytes could not be read as commands
}

// Repair makes a damaged database file usable again without deleting
// anything: the file as it was is kept beside it as PATH.corrupt-<time>,
// and PATH becomes a database holding every transaction up to the first
// one that does not check out (a damaged header is rewritten instead when
// that is the only damage). The report says exactly what was not kept.
// A file that opens cleanly is left alone, so Repair is safe to rerun.
// The database must not be open: Repair takes its lock.
func Repair(path string) (RepairReport, error) {
	rep := RepairReport{Path: path}
	lock := flock.New(LockPath(path))
	ok, err := lock.TryLock()
	if err != nil {
		return rep, fmt.Errorf("lock %s: %w", path, err)
	}
	if !ok {
		return rep, fmt.Errorf("database file %s: %w", path, ErrLocked)
	}
	defer lock.Unlock()

	tmp := path + ".repair"
	_ = os.Remove(tmp) // left by an interrupted repair
	fi, err := os.Stat(path)
	if err != nil {
		return rep, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return rep, fmt.Errorf("read %s: %w", path, err)
	}
	fixed := data
	if len(data) >= len(header) && !bytes.Equal(data[:len(header)], header) && !isHeader(data[:len(header)]) &&
		hamming(data[:len(header)], header) <= 2 && len(findCommits(data)) > 0 {
		fixed = append(append([]byte(nil), header...), data[len(header):]...)
		rep.HeaderRestored = true
	}
	if !bytes.HasPrefix(fixed, headerPrefix) && len(findCommits(fixed)) == 0 {
		// A format 1 file, or not a dynalab file at all: Open reads the
		// former; the latter is no business of Repair's.
		return rep, fmt.Errorf("%s is not a framed dynalab database file (format 2 or later); nothing was changed", path)
	}
	fs, err := scanFramed(bufio.NewReader(bytes.NewReader(fixed)), int64(len(fixed)),
		func(off int64) ([]byte, error) { return fixed[off:], nil }, nil)
	if err != nil {
		return rep, err
	}
	end := fs.end
	rep.Kept, rep.KeptBytes = fs.txns, end
	if end == int64(len(fixed)) && !rep.HeaderRestored {
		rep.Intact = true
		return rep, nil
	}
	if end < int64(len(fixed)) {
		rep.Reason = describe(fs.why)
		rep.LostOffset = end
		rep.LostBytes = int64(len(fixed)) - end
		rep.countLost(fixed[end:])
	}
	// What is kept gets a header this code writes: the transactions'
	// checksums do not cover it, and one that names no framed format
	// would make the repaired file unreadable.
	keep := append(bytes.Clone(header), fixed[fs.head:end]...)

	if err := writeDurably(tmp, keep, fi.Mode().Perm()); err != nil {
		return rep, err
	}
	rep.Original, err = keepOriginal(path)
	if err != nil {
		os.Remove(tmp)
		return rep, err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return rep, fmt.Errorf("replace %s with its repaired copy: %w (the original is kept in %s)", path, err, rep.Original)
	}
	syncDir(filepath.Dir(path))
	return rep, nil
}

// isHeader reports whether b is the header of a framed format.
func isHeader(b []byte) bool {
	v, ok := headerVersion(b[min(len(b), len(headerPrefix)):])
	return ok && bytes.HasPrefix(b, headerPrefix) && v >= 2 && v <= FormatVersion
}

// countLost reads the lost bytes transaction by transaction.
func (rep *RepairReport) countLost(rest []byte) {
	marks := findCommits(rest)
	items := map[string]bool{}
	from := 0
	for _, m := range marks {
		rep.LostTransactions++
		rep.countCommands(rest[from:m.start], items)
		from = m.end()
	}
	if tail := rest[min(from, len(rest)):]; len(bytes.Trim(tail, "\x00")) > 0 {
		rep.Incomplete = true
		rep.countCommands(tail, items)
	}
	rep.LostItems = len(items)
}

// countCommands counts the item writes among the commands in b, as far as
// they can be read.
func (rep *RepairReport) countCommands(b []byte, items map[string]bool) {
	sc := scanner{r: bufio.NewReader(bytes.NewReader(b)), size: int64(len(b))}
	for {
		err := sc.next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			rep.Unreadable = true
			return
		}
		key := string(sc.args[1])
		if !strings.HasPrefix(key, "i/") {
			continue
		}
		items[key] = true
		if sc.nargs == 3 {
			rep.LostItemWrites++
		} else {
			rep.LostItemDeletes++
		}
	}
}

// keepOriginal gives the file as it is a second name, PATH.corrupt-<time>,
// so that replacing PATH afterwards keeps it untouched. PATH exists at
// every moment.
func keepOriginal(path string) (string, error) {
	base := path + ".corrupt-" + time.Now().UTC().Format("20060102T150405Z")
	name := base
	for i := 2; ; i++ {
		if _, err := os.Lstat(name); errors.Is(err, os.ErrNotExist) {
			break
		}
		name = fmt.Sprintf("%s-%d", base, i)
	}
	if err := os.Link(path, name); err != nil {
		// No hard links here (some file systems): a durable copy.
		data, rerr := os.ReadFile(path)
		if rerr != nil {
			return "", fmt.Errorf("keep a copy of %s: %w", path, rerr)
		}
		fi, serr := os.Stat(path)
		if serr != nil {
			return "", serr
		}
		if werr := writeDurably(name, data, fi.Mode().Perm()); werr != nil {
			return "", fmt.Errorf("keep a copy of %s: %w", path, werr)
		}
	}
	syncDir(filepath.Dir(path))
	return name, nil
}

// writeDurably creates path with data and mode and fsyncs it.
func writeDurably(path string, data []byte, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, mode)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

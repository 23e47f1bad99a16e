package store

import (
	"errors"
	"io"
)

// ErrOpenCanceled is returned (wrapped) by Open when Options.Cancel
// closed while the file was loading: nothing was changed in the file and
// the lock is released.
var ErrOpenCanceled = errors.New("opening the database was canceled")

// loadProgress reports how far Open has loaded a file (Options.OnLoad)
// and notices Options.Cancel. The work is counted in bytes of the file,
// twice: once as the scan reads and checks them, once as what it
// collected is put in memory, which takes about as long. total is twice
// the file's size.
type loadProgress struct {
	on     func(done, total int64)
	cancel <-chan struct{}
	total  int64
	step   int64 // report no more often than every step bytes
	last   int64 // done at the last report, -1 before the first
	err    error // ErrOpenCanceled once canceled
}

// newLoadProgress returns nil when neither a callback nor a cancel
// channel is set, so that an ordinary open pays nothing.
func newLoadProgress(opts Options, size int64) *loadProgress {
	if opts.OnLoad == nil && opts.Cancel == nil {
		return nil
	}
	total := 2 * size
	return &loadProgress{on: opts.OnLoad, cancel: opts.Cancel, total: total, step: max(1<<20, total/512), last: -1}
}

// at reports done (clamped to total) if it is a step past the last
// report, and returns false once the open is canceled.
func (p *loadProgress) at(done int64) bool {
	if p == nil {
		return true
	}
	if p.err != nil {
		return false
	}
	select {
	case <-p.cancel:
		p.err = ErrOpenCanceled
		return false
	default:
	}
	done = min(max(done, 0), p.total)
	if p.on != nil && (p.last < 0 || done-p.last >= p.step) && done != p.total && done > p.last {
		p.last = done
		p.on(done, p.total)
	}
	return true
}

// finish reports the whole, once, when the open succeeded.
func (p *loadProgress) finish() {
	if p != nil && p.on != nil && p.last != p.total {
		p.last = p.total
		p.on(p.total, p.total)
	}
}

// canceled returns ErrOpenCanceled once the open was canceled.
func (p *loadProgress) canceled() error {
	if p == nil {
		return nil
	}
	if p.err == nil {
		select {
		case <-p.cancel:
			p.err = ErrOpenCanceled
		default:
		}
	}
	return p.err
}

// reader counts the bytes read from r as the first half of the work; a
// canceled open ends the read with ErrOpenCanceled.
func (p *loadProgress) reader(r io.Reader) io.Reader { return p.readerFrom(r, 0) }

// readerFrom counts the bytes read from r on from base.
func (p *loadProgress) readerFrom(r io.Reader, base int64) io.Reader {
	if p == nil {
		return r
	}
	return &progressReader{r: r, p: p, read: base}
}

type progressReader struct {
	r    io.Reader
	p    *loadProgress
	read int64
}

func (r *progressReader) Read(b []byte) (int, error) {
	if !r.p.at(r.read) {
		return 0, r.p.err
	}
	n, err := r.r.Read(b)
	r.read += int64(n)
	r.p.at(r.read)
	return n, err
}

// half is the file's size: where the second half of the work starts.
func (p *loadProgress) half() int64 {
	if p == nil {
		return 0
	}
	return p.total / 2
}

// applied reports the second half: i of n ops put in memory.
func (p *loadProgress) applied(i, n int) bool {
	if p == nil || n == 0 {
		return true
	}
	half := p.total / 2
	return p.at(half + int64(float64(half)*float64(i)/float64(n)))
}

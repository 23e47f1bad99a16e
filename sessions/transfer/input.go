package transfer

import (
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// headBytes is how much of an input its identity hashes, and how much
// format detection looks at.
const headBytes = 64 << 10

// input is an opened import source: the raw file (counted, for progress),
// decompressed when it is gzip, behind one buffered reader.
type input struct {
	name    string   // for messages: the path, or <stdin>
	file    *os.File // nil for standard input
	raw     *countingReader
	gz      *gzip.Reader
	br      *bufio.Reader // decompressed bytes
	size    int64         // raw size; 0 when unknown
	gzipped bool
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// openInput opens path ("-" for stdin) and detects gzip by its magic bytes.
func openInput(path string, stdin io.Reader) (*input, error) {
	in := &input{name: path}
	var r io.Reader
	if path == "-" {
		if stdin == nil {
			return nil, errors.New("read standard input: none given")
		}
		in.name, r = "<stdin>", stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("open input: %w", err)
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("open input: %w", err)
		}
		if st.IsDir() {
			f.Close()
			return nil, fmt.Errorf("open input: %s is a directory", path)
		}
		in.file, in.size, r = f, st.Size(), f
	}
	in.raw = &countingReader{r: r}
	if err := in.reset(); err != nil {
		in.close()
		return nil, err
	}
	return in, nil
}

// reset (re)starts decoding at the raw reader's current position.
func (in *input) reset() error {
	br := bufio.NewReaderSize(in.raw, 256<<10)
	magic, _ := br.Peek(2)
	in.gzipped = len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b
	if !in.gzipped {
		in.br = br
		return nil
	}
	gz, err := gzip.NewReader(br)
	if err != nil {
		return fmt.Errorf("%s: gzip: %w", in.name, err)
	}
	in.gz, in.br = gz, bufio.NewReaderSize(gz, 256<<10)
	return nil
}

// head returns up to headBytes of the decompressed input without
// consuming them.
func (in *input) head() []byte {
	b, _ := in.br.Peek(headBytes)
	return b
}

// skipTo moves the decompressed position from cur to offset: a seek for a
// plain file, decompressing and discarding for gzip or standard input.
func (in *input) skipTo(cur, offset int64) error {
	if offset < cur {
		return fmt.Errorf("%s: cannot move back from byte %d to %d", in.name, cur, offset)
	}
	if in.file != nil && !in.gzipped {
		if _, err := in.file.Seek(offset, io.SeekStart); err != nil {
			return fmt.Errorf("%s: seek to byte %d: %w", in.name, offset, err)
		}
		in.raw.n = offset
		in.br.Reset(in.raw)
		return nil
	}
	n, err := io.CopyN(io.Discard, in.br, offset-cur)
	if err != nil {
		return fmt.Errorf("%s: skip to byte %d: only %d bytes: %w", in.name, offset, cur+n, err)
	}
	return nil
}

func (in *input) close() {
	if in.gz != nil {
		in.gz.Close()
	}
	if in.file != nil {
		in.file.Close()
	}
}

// Identity identifies an input file for a checkpoint: resuming from a
// checkpoint of a different or changed file is refused.
type Identity struct {
	Path    string    `json:"path"`     // absolute
	Size    int64     `json:"size"`     // bytes
	ModTime time.Time `json:"mod_time"` // modification time
	Head    string    `json:"head"`     // SHA-256 of the first 64 KiB, hex
}

// identity computes the identity of an opened input file.
func (in *input) identity() (Identity, error) {
	abs, err := filepath.Abs(in.file.Name())
	if err != nil {
		return Identity{}, fmt.Errorf("%s: %w", in.name, err)
	}
	st, err := in.file.Stat()
	if err != nil {
		return Identity{}, fmt.Errorf("%s: %w", in.name, err)
	}
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(in.file, 0, headBytes)); err != nil {
		return Identity{}, fmt.Errorf("%s: read: %w", in.name, err)
	}
	return Identity{Path: abs, Size: st.Size(), ModTime: st.ModTime().UTC(), Head: hex.EncodeToString(h.Sum(nil))}, nil
}

// differs says how id differs from want, or "" when they are the same file.
func (id Identity) differs(want Identity) string {
	switch {
	case id.Path != want.Path:
		return fmt.Sprintf("it was for %s", want.Path)
	case id.Size != want.Size:
		return fmt.Sprintf("the file's size changed from %d to %d bytes", want.Size, id.Size)
	case id.Head != want.Head:
		return "the file's first 64 KiB changed"
	case !id.ModTime.Equal(want.ModTime):
		return fmt.Sprintf("the file was modified (%s, was %s)", id.ModTime.Format(time.RFC3339), want.ModTime.Format(time.RFC3339))
	}
	return ""
}

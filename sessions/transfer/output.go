package transfer

import (
	"compress/gzip"
	"fmt"
	"io"
	"strings"

	"dynalab/engine/atomicfile"
	"dynalab/sessions"
)

// CreateOutput opens a temporary file beside file for an export: commit
// flushes (gzip for a .gz name) and puts it in place durably
// (engine/atomicfile), abort removes it, so a canceled or failed export
// never leaves a truncated file nor replaces the old one. A new file is
// private (sessions.PrivateFile); a replaced one keeps its mode.
func CreateOutput(file string) (w io.Writer, commit func() error, abort func(), err error) {
	f, err := atomicfile.Create(file, sessions.PrivateFile)
	if err != nil {
		return nil, nil, nil, err
	}
	w = f
	var zw *gzip.Writer
	if strings.HasSuffix(strings.ToLower(file), ".gz") {
		zw = gzip.NewWriter(f)
		w = zw
	}
	commit = func() error {
		if zw != nil {
			if err := zw.Close(); err != nil {
				f.Abort()
				return fmt.Errorf("write %s: %w", file, err)
			}
		}
		return f.Commit()
	}
	return w, commit, f.Abort, nil
}

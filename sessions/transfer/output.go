package transfer

import (
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"dynalab/sessions"
)

// CreateOutput opens a temporary file beside file for an export: commit
// flushes (gzip for a .gz name), fsyncs and renames it into place, abort
// removes it, so a canceled or failed export never leaves a truncated file
// nor replaces the old one. A new file is private (sessions.PrivateFile);
// a replaced one keeps its mode.
func CreateOutput(file string) (w io.Writer, commit func() error, abort func(), err error) {
	tmp, err := os.CreateTemp(filepath.Dir(file), "."+filepath.Base(file)+".*.tmp")
	if err != nil {
		return nil, nil, nil, err
	}
	abort = func() {
		tmp.Close()
		os.Remove(tmp.Name())
	}
	if err := tmp.Chmod(sessions.FileMode(file)); err != nil {
		abort()
		return nil, nil, nil, fmt.Errorf("write %s: %w", file, err)
	}
	w = tmp
	var zw *gzip.Writer
	if strings.HasSuffix(strings.ToLower(file), ".gz") {
		zw = gzip.NewWriter(tmp)
		w = zw
	}
	commit = func() error {
		var err error
		if zw != nil {
			err = zw.Close()
		}
		if err == nil {
			err = tmp.Sync()
		}
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(tmp.Name(), file)
		}
		if err != nil {
			os.Remove(tmp.Name())
			return fmt.Errorf("write %s: %w", file, err)
		}
		return nil
	}
	return w, commit, abort, nil
}

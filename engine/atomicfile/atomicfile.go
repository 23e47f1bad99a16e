// Package atomicfile replaces files atomically and durably: the new
// content is written to a temporary file beside the old one, fsynced,
// renamed over it, and the directory fsynced, so that after a crash the
// file holds either all of the old content or all of the new, never part,
// and the rename itself survives. Every file dynalab replaces goes
// through it. (github.com/google/renameio does the same but does not
// build on Windows and does not sync the directory.)
package atomicfile

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// tempInfix marks the temporary files of replacements in progress (or
// left by a crash): ".NAME.tmp-RANDOM".
const tempInfix = ".tmp-"

// IsTemp reports whether a file name is one of Create's temporary files,
// which readers of a directory (an import's listing of "S3" objects)
// skip.
func IsTemp(name string) bool {
	return strings.HasPrefix(name, ".") && strings.Contains(name, tempInfix)
}

// File is a replacement being written; Commit puts it in place, Abort
// (or Commit's failure) removes it and leaves the old file untouched.
type File struct {
	*os.File
	path string
	done bool
}

// Create starts replacing path. The new file gets perm, or the existing
// file's mode when there is one (so that a private file stays private).
func Create(path string, perm os.FileMode) (*File, error) {
	if fi, err := os.Stat(path); err == nil {
		perm = fi.Mode().Perm()
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+tempInfix+"*")
	if err != nil {
		return nil, fmt.Errorf("replace %s: %w", path, err)
	}
	if err := f.Chmod(perm); err != nil && !isWindows() {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("replace %s: %w", path, err)
	}
	return &File{File: f, path: path}, nil
}

// Commit fsyncs the new content, renames it over the file and fsyncs the
// directory.
func (f *File) Commit() error {
	if f.done {
		return fmt.Errorf("replace %s: already committed or aborted", f.path)
	}
	f.done = true
	err := f.Sync()
	if cerr := f.File.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), f.path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("replace %s: %w", f.path, err)
	}
	return SyncDir(filepath.Dir(f.path))
}

// Abort drops the replacement; the old file stays as it was. It is safe
// after Commit (it does nothing then), so it can be deferred.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.File.Close()
	os.Remove(f.Name())
}

// WriteFile replaces path with data.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	f, err := Create(path, perm)
	if err != nil {
		return err
	}
	defer f.Abort()
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("replace %s: %w", path, err)
	}
	return f.Commit()
}

// WriteFrom replaces path with what r yields.
func WriteFrom(path string, r io.Reader, perm os.FileMode) error {
	f, err := Create(path, perm)
	if err != nil {
		return err
	}
	defer f.Abort()
	if _, err := io.Copy(f, r); err != nil {
		return fmt.Errorf("replace %s: %w", path, err)
	}
	return f.Commit()
}

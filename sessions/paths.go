package sessions

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// HomeEnv overrides the data directory (tests and CI use it to stay out of
// the real home directory).
const HomeEnv = "DYNALAB_HOME"

// Modes of what dynalab creates under the data directory and of the files
// it writes for the user (exports, snapshots, rejects): they hold items and
// settings, which no other local user may read (--auth guards the endpoint,
// not the disk).
const (
	PrivateFile fs.FileMode = 0o600
	PrivateDir  fs.FileMode = 0o700
)

// FileMode returns the mode to write path with: the existing file's, so
// that a rewrite (a temporary file renamed over it) keeps what its owner
// chose, else PrivateFile.
func FileMode(path string) fs.FileMode {
	if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
		return fi.Mode().Perm()
	}
	return PrivateFile
}

// DefaultName is the session used when none is named.
const DefaultName = "default"

// DataDir returns dynalab's data directory: $DYNALAB_HOME, else the
// platform's per-user data directory ($XDG_DATA_HOME or ~/.local/share on
// Linux and BSD, ~/Library/Application Support on macOS, %AppData% on
// Windows) plus "dynalab".
func DataDir() (string, error) {
	if d := os.Getenv(HomeEnv); d != "" {
		return d, nil
	}
	switch runtime.GOOS {
	case "darwin", "windows", "ios", "plan9":
		base, err := os.UserConfigDir()
		if err != nil {
			return "", fmt.Errorf("find data directory: %w", err)
		}
		return filepath.Join(base, "dynalab"), nil
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "dynalab"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find data directory: %w", err)
	}
	if home == "" {
		return "", errors.New("find data directory: no home directory; set " + HomeEnv)
	}
	return filepath.Join(home, ".local", "share", "dynalab"), nil
}

// DatabasePath returns the database file of the named session.
func DatabasePath(name string) (string, error) {
	dir, err := Dir(name)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, databaseFile), nil
}

// HistoryPath returns the REPL history file of the named session.
func HistoryPath(name string) (string, error) {
	dir, err := Dir(name)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, historyFile), nil
}

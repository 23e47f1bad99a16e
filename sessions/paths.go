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

// Home is dynalab's data directory, resolved once by the command layer
// (DefaultHome) and handed to everything that finds sessions in it, so
// that nothing reads the environment on each call and tests can give
// each their own directory (NewHome(t.TempDir())).
type Home struct{ dir string }

// NewHome returns the data directory dir.
func NewHome(dir string) Home { return Home{dir: dir} }

// DefaultHome returns the data directory to use: $DYNALAB_HOME, else the
// platform's per-user data directory ($XDG_DATA_HOME or ~/.local/share on
// Linux and BSD, ~/Library/Application Support on macOS, %AppData% on
// Windows) plus "dynalab".
func DefaultHome() (Home, error) {
	if d := os.Getenv(HomeEnv); d != "" {
		return NewHome(d), nil
	}
	switch runtime.GOOS {
	case "darwin", "windows", "ios", "plan9":
		base, err := os.UserConfigDir()
		if err != nil {
			return Home{}, fmt.Errorf("find data directory: %w", err)
		}
		return NewHome(filepath.Join(base, "dynalab")), nil
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return NewHome(filepath.Join(d, "dynalab")), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return Home{}, fmt.Errorf("find data directory: %w", err)
	}
	if home == "" {
		return Home{}, errors.New("find data directory: no home directory; set " + HomeEnv)
	}
	return NewHome(filepath.Join(home, ".local", "share", "dynalab")), nil
}

// errNoHome is returned by a zero Home: it would put sessions in the
// working directory.
var errNoHome = errors.New("no data directory (sessions.Home not set)")

// Path returns the data directory.
func (h Home) Path() (string, error) {
	if h.dir == "" {
		return "", errNoHome
	}
	return h.dir, nil
}

// Dir returns the directory of the named session.
func (h Home) Dir(name string) (string, error) {
	if err := validateName("session", name); err != nil {
		return "", err
	}
	root, err := h.sessionsRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, name), nil
}

func (h Home) sessionsRoot() (string, error) {
	dir, err := h.Path()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "sessions"), nil
}

// DatabasePath returns the database file of the named session.
func (h Home) DatabasePath(name string) (string, error) {
	dir, err := h.Dir(name)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, databaseFile), nil
}

// HistoryPath returns the REPL history file of the named session.
func (h Home) HistoryPath(name string) (string, error) {
	dir, err := h.Dir(name)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, historyFile), nil
}

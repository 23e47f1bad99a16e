package sessions

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// HomeEnv overrides the data directory (tests and CI use it to stay out of
// the real home directory).
const HomeEnv = "DYNALAB_HOME"

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

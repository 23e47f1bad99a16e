package cli

import (
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/charmbracelet/x/term"

	"dynalab/sessions"
)

// checkpointPath is where an import of input into table on the selected
// data keeps its checkpoint: under the session's directory (the data
// directory for --data and --endpoint), named for the table and a hash of
// the input's absolute path and the data's identity.
func checkpointPath(sel sessions.Selector, table, input string) (string, error) {
	abs, err := filepath.Abs(input)
	if err != nil {
		return "", fmt.Errorf("import: %w", err)
	}
	var dir, target string
	if name := sel.SessionName(); name != "" {
		if dir, err = sel.Home.Dir(name); err != nil {
			return "", err
		}
		target = "session " + name
	} else {
		if dir, err = sel.Home.Path(); err != nil {
			return "", err
		}
		target = "endpoint " + sel.Endpoint
		if sel.Data != "" {
			data, _ := filepath.Abs(sel.Data)
			target = "data " + data
		}
	}
	sum := sha256.Sum256([]byte(abs + "\x00" + table + "\x00" + target))
	return filepath.Join(dir, "imports", fmt.Sprintf("%s-%x.json", table, sum[:8])), nil
}

// isTerminal reports whether w is a terminal (progress bars go only there).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// importCheckpoint tells the workbench's browser where its imports keep
// their checkpoints — the same files as this command's — and the command
// line that resumes one.
func importCheckpoint(sel sessions.Selector) func(table, input string) (string, string, error) {
	return func(table, input string) (string, string, error) {
		path, err := checkpointPath(sel, table, input)
		if err != nil {
			return "", "", err
		}
		cmd := "dynalab import"
		switch {
		case sel.Session != "":
			cmd += " --session " + shellQuote(sel.Session)
		case sel.Data != "":
			cmd += " --data " + shellQuote(sel.Data)
		case sel.Endpoint != "":
			cmd += " --endpoint " + shellQuote(sel.Endpoint)
		}
		return path, cmd + " --table " + shellQuote(table) + " --resume " + shellQuote(input), nil
	}
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:@%+=,", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

package repl

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"dynalab/engine/atomicfile"

	"dynalab/sessions"
)

// MaxHistory is the number of statements kept in a history file.
const MaxHistory = 1000

// History is the REPL's statement history: in memory for browsing and
// searching, and appended to a file (one JSON string per line, so that
// multi-line statements survive) when it has a path.
type History struct {
	entries []string
	pos     int    // browsing position; len(entries) when not browsing
	draft   string // what was in the editor when browsing began

	path string
	mu   sync.Mutex // serializes file writes from commands
}

// NewHistory returns an empty history persisted at path ("" keeps it in
// memory only).
func NewHistory(path string) *History { return &History{path: path} }

// Entries returns the statements, oldest first (read-only).
func (h *History) Entries() []string { return h.entries }

// Set replaces the entries (after loading the file) and stops browsing.
func (h *History) Set(entries []string) {
	h.entries = entries
	h.pos = len(entries)
}

// Add appends a statement unless it is blank or repeats the newest one, and
// stops browsing. It reports whether the statement was added.
func (h *History) Add(s string) bool {
	defer func() { h.pos = len(h.entries) }()
	if strings.TrimSpace(s) == "" || (len(h.entries) > 0 && h.entries[len(h.entries)-1] == s) {
		return false
	}
	h.entries = append(h.entries, s)
	if len(h.entries) > MaxHistory {
		h.entries = h.entries[len(h.entries)-MaxHistory:]
	}
	return true
}

// Browsing reports whether Prev has moved away from the draft.
func (h *History) Browsing() bool { return h.pos < len(h.entries) }

// Prev returns the statement before the browsing position. current is the
// editor's text, kept as the draft when browsing begins.
func (h *History) Prev(current string) (string, bool) {
	if h.pos == 0 {
		return "", false
	}
	if h.pos == len(h.entries) {
		h.draft = current
	}
	h.pos--
	return h.entries[h.pos], true
}

// Next returns the statement after the browsing position, or the draft
// once past the newest.
func (h *History) Next() (string, bool) {
	if h.pos >= len(h.entries) {
		return "", false
	}
	h.pos++
	if h.pos == len(h.entries) {
		return h.draft, true
	}
	return h.entries[h.pos], true
}

// Reset stops browsing.
func (h *History) Reset() { h.pos = len(h.entries) }

// Search returns the index of the newest statement before index before
// that contains query (case-insensitive), or -1.
func (h *History) Search(query string, before int) int {
	q := strings.ToLower(query)
	for i := min(before, len(h.entries)) - 1; i >= 0; i-- {
		if strings.Contains(strings.ToLower(h.entries[i]), q) {
			return i
		}
	}
	return -1
}

// Load reads the history file. A missing file is an empty history. When
// the file has grown past twice MaxHistory lines it is rewritten with the
// newest MaxHistory.
func (h *History) Load() ([]string, error) {
	if h.path == "" {
		return nil, nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	data, err := os.ReadFile(h.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read history: %w", err)
	}
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 16<<20)
	lines := 0
	for sc.Scan() {
		lines++
		var s string
		if json.Unmarshal(sc.Bytes(), &s) != nil || s == "" {
			continue // a damaged line loses one entry, not the history
		}
		out = append(out, s)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read history %s: %w", h.path, err)
	}
	if len(out) > MaxHistory {
		out = out[len(out)-MaxHistory:]
	}
	if lines > 2*MaxHistory {
		if err := h.rewrite(out); err != nil {
			return out, err
		}
	}
	return out, nil
}

func (h *History) rewrite(entries []string) error {
	var buf bytes.Buffer
	for _, e := range entries {
		buf.Write(historyLine(e))
	}
	// atomicfile keeps the history's mode, or makes it private.
	if err := atomicfile.WriteFile(h.path, buf.Bytes(), sessions.PrivateFile); err != nil {
		return fmt.Errorf("compact history: %w", err)
	}
	return nil
}

// historyLine encodes one entry as a JSON string and a newline, with <, >
// and & left as they are so the file reads like the statements.
func historyLine(s string) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // encoding a string cannot fail
	return buf.Bytes()
}

// Append adds one statement to the history file, creating it (and its
// directory) when needed.
func (h *History) Append(s string) error {
	if h.path == "" {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(h.path), sessions.PrivateDir); err != nil {
		return fmt.Errorf("save history: %w", err)
	}
	f, err := os.OpenFile(h.path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, sessions.PrivateFile)
	if err != nil {
		return fmt.Errorf("save history: %w", err)
	}
	_, werr := f.Write(historyLine(s))
	cerr := f.Close()
	if werr != nil {
		return fmt.Errorf("save history: %w", werr)
	}
	if cerr != nil {
		return fmt.Errorf("save history: %w", cerr)
	}
	return nil
}

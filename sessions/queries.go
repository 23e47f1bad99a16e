package sessions

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"dynalab/engine/atomicfile"
)

// SavedQuery is a named PartiQL statement or script kept in a session's
// queries directory as NAME.sql, a file "dynalab run" and the REPL's
// .read can run as is. Its leading "--" comment lines are its
// description, e.g.
//
//	-- A user's orders, newest first.
//	SELECT * FROM "AppTable" WHERE PK = ? AND begins_with(SK, 'ORDER#') ORDER BY SK DESC
type SavedQuery struct {
	Name        string
	Description string // the leading comment lines, without "--", joined by newlines
	Text        string // the whole file
	Path        string
}

const queryExt = ".sql"

// QueriesDir returns the directory of the session's saved queries.
func (h Home) QueriesDir(session string) (string, error) {
	dir, err := h.Dir(session)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, queriesDir), nil
}

func (h Home) queryPath(session, name string) (string, error) {
	if err := validateName("saved query", name); err != nil {
		return "", err
	}
	dir, err := h.QueriesDir(session)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, name+queryExt), nil
}

// SaveQuery saves text as the session's query name, replacing one of the
// same name.
func (h Home) SaveQuery(session, name, text string) (*SavedQuery, error) {
	p, err := h.queryPath(session, name)
	if err != nil {
		return nil, err
	}
	if _, err := h.Load(session); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(p), PrivateDir); err != nil {
		return nil, fmt.Errorf("save query %q: %w", name, err)
	}
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	if err := atomicfile.WriteFile(p, []byte(text), PrivateFile); err != nil {
		return nil, fmt.Errorf("save query %q: %w", name, err)
	}
	return &SavedQuery{Name: name, Description: describeQuery(text), Text: text, Path: p}, nil
}

// SaveQueryIn saves text as query name in a queries directory
// (QueriesDir's, QueriesBeside's), creating the directory, and says
// whether it replaced a query of the same name.
func SaveQueryIn(dir, name, text string) (q *SavedQuery, replaced bool, err error) {
	if err := validateName("saved query", name); err != nil {
		return nil, false, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, false, fmt.Errorf("save query %q: %w", name, err)
	}
	p := filepath.Join(dir, name+queryExt)
	if _, err := os.Stat(p); err == nil {
		replaced = true
	}
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	if err := atomicfile.WriteFile(p, []byte(text), PrivateFile); err != nil {
		return nil, false, fmt.Errorf("save query %q: %w", name, err)
	}
	return &SavedQuery{Name: name, Description: describeQuery(text), Text: text, Path: p}, replaced, nil
}

// LoadQuery returns the session's saved query name.
func (h Home) LoadQuery(session, name string) (*SavedQuery, error) {
	p, err := h.queryPath(session, name)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("saved query %q of session %q: %w", name, session, ErrNotFound)
		}
		return nil, fmt.Errorf("saved query %q: %w", name, err)
	}
	text := string(data)
	return &SavedQuery{Name: name, Description: describeQuery(text), Text: text, Path: p}, nil
}

// DeleteQuery removes the session's saved query name.
func (h Home) DeleteQuery(session, name string) error {
	p, err := h.queryPath(session, name)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("delete saved query %q of session %q: %w", name, session, ErrNotFound)
		}
		return fmt.Errorf("delete saved query %q: %w", name, err)
	}
	return nil
}

// Queries returns the session's saved queries, sorted by name.
func (h Home) Queries(session string) ([]SavedQuery, error) {
	dir, err := h.QueriesDir(session)
	if err != nil {
		return nil, err
	}
	out, err := QueriesIn(dir)
	if err != nil {
		return nil, fmt.Errorf("list saved queries of session %q: %w", session, err)
	}
	return out, nil
}

// QueriesBeside returns the queries directory of the session whose REPL
// history file is historyPath (HistoryPath's answer): the workbench is
// given its session's history file and finds the saved queries beside it.
func QueriesBeside(historyPath string) string {
	return filepath.Join(filepath.Dir(historyPath), queriesDir)
}

// QueriesIn returns the saved queries in a queries directory (QueriesDir's,
// QueriesBeside's), sorted by name; none when it does not exist.
func QueriesIn(dir string) ([]SavedQuery, error) {
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	var out []SavedQuery
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), queryExt)
		if !ok || e.IsDir() || ValidateName(name) != nil {
			continue
		}
		p := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("saved query %q: %w", name, err)
		}
		text := string(data)
		out = append(out, SavedQuery{Name: name, Description: describeQuery(text), Text: text, Path: p})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// describeQuery returns the leading "--" comment lines of a query,
// without the "-- @name value" annotation lines a model file's access
// patterns add (its facet and parameters, sessions/model).
func describeQuery(text string) string {
	var desc []string
	for line := range strings.Lines(text) {
		line = strings.TrimSpace(line)
		if line == "" && len(desc) == 0 {
			continue
		}
		rest, ok := strings.CutPrefix(line, "--")
		if !ok {
			break
		}
		if rest = strings.TrimSpace(rest); !strings.HasPrefix(rest, "@") {
			desc = append(desc, rest)
		}
	}
	return strings.Join(desc, "\n")
}

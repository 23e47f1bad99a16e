package doctor

import (
	"fmt"
	"strings"

	"dynalab/partiql"
	"dynalab/sessions"
	"dynalab/sessions/model"
)

// ForSession gathers a local session's input: its database, its saved
// queries and the access patterns of the model applied to it (one per
// name; a saved query of several statements gives one pattern each), and
// its capacity history.
func ForSession(home sessions.Home, session string, l *sessions.Local) (Input, error) {
	in := Input{DB: l, Executor: sessions.Planner(l)}
	queries, err := home.Queries(session)
	if err != nil {
		return in, err
	}
	seen := map[string]bool{}
	for _, q := range queries {
		seen[q.Name] = true
		if ap, err := model.PatternFromQuery(q); err == nil {
			in.Patterns = append(in.Patterns, fromModel(ap))
			continue
		}
		stmts := partiql.SplitScript(q.Text)
		for i, st := range stmts {
			name := q.Name
			if len(stmts) > 1 {
				name = fmt.Sprintf("%s[%d]", q.Name, i+1)
			}
			in.Patterns = append(in.Patterns, Pattern{Name: name, Statement: strings.TrimSpace(st.Text)})
		}
	}
	m, err := model.SessionModel(home, session)
	if err != nil {
		return in, fmt.Errorf("the model of session %q: %w", session, err)
	}
	if m != nil {
		for _, ap := range m.AccessPatterns {
			if !seen[ap.Name] {
				in.Patterns = append(in.Patterns, fromModel(ap))
			}
		}
	}
	path, err := home.CapacityPath(session)
	if err != nil {
		return in, err
	}
	if in.Capacity, err = sessions.ReadCapacity(path); err != nil {
		return in, err
	}
	return in, nil
}

func fromModel(ap model.AccessPattern) Pattern {
	return Pattern{Name: ap.Name, Statement: ap.Statement, Parameters: ap.Parameters, Request: ap.Request}
}

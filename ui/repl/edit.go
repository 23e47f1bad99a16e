package repl

import (
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"
)

// compState is a completion menu in progress: Tab again cycles through
// the candidates while the text stays as completion left it.
type compState struct {
	start  int      // where the completed word starts
	cands  []string // the candidates, as inserted
	idx    int      // the one inserted; -1 before cycling
	text   string   // the editor's text after the last completion step
	cursor int
}

// sources gathers completion names from what the REPL has learned.
func (m *Model) sources() Sources {
	names := make([]string, 0, len(m.tables))
	idx := map[string][]string{}
	for n, t := range m.tables {
		names = append(names, n)
		for _, ix := range t.Indexes {
			idx[n] = append(idx[n], ix.Name)
		}
	}
	slices.Sort(names)
	return Sources{
		Tables:  names,
		Indexes: idx,
		Attrs: func(table string) []string {
			set := map[string]bool{}
			for n := range m.attrs[table] {
				set[n] = true
			}
			if t, ok := m.tables[table]; ok {
				for _, k := range t.KeyNames() {
					if k != "" {
						set[k] = true
					}
				}
			}
			if len(set) == 0 {
				for n := range m.attrs[""] {
					set[n] = true
				}
			}
			return slices.Sorted(maps.Keys(set))
		},
	}
}

// complete handles Tab in the editor.
func (m *Model) complete() {
	text, cur := m.ed.Value(), m.ed.Offset()
	if c := m.comp; c != nil && c.text == text && c.cursor == cur && len(c.cands) > 1 {
		c.idx = (c.idx + 1) % len(c.cands)
		m.ed.Replace(c.start, cur, c.cands[c.idx])
		c.text, c.cursor = m.ed.Value(), m.ed.Offset()
		return
	}
	m.comp = nil
	c := Complete(text, cur, m.sources())
	switch len(c.Candidates) {
	case 0:
		m.notice = "no completions"
		if c.Prefix != "" {
			m.notice += " for " + c.Prefix
		}
	case 1:
		ins := c.Candidates[0]
		if cur == len(text) || !strings.ContainsAny(text[cur:cur+1], " \n),;") {
			ins += " "
		}
		m.ed.Replace(c.Start, c.End, ins)
		m.notice = ""
	default:
		if lcp := commonPrefix(c.Candidates); len(lcp) > c.End-c.Start {
			m.ed.Replace(c.Start, c.End, lcp)
		}
		m.comp = &compState{start: c.Start, cands: c.Candidates, idx: -1, text: m.ed.Value(), cursor: m.ed.Offset()}
		m.notice = ""
	}
}

// searchState is a Ctrl+R history search in progress.
type searchState struct {
	query string
	match int // index of the matching history entry, -1 for none
	draft string
}

func (m *Model) startSearch() {
	m.search = &searchState{match: -1, draft: m.ed.Value()}
}

// searchKey handles a key during a history search: typing narrows it,
// Ctrl+R finds an older match, Enter takes the match into the editor, Esc
// puts the draft back.
func (m *Model) searchKey(msg tea.KeyMsg) tea.Cmd {
	s := m.search
	entries := m.hist.Entries()
	switch msg.Type {
	case tea.KeyCtrlR:
		if s.query != "" && s.match > 0 {
			if i := m.hist.Search(s.query, s.match); i >= 0 {
				s.match = i
			}
		}
	case tea.KeyEsc, tea.KeyCtrlG, tea.KeyCtrlC:
		m.ed.SetValue(s.draft)
		m.search = nil
	case tea.KeyEnter:
		if s.match >= 0 {
			m.ed.SetValue(entries[s.match])
		}
		m.search = nil
	case tea.KeyBackspace:
		if s.query != "" {
			_, size := utf8.DecodeLastRuneInString(s.query)
			s.query = s.query[:len(s.query)-size]
			s.match = m.hist.Search(s.query, len(entries))
		}
	case tea.KeyRunes, tea.KeySpace:
		s.query += string(msg.Runes)
		if msg.Type == tea.KeySpace {
			s.query += " "
		}
		s.match = m.hist.Search(s.query, len(entries))
	default:
		if s.match >= 0 {
			m.ed.SetValue(entries[s.match])
		}
		m.search = nil
	}
	return nil
}

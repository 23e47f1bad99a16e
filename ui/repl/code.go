package repl

import (
	"context"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"dynalab/sessions"
	"dynalab/sessions/codegen"
	"dynalab/sessions/model"
	"dynalab/ui/common"
)

// codeMsg carries the program .code wrote.
type codeMsg struct {
	lang   codegen.Lang
	target string // the saved query's name, or "last statement"
	text   string
	err    error
}

// codeCmd writes a saved query (an access pattern) or the last statement
// as a program: .code go|python|js|java|cli [NAME]. The statement is
// planned against the session, as EXPLAIN does, into the request it runs
// as.
func (m *Model) codeCmd(arg string) tea.Cmd {
	langArg, name, _ := strings.Cut(arg, " ")
	name = strings.TrimSpace(name)
	lang, err := codegen.ParseLang(langArg)
	if err != nil {
		m.fail(".code", langArg, usageError(err.Error()), "").Fix = "usage: .code go|python|js|java|cli [NAME]"
		return nil
	}
	c := m.c
	if name == "" {
		if m.last == nil || m.last.stmt.text == "" {
			m.fail(".code", string(lang), usageError("no statement yet"), "").Fix = "run a statement first, or give a saved query's NAME (.queries lists them)"
			return nil
		}
		text := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(m.last.stmt.text), ";"))
		return func() tea.Msg {
			ctx, cancel := c.OpContext()
			defer cancel()
			req, err := common.Do(ctx, func(ctx context.Context) (*codegen.Request, error) {
				return codegen.Plan(ctx, c.Backend, text, nil)
			})
			return generated(lang, "last statement", req, err)
		}
	}
	if m.queriesDir == "" {
		m.fail(".code", name, usageError("no session: saved queries belong to a session"), "").Fix =
			"open the workbench with --session NAME, or run the statement and use .code " + string(lang)
		return nil
	}
	dir := m.queriesDir
	return func() tea.Msg {
		list, err := sessions.QueriesIn(dir)
		if err != nil {
			return codeMsg{lang: lang, target: name, err: err}
		}
		for _, q := range list {
			if q.Name != name {
				continue
			}
			ap, err := model.PatternFromQuery(q)
			if err != nil {
				return codeMsg{lang: lang, target: name, err: err}
			}
			ctx, cancel := c.OpContext()
			defer cancel()
			req, err := common.Do(ctx, func(ctx context.Context) (*codegen.Request, error) {
				return codegen.ForPattern(ctx, c.Backend, ap)
			})
			return generated(lang, name, req, err)
		}
		return codeMsg{lang: lang, target: name, err: usageError("no saved query " + name)}
	}
}

func generated(lang codegen.Lang, target string, req *codegen.Request, err error) codeMsg {
	if err != nil {
		return codeMsg{lang: lang, target: target, err: err}
	}
	text, err := codegen.Generate(lang, req)
	return codeMsg{lang: lang, target: target, text: text, err: err}
}

// coded shows the program, then how to save it to a file.
func (m *Model) coded(msg codeMsg) tea.Cmd {
	act := common.Activity{Time: m.c.Now(), Source: "REPL", Operation: ".code " + string(msg.lang), Target: msg.target}
	if msg.err != nil {
		f := m.fail(".code", msg.target, msg.err, "")
		if _, ok := msg.err.(usageError); ok {
			f.Fix = ".queries lists the saved queries"
		}
		act.Failure = f
		return common.Report(act)
	}
	m.appendOut(infoEntry(strings.Split(strings.TrimRight(msg.text, "\n"), "\n"), false))
	hint := msg.lang.FileName() + ", for the " + msg.target + " · .save NAME, then dynalab model code --lang " +
		string(msg.lang) + " NAME --session S > " + msg.lang.FileName() + " writes it to a file"
	if msg.target != "last statement" {
		hint = msg.lang.FileName() + ", for " + msg.target + " · dynalab model code --lang " + string(msg.lang) + " " +
			msg.target + " --session S > " + msg.lang.FileName() + " writes it to a file"
	}
	m.appendOut(infoEntry([]string{hint}, true))
	act.Summary = common.Plural(strings.Count(msg.text, "\n"), "line")
	return common.Report(act)
}

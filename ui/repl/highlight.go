package repl

import (
	"github.com/charmbracelet/lipgloss"

	"dynalab/partiql"
	"dynalab/themes"
	"dynalab/ui/widgets"
)

// highlight styles src by the partiql lexer's token classes.
func highlight(th *themes.Theme, src string) []widgets.Span {
	toks := partiql.Tokens(src)
	spans := make([]widgets.Span, 0, len(toks))
	for _, t := range toks {
		spans = append(spans, widgets.Span{Start: t.Start, End: t.End, Style: tokenStyle(th, t)})
	}
	return spans
}

func tokenStyle(th *themes.Theme, t partiql.Token) lipgloss.Style {
	s := th.Syntax
	if t.Unterminated {
		return s.Invalid
	}
	switch t.Kind {
	case partiql.TokenKeyword:
		return s.Keyword
	case partiql.TokenIdent:
		return s.Ident
	case partiql.TokenQuotedIdent:
		return s.QuotedIdent
	case partiql.TokenString:
		return s.String
	case partiql.TokenNumber:
		return s.Number
	case partiql.TokenOperator:
		return s.Operator
	case partiql.TokenPunct:
		return s.Punct
	case partiql.TokenParam:
		return s.Param
	case partiql.TokenComment:
		return s.Comment
	}
	return s.Invalid
}

// Prompts of the editor and of echoed statements.
const (
	promptFirst = "sql> "
	promptCont  = "...> "
)

// statementLines renders a statement as the editor would, without a
// cursor: highlighted and wrapped to width.
func statementLines(th *themes.Theme, stmt string, width int) []string {
	var ed widgets.Editor
	ed.SetValue(stmt)
	return ed.View(widgets.EditorView{
		Width:       width,
		Prompt:      promptFirst,
		Continue:    promptCont,
		PromptStyle: th.Muted,
		Base:        th.Text,
		Spans:       highlight(th, stmt),
	})
}

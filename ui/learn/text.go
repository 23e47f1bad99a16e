package learn

import (
	"bufio"
	"io"
	"regexp"
	"strings"
)

// A lesson's text, en.md or ko.md, is markdown laid out so:
//
//	---
//	title: Tables, keys and item collections
//	covers: partition key; sort key; item collections
//	---
//	The introduction, shown first.
//
//	## Read one item {#get-profile}
//	The task's instruction.
//
//	### Hint {.hint}
//	The hint, shown on request.
//
//	## Well done {#done}
//	Shown when every task is passed (optional).
//
// A "## " heading ending in {#ID} starts a task (its ID is the check
// file's task ID) or, with {#done}, the closing text; a "### " heading
// ending in {.hint} starts the task's hint. The attribute braces are not
// shown. Headings inside fenced code blocks do not count.

// Text is a lesson's text in one language.
type Text struct {
	Title  string
	Covers []string
	Intro  string               // markdown
	Tasks  map[string]*TaskText // by task ID
	Done   string               // markdown shown when the lesson is complete; "" when none
}

// TaskText is a task's instruction and hint.
type TaskText struct {
	Heading string // without its {#ID}
	Body    string // markdown
	Hint    string // markdown; "" when the text gives none
	Line    int    // of the heading
}

var (
	anchorRE = regexp.MustCompile(`^##\s+(.*?)\s*\{#([^}]*)\}\s*$`)
	hintRE   = regexp.MustCompile(`^###\s+(.*?)\s*\{\.hint\}\s*$`)
)

// parseText reads a lesson's markdown, adding problems to ps.
func parseText(name string, r io.Reader, ps *problems) *Text {
	t := &Text{Tasks: map[string]*TaskText{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	var lines []string
	for sc.Scan() {
		lines = append(lines, strings.TrimRight(sc.Text(), "\r"))
	}
	i := 0
	if len(lines) == 0 || strings.TrimSpace(lines[0]) != "---" {
		ps.add(name, 1, "expected front matter: a --- line, title: and covers:, and a --- line")
	} else {
		i = 1
		closed := false
		for ; i < len(lines); i++ {
			l := strings.TrimSpace(lines[i])
			if l == "---" {
				closed = true
				i++
				break
			}
			k, v, ok := strings.Cut(l, ":")
			switch strings.TrimSpace(k) {
			case "title":
				t.Title = unquote(strings.TrimSpace(v))
			case "covers":
				for _, c := range strings.Split(v, ";") {
					if c = strings.TrimSpace(c); c != "" {
						t.Covers = append(t.Covers, c)
					}
				}
			default:
				if ok || l != "" {
					ps.add(name, i+1, "unknown front matter %q (title: and covers: are known)", clip(l))
				}
			}
		}
		if !closed {
			ps.add(name, 1, "the front matter has no closing --- line")
		}
		if t.Title == "" {
			ps.add(name, 2, "the front matter has no title:")
		}
		if len(t.Covers) == 0 {
			ps.add(name, 2, "the front matter has no covers: (what the lesson covers, separated by ;)")
		}
	}
	var (
		cur     *strings.Builder // where lines go
		intro   strings.Builder
		done    strings.Builder
		task    *TaskText
		body    strings.Builder
		hint    strings.Builder
		fence   string
		fenceAt int
	)
	flush := func() {
		if task != nil {
			task.Body = strings.TrimSpace(body.String())
			task.Hint = strings.TrimSpace(hint.String())
		}
		body.Reset()
		hint.Reset()
		task = nil
	}
	cur = &intro
	inDone := false
	for ; i < len(lines); i++ {
		l := lines[i]
		if f := fenceOf(l); f != "" {
			switch {
			case fence == "":
				fence, fenceAt = f, i+1
			case strings.HasPrefix(f, fence):
				fence = ""
			}
		}
		if fence == "" {
			if m := anchorRE.FindStringSubmatch(l); m != nil {
				flush()
				id := m[2]
				if id == "done" {
					if inDone {
						ps.add(name, i+1, "a second {#done} section")
					}
					inDone, cur = true, &done
					done.WriteString("## " + m[1] + "\n")
					continue
				}
				if inDone {
					ps.add(name, i+1, "task {#%s} after the {#done} section: {#done} comes last", id)
				}
				if !idPattern.MatchString(id) {
					ps.add(name, i+1, "anchor {#%s}: use lower-case letters, digits and '-'", id)
				}
				if old, dup := t.Tasks[id]; dup {
					ps.add(name, i+1, "task {#%s} already has a heading at line %d", id, old.Line)
				}
				task = &TaskText{Heading: m[1], Line: i + 1}
				t.Tasks[id] = task
				cur = &body
				continue
			}
			if m := hintRE.FindStringSubmatch(l); m != nil {
				if task == nil {
					ps.add(name, i+1, "a {.hint} heading outside a task: it belongs under a ## heading with {#ID}")
				} else if hint.Len() > 0 || cur == &hint {
					ps.add(name, i+1, "task {#%s} has a second {.hint} heading", idOf(t, task))
				}
				cur = &hint
				continue
			}
			if strings.HasPrefix(l, "## ") && strings.Contains(l, "{#") {
				ps.add(name, i+1, "malformed anchor: a task heading ends in {#ID}")
			}
		}
		cur.WriteString(l)
		cur.WriteByte('\n')
	}
	flush()
	if fence != "" {
		ps.add(name, fenceAt, "the code block opened here (%s) is not closed", fence)
	}
	t.Intro = strings.TrimSpace(intro.String())
	t.Done = strings.TrimSpace(done.String())
	return t
}

// fenceOf returns a line's code fence (``` or ~~~, as long as written), or "".
func fenceOf(l string) string {
	s := strings.TrimLeft(l, " ")
	if len(l)-len(s) > 3 {
		return ""
	}
	for _, c := range []string{"`", "~"} {
		n := len(s) - len(strings.TrimLeft(s, c))
		if n >= 3 {
			return s[:n]
		}
	}
	return ""
}

func idOf(t *Text, task *TaskText) string {
	for id, tt := range t.Tasks {
		if tt == task {
			return id
		}
	}
	return ""
}

// unquote drops the double quotes YAML front matter may put around a
// value that holds a colon.
func unquote(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return s[1 : len(s)-1]
	}
	return s
}

package learn

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Problem is one mistake in a course, at a file and line.
type Problem struct {
	File string // the file's path as the course was given ("lessons/01-keys/en.md")
	Line int    // 1-based; 0 when the problem is the file as a whole
	Msg  string
}

// Error renders the problem as file:line: message.
func (p *Problem) Error() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
	}
	return p.File + ": " + p.Msg
}

// CourseError is every problem found loading a course, sorted by file
// and line, one per line of its message.
type CourseError struct {
	Problems []*Problem
}

// Error lists the problems.
func (e *CourseError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// problems collects a course's problems while it loads.
type problems struct{ list []*Problem }

func (ps *problems) add(file string, line int, format string, args ...any) {
	ps.list = append(ps.list, &Problem{File: file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// err returns the problems as a *CourseError, or nil when there are none.
func (ps *problems) err() error {
	if len(ps.list) == 0 {
		return nil
	}
	slices.SortStableFunc(ps.list, func(a, b *Problem) int {
		return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
	})
	return &CourseError{Problems: ps.list}
}

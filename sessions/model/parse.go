package model

import (
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
)

// File is a parsed model file: the model and where each of its values is.
type File struct {
	Name  string // the file's name, for problems
	Model *Model
	lines lineIndex
	pos   map[posKey]int
}

// Problem is something wrong with a model file, at a line.
type Problem struct {
	File    string
	Line    int // 1-based; 0 when the problem has no line (the file as a whole)
	Message string
}

// String renders the problem as FILE:LINE: message.
func (p Problem) String() string {
	if p.Line == 0 {
		return p.File + ": " + p.Message
	}
	return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
}

// Problems are a model file's problems, in line order. As an error it
// reads one problem per line.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

func (ps Problems) sorted() Problems {
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Line < ps[j].Line })
	return ps
}

// Parse reads a model file. The File is nil only when the JSON itself is
// broken; otherwise it holds whatever could be decoded, and Problems
// lists what could not (wrong types, unknown or repeated members).
func Parse(name string, data []byte) (*File, Problems) {
	f := &File{Name: name, Model: &Model{}, lines: newLineIndex(data), pos: map[posKey]int{}}
	root, err := parseTree(data)
	if err != nil {
		off := 0
		if se, ok := err.(*syntaxError); ok {
			off = se.offset
		}
		return nil, Problems{{File: name, Line: f.lines.line(off), Message: err.Error()}}
	}
	d := &decoder{data: data, lines: f.lines, pos: f.pos}
	d.decode(root, reflect.ValueOf(f.Model).Elem(), "")
	var ps Problems
	for _, p := range d.problems {
		ps = append(ps, Problem{File: name, Line: f.lines.line(p.offset), Message: strings.TrimPrefix(p.msg, ": ")})
	}
	return f, ps.sorted()
}

// Line returns the line where the value ptr points to was read: ptr is
// the address of a part of f.Model (&t.TableName, &t.KeySchema[1], &m.Tables[0]).
// It returns 0 for values not read from the file.
func (f *File) Line(ptr any) int {
	v := reflect.ValueOf(ptr)
	if f == nil || v.Kind() != reflect.Pointer || v.IsNil() {
		return 0
	}
	return f.pos[posKey{v.Pointer(), v.Type().Elem()}]
}

// Check parses a model file and checks it: Parse's problems, then Check's.
func Check(name string, data []byte) Problems {
	f, ps := Parse(name, data)
	if f == nil || len(ps) > 0 {
		return ps
	}
	return f.Check()
}

// Read reads and checks a model in either format: a dynalab model file,
// or a NoSQL Workbench data model (IsWorkbench), converted with
// FromWorkbench and checked as converted (its problems have no line).
func Read(name string, data []byte) (*Model, error) {
	if !IsWorkbench(data) {
		f, ps := Parse(name, data)
		if f != nil && len(ps) == 0 {
			ps = f.Check()
		}
		if len(ps) > 0 {
			return nil, ps
		}
		return f.Model, nil
	}
	wb, err := ReadWorkbench(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	m := FromWorkbench(wb)
	text, err := Marshal(m)
	if err != nil {
		return nil, err
	}
	f, ps := Parse(name, text)
	if f != nil && len(ps) == 0 {
		ps = f.Check()
	}
	for i := range ps {
		ps[i].Line, ps[i].Message = 0, "as converted from NoSQL Workbench: "+ps[i].Message
	}
	if len(ps) > 0 {
		return nil, ps
	}
	return m, nil
}

// Load reads and checks a model file (either format, as Read); the error
// lists every problem, one FILE:LINE: message per line.
func Load(path string) (*Model, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read model: %w", err)
	}
	return Read(path, data)
}

package learn

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

//go:embed lessons
var builtin embed.FS

// BuiltinName is the built-in course's name.
const BuiltinName = "dynalab"

// Course is an ordered list of lessons.
type Course struct {
	Name    string // BuiltinName, or the directory's name for LoadDir
	Builtin bool
	Lessons []*Lesson
}

// Lesson is one lesson: its texts, its setup and its tasks.
type Lesson struct {
	ID     string // the directory's name: "01-keys"
	Number int    // 1
	Slug   string // "keys"
	Text   map[Lang]*Text
	Setup  []Step
	Tasks  []*Task
	// Source is where the lesson was read from, for messages.
	Source string
}

// In returns the lesson's text in lang, or English when lang has none.
func (l *Lesson) In(lang Lang) *Text {
	if t, ok := l.Text[lang]; ok {
		return t
	}
	return l.Text[English]
}

// Task returns the task with the given ID, or nil.
func (l *Lesson) Task(id string) *Task {
	for _, t := range l.Tasks {
		if t.ID == id {
			return t
		}
	}
	return nil
}

var lessonDir = regexp.MustCompile(`^(\d{2})-([a-z0-9][a-z0-9-]*)$`)

// Builtin returns the course embedded in the binary.
func Builtin() (*Course, error) {
	sub, err := fs.Sub(builtin, "lessons")
	if err != nil {
		return nil, err
	}
	c, err := LoadFS(sub, "lessons")
	if err != nil {
		return nil, err
	}
	c.Name, c.Builtin = BuiltinName, true
	return c, nil
}

// LoadDir reads a teacher's course from dir, in the built-in course's
// layout: one NN-slug directory per lesson holding en.md, ko.md and
// lesson.check. Problems are reported together, as file:line: message.
func LoadDir(dir string) (*Course, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("course %s: %w", dir, err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("course %s: not a directory", dir)
	}
	c, err := LoadFS(os.DirFS(dir), filepath.ToSlash(filepath.Clean(dir)))
	if err != nil {
		return nil, err
	}
	abs, _ := filepath.Abs(dir)
	c.Name = filepath.Base(abs)
	return c, nil
}

// LoadFS reads a course from fsys; prefix names its root in messages.
// Every problem is reported (a *CourseError), not only the first.
func LoadFS(fsys fs.FS, prefix string) (*Course, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("course %s: %w", prefix, err)
	}
	ps := &problems{}
	c := &Course{Name: path.Base(prefix)}
	numbers := map[int]string{}
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() {
			if strings.EqualFold(path.Ext(name), ".md") || strings.HasPrefix(name, ".") {
				continue // a README beside the lessons
			}
			ps.add(path.Join(prefix, name), 0, "not a lesson directory: a course holds NN-slug directories")
			continue
		}
		m := lessonDir.FindStringSubmatch(name)
		if m == nil {
			ps.add(path.Join(prefix, name), 0, "lesson directory names are NN-slug: two digits, '-', lower-case letters, digits and '-' (01-keys)")
			continue
		}
		n, _ := strconv.Atoi(m[1])
		if other, dup := numbers[n]; dup {
			ps.add(path.Join(prefix, name), 0, "lesson number %02d is also %s", n, other)
			continue
		}
		numbers[n] = name
		if l := loadLesson(fsys, name, prefix, ps); l != nil {
			l.Number, l.Slug = n, m[2]
			c.Lessons = append(c.Lessons, l)
		}
	}
	if len(c.Lessons) == 0 && len(ps.list) == 0 {
		ps.add(prefix, 0, "no lessons: a course holds NN-slug directories with en.md, ko.md and "+CheckFile)
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	slices.SortFunc(c.Lessons, func(a, b *Lesson) int { return a.Number - b.Number })
	return c, nil
}

func loadLesson(fsys fs.FS, dir, prefix string, ps *problems) *Lesson {
	l := &Lesson{ID: dir, Text: map[Lang]*Text{}, Source: path.Join(prefix, dir)}
	before := len(ps.list)
	checkName := path.Join(prefix, dir, CheckFile)
	f, err := fsys.Open(path.Join(dir, CheckFile))
	var cf *checkFile
	if err != nil {
		ps.add(checkName, 0, "missing: every lesson has a check file (%v)", errors.Unwrap(err))
	} else {
		cf = parseCheckFile(checkName, f, ps)
		f.Close()
		l.Setup, l.Tasks = cf.setup, cf.tasks
	}
	for _, lang := range Langs {
		name := path.Join(prefix, dir, string(lang)+".md")
		f, err := fsys.Open(path.Join(dir, string(lang)+".md"))
		if err != nil {
			ps.add(name, 0, "missing: every lesson is written in %s", strings.Join(langNames(), " and "))
			continue
		}
		t := parseText(name, f, ps)
		f.Close()
		l.Text[lang] = t
		if cf == nil {
			continue
		}
		for _, task := range cf.tasks {
			tt, ok := t.Tasks[task.ID]
			switch {
			case !ok:
				ps.add(checkName, task.Line, "task %q has no heading in %s (## … {#%s})", task.ID, path.Base(name), task.ID)
			case tt.Body == "":
				ps.add(name, tt.Line, "task {#%s} has no instruction under its heading", task.ID)
			case tt.Hint == "":
				ps.add(name, tt.Line, "task {#%s} has no hint (### … {.hint} under its heading)", task.ID)
			}
		}
		for id, tt := range t.Tasks {
			if l.taskIndex(id) < 0 {
				ps.add(name, tt.Line, "heading {#%s} has no task in %s", id, CheckFile)
			}
		}
		// The headings' order is the tasks' order.
		if order := headingOrder(t); cf != nil && len(order) == len(cf.tasks) {
			for i, id := range order {
				if cf.tasks[i].ID != id && l.taskIndex(id) >= 0 {
					ps.add(name, t.Tasks[id].Line, "task {#%s} is task %d here and %d in %s: keep one order", id, i+1, l.taskIndex(id)+1, CheckFile)
					break
				}
			}
		}
	}
	if len(ps.list) > before {
		return nil
	}
	return l
}

func (l *Lesson) taskIndex(id string) int {
	for i, t := range l.Tasks {
		if t.ID == id {
			return i
		}
	}
	return -1
}

func headingOrder(t *Text) []string {
	ids := make([]string, 0, len(t.Tasks))
	for id := range t.Tasks {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b string) int { return t.Tasks[a].Line - t.Tasks[b].Line })
	return ids
}

func langNames() []string {
	out := make([]string, len(Langs))
	for i, l := range Langs {
		out[i] = string(l) + ".md"
	}
	return out
}

// Find returns the lesson a --lesson value names: its number ("3",
// "03"), its directory ("03-writes"), or its slug ("writes").
func (c *Course) Find(s string) (*Lesson, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.Atoi(s); err == nil {
		for _, l := range c.Lessons {
			if l.Number == n {
				return l, nil
			}
		}
	}
	for _, l := range c.Lessons {
		if l.ID == s || l.Slug == s {
			return l, nil
		}
	}
	return nil, fmt.Errorf("no lesson %q in course %s (lessons %s)", s, c.Name, c.span())
}

func (c *Course) span() string {
	if len(c.Lessons) == 0 {
		return "none"
	}
	return fmt.Sprintf("%d–%d", c.Lessons[0].Number, c.Lessons[len(c.Lessons)-1].Number)
}

// Next returns the lesson after l, or nil after the last.
func (c *Course) Next(l *Lesson) *Lesson {
	for i, x := range c.Lessons {
		if x == l && i+1 < len(c.Lessons) {
			return c.Lessons[i+1]
		}
	}
	return nil
}

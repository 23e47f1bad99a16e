package learn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"dynalab/engine/atomicfile"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/sessions"
)

// progressFile is the file in a lesson's session directory that keeps
// its progress.
const progressFile = "learn.json"

// Progress is what a learner has done in a lesson, kept in the lesson's
// session.
type Progress struct {
	Course   string    `json:"course"`
	Lesson   string    `json:"lesson"`
	Loaded   bool      `json:"loaded"`             // the lesson's setup ran
	Prepared []string  `json:"prepared,omitempty"` // tasks whose before: statements ran
	Done     []string  `json:"done,omitempty"`     // tasks passed
	Skipped  []string  `json:"skipped,omitempty"`  // tasks skipped (.next)
	Updated  time.Time `json:"updated"`
}

// Finished reports whether task id was passed or skipped.
func (p *Progress) Finished(id string) bool {
	return slices.Contains(p.Done, id) || slices.Contains(p.Skipped, id)
}

// Complete reports whether every task of l is passed or skipped.
func (p *Progress) Complete(l *Lesson) bool {
	for _, t := range l.Tasks {
		if !p.Finished(t.ID) {
			return false
		}
	}
	return true
}

// Current is the index of the first task neither passed nor skipped, or
// len(l.Tasks) when none is left.
func (p *Progress) Current(l *Lesson) int {
	for i, t := range l.Tasks {
		if !p.Finished(t.ID) {
			return i
		}
	}
	return len(l.Tasks)
}

func (p *Progress) mark(list *[]string, id string) {
	if !slices.Contains(*list, id) {
		*list = append(*list, id)
	}
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// SessionName is the session a lesson works in: learn-01-keys for the
// built-in course, learn-COURSE-01-keys for a teacher's.
func SessionName(c *Course, l *Lesson) string {
	name := "learn-" + l.ID
	if !c.Builtin {
		course := strings.Trim(unsafeName.ReplaceAllString(c.Name, "-"), "-.")
		if course == "" {
			course = "course"
		}
		name = "learn-" + course + "-" + l.ID
	}
	if len(name) > 64 {
		name = strings.TrimRight(name[:64], "-.")
	}
	return name
}

// Session is a lesson opened in its own session: the backend the learner
// works on, and the progress kept there.
type Session struct {
	Name     string
	Course   *Course
	Lesson   *Lesson
	Backend  sessions.Backend
	Progress Progress
	dir      string
	home     sessions.Home // where the course's other lessons keep their progress
}

// ReadProgress returns a lesson's progress without opening its session;
// a lesson never started has none (zero Progress, no error).
func ReadProgress(home sessions.Home, c *Course, l *Lesson) (Progress, error) {
	dir, err := home.Dir(SessionName(c, l))
	if err != nil {
		return Progress{}, err
	}
	return readProgress(dir)
}

func readProgress(dir string) (Progress, error) {
	data, err := os.ReadFile(filepath.Join(dir, progressFile))
	if errors.Is(err, fs.ErrNotExist) {
		return Progress{}, nil
	}
	if err != nil {
		return Progress{}, fmt.Errorf("read lesson progress: %w", err)
	}
	var p Progress
	if err := json.Unmarshal(data, &p); err != nil {
		return Progress{}, fmt.Errorf("read lesson progress %s: %w", filepath.Join(dir, progressFile), err)
	}
	return p, nil
}

// Open opens a lesson in its own session, creating the session on first
// use and loading the lesson's setup into it once; reset empties the
// session first (tables and progress). The learner's other sessions are
// never touched. Close the Session when done.
func Open(ctx context.Context, home sessions.Home, c *Course, l *Lesson, reset bool) (*Session, error) {
	name := SessionName(c, l)
	if reset {
		if err := home.Remove(name); err != nil && !errors.Is(err, sessions.ErrNotFound) {
			return nil, fmt.Errorf("reset lesson %s: %w", l.ID, err)
		}
	}
	info, err := home.Show(name)
	if errors.Is(err, sessions.ErrNotFound) {
		info, err = home.Create(name, sessions.Settings{Kind: sessions.KindLocal,
			Description: fmt.Sprintf("dynalab learn: lesson %s of %s", l.ID, c.Name)})
	}
	if err != nil {
		return nil, fmt.Errorf("lesson %s: %w", l.ID, err)
	}
	if info.Settings.Kind != sessions.KindLocal {
		return nil, fmt.Errorf("lesson %s: session %q is not local; remove it (dynalab session rm %s) to run the lesson", l.ID, name, name)
	}
	b, err := sessions.Open(ctx, sessions.Selector{Home: home, Session: name})
	if err != nil {
		return nil, fmt.Errorf("lesson %s: %w", l.ID, err)
	}
	s := &Session{Name: name, Course: c, Lesson: l, Backend: b, dir: info.Dir, home: home}
	if s.Progress, err = readProgress(info.Dir); err != nil {
		b.Close()
		return nil, err
	}
	if !s.Progress.Loaded {
		if err := s.load(ctx); err != nil {
			b.Close()
			return nil, err
		}
	}
	return s, nil
}

// Close closes the session's backend.
func (s *Session) Close() error { return s.Backend.Close() }

// HistoryPath is the lesson session's REPL history.
func (s *Session) HistoryPath() string { return filepath.Join(s.dir, "history") }

// load empties the session and runs the lesson's setup.
func (s *Session) load(ctx context.Context) error {
	if err := dropTables(ctx, s.Backend); err != nil {
		return fmt.Errorf("lesson %s: empty session %s: %w", s.Lesson.ID, s.Name, err)
	}
	if err := RunSetup(ctx, s.Backend, s.Lesson); err != nil {
		return err
	}
	s.Progress = Progress{Course: s.Course.Name, Lesson: s.Lesson.ID, Loaded: true}
	return s.Save()
}

// Save writes s.Progress.
func (s *Session) Save() error { return s.SaveProgress(s.Progress) }

// SaveProgress writes p as the lesson's progress (atomically: a crash
// keeps the old file). It does not change s.Progress, so that the lesson
// pane can save from a command while it goes on.
func (s *Session) SaveProgress(p Progress) error {
	p.Course, p.Lesson = s.Course.Name, s.Lesson.ID
	p.Updated = time.Now().UTC().Truncate(time.Second)
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(filepath.Join(s.dir, progressFile), append(data, '\n'), sessions.PrivateFile); err != nil {
		return fmt.Errorf("save lesson progress: %w", err)
	}
	return nil
}

func dropTables(ctx context.Context, b sessions.Backend) error {
	start := ""
	for {
		out, err := b.ListTables(ctx, &engine.ListTablesInput{ExclusiveStartTableName: start})
		if err != nil {
			return err
		}
		for _, t := range out.TableNames {
			if _, err := b.DeleteTable(ctx, &engine.DeleteTableInput{TableName: t}); err != nil {
				return err
			}
		}
		if out.LastEvaluatedTableName == "" {
			return nil
		}
		start = out.LastEvaluatedTableName
	}
}

// RunSetup creates a lesson's tables and runs its setup statements, in
// the check file's order, on b.
func RunSetup(ctx context.Context, b sessions.Backend, l *Lesson) error {
	for _, st := range l.Setup {
		where := fmt.Sprintf("%s/%s:%d", l.Source, CheckFile, st.Line)
		var err error
		switch {
		case st.Table != nil:
			in := *st.Table
			_, err = b.CreateTable(ctx, &in)
		case st.Pad != nil:
			err = pad(ctx, b, st.Pad)
		default:
			_, err = b.Run(ctx, st.Statement, nil, "")
		}
		if err != nil {
			return fmt.Errorf("%s: lesson setup: %w", where, err)
		}
	}
	return nil
}

// pad sets an existing item's attribute to a string of p.Bytes bytes.
func pad(ctx context.Context, b sessions.Backend, p *Pad) error {
	key := attr.Item{}
	for _, a := range p.Key {
		key[a.Name] = attr.S(a.Value)
	}
	cond, upd := "attribute_exists(#a)", "SET #p = :v"
	_, err := b.UpdateItem(ctx, &engine.UpdateItemInput{
		TableName:                 p.Table,
		Key:                       key,
		UpdateExpression:          &upd,
		ConditionExpression:       &cond,
		ExpressionAttributeNames:  map[string]string{"#p": p.Attr, "#a": p.Key[0].Name},
		ExpressionAttributeValues: engine.Values{":v": attr.S(strings.Repeat("x", p.Bytes))},
	})
	return err
}

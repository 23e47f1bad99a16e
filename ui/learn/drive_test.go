package learn

import (
	"context"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"dynalab/sessions"
	"dynalab/ui"
	"dynalab/ui/internal/uitest"
)

// driver runs a lesson in a real workbench model (the REPL, the other
// panes and the lesson pane), giving it keys and running the commands
// they return, as Bubble Tea would.
type driver struct {
	t     *testing.T
	app   *ui.App
	tutor *Tutor
	sess  *Session
	quit  bool
}

// home returns a temporary data directory for the lessons' sessions.
func home(t *testing.T) sessions.Home {
	t.Helper()
	return sessions.NewHome(t.TempDir())
}

func openLesson(t *testing.T, home sessions.Home, c *Course, l *Lesson, lang Lang, reset bool, w, h int) *driver {
	t.Helper()
	s, err := Open(context.Background(), home, c, l, reset)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	tu := NewTutor(s, lang)
	app, err := ui.New(context.Background(), ui.Options{Backend: noFeeds{s.Backend}, Theme: uitest.Theme(t, "dark"), Clock: uitest.Clock, Tutor: tu})
	if err != nil {
		t.Fatal(err)
	}
	d := &driver{t: t, app: app, tutor: tu, sess: s}
	d.send(tea.WindowSizeMsg{Width: w, Height: h})
	d.send(uitest.Exec(app.Init())...)
	return d
}

func (d *driver) send(msgs ...tea.Msg) {
	d.t.Helper()
	queue := append([]tea.Msg(nil), msgs...)
	for len(queue) > 0 {
		msg := queue[0]
		queue = queue[1:]
		if _, ok := msg.(tea.QuitMsg); ok {
			d.quit = true
			continue
		}
		_, cmd := d.app.Update(msg)
		queue = append(queue, uitest.Exec(cmd)...)
	}
}

// run types a statement (or meta-command) at the REPL's prompt and
// presses Enter.
func (d *driver) run(stmt string) {
	d.t.Helper()
	if !strings.HasPrefix(stmt, ".") && !strings.HasSuffix(stmt, ";") {
		stmt += ";"
	}
	d.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(stmt)})
	d.send(uitest.Key("enter"))
}

func (d *driver) press(keys ...string) {
	d.t.Helper()
	for _, k := range keys {
		d.send(uitest.Key(k))
	}
}

func (d *driver) view() string { return ansi.Strip(d.app.View()) }

// verdict is the lesson pane's latest "what differs", joined.
func (d *driver) verdict() string {
	if d.tutor.verdict == nil {
		return ""
	}
	return strings.Join(d.tutor.verdict.Diffs, "; ")
}

func (d *driver) currentID() string {
	if task := d.tutor.current(); task != nil {
		return task.ID
	}
	return ""
}

func builtinCourse(t *testing.T) *Course {
	t.Helper()
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// wrong is one wrong answer per task of the built-in course and the
// "what differs" it must meet.
var wrong = map[string]map[string][2]string{
	"01-keys": {
		"get-profile": {`SELECT * FROM Shop WHERE PK = 'USER#u123'`, "a Query instead of a GetItem"},
		"collection":  {`SELECT * FROM Shop WHERE begins_with(PK, 'USER#u123')`, "a Scan instead of a Query"},
	},
	"02-single-table": {
		"user-orders": {`SELECT * FROM App WHERE PK = 'USER#u1'`, "key condition PK = …; PK = … AND begins_with(SK, …) asked"},
		"order-lines": {`SELECT * FROM App WHERE SK = 'INFO'`, "a Scan instead of a Query"},
	},
	"03-writes": {
		"insert": {`INSERT INTO Notes VALUE {'PK':'USER#u1','SK':'NOTE#4','text':'buy milk'}`, "0 rows instead of 1 row (read back by SELECT"},
		"update": {`UPDATE Notes SET done = false WHERE PK = 'USER#u1' AND SK = 'NOTE#1'`, "row 1 is SK=NOTE#1 done=false; expected SK=NOTE#1 done=true"},
		"delete": {`DELETE FROM Notes WHERE PK = 'USER#u1' AND SK = 'NOTE#9'`, "1 row instead of 0"},
	},
	"04-conditions": {
		"create-if-absent": {`INSERT INTO Usernames VALUE {'PK':'joon','owner':'USER#u2'}`, "expected DuplicateItemException, the write succeeded"},
		"optimistic-lock":  {`UPDATE Accounts SET balance = 80 WHERE PK = 'ACCT#1'`, "row 1 is balance=80 version=3; expected balance=80 version=4"},
		"stale-write":      {`UPDATE Accounts SET balance = 70, version = 5 WHERE PK = 'ACCT#1' AND version = 4`, "expected ConditionalCheckFailedException, the write succeeded"},
	},
	"05-indexes": {
		"gsi":       {`SELECT * FROM Orders WHERE status = 'PENDING'`, "a Scan instead of a Query; reads the table Orders, not its index ByStatus"},
		"lsi":       {`SELECT * FROM Orders WHERE PK = 'USER#u1' AND total > 50`, "reads the table Orders, not its index ByTotal"},
		"multi-key": {`SELECT * FROM Tickets."Nope" WHERE assignee = 'ana'`, "reads the index Nope instead of ByAssignee"},
	},
	"06-capacity": {
		"read-big":  {`SELECT * FROM Docs WHERE PK = 'DOC#small'`, "consumed 0.5 CU instead of 1 CU"},
		"write-big": {`UPDATE Docs SET reviewed = true WHERE PK = 'DOC#small'`, "consumed 1 CU instead of 6 CU"},
		"scan-all":  {`SELECT * FROM Docs WHERE PK = 'DOC#huge'`, "a GetItem instead of a Scan; consumed 1.5 CU instead of 3.5 CU"},
	},
	"07-transactions": {
		"marker":          {`SELECT * FROM Signup WHERE owner = 'USER#u1'`, "a Scan instead of a GetItem"},
		"duplicate-email": {`INSERT INTO Signup VALUE {'PK':'EMAIL#joon@example.com','owner':'USER#u2'}`, "expected DuplicateItemException, the write succeeded"},
		"retry":           {`INSERT INTO Signup VALUE {'PK':'PAYMENT#req-42','user':'USER#u1','amount':10}`, "expected DuplicateItemException, the write succeeded"},
	},
	"08-streams": {
		"modify": {`UPDATE Orders SET status = 'SHIPPED' WHERE PK = 'ORDER#o2'`, "row 1 is status=PAID; expected status=SHIPPED"},
		"remove": {`SELECT * FROM Orders WHERE PK = 'ORDER#o3'`, "a GetItem instead of a DeleteItem"},
	},
	"09-ttl-backups": {
		"live":    {`SELECT * FROM Sessions WHERE PK = 'USER#u1'`, "no filter; the task filters on expiresAt"},
		"expired": {`SELECT * FROM Sessions WHERE expiresAt <= 1767225600`, "a Scan instead of a Query"},
	},
	"10-global-tables": {
		"own-counter":       {`UPDATE Pages SET views = views_euw1 + 1 WHERE PK = 'PAGE#home'`, "row 1 is views_use1=10 views_euw1=5; expected views_use1=10 views_euw1=6"},
		"conditional-title": {`UPDATE Pages SET title = 'Hello' WHERE PK = 'PAGE#home'`, "row 1 is title=Hello version=7; expected title=Hello version=8"},
	},
	"11-order-model": {
		"newest-orders": {`SELECT * FROM App WHERE PK = 'USER#u123' AND begins_with(SK, 'ORDER#')`, "oldest first; newest first asked"},
		"order-by-id":   {`SELECT * FROM App WHERE GSI1PK = 'ORDER#o2'`, "a Scan instead of a Query; reads the table App, not its index GSI1"},
		"pending":       {`SELECT * FROM App."GSI2" WHERE GSI2PK = 'STATUS#PENDING' AND GSI2SK > '2024-03'`, "1 row instead of 2 rows"},
	},
	"12-partiql-explain": {
		"explain-scan":  {`SELECT * FROM Products WHERE name = 'Desk lamp'`, "run it as EXPLAIN <statement>"},
		"explain-query": {`EXPLAIN SELECT * FROM Products WHERE category = 'lighting'`, "a Scan instead of a Query; reads the table Products, not its index ByCategory"},
		"explain-get":   {`EXPLAIN SELECT name, price FROM Products WHERE name = 'Oak desk'`, "a Scan instead of a GetItem"},
	},
	"13-pagination-sorting": {
		"range":          {`SELECT * FROM Readings WHERE PK = 'DEVICE#d1' AND celsius >= 20`, "key condition PK = …; PK = … AND SK BETWEEN … asked"},
		"latest":         {`SELECT * FROM Readings WHERE PK = 'DEVICE#d1' AND SK >= '2024-05-01T12:00'`, "oldest first; newest first asked"},
		"no-global-sort": {`SELECT * FROM Readings WHERE PK = 'DEVICE#d1' ORDER BY SK DESC`, "expected ValidationException, the statement succeeded"},
	},
	"14-hot-partitions": {
		"add-vote":   {`UPDATE Votes SET votes = votes + 1 WHERE PK = 'VOTES#dog#0' AND SK = 'TOTAL'`, "row 1 is PK=VOTES#cat#3 votes=12; expected PK=VOTES#cat#3 votes=13"},
		"all-shards": {`SELECT * FROM Votes WHERE PK IN ['VOTES#cat#0', 'VOTES#cat#1']`, "reads 2 partitions instead of 4"},
	},
	"15-cost": {
		"scan-cost":  {`SELECT PK FROM Orders WHERE status = 'SHIPPED' AND PK = 'ORDER#o1'`, "a Query instead of a Scan; consumed 0.5 CU instead of 4 CU; 1 row instead of 2 rows"},
		"index-cost": {`SELECT PK FROM Orders WHERE status = 'SHIPPED'`, "a Scan instead of a Query; reads the table Orders, not its index ByStatus; consumed 4 CU instead of 0.5 CU"},
	},
	"16-iam-leading-keys": {
		"own-items":   {`SELECT * FROM App WHERE begins_with(PK, 'USER#u123')`, "a Scan instead of a Query"},
		"denied-scan": {`EXPLAIN SELECT * FROM App WHERE PK = 'USER#u123'`, "a Query instead of a Scan"},
	},
	"17-mini-project": {
		"create-order": {`INSERT INTO Orders VALUE {'PK':'USER#u124','SK':'ORDER#2024-06-01#o8','status':'PLACED','total':30}`, "0 rows instead of 1 row"},
		"list-orders":  {`SELECT * FROM Orders WHERE PK = 'USER#u123' ORDER BY SK DESC`, "key condition PK = …; PK = … AND begins_with(SK, …) asked"},
		"react":        {`UPDATE Orders SET status = 'CONFIRMED' WHERE PK = 'USER#u123' AND SK = 'ORDER#2024-05-20#o7'`, "row 1 is status=PLACED; expected status=CONFIRMED"},
	},
	"18-checklist": {
		"explain-pattern": {`EXPLAIN SELECT * FROM App WHERE GSI1PK = 'STATUS#PENDING'`, "a Scan instead of a Query"},
		"no-ttl":          {`SELECT * FROM App WHERE PK = 'USER#u1' AND begins_with(SK, 'SESSION#')`, "no filter; the task filters on expiresAt"},
	},
}

// TestEveryLessonCompletesWithItsAnswers drives every lesson of the
// built-in course through the workbench: per task, the wrong answer first
// (it must not pass, and must say what differs), then the reference
// answer (it must pass). In Korean the same, with the Korean messages.
func TestEveryLessonCompletesWithItsAnswers(t *testing.T) {
	t.Parallel()
	for _, lang := range Langs {
		t.Run(string(lang), func(t *testing.T) { driveCourse(t, lang) })
	}
}

func driveCourse(t *testing.T, lang Lang) {
	h := home(t)
	c := builtinCourse(t)
	for _, l := range c.Lessons {
		t.Run(l.ID, func(t *testing.T) {
			d := openLesson(t, h, c, l, lang, false, 100, 30)
			for _, task := range l.Tasks {
				if d.currentID() != task.ID {
					t.Fatalf("at task %q, want %q", d.currentID(), task.ID)
				}
				w, ok := wrong[l.ID][task.ID]
				if !ok {
					t.Errorf("task %s has no wrong answer in this test", task.ID)
				} else {
					d.run(w[0])
					if d.currentID() != task.ID {
						t.Fatalf("the wrong answer %q passed task %s", w[0], task.ID)
					}
					got := d.verdict()
					switch {
					case strings.Contains(got, "%!"):
						t.Errorf("task %s: a message is badly formatted: %q", task.ID, got)
					case lang == English && !strings.Contains(got, w[1]):
						t.Errorf("task %s, wrong answer %q: verdict %q, want %q", task.ID, w[0], got, w[1])
					case lang == Korean && !hasHangul(got):
						t.Errorf("task %s, wrong answer %q: verdict %q is not in Korean", task.ID, w[0], got)
					}
				}
				d.run(task.Answer)
				if d.tutor.progress.Finished(task.ID) != true || d.tutor.verdict == nil || !d.tutor.verdict.Pass {
					t.Fatalf("task %s: the reference answer %q did not pass: %s", task.ID, task.Answer, d.verdict())
				}
			}
			if !d.tutor.progress.Complete(l) {
				t.Fatalf("lesson not complete: %+v", d.tutor.progress)
			}
			if v := d.view(); !strings.Contains(v, messagesFor(lang).passed) {
				t.Errorf("the view does not say passed:\n%s", v)
			}
			// The progress is on disk, in the lesson's session.
			p, err := ReadProgress(h, c, l)
			if err != nil || !p.Complete(l) || !p.Loaded {
				t.Errorf("saved progress %+v, %v", p, err)
			}
		})
	}
}

// noFeeds is a session without live feeds: the driver runs every command
// to completion, and a feed's read would wait for a change forever.
type noFeeds struct{ sessions.Backend }

func (noFeeds) Subscribe(context.Context) sessions.Feeds { return sessions.Feeds{} }

package learn

import (
	"context"
	"strings"
	"testing"

	"dynalab/engine/attr"
)

func TestHintThenAnswerThenPass(t *testing.T) {
	t.Parallel()
	h := home(t)
	c := builtinCourse(t)
	d := openLesson(t, h, c, c.Lessons[0], English, false, 100, 30)
	d.press("f5")
	if !strings.Contains(d.verdict(), "run a statement first") {
		t.Errorf("F5 before any statement: %q", d.verdict())
	}
	d.press("f6")
	if d.tutor.hint != 1 {
		t.Fatalf("F6 did not show the hint:\n%s", d.view())
	}
	if v := d.view(); !strings.Contains(v, "Hint: SELECT * FROM Shop WHERE PK = … AND SK = …") {
		t.Errorf("the REPL does not show the hint:\n%s", v)
	}
	d.press("f6")
	answer := "SELECT * FROM Shop WHERE PK = 'USER#u123' AND SK = 'PROFILE';"
	if v := d.view(); !strings.Contains(v, "sql> "+answer) {
		t.Fatalf("the answer is not at the prompt:\n%s", v)
	}
	d.press("enter")
	if !d.tutor.progress.Finished("get-profile") || d.currentID() != "collection" {
		t.Fatalf("the answer put at the prompt did not pass: %q", d.verdict())
	}
	if d.tutor.hint != 0 {
		t.Error("the hint stays shown on the next task")
	}
}

func TestLessonMetaCommands(t *testing.T) {
	t.Parallel()
	h := home(t)
	c := builtinCourse(t)
	d := openLesson(t, h, c, c.Lessons[0], English, false, 100, 40)

	d.run(".hint")
	if d.tutor.hint != 1 {
		t.Error(".hint did not show the hint")
	}
	d.run(".answer")
	if !strings.Contains(d.view(), "sql> SELECT * FROM Shop WHERE PK = 'USER#u123' AND SK = 'PROFILE';") {
		t.Errorf(".answer did not put the answer at the prompt:\n%s", d.view())
	}
	d.press("ctrl+g") // discard the answer at the prompt
	d.run(`SELECT * FROM Shop WHERE PK = 'USER#u456' AND SK = 'PROFILE'`)
	d.run(".check")
	if got := d.verdict(); !strings.Contains(got, "row 1 is PK=USER#u456 SK=PROFILE; expected PK=USER#u123 SK=PROFILE") {
		t.Errorf(".check: %q", got)
	}

	d.run(".next") // skips get-profile
	if !contains(d.tutor.progress.Skipped, "get-profile") || d.currentID() != "collection" {
		t.Fatalf(".next did not skip: %+v", d.tutor.progress)
	}
	if !strings.Contains(d.view(), "»●") {
		t.Errorf("the header does not mark the skipped task:\n%s", d.view())
	}

	d.run(".learn")
	v := d.view()
	for _, want := range []string{"16  IAM: LeadingKeys", "18  The closing checklist", "PITR and deletion protection · dynalab doctor"} {
		if !strings.Contains(v, want) {
			t.Errorf(".learn lacks %q:\n%s", want, v)
		}
	}
	lines := strings.Join(ListLines(c, English, func(l *Lesson) (Progress, error) {
		if l == c.Lessons[0] {
			return d.tutor.Progress(), nil
		}
		return ReadProgress(h, c, l)
	}), "\n")
	for _, want := range []string{"Lessons (.learn N opens one", "   1  Tables, keys and item collections  1/2 tasks\n", "partition key and sort key · item collections", "   2  Single-table design\n"} {
		if !strings.Contains(lines, want) {
			t.Errorf("the lesson list lacks %q:\n%s", want, lines)
		}
	}
	d.run(".learn 99")
	if !strings.Contains(d.view(), `no lesson "99": .learn lists them`) || d.quit {
		t.Errorf(".learn 99:\n%s", d.view())
	}
	d.run(".learn 3")
	if !d.quit || d.tutor.Request() == nil || d.tutor.Request().Lesson.ID != "03-writes" || d.tutor.Request().Reset {
		t.Errorf(".learn 3: quit %v, request %+v", d.quit, d.tutor.Request())
	}
}

func TestNextAtTheEndOpensTheNextLesson(t *testing.T) {
	t.Parallel()
	h := home(t)
	c := builtinCourse(t)
	d := openLesson(t, h, c, c.Lessons[0], English, false, 100, 30)
	for _, task := range c.Lessons[0].Tasks {
		d.run(task.Answer)
	}
	if d.currentID() != "" {
		t.Fatalf("not complete: at %s", d.currentID())
	}
	v := d.view()
	for _, want := range []string{"✓ Lesson complete", "Next: lesson 2, Single-table design — .learn 2, or F7"} {
		if !strings.Contains(v, want) {
			t.Errorf("the complete lesson lacks %q:\n%s", want, v)
		}
	}
	d.press("f7")
	if !d.quit || d.tutor.Request() == nil || d.tutor.Request().Lesson.ID != "02-single-table" {
		t.Errorf("F7 at the end: quit %v, request %+v", d.quit, d.tutor.Request())
	}
}

func TestResumeKeepsProgressAndDataResetReloads(t *testing.T) {
	t.Parallel()
	h := home(t)
	c := builtinCourse(t)
	l, err := c.Find("writes")
	if err != nil {
		t.Fatal(err)
	}
	d := openLesson(t, h, c, l, English, false, 100, 30)
	d.run(l.Tasks[0].Answer) // inserts NOTE#3
	if !d.tutor.progress.Finished("insert") {
		t.Fatal("task 1 did not pass")
	}
	d.sess.Close()

	d = openLesson(t, h, c, l, English, false, 100, 30)
	if d.currentID() != "update" || !strings.Contains(d.view(), "resumed at task 2 of 3") {
		t.Errorf("resumed at %q:\n%s", d.currentID(), d.view())
	}
	if n := countItems(t, d, "Notes"); n != 3 {
		t.Errorf("resumed with %d notes; the learner's insert is lost", n)
	}
	d.sess.Close()

	d = openLesson(t, h, c, l, English, true, 100, 30)
	if d.currentID() != "insert" || len(d.tutor.progress.Done) != 0 {
		t.Errorf("reset kept progress: %+v", d.tutor.progress)
	}
	if n := countItems(t, d, "Notes"); n != 2 {
		t.Errorf("reset left %d notes, want the setup's 2", n)
	}
	d.run(".learn reset")
	if r := d.tutor.Request(); !d.quit || r == nil || !r.Reset || r.Lesson != l {
		t.Errorf(".learn reset: %+v", r)
	}
}

func countItems(t *testing.T, d *driver, table string) int {
	t.Helper()
	res, err := d.sess.Backend.Run(context.Background(), "SELECT * FROM "+table, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	return len(res.Items)
}

// TestBeforeRunsOnceAndAfterRunsOnPass uses a course of one lesson whose
// tasks count what their before: and after: statements did.
func TestBeforeRunsOnceAndAfterRunsOnPass(t *testing.T) {
	t.Parallel()
	h := home(t)
	check := `table: Things PK:S SK:S
setup: INSERT INTO Things VALUE {'PK':'a','SK':'1','n':0,'m':0}
task: one
before: UPDATE Things SET n = n + 1 WHERE PK = 'a' AND SK = '1'
after: UPDATE Things SET m = m + 10 WHERE PK = 'a' AND SK = '1'
answer: SELECT * FROM Things WHERE PK = 'a'
plan: Query Things
row: n=1 m=0
task: two
answer: SELECT * FROM Things WHERE PK = 'a' AND SK = '1'
plan: GetItem Things
row: n=1 m=10
`
	md := strings.Replace(goodMD, "Like this.\n", "Like this.\n\n## Two {#two}\nAgain.\n\n### Hint {.hint}\nSo.\n", 1)
	c, err := LoadFS(course(lesson(check, md, md)), "my-course")
	if err != nil {
		t.Fatal(err)
	}
	l := c.Lessons[0]
	d := openLesson(t, h, c, l, English, false, 100, 30)
	d.sess.Close()
	d = openLesson(t, h, c, l, English, false, 100, 30) // resumed: before: must not run again
	item := func() attr.Item {
		res, err := d.sess.Backend.Run(context.Background(), "SELECT * FROM Things WHERE PK = 'a' AND SK = '1'", nil, "")
		if err != nil || len(res.Items) != 1 {
			t.Fatalf("%v %v", res, err)
		}
		return res.Items[0]
	}
	if n := item()["n"].Str(); n != "1" {
		t.Fatalf("before: ran %s times", n)
	}
	d.run(l.Tasks[0].Answer)
	if m := item()["m"].Str(); m != "10" || d.currentID() != "two" {
		t.Fatalf("after: gave m = %s; at %q (%s)", m, d.currentID(), d.verdict())
	}
	d.run(l.Tasks[1].Answer)
	if d.currentID() != "" {
		t.Errorf("not complete: %s", d.verdict())
	}
	if SessionName(c, l) != "learn-my-course-01-one" || d.sess.Name != "learn-my-course-01-one" {
		t.Errorf("session %q", d.sess.Name)
	}
}

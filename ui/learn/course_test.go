package learn

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func TestBuiltinCourseLoads(t *testing.T) {
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Lessons) < 15 {
		t.Errorf("%d lessons; the course needs at least 15", len(c.Lessons))
	}
	for i, l := range c.Lessons {
		if l.Number != i+1 {
			t.Errorf("lesson %s is number %d at position %d", l.ID, l.Number, i+1)
		}
		if len(l.Tasks) < 2 {
			t.Errorf("%s: %d checked tasks; every lesson needs at least 2", l.ID, len(l.Tasks))
		}
		for _, lang := range Langs {
			tx, ok := l.Text[lang]
			if !ok {
				t.Errorf("%s: no %s text", l.ID, lang)
				continue
			}
			if tx.Title == "" || len(tx.Covers) == 0 || tx.Intro == "" {
				t.Errorf("%s/%s.md: title %q, covers %q, intro %d bytes", l.ID, lang, tx.Title, tx.Covers, len(tx.Intro))
			}
			for _, task := range l.Tasks {
				tt := tx.Tasks[task.ID]
				if tt == nil || tt.Body == "" || tt.Hint == "" {
					t.Errorf("%s/%s.md: task %s lacks its text or hint", l.ID, lang, task.ID)
				}
			}
			if lang == Korean && !hasHangul(tx.Intro) {
				t.Errorf("%s/ko.md: the introduction is not in Korean", l.ID)
			}
		}
	}
}

func hasHangul(s string) bool {
	for _, r := range s {
		if r >= 0xAC00 && r <= 0xD7A3 {
			return true
		}
	}
	return false
}

// goodCheck and goodMD make a valid one-lesson course; each bad course
// below breaks one thing.
const goodCheck = `table: Things PK:S SK:S
setup: INSERT INTO Things VALUE {'PK':'a','SK':'1'}
task: one
answer: SELECT * FROM Things WHERE PK = 'a'
plan: Query Things
row: PK=a SK=1
`

const goodMD = `---
title: A lesson
covers: one thing
---
Intro.

## The task {#one}
Do it.

### Hint {.hint}
Like this.
`

func course(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, body := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(body)}
	}
	return fsys
}

func lesson(check, en, ko string) map[string]string {
	return map[string]string{"01-one/lesson.check": check, "01-one/en.md": en, "01-one/ko.md": ko}
}

func TestGoodCourseLoads(t *testing.T) {
	c, err := LoadFS(course(lesson(goodCheck, goodMD, goodMD)), "my-course")
	if err != nil {
		t.Fatal(err)
	}
	l := c.Lessons[0]
	task := l.Tasks[0]
	if l.ID != "01-one" || l.Number != 1 || l.Slug != "one" || task.ID != "one" || task.Plan.Target() != "Things" ||
		len(task.Rows) != 1 || task.Rows[0].String() != "PK=a SK=1" || len(l.Setup) != 2 {
		t.Errorf("loaded %+v, task %+v", l, task)
	}
	tt := l.Text[English].Tasks["one"]
	if tt.Heading != "The task" || tt.Body != "Do it." || tt.Hint != "Like this." {
		t.Errorf("task text %+v", tt)
	}
}

func TestBadCoursesSayWhereAndWhy(t *testing.T) {
	replace := func(s, old, new string) string {
		if !strings.Contains(s, old) {
			t.Fatalf("%q not in %q", old, s)
		}
		return strings.Replace(s, old, new, 1)
	}
	cases := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"unknown directive", lesson(replace(goodCheck, "plan:", "plna:"), goodMD, goodMD),
			`my-course/01-one/lesson.check:5: unknown directive "plna"`},
		{"bad operation", lesson(replace(goodCheck, "plan: Query Things", "plan: Scna Things"), goodMD, goodMD),
			`my-course/01-one/lesson.check:5: plan: unknown operation "Scna"`},
		{"answer does not parse", lesson(replace(goodCheck, "SELECT *", "SELEKT *"), goodMD, goodMD),
			"my-course/01-one/lesson.check:4: answer: the statement does not parse"},
		{"task without answer", lesson(replace(goodCheck, "answer: SELECT * FROM Things WHERE PK = 'a'\n", ""), goodMD, goodMD),
			`my-course/01-one/lesson.check:3: task "one" has no answer`},
		{"task checks nothing", lesson(replace(replace(goodCheck, "plan: Query Things\n", ""), "row: PK=a SK=1\n", ""), goodMD, goodMD),
			`my-course/01-one/lesson.check:3: task "one" checks nothing`},
		{"bad row", lesson(replace(goodCheck, "row: PK=a SK=1", "row: PK=a SK='1"), goodMD, goodMD),
			"my-course/01-one/lesson.check:6: row: the value of SK has no closing quote"},
		{"bad order", lesson(goodCheck+"order: newest\n", goodMD, goodMD),
			`my-course/01-one/lesson.check:7: order: expected newest-first or oldest-first, got "newest"`},
		{"setup after a task", lesson(goodCheck+"table: Others PK:S\n", goodMD, goodMD),
			"my-course/01-one/lesson.check:7: table: setup directives come before the first task"},
		{"error without plan", lesson(replace(replace(goodCheck, "plan: Query Things\n", ""), "row: PK=a SK=1", "error: ConditionalCheckFailedException"), goodMD, goodMD),
			`my-course/01-one/lesson.check:3: task "one" expects an error: give its plan: too`},
		{"bad table spec", lesson(replace(goodCheck, "table: Things PK:S SK:S", "table: Things PK:Q"), goodMD, goodMD),
			"my-course/01-one/lesson.check:1: table: "},
		{"heading missing in ko.md", lesson(goodCheck, goodMD, replace(goodMD, "{#one}", "{#two}")),
			`my-course/01-one/lesson.check:3: task "one" has no heading in ko.md`},
		{"heading without task", lesson(goodCheck, goodMD, replace(goodMD, "{#one}", "{#two}")),
			"my-course/01-one/ko.md:7: heading {#two} has no task in lesson.check"},
		{"no hint", lesson(goodCheck, replace(goodMD, "### Hint {.hint}\nLike this.\n", ""), goodMD),
			"my-course/01-one/en.md:7: task {#one} has no hint"},
		{"no front matter", lesson(goodCheck, replace(goodMD, "---\ntitle: A lesson\ncovers: one thing\n---\n", ""), goodMD),
			"my-course/01-one/en.md:1: expected front matter"},
		{"no covers", lesson(goodCheck, replace(goodMD, "covers: one thing\n", ""), goodMD),
			"my-course/01-one/en.md:2: the front matter has no covers:"},
		{"missing ko.md", map[string]string{"01-one/lesson.check": goodCheck, "01-one/en.md": goodMD},
			"my-course/01-one/ko.md: missing: every lesson is written in en.md and ko.md"},
		{"missing check file", map[string]string{"01-one/en.md": goodMD, "01-one/ko.md": goodMD},
			"my-course/01-one/lesson.check: missing: every lesson has a check file"},
		{"bad directory name", map[string]string{"one/lesson.check": goodCheck, "one/en.md": goodMD, "one/ko.md": goodMD},
			"my-course/one: lesson directory names are NN-slug"},
		{"duplicate number", func() map[string]string {
			f := lesson(goodCheck, goodMD, goodMD)
			f["01-two/lesson.check"], f["01-two/en.md"], f["01-two/ko.md"] = goodCheck, goodMD, goodMD
			return f
		}(), "my-course/01-two: lesson number 01 is also 01-one"},
		{"duplicate task", lesson(goodCheck+"task: one\nanswer: SELECT * FROM Things\nplan: Scan Things\n", goodMD, goodMD),
			`my-course/01-one/lesson.check:7: task "one" is already defined at line 3`},
		{"unclosed code block", lesson(goodCheck, goodMD+"```sql\nSELECT 1\n", goodMD),
			"my-course/01-one/en.md:12: the code block opened here (```) is not closed"},
		{"empty course", map[string]string{"README.md": "hello"}, "my-course: no lessons"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadFS(course(tc.files), "my-course")
			var ce *CourseError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want a *CourseError", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err =\n%v\nwant it to contain\n%s", err, tc.want)
			}
		})
	}
}

func TestLoadDirReadsATeachersCourse(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "workshop")
	for name, body := range lesson(goodCheck, goodMD, goodMD) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "workshop" || c.Builtin || len(c.Lessons) != 1 {
		t.Fatalf("course %+v", c)
	}
	if got := SessionName(c, c.Lessons[0]); got != "learn-workshop-01-one" {
		t.Errorf("session name %q", got)
	}
	// A problem in a teacher's file names the file as given.
	if err := os.WriteFile(filepath.Join(dir, "01-one", "lesson.check"), []byte("task: one\nanswer: SELECT * FROM Things\nplan: Query\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = LoadDir(dir)
	want := filepath.ToSlash(dir) + "/01-one/lesson.check:3: plan: expected OPERATION TABLE[.INDEX]"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v, want %s", err, want)
	}
	if _, err := LoadDir(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing directory loaded")
	}
}

func TestFindLesson(t *testing.T) {
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"1", "01", "01-keys", "keys"} {
		if l, err := c.Find(s); err != nil || l.ID != "01-keys" {
			t.Errorf("Find(%q) = %v, %v", s, l, err)
		}
	}
	if _, err := c.Find("99"); err == nil || !strings.Contains(err.Error(), `no lesson "99" in course dynalab`) {
		t.Errorf("Find(99): %v", err)
	}
}

func TestLangFromEnv(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want Lang
	}{
		{map[string]string{}, English},
		{map[string]string{"LANG": "ko_KR.UTF-8"}, Korean},
		{map[string]string{"LANG": "ko_KR.UTF-8", "LC_MESSAGES": "en_US.UTF-8"}, English},
		{map[string]string{"LANG": "en_US.UTF-8", "LC_ALL": "ko"}, Korean},
		{map[string]string{"LC_ALL": "C"}, English},
	} {
		if got := langFrom(func(k string) string { return tc.env[k] }); got != tc.want {
			t.Errorf("%v: %s, want %s", tc.env, got, tc.want)
		}
	}
	for in, want := range map[string]Lang{"": English, "en": English, "ko": Korean, "KO_kr": Korean} {
		if got, err := ParseLang(in); err != nil || got != want {
			t.Errorf("ParseLang(%q) = %s, %v", in, got, err)
		}
	}
	if _, err := ParseLang("fr"); err == nil {
		t.Error("ParseLang(fr) accepted")
	}
}

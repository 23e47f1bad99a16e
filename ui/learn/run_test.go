package learn

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"dynalab/themes"
	"dynalab/ui/internal/uitest"
)

// TestRunOpensTheLessonInItsOwnSession runs the command's entry point on a
// workbench that stops at once (its context is canceled): the lesson's
// session exists, with its data loaded, and the learner's default session
// was never created.
func TestRunOpensTheLessonInItsOwnSession(t *testing.T) {
	t.Parallel()
	h := home(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := Run(ctx, Options{Home: h, Lesson: "writes", Lang: Korean, Theme: uitest.Theme(t, "dark"),
		Input: strings.NewReader(""), Output: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	c := builtinCourse(t)
	l, _ := c.Find("writes")
	p, err := ReadProgress(h, c, l)
	if err != nil || !p.Loaded || p.Lesson != "03-writes" || p.Course != "dynalab" {
		t.Fatalf("progress %+v, %v", p, err)
	}
	list, err := h.List()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range list {
		names = append(names, s.Name)
	}
	if got := strings.Join(names, ","); got != "default,learn-03-writes" {
		t.Errorf("sessions %s; want only the lesson's (and the default, which List creates)", got)
	}
	lines, err := List(Options{Home: h, Lang: English})
	if err != nil || len(lines) != 1+2*len(c.Lessons) || !strings.Contains(lines[5], "3  Writes and reads  0/3 tasks") {
		t.Errorf("List: %v\n%s", err, strings.Join(lines, "\n"))
	}
	if err := Run(ctx, Options{Home: h, Lesson: "99", Input: strings.NewReader(""), Output: io.Discard}); err == nil ||
		!strings.Contains(err.Error(), `no lesson "99"`) {
		t.Errorf("Run lesson 99: %v", err)
	}
	if err := Run(ctx, Options{Home: h, Dir: t.TempDir(), Output: io.Discard}); err == nil || !strings.Contains(err.Error(), "no lessons") {
		t.Errorf("Run on an empty course: %v", err)
	}
}

func TestPickResumesTheFirstLessonNotComplete(t *testing.T) {
	t.Parallel()
	h := home(t)
	c := builtinCourse(t)
	if l, err := pick(h, c, ""); err != nil || l.ID != "01-keys" {
		t.Fatalf("a new learner starts at %v, %v", l, err)
	}
	d := openLesson(t, h, c, c.Lessons[0], English, false, 100, 30)
	for _, task := range c.Lessons[0].Tasks {
		d.run(task.Answer)
	}
	if l, err := pick(h, c, ""); err != nil || l.ID != "02-single-table" {
		t.Errorf("after lesson 1: %v, %v", l, err)
	}
	if l, err := pick(h, c, "1"); err != nil || l.ID != "01-keys" {
		t.Errorf("pick 1: %v, %v", l, err)
	}
}

func TestMarkdownFollowsTheThemeAndNoColor(t *testing.T) {
	t.Parallel()
	md := "# Title\n\nSome **bold** text and `code`.\n\n```sql\nSELECT 1;\n```"
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii) // NO_COLOR, or a terminal without colors
	plain, err := themes.NamedFor("dark", r)
	if err != nil {
		t.Fatal(err)
	}
	if !plain.NoColor || glamourStyle(plain) != "notty" {
		t.Fatalf("NO_COLOR theme: NoColor %v, style %s", plain.NoColor, glamourStyle(plain))
	}
	out := strings.Join(renderMarkdown(md, 60, plain), "\n")
	if strings.Contains(out, "\x1b[") {
		t.Errorf("NO_COLOR rendering has escape sequences: %q", out)
	}
	for _, want := range []string{"Title", "bold", "SELECT 1;"} {
		if !strings.Contains(out, want) {
			t.Errorf("rendering lacks %q: %q", want, out)
		}
	}
	if s := glamourStyle(uitest.Theme(t, "light")); s != "light" {
		t.Errorf("light theme: glamour style %s", s)
	}
	if s := glamourStyle(uitest.Theme(t, "dark")); s != "dark" {
		t.Errorf("dark theme: glamour style %s", s)
	}
	colored := strings.Join(renderMarkdown(md, 60, uitest.Theme(t, "dark")), "\n")
	if !strings.Contains(colored, "\x1b[38;5;") {
		t.Errorf("the dark theme renders no colors: %q", colored)
	}
	for _, l := range renderMarkdown(md, 30, uitest.Theme(t, "dark")) {
		if w := ansi.StringWidth(l); w > 30 {
			t.Errorf("line %q is %d wide at width 30", ansi.Strip(l), w)
		}
	}
}

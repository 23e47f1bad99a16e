package cli

import (
	"fmt"
	"os"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"dynalab/ui/learn"
)

// newLearnCmd is "dynalab learn": guided lessons with checks.
func newLearnCmd() *cobra.Command {
	var o learn.Options
	var lang string
	var list bool
	c := &cobra.Command{
		Use:   "learn [LESSON] [--lang en|ko] [--reset] [--list] [--dir COURSE]",
		Short: "guided DynamoDB modeling lessons with checks, in English and Korean",
		Long: `Open a lesson beside the workbench's REPL: its text, one task at a time, and a
check that says what differs when a statement does not do what the task asks
(a Scan instead of a Query, oldest first, 3 rows instead of 2), then a hint,
then the answer. Each lesson works in its own session (learn-NN-slug), never
touching your data; progress is saved, so a lesson resumes where you left it.
LESSON is a number, directory or slug (5, 05-indexes, indexes); without one
the first lesson not yet complete opens. --dir runs a teacher's own course in
the same layout (NN-slug/en.md, ko.md, lesson.check), checked on load with
FILE:LINE messages. The language is --lang, else the locale (LC_ALL,
LC_MESSAGES, LANG).`,
		Example: `  dynalab learn --list
  dynalab learn 1
  dynalab learn indexes --lang ko
  dynalab learn --dir ./my-course`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.Lesson = args[0]
			}
			home, err := dataHome(c)
			if err != nil {
				return err
			}
			o.Home = home
			o.Lang = learn.LangFromEnv()
			if lang != "" {
				l, err := learn.ParseLang(lang)
				if err != nil {
					return usageLine(c, err.Error())
				}
				o.Lang = l
			}
			if list {
				lines, err := learn.List(o)
				for _, l := range lines {
					fmt.Fprintln(c.OutOrStdout(), l)
				}
				return err
			}
			if f, ok := c.OutOrStdout().(*os.File); !ok || !term.IsTerminal(f.Fd()) {
				return fmt.Errorf("the lessons need a terminal; dynalab learn --list lists them")
			}
			return learn.Run(c.Context(), o)
		},
	}
	fs := c.Flags()
	fs.StringVar(&lang, "lang", "", "the lessons' language: en or ko (default: the locale's)")
	fs.BoolVar(&o.Reset, "reset", false, "start the lesson over: empty its session and progress")
	fs.BoolVar(&list, "list", false, "list the lessons, what each covers and your progress")
	fs.StringVar(&o.Dir, "dir", "", "run the course in `DIR` instead of the built-in one")
	fs.StringVar(&o.ThemeName, "theme", "", "theme: dark, light or high-contrast")
	completeFlag(c, "lang", fixedChoices("en", "ko"))
	completeFlag(c, "theme", fixedChoices("dark", "light", "high-contrast"))
	return c
}

package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"dynalab/sessions"
)

// complete asks for the completions of the command line args, the last
// being the word under the cursor, through cobra's hidden __complete
// command (what the shell scripts call) in process. It returns the
// candidates, without their descriptions, and checks that stdout holds
// nothing but them and the directive line.
func complete(t *testing.T, args ...string) []string {
	t.Helper()
	code, out, errOut := cli(t, append([]string{"__complete"}, args...)...)
	if code != 0 {
		t.Fatalf("__complete %q: exit %d: %s", args, code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) == 0 || !strings.HasPrefix(lines[len(lines)-1], ":") {
		t.Fatalf("__complete %q: no directive line in stdout %q", args, out)
	}
	var names []string
	for _, l := range lines[:len(lines)-1] {
		name, _, _ := strings.Cut(l, "\t")
		if name == "" || strings.ContainsAny(name, " \n") {
			t.Fatalf("__complete %q: stray output %q in stdout %q", args, l, out)
		}
		names = append(names, name)
	}
	return names
}

// TestCompleteNamesFromTheLiveSession: session, snapshot and sample names
// and, from the live session the line selects, table names — through the
// holder's endpoint while a server holds the database; errors complete
// nothing and print nothing into the line.
func TestCompleteNamesFromTheLiveSession(t *testing.T) {
	sessionHome(t)
	if code, _, errOut := cli(t, "session", "new", "lab"); code != 0 {
		t.Fatal(errOut)
	}
	if code, _, errOut := cli(t, "session", "new", "far", "--endpoint", "http://127.0.0.1:9"); code != 0 {
		t.Fatal(errOut)
	}
	makeTable(t, sessions.Selector{Home: testHome(t), Session: "lab"})
	if code, _, errOut := cli(t, "snapshot", "save", "clean", "--session", "lab"); code != 0 {
		t.Fatal(errOut)
	}
	none := filepath.Join(t.TempDir(), "none.db")
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"ses"}, []string{"session"}},
		{[]string{"snapshot", ""}, []string{"save", "restore", "list", "rm"}},
		{[]string{"--session", ""}, []string{"default", "far", "lab"}},
		{[]string{"run", "--session", "l"}, []string{"lab"}},
		{[]string{"session", "show", ""}, []string{"default", "far", "lab"}},
		{[]string{"export", "--session", "lab", "--table", ""}, []string{"Tab"}},
		{[]string{"import", "--table", "T", "--session", "la"}, []string{"lab"}},
		{[]string{"import", "-session", "lab", "--table", "T"}, []string{"Tab"}},
		{[]string{"export", "--table", ""}, nil}, // the default session has no table
		{[]string{"export", "--data", none, "--table", ""}, nil},
		{[]string{"snapshot", "restore", "--session", "lab", ""}, []string{"clean"}},
		{[]string{"snapshot", "rm", ""}, nil}, // the default session has no snapshot
		{[]string{"sample", "load", "time"}, []string{"time-series"}},
		{[]string{"serve", "--sync", ""}, []string{"always", "everysecond", "never"}},
		{[]string{"--theme", "d"}, []string{"dark"}},
		{[]string{"help", "sa"}, []string{"sample"}},
		// Errors complete nothing: a remote session nobody answers, a
		// missing session, a conflicting selection.
		{[]string{"export", "--session", "far", "--table", ""}, nil},
		{[]string{"export", "--session", "nope", "--table", ""}, nil},
		{[]string{"export", "--session", "lab", "--data", "x.db", "--table", ""}, nil},
	} {
		if got := complete(t, tc.args...); !slices.Equal(got, tc.want) {
			t.Errorf("complete %q = %q, want %q", tc.args, got, tc.want)
		}
	}
	if _, err := os.Stat(none); err == nil {
		t.Errorf("completing --table created %s", none)
	}
	// While a server holds lab's database, its tables come through the
	// server's endpoint.
	serveInProcess(t, "--session", "lab")
	if got := complete(t, "export", "--session", "lab", "--table", ""); !slices.Equal(got, []string{"Tab"}) {
		t.Errorf("tables of a held session: %q", got)
	}
}

// TestCompletionScripts: each shell's script is cobra's, calling back
// into dynalab; an unknown or missing shell is a usage mistake.
func TestCompletionScripts(t *testing.T) {
	for shell, want := range map[string]string{
		"bash":       "complete -o default -F __start_dynalab dynalab",
		"zsh":        "#compdef dynalab",
		"fish":       "complete -c dynalab",
		"powershell": "Register-ArgumentCompleter",
	} {
		code, out, errOut := cli(t, "completion", shell)
		if code != 0 || !strings.Contains(out, want) || !strings.Contains(out, "__complete") {
			t.Errorf("completion %s: exit %d, stderr %q, script lacks %q", shell, code, errOut, want)
		}
	}
	for _, args := range [][]string{{"completion"}, {"completion", "tcsh"}, {"completion", "bash", "zsh"}} {
		if code, _, errOut := cli(t, args...); code != 2 || !strings.Contains(errOut, "Usage:") {
			t.Errorf("%v: exit %d, stderr %q; want 2 and the usage", args, code, errOut)
		}
	}
}

// TestBashCompletion loads the real binary's bash script into bash and
// completes as a user pressing TAB would: a command, a session created in
// a fresh data directory, and a table of that session.
func TestBashCompletion(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("needs bash")
	}
	if testing.Short() {
		t.Skip("builds the binary")
	}
	t.Parallel()
	dir := t.TempDir()
	bin := binary(t)
	env := isolatedEnv(dir)
	items := filepath.Join(dir, "items.jsonl")
	if err := os.WriteFile(items, []byte(`{"id":{"S":"a"}}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"session", "new", "lab-tab"},
		{"import", "--session", "lab-tab", "--table", "Completed", "--key", "id:S", items},
	} {
		if code, out, errOut := runBinary(t, bin, env, args...); code != 0 {
			t.Fatalf("dynalab %v: exit %d\n%s%s", args, code, out, errOut)
		}
	}
	code, script, errOut := runBinary(t, bin, env, "completion", "bash")
	if code != 0 {
		t.Fatalf("completion bash: exit %d: %s", code, errOut)
	}
	scriptFile := filepath.Join(dir, "dynalab.bash")
	if err := os.WriteFile(scriptFile, []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	// The script needs bash-completion's _get_comp_words_by_ref; where the
	// package is missing, a stand-in that splits words on blanks only.
	driver := `
if [ -f /usr/share/bash-completion/bash_completion ]; then . /usr/share/bash-completion/bash_completion; fi
if ! declare -F _get_comp_words_by_ref >/dev/null; then
  _get_comp_words_by_ref() { cur=${COMP_WORDS[COMP_CWORD]}; prev=${COMP_WORDS[COMP_CWORD-1]}; words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD; }
fi
. "$1" || exit 1
complete_line() {
  COMP_LINE=$1; COMP_POINT=${#COMP_LINE}
  read -r -a COMP_WORDS <<<"$COMP_LINE"
  [[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
  COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
  COMPREPLY=()
  __start_dynalab dynalab "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
  echo "== $1"
  printf '%s\n' "${COMPREPLY[@]}"
}
complete_line "dynalab ses"
complete_line "dynalab --session "
complete_line "dynalab export --session lab-tab --table "
`
	cmd := exec.Command(bash, "--norc", "--noprofile", "-c", driver, "driver", scriptFile)
	cmd.Env = append(os.Environ(), env...)
	cmd.Env = append(cmd.Env, "PATH="+filepath.Dir(bin)+string(os.PathListSeparator)+os.Getenv("PATH"))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("bash: %v\n%s", err, out)
	}
	got := string(out)
	for _, want := range []string{
		"== dynalab ses\nsession\n",
		"== dynalab --session \ndefault\nlab-tab\n",
		"== dynalab export --session lab-tab --table \nCompleted\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("bash completions lack %q:\n%s", want, got)
		}
	}
}

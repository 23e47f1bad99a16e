package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"dynalab/sessions"
)

func init() {
	// Commands are listed in the order they are added (most used first),
	// not alphabetically.
	cobra.EnableCommandSorting = false
	// Started from the Windows Explorer, dynalab opens the workbench as it
	// does from a shell, instead of cobra's "this is a command line tool".
	cobra.MousetrapHelpText = ""
}

// Main executes one command line (without the program name) and returns
// the process exit code: 0 on success or asked-for help, 2 for a usage
// mistake (already reported on stderr), 1 for a failure (reported on
// stderr as "dynalab: …"). Cancelling ctx stops a command cleanly. A nil
// stdin reads as empty.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	root := newRootCmd()
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetArgs(gnuArgs(root, args))
	home, err := sessions.DefaultHome()
	return exitCode(root.ExecuteContext(withHome(ctx, home, err)), stderr)
}

// errUsage marks a command-line mistake already reported to the user.
var errUsage = errors.New("usage")

// exitCode maps a command's error to the process exit code, reporting it.
func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil, errors.Is(err, pflag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	}
	fmt.Fprintln(stderr, "dynalab:", err)
	return 1
}

// gnuArgs rewrites the flag spellings the standard flag package accepted
// and pflag does not into their GNU forms, for the flags of the command
// the line names: a long flag with one dash (-data FILE, -listen=ADDR,
// -help) gets two, a one-letter flag with two dashes (--o json) gets one.
// Values are left alone (--description -data stays), and so is
// everything after "--". In a shell-completion request the line before
// the word being completed is rewritten the same way.
func gnuArgs(root *cobra.Command, args []string) []string {
	if len(args) > 1 && (args[0] == cobra.ShellCompRequestCmd || args[0] == cobra.ShellCompNoDescRequestCmd) {
		last := len(args) - 1
		return append(append([]string{args[0]}, gnuArgs(root, args[1:last])...), args[last])
	}
	cmd := root
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			break
		}
		sub := subcommand(cmd, a)
		if sub == nil {
			break
		}
		cmd = sub
	}
	cmd.InitDefaultHelpFlag()
	root.InitDefaultVersionFlag()
	flags := cmd.Flags()
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(out, args[i:]...)
		}
		if len(a) < 2 || a[0] != '-' {
			out = append(out, a)
			continue
		}
		body := strings.TrimPrefix(a[1:], "-")
		name, _, hasValue := strings.Cut(body, "=")
		var f *pflag.Flag
		switch {
		case len(name) > 1:
			if f = flags.Lookup(name); f != nil {
				a = "--" + body
			}
		case len(name) == 1:
			if f = flags.ShorthandLookup(name); f != nil {
				a = "-" + body
			}
		}
		out = append(out, a)
		if f != nil && !hasValue && f.NoOptDefVal == "" && i+1 < len(args) {
			i++ // the flag's value, whatever it looks like
			out = append(out, args[i])
		}
	}
	return out
}

// subcommand returns cmd's subcommand named (or aliased) name, or nil.
func subcommand(cmd *cobra.Command, name string) *cobra.Command {
	for _, c := range cmd.Commands() {
		if c.Name() == name || c.HasAlias(name) {
			return c
		}
	}
	return nil
}

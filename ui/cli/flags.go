package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"dynalab/sessions"
)

// sessionFlagOptions say which of the shared data-source flags a command
// offers and how it treats a database another dynalab holds.
type sessionFlagOptions struct {
	InMemory bool // offer --in-memory
	Sync     bool // offer --sync
	Throttle bool // offer --no-throttle and --gsi-delay (the embedded engine's behaviour)
	// ViaHolder goes through the endpoint of the process holding a local
	// database instead of failing (run, import, export).
	ViaHolder bool
	ReadOnly  bool // offer --read-only
}

// sessionFlags are the flags that choose a command's data: --session,
// --data and --endpoint (alternatives; none means the default session),
// with --region and --profile for remote endpoints and sessions.
type sessionFlags struct {
	sel sessions.Selector
}

// addSessionFlags defines the data-source flags on c, with completion of
// session names. After parsing, selector returns the selection.
func addSessionFlags(c *cobra.Command, opts sessionFlagOptions) *sessionFlags {
	f := &sessionFlags{sel: sessions.Selector{ViaHolder: opts.ViaHolder}}
	fs := c.Flags()
	fs.StringVar(&f.sel.Session, "session", "", "session to use (default: the default session); see dynalab session list")
	fs.StringVar(&f.sel.Data, "data", "", "database file to use instead of a session's (created if missing)")
	fs.StringVar(&f.sel.Endpoint, "endpoint", "", "DynamoDB-compatible endpoint URL to use instead (AWS, DynamoDB Local, another dynalab)")
	fs.StringVar(&f.sel.Region, "region", "", "AWS region of --endpoint or a remote session (default: the AWS config chain's);\nfor a local database, the region in ARNs (default us-east-1)")
	fs.StringVar(&f.sel.Profile, "profile", "", "AWS shared-config profile for --endpoint or a remote session's credentials")
	if opts.InMemory {
		fs.BoolVar(&f.sel.InMemory, "in-memory", false, "use an empty in-memory database; nothing is written to disk")
	}
	if opts.Sync {
		fs.StringVar(&f.sel.Sync, "sync", "everysecond", "when to fsync a local database file: always, everysecond or never")
		completeFlag(c, "sync", fixedChoices("always", "everysecond", "never"))
	}
	if opts.Throttle {
		fs.BoolVar(&f.sel.NoThrottle, "no-throttle", false, "meter capacity but never throttle (by default provisioned tables and hot keys throttle like the service)")
		fs.DurationVar(&f.sel.GSIDelay, "gsi-delay", 0, "make Query and Scan on a GSI see it as it was this `DURATION` ago (e.g. 2s), like the service's\nasynchronous GSI updates; 0 (the default) reads the current index")
	}
	if opts.ReadOnly {
		fs.BoolVar(&f.sel.ReadOnly, "read-only", false, "open a local database without ever writing it: every write (API, PartiQL, edits, imports) is refused, naming the mode")
	}
	completeFlag(c, "session", completeSessions)
	completeFlag(c, "endpoint", noCompletions)
	completeFlag(c, "region", noCompletions)
	completeFlag(c, "profile", noCompletions)
	return f
}

// selector returns the parsed selection, or reports a conflicting one on
// stderr as "dynalab CMD: ..." and returns errUsage.
func (f *sessionFlags) selector(c *cobra.Command) (sessions.Selector, error) {
	if err := f.sel.Validate(); err != nil {
		fmt.Fprintf(c.ErrOrStderr(), "%s: %v\n", c.CommandPath(), err)
		return sessions.Selector{}, errUsage
	}
	sel := f.sel
	home, err := dataHome(c)
	if err != nil && sel.SessionName() != "" {
		return sessions.Selector{}, err
	}
	sel.Home = home
	return sel, nil
}

// openSession opens the selected backend for command cmd. When a held
// local database is reached through its holder, it says so on stderr.
func openSession(ctx context.Context, cmd string, sel sessions.Selector, stderr io.Writer) (sessions.Backend, error) {
	b, err := sessions.Open(ctx, sel)
	if err != nil {
		return nil, err
	}
	if held := sessions.Held(b); held != "" {
		fmt.Fprintf(stderr, "dynalab %s: %s is in use; running through %s\n", cmd, held, b.Endpoint())
	}
	return b, nil
}

// openLocalSession opens the selection for a command that needs the
// database file itself (the workbench's server, serve): a remote session
// or endpoint is refused with a message saying what to do instead.
func openLocalSession(ctx context.Context, cmd string, sel sessions.Selector) (*sessions.Local, error) {
	sel.ViaHolder = false
	b, err := sessions.Open(ctx, sel)
	if err != nil {
		return nil, err
	}
	local, err := sessions.AsLocal(b)
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("%s needs a local database; %w: use a local session, --data or --in-memory", cmd, err)
	}
	return local, nil
}

// usageError reports a command-line mistake on stderr, with the
// command's usage, and returns errUsage.
func usageError(c *cobra.Command, msg string) error {
	fmt.Fprintf(c.ErrOrStderr(), "%s: %s\n", c.CommandPath(), msg)
	fmt.Fprint(c.ErrOrStderr(), c.UsageString())
	return errUsage
}

// usageLine reports a command-line mistake on one line of stderr, without
// the usage, and returns errUsage.
func usageLine(c *cobra.Command, msg string) error {
	fmt.Fprintf(c.ErrOrStderr(), "%s: %s\n", c.CommandPath(), msg)
	return errUsage
}

// files accepts between lo and hi (at most 1) file arguments; missing
// says what to give when there are too few.
func files(lo, hi int, missing string) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		switch {
		case len(args) >= lo && len(args) <= hi:
			return nil
		case len(args) < lo || lo == hi && hi > 0:
			return usageError(c, missing)
		case hi == 0:
			return usageError(c, fmt.Sprintf("unexpected argument %q", args[0]))
		}
		return usageError(c, fmt.Sprintf("give at most one FILE (got %q)", strings.Join(args, " ")))
	}
}

// names accepts exactly n name arguments (0 or 1).
func names(n int) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		switch {
		case len(args) == n:
			return nil
		case n == 0:
			return usageError(c, fmt.Sprintf("takes no arguments (got %q)", args[0]))
		case len(args) < n:
			return usageError(c, "give a name")
		}
		return usageError(c, fmt.Sprintf("give one name (got %q)", strings.Join(args, " ")))
	}
}

// newGroup returns a command whose subcommands do the work. Alone, or
// followed by an unknown subcommand, it is a usage mistake; "help" shows
// its help.
func newGroup(use, short, long string, subs ...*cobra.Command) *cobra.Command {
	g := &cobra.Command{
		Use:   use,
		Short: short,
		Long:  long,
		Args:  cobra.ArbitraryArgs,
		ValidArgsFunction: func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			return nil, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			switch {
			case len(args) == 0:
				fmt.Fprint(c.ErrOrStderr(), c.UsageString())
				return errUsage
			case args[0] == "help":
				return c.Help()
			}
			fmt.Fprintf(c.ErrOrStderr(), "%s: unknown subcommand %q\n\n%s", c.CommandPath(), args[0], c.UsageString())
			return errUsage
		},
	}
	g.AddCommand(subs...)
	return g
}

// closing closes c, adding its error to *err: a database whose final
// flush fails must not let the command exit 0. Use it deferred, with a
// named result.
func closing(err *error, c io.Closer) {
	if cerr := c.Close(); cerr != nil {
		*err = errors.Join(*err, cerr)
	}
}

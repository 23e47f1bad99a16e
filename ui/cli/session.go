package cli

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

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
}

// sessionFlags are the flags that choose a command's data: --session,
// --data and --endpoint (alternatives; none means the default session),
// with --region and --profile for remote endpoints and sessions.
type sessionFlags struct {
	sel sessions.Selector
}

// addSessionFlags registers the data-source flags on fs. After fs.Parse,
// selector returns the selection.
func addSessionFlags(fs *flag.FlagSet, opts sessionFlagOptions) *sessionFlags {
	f := &sessionFlags{sel: sessions.Selector{ViaHolder: opts.ViaHolder}}
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
	}
	if opts.Throttle {
		fs.BoolVar(&f.sel.NoThrottle, "no-throttle", false, "meter capacity but never throttle (by default provisioned tables and hot keys throttle like the service)")
		fs.DurationVar(&f.sel.GSIDelay, "gsi-delay", 0, "make Query and Scan on a GSI see it as it was this `DURATION` ago (e.g. 2s), like the service's\nasynchronous GSI updates; 0 (the default) reads the current index")
	}
	return f
}

// selector returns the parsed selection, or reports a conflicting one on
// stderr as "dynalab CMD: ..." and returns errUsage.
func (f *sessionFlags) selector(cmd string, stderr io.Writer) (sessions.Selector, error) {
	if err := f.sel.Validate(); err != nil {
		prefix := "dynalab"
		if cmd != "" {
			prefix += " " + cmd
		}
		fmt.Fprintf(stderr, "%s: %v\n", prefix, err)
		return sessions.Selector{}, errUsage
	}
	return f.sel, nil
}

// openSession opens the selected backend for command cmd. When a held
// local database is reached through its holder, it says so on stderr.
func openSession(ctx context.Context, cmd string, sel sessions.Selector, stderr io.Writer) (sessions.Backend, error) {
	b, err := sessions.Open(ctx, sel)
	if err != nil {
		return nil, err
	}
	if r, ok := b.(*sessions.Remote); ok && r.Held() != "" {
		fmt.Fprintf(stderr, "dynalab %s: %s is in use; running through %s\n", cmd, r.Held(), r.Endpoint())
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
	local, ok := b.(*sessions.Local)
	if !ok {
		b.Close()
		return nil, fmt.Errorf("%s needs a local database; %q is remote (%s): use a local session, --data or --in-memory",
			cmd, b.Name(), b.Endpoint())
	}
	return local, nil
}

// sessionTheme returns the theme the selected session's settings name, or
// "" (the default theme).
func sessionTheme(sel sessions.Selector) string {
	if name := sel.SessionName(); name != "" {
		if st, err := sessions.Load(name); err == nil {
			return st.Theme
		}
	}
	return ""
}

const sessionUsage = `Usage:
  dynalab session list
  dynalab session new NAME [--endpoint URL] [--region R] [--profile P] [--theme T] [--description TEXT] [--auth FILE]
  dynalab session set NAME [--auth FILE | --no-auth] [--theme T] [--description TEXT]
  dynalab session show NAME
  dynalab session rm NAME

A session is a named workspace under the data directory: its own database
(or a remote endpoint), REPL history, saved queries and snapshots. Every
command takes --session NAME to use one; with none, the "default" session
is used, created on first use.

A session made with --endpoint, --region or --profile is remote: the
workbench and dynalab run work on that DynamoDB-compatible endpoint (AWS
itself when only --region/--profile are given; DynamoDB Local; another
dynalab), with credentials and region from the AWS config chain
(environment, ~/.aws files, SSO). Live change and capacity feeds and
EXPLAIN estimates need the embedded engine and are not available there.

A local session's --auth FILE (an auth file, see dynalab serve --help) makes
"dynalab serve --session NAME" and the workbench's endpoint verify every
request's signature and authorize it, without repeating --auth; the
workbench's Activity pane then shows why each request was allowed or denied.

rm deletes the session's directory: database, history, saved queries and
snapshots. It refuses while a workbench or server has the database open.
Names: letters, digits, '_', '-' and '.', up to 64, not starting with '.' or '-'.
`

// sessionCmd runs "dynalab session SUBCOMMAND".
func sessionCmd(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, sessionUsage)
		return errUsage
	}
	sub, rest := args[0], args[1:]
	switch sub {
	case "-h", "--help", "-help", "help":
		fmt.Fprint(stdout, sessionUsage)
		return nil
	case "list", "ls":
		if _, err := subArgs("session list", "dynalab session list", "List the sessions.", rest, 0, nil, stdout, stderr); err != nil {
			return err
		}
		return listSessions(stdout)
	case "new", "create":
		var s sessions.Settings
		names, err := subArgs("session new", "dynalab session new NAME [--endpoint URL] [--region R] [--profile P] [--theme T] [--description TEXT]",
			"Create a session: local (its own database) unless --endpoint, --region or --profile\n"+
				"make it remote. Only --region or --profile: AWS itself, in that region.",
			rest, 1, func(fs *flag.FlagSet) {
				fs.StringVar(&s.Endpoint, "endpoint", "", "DynamoDB-compatible endpoint URL (e.g. http://localhost:8000 for DynamoDB Local)")
				fs.StringVar(&s.Region, "region", "", "AWS region (default: the AWS config chain's at use)")
				fs.StringVar(&s.Profile, "profile", "", "AWS shared-config profile for credentials and region")
				fs.StringVar(&s.Theme, "theme", "", "the workbench's theme for this session: dark, light or high-contrast")
				fs.StringVar(&s.Description, "description", "", "a note shown by dynalab session list")
				fs.StringVar(&s.Auth, "auth", "", "auth file the session's served endpoint verifies requests with (local sessions)")
			}, stdout, stderr)
		if err != nil {
			return err
		}
		if err := checkSessionAuth(&s); err != nil {
			return err
		}
		info, err := sessions.Create(names[0], s)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "created %s session %q (%s)\n", info.Settings.Kind, info.Name, where(info))
		fmt.Fprintf(stdout, "Use it with --session %s, e.g.: dynalab --session %s\n", info.Name, info.Name)
		return nil
	case "set":
		return sessionSetCmd(rest, stdout, stderr)
	case "show":
		names, err := subArgs("session show", "dynalab session show NAME", "Show a session's settings, database, saved queries and snapshots.", rest, 1, nil, stdout, stderr)
		if err != nil {
			return err
		}
		return showSession(names[0], stdout)
	case "rm", "remove":
		names, err := subArgs("session rm", "dynalab session rm NAME",
			"Delete a session: its database, history, saved queries and snapshots.\n"+
				"Refused while a workbench or server has its database open.", rest, 1, nil, stdout, stderr)
		if err != nil {
			return err
		}
		if err := sessions.Remove(names[0]); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "removed session %q\n", names[0])
		return nil
	}
	fmt.Fprintf(stderr, "dynalab session: unknown subcommand %q\n\n%s", sub, sessionUsage)
	return errUsage
}

// subArgs parses a subcommand's flags (registered by define) and its
// positional arguments, which may come before, between or after the
// flags; it wants exactly n of them.
func subArgs(name, synopsis, about string, args []string, n int, define func(*flag.FlagSet), stdout, stderr io.Writer) ([]string, error) {
	fs := newFlags(name, synopsis, about, stderr)
	if define != nil {
		define(fs)
	}
	var pos []string
	for {
		for _, a := range args {
			if isHelpFlag(a) {
				fs.SetOutput(stdout)
			}
		}
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, errUsage
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(pos) != n {
		switch {
		case n == 0:
			fmt.Fprintf(fs.Output(), "dynalab %s takes no arguments (got %q)\n", name, pos[0])
		case len(pos) < n:
			fmt.Fprintf(fs.Output(), "dynalab %s: give a name\n", name)
		default:
			fmt.Fprintf(fs.Output(), "dynalab %s: give one name (got %q)\n", name, strings.Join(pos, " "))
		}
		fs.Usage()
		return nil, errUsage
	}
	return pos, nil
}

// where says in a few words where a session's data is.
func where(info *sessions.Info) string {
	st := info.Settings
	if st.Kind == sessions.KindLocal {
		return info.Database
	}
	s := st.Endpoint
	if s == "" {
		s = "AWS"
		if st.Region != "" {
			s += " " + st.Region
		}
	} else if st.Region != "" {
		s += ", region " + st.Region
	}
	if st.Profile != "" {
		s += ", profile " + st.Profile
	}
	return s
}

func listSessions(stdout io.Writer) error {
	infos, err := sessions.List()
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tKIND\tDATA\tSTATUS")
	for i := range infos {
		info := &infos[i]
		data, status := where(info), ""
		if info.Settings.Kind == sessions.KindLocal {
			data = "database " + formatSize(info.Size)
			if info.Size == 0 {
				data = "empty"
			}
			if info.Holder != nil {
				status = "in use by " + info.Holder.String()
			}
		}
		if status == "" && info.Settings.Description != "" {
			status = info.Settings.Description
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", info.Name, info.Settings.Kind, data, status)
	}
	return tw.Flush()
}

func showSession(name string, stdout io.Writer) error {
	info, err := sessions.Show(name)
	if err != nil {
		return err
	}
	st := info.Settings
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(tw, "%s\t%s\n", k, v)
		}
	}
	row("session", info.Name)
	row("kind", string(st.Kind))
	row("directory", info.Dir)
	if st.Kind == sessions.KindLocal {
		size := "not created yet"
		if info.Size > 0 {
			size = formatSize(info.Size)
		}
		row("database", fmt.Sprintf("%s (%s)", info.Database, size))
		status := "not in use"
		if info.Holder != nil {
			status = "in use by " + info.Holder.String()
		}
		row("status", status)
	} else {
		endpoint := st.Endpoint
		if endpoint == "" {
			endpoint = "AWS (from the region)"
		}
		row("endpoint", endpoint)
		row("region", cmp.Or(st.Region, "from the AWS config chain"))
		row("profile", cmp.Or(st.Profile, "the default credential chain"))
	}
	row("theme", st.Theme)
	row("auth", st.Auth)
	row("description", st.Description)
	if !st.Created.IsZero() {
		row("created", st.Created.Local().Format("2006-01-02 15:04:05"))
	}
	queries, err := sessions.Queries(name)
	if err != nil {
		return err
	}
	qs := "none"
	if len(queries) > 0 {
		var ns []string
		for _, q := range queries {
			ns = append(ns, q.Name)
		}
		qs = strings.Join(ns, ", ")
	}
	row("saved queries", qs)
	if st.Kind == sessions.KindLocal {
		snaps, err := sessions.Snapshots(name)
		if err != nil {
			return err
		}
		ss := "none"
		if len(snaps) > 0 {
			var ns []string
			for _, s := range snaps {
				ns = append(ns, s.Name)
			}
			ss = strings.Join(ns, ", ")
		}
		row("snapshots", ss)
	}
	return tw.Flush()
}

// formatSize renders a byte count for people.
func formatSize(n int64) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d B", n)
	case n < 1024*1024:
		return fmt.Sprintf("%.1f KB", float64(n)/1024)
	case n < 1024*1024*1024:
		return fmt.Sprintf("%.1f MB", float64(n)/(1024*1024))
	}
	return fmt.Sprintf("%.1f GB", float64(n)/(1024*1024*1024))
}

const snapshotUsage = `Usage:
  dynalab snapshot save NAME [--session S]
  dynalab snapshot restore NAME [--session S]
  dynalab snapshot list [--session S]
  dynalab snapshot rm NAME [--session S]

A snapshot is a copy of a local session's database (default: the default
session), kept in the session's directory, for fast resets between test
suites: save once with your fixtures loaded, restore before each suite.
save replaces a snapshot of the same name.

Snapshots are taken and restored with the database closed, so a copy is
never caught mid-write: while a workbench or "dynalab serve" has the
session open, save and restore refuse and name that process. Stop it
(Ctrl+C), snapshot, and start it again.
`

// snapshotCmd runs "dynalab snapshot SUBCOMMAND".
func snapshotCmd(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, snapshotUsage)
		return errUsage
	}
	sub, rest := args[0], args[1:]
	var session string
	sessionFlag := func(fs *flag.FlagSet) {
		fs.StringVar(&session, "session", sessions.DefaultName, "the session whose database to snapshot")
	}
	switch sub {
	case "-h", "--help", "-help", "help":
		fmt.Fprint(stdout, snapshotUsage)
		return nil
	case "save":
		names, err := subArgs("snapshot save", "dynalab snapshot save NAME [--session S]",
			"Copy the session's database to snapshot NAME (replacing one of that name).", rest, 1, sessionFlag, stdout, stderr)
		if err != nil {
			return err
		}
		s, err := sessions.SaveSnapshot(session, names[0])
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "saved snapshot %q of session %q (%s)\n", s.Name, session, formatSize(s.Size))
		return nil
	case "restore":
		names, err := subArgs("snapshot restore", "dynalab snapshot restore NAME [--session S]",
			"Replace the session's database with snapshot NAME.", rest, 1, sessionFlag, stdout, stderr)
		if err != nil {
			return err
		}
		s, err := sessions.RestoreSnapshot(session, names[0])
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "restored session %q from snapshot %q (saved %s)\n", session, s.Name, s.Created.Local().Format("2006-01-02 15:04:05"))
		return nil
	case "list", "ls":
		if _, err := subArgs("snapshot list", "dynalab snapshot list [--session S]", "List the session's snapshots.", rest, 0, sessionFlag, stdout, stderr); err != nil {
			return err
		}
		snaps, err := sessions.Snapshots(session)
		if err != nil {
			return err
		}
		if len(snaps) == 0 {
			fmt.Fprintf(stdout, "session %q has no snapshots; save one with: dynalab snapshot save NAME --session %s\n", session, session)
			return nil
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tSIZE\tSAVED")
		for _, s := range snaps {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Name, formatSize(s.Size), s.Created.Local().Format("2006-01-02 15:04:05"))
		}
		return tw.Flush()
	case "rm", "remove":
		names, err := subArgs("snapshot rm", "dynalab snapshot rm NAME [--session S]", "Delete snapshot NAME.", rest, 1, sessionFlag, stdout, stderr)
		if err != nil {
			return err
		}
		if err := sessions.RemoveSnapshot(session, names[0]); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "removed snapshot %q of session %q\n", names[0], session)
		return nil
	}
	fmt.Fprintf(stderr, "dynalab snapshot: unknown subcommand %q\n\n%s", sub, snapshotUsage)
	return errUsage
}

package cli

import (
	"cmp"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"dynalab/sessions"
	"dynalab/ui/common"
)

// newSessionCmd is "dynalab session": named workspaces.
func newSessionCmd() *cobra.Command {
	return newGroup("session", "list, create, show, change and remove sessions (named workspaces, local or remote)",
		`A session is a named workspace under the data directory: its own database
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
Names: letters, digits, '_', '-' and '.', up to 64, not starting with '.' or '-'.`,
		newSessionListCmd(), newSessionNewCmd(), newSessionSetCmd(), newSessionShowCmd(), newSessionRmCmd())
}

func newSessionListCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "list the sessions",
		Long:    "List the sessions.",
		Args:    names(0),
		RunE: func(c *cobra.Command, args []string) error {
			home, err := dataHome(c)
			if err != nil {
				return err
			}
			return listSessions(home, c.OutOrStdout())
		},
	}
}

func newSessionNewCmd() *cobra.Command {
	var s sessions.Settings
	c := &cobra.Command{
		Use:     "new NAME [--endpoint URL] [--region R] [--profile P] [--theme T] [--description TEXT] [--auth FILE]",
		Aliases: []string{"create"},
		Short:   "create a session",
		Long: `Create a session: local (its own database) unless --endpoint, --region or --profile
make it remote. Only --region or --profile: AWS itself, in that region.`,
		Args:              names(1),
		ValidArgsFunction: noCompletions,
		RunE: func(c *cobra.Command, args []string) error {
			if err := checkSessionAuth(&s); err != nil {
				return err
			}
			home, err := dataHome(c)
			if err != nil {
				return err
			}
			info, err := home.Create(args[0], s)
			if err != nil {
				return err
			}
			stdout := c.OutOrStdout()
			fmt.Fprintf(stdout, "created %s session %q (%s)\n", info.Settings.Kind, info.Name, where(info))
			fmt.Fprintf(stdout, "Use it with --session %s, e.g.: dynalab --session %s\n", info.Name, info.Name)
			return nil
		},
	}
	fs := c.Flags()
	fs.StringVar(&s.Endpoint, "endpoint", "", "DynamoDB-compatible endpoint URL (e.g. http://localhost:8000 for DynamoDB Local)")
	fs.StringVar(&s.Region, "region", "", "AWS region (default: the AWS config chain's at use)")
	fs.StringVar(&s.Profile, "profile", "", "AWS shared-config profile for credentials and region")
	fs.StringVar(&s.Theme, "theme", "", "the workbench's theme for this session: dark, light or high-contrast")
	fs.StringVar(&s.Description, "description", "", "a note shown by dynalab session list")
	fs.StringVar(&s.Auth, "auth", "", "auth file the session's served endpoint verifies requests with (local sessions)")
	for _, name := range []string{"endpoint", "region", "profile", "description"} {
		completeFlag(c, name, noCompletions)
	}
	completeFlag(c, "theme", fixedChoices("dark", "light", "high-contrast"))
	return c
}

func newSessionShowCmd() *cobra.Command {
	return &cobra.Command{
		Use:               "show NAME",
		Short:             "show a session",
		Long:              "Show a session's settings, database, saved queries and snapshots.",
		Args:              names(1),
		ValidArgsFunction: completeSessionArg,
		RunE: func(c *cobra.Command, args []string) error {
			home, err := dataHome(c)
			if err != nil {
				return err
			}
			return showSession(home, args[0], c.OutOrStdout())
		},
	}
}

func newSessionRmCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "rm NAME",
		Aliases: []string{"remove"},
		Short:   "delete a session",
		Long: `Delete a session: its database, history, saved queries and snapshots.
Refused while a workbench or server has its database open.`,
		Args:              names(1),
		ValidArgsFunction: completeSessionArg,
		RunE: func(c *cobra.Command, args []string) error {
			home, err := dataHome(c)
			if err != nil {
				return err
			}
			if err := home.Remove(args[0]); err != nil {
				return err
			}
			fmt.Fprintf(c.OutOrStdout(), "removed session %q\n", args[0])
			return nil
		},
	}
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

func listSessions(home sessions.Home, stdout io.Writer) error {
	infos, err := home.List()
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tKIND\tDATA\tSTATUS")
	for i := range infos {
		info := &infos[i]
		data, status := where(info), ""
		if info.Settings.Kind == sessions.KindLocal {
			data = "database " + common.Bytes(info.Size)
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

func showSession(home sessions.Home, name string, stdout io.Writer) error {
	info, err := home.Show(name)
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
			size = common.Bytes(info.Size)
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
	queries, err := home.Queries(name)
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
		snaps, err := home.Snapshots(name)
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

package cli

import (
	"context"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"dynalab/engine"
	"dynalab/sessions"
	"dynalab/sessions/samples"
)

// completionTimeout bounds the work behind one TAB: opening the selected
// backend and listing its tables. A shell waits for it.
const completionTimeout = 2 * time.Second

// completeFlag registers fn as the completion of c's flag name. The flag
// must be defined on c: a mistake here is the program's, not the user's.
func completeFlag(c *cobra.Command, name string, fn cobra.CompletionFunc) {
	if err := c.RegisterFlagCompletionFunc(name, fn); err != nil {
		panic(err)
	}
}

// fixedChoices completes one of a fixed set of values.
func fixedChoices(choices ...string) cobra.CompletionFunc {
	return func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return matching(choices, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

// noCompletions offers nothing (not even file names) for a value nothing
// on this machine can suggest, such as a URL.
func noCompletions(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
	return nil, cobra.ShellCompDirectiveNoFileComp
}

// matching returns the names that start with prefix.
func matching(names []string, prefix string) []cobra.Completion {
	var out []cobra.Completion
	for _, n := range names {
		if strings.HasPrefix(n, prefix) {
			out = append(out, n)
		}
	}
	return out
}

// completeSessions completes a session name from the sessions' list
// (which, as every command does, creates the default session first).
// Errors complete nothing: they are never printed into the command line.
func completeSessions(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	home, err := dataHome(c)
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	infos, err := home.List()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []cobra.Completion
	for _, info := range infos {
		if strings.HasPrefix(info.Name, toComplete) {
			out = append(out, cobra.CompletionWithDesc(info.Name, strings.TrimSpace(string(info.Settings.Kind)+" "+info.Settings.Description)))
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completeSessionArg completes a command's one session-name argument.
func completeSessionArg(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return completeSessions(c, args, toComplete)
}

// completeSnapshotArg completes a snapshot subcommand's one argument:
// the name of a snapshot of the session its --session flag names.
func completeSnapshotArg(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	session, err := c.Flags().GetString("session")
	if len(args) > 0 || err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	home, err := dataHome(c)
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	snaps, err := home.Snapshots(session)
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var ns []string
	for _, s := range snaps {
		ns = append(ns, s.Name)
	}
	return matching(ns, toComplete), cobra.ShellCompDirectiveNoFileComp
}

// completeSamples completes a sample's name.
func completeSamples(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []cobra.Completion
	for _, s := range samples.List() {
		if strings.HasPrefix(s.Name, toComplete) {
			out = append(out, cobra.CompletionWithDesc(s.Name, s.Title))
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// hasDatabase reports whether the selection has tables to list without
// creating anything: a remote endpoint or session, or a local database
// file that exists (completing must not create one).
func hasDatabase(sel sessions.Selector) bool {
	path := sel.Data
	switch {
	case sel.InMemory:
		return false
	case sel.Endpoint != "":
		return true
	case path == "":
		st, err := sel.Home.Load(sel.SessionName())
		if err != nil {
			return false
		}
		if st.Kind == sessions.KindRemote {
			return true
		}
		if path, err = sel.Home.DatabasePath(sel.SessionName()); err != nil {
			return false
		}
	}
	_, err := os.Stat(path)
	return err == nil
}

// completeTables completes a table name from the live selection the
// command's flags make (the default session without any): it opens the
// backend — through the holder's endpoint when a workbench or server
// holds the database — and lists the tables, within completionTimeout.
func completeTables(source *sessionFlags) cobra.CompletionFunc {
	return func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		ctx := c.Context()
		if ctx == nil {
			ctx = context.Background()
		}
		ctx, cancel := context.WithTimeout(ctx, completionTimeout)
		defer cancel()
		sel := source.sel
		sel.ViaHolder = true
		sel.Home, _ = dataHome(c) // without one, a session has no database: nothing to complete
		if !hasDatabase(sel) {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		b, err := sessions.Open(ctx, sel)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		defer b.Close()
		var tables []string
		in := &engine.ListTablesInput{}
		for {
			out, err := b.ListTables(ctx, in)
			if err != nil {
				break
			}
			tables = append(tables, out.TableNames...)
			if out.LastEvaluatedTableName == "" {
				break
			}
			in.ExclusiveStartTableName = out.LastEvaluatedTableName
		}
		return matching(tables, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

package cli

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"dynalab/sessions"
	"dynalab/ui/common"
)

// newSnapshotCmd is "dynalab snapshot": copies of a session's database.
func newSnapshotCmd() *cobra.Command {
	return newGroup("snapshot", "save, restore and list copies of a session's database",
		`A snapshot is a copy of a local session's database (default: the default
session), kept in the session's directory, for fast resets between test
suites: save once with your fixtures loaded, restore before each suite.
save replaces a snapshot of the same name.

Snapshots are taken and restored with the database closed, so a copy is
never caught mid-write: while a workbench or "dynalab serve" has the
session open, save and restore refuse and name that process. Stop it
(Ctrl+C), snapshot, and start it again.`,
		newSnapshotSaveCmd(), newSnapshotRestoreCmd(), newSnapshotListCmd(), newSnapshotRmCmd())
}

// snapshotSubcommand returns a snapshot subcommand with its --session
// flag, which run reads.
func snapshotSubcommand(use, short, long string, args cobra.PositionalArgs, run func(c *cobra.Command, home sessions.Home, session string, args []string) error) *cobra.Command {
	var session string
	c := &cobra.Command{
		Use:   use,
		Short: short,
		Long:  long,
		Args:  args,
		RunE: func(c *cobra.Command, args []string) error {
			home, err := dataHome(c)
			if err != nil {
				return err
			}
			return run(c, home, session, args)
		},
	}
	c.Flags().StringVar(&session, "session", sessions.DefaultName, "the session whose database to snapshot")
	completeFlag(c, "session", completeSessions)
	return c
}

func newSnapshotSaveCmd() *cobra.Command {
	c := snapshotSubcommand("save NAME [--session S]", "save a snapshot",
		"Copy the session's database to snapshot NAME (replacing one of that name).", names(1),
		func(c *cobra.Command, home sessions.Home, session string, args []string) error {
			s, err := home.SaveSnapshot(session, args[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(c.OutOrStdout(), "saved snapshot %q of session %q (%s)\n", s.Name, session, common.Bytes(s.Size))
			return nil
		})
	c.ValidArgsFunction = noCompletions // a new name, or one to replace
	return c
}

func newSnapshotRestoreCmd() *cobra.Command {
	c := snapshotSubcommand("restore NAME [--session S]", "restore a snapshot",
		"Replace the session's database with snapshot NAME.", names(1),
		func(c *cobra.Command, home sessions.Home, session string, args []string) error {
			s, err := home.RestoreSnapshot(session, args[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(c.OutOrStdout(), "restored session %q from snapshot %q (saved %s)\n", session, s.Name, s.Created.Local().Format("2006-01-02 15:04:05"))
			return nil
		})
	c.ValidArgsFunction = completeSnapshotArg
	return c
}

func newSnapshotListCmd() *cobra.Command {
	c := snapshotSubcommand("list [--session S]", "list a session's snapshots", "List the session's snapshots.", names(0),
		func(c *cobra.Command, home sessions.Home, session string, args []string) error {
			snaps, err := home.Snapshots(session)
			if err != nil {
				return err
			}
			stdout := c.OutOrStdout()
			if len(snaps) == 0 {
				fmt.Fprintf(stdout, "session %q has no snapshots; save one with: dynalab snapshot save NAME --session %s\n", session, session)
				return nil
			}
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tSIZE\tSAVED")
			for _, s := range snaps {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Name, common.Bytes(s.Size), s.Created.Local().Format("2006-01-02 15:04:05"))
			}
			return tw.Flush()
		})
	c.Aliases = []string{"ls"}
	return c
}

func newSnapshotRmCmd() *cobra.Command {
	c := snapshotSubcommand("rm NAME [--session S]", "delete a snapshot", "Delete snapshot NAME.", names(1),
		func(c *cobra.Command, home sessions.Home, session string, args []string) error {
			if err := home.RemoveSnapshot(session, args[0]); err != nil {
				return err
			}
			fmt.Fprintf(c.OutOrStdout(), "removed snapshot %q of session %q\n", args[0], session)
			return nil
		})
	c.Aliases = []string{"remove"}
	c.ValidArgsFunction = completeSnapshotArg
	return c
}

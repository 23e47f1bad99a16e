package cli

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"dynalab/engine"
	"dynalab/sessions"
	"dynalab/ui/common"
)

// newRepairCmd is "dynalab repair": a corrupt database file made usable
// again, the original kept beside it.
func newRepairCmd() *cobra.Command {
	var session string
	c := &cobra.Command{
		Use:   "repair [--session NAME | FILE]",
		Short: "make a corrupt database file usable again, keeping the original beside it",
		Long: `Repair a database file that dynalab refuses to open because it is corrupt: damaged
before its end, with committed transactions after the damage. The file as it was is
kept untouched beside it as FILE.corrupt-<time>; FILE becomes a database holding every
transaction before the damage, and the report says exactly what could not be kept.
Nothing is ever deleted, and an intact file is left alone, so it is safe to rerun.
The database must not be in use (quit the workbench or stop the server first).`,
		Args: files(0, 1, ""),
		RunE: func(c *cobra.Command, args []string) error {
			file := ""
			if len(args) == 1 {
				file = args[0]
			}
			path, err := databaseFile(c, file, session)
			if err != nil {
				return err
			}
			rep, err := engine.Repair(path)
			if err != nil {
				if errors.Is(err, engine.ErrLocked) {
					return fmt.Errorf("repair %s: %w; quit that workbench or stop that server first", path, err)
				}
				return fmt.Errorf("repair %s: %w", path, err)
			}
			writeRepairReport(c.OutOrStdout(), rep)
			return nil
		},
	}
	c.Flags().StringVar(&session, "session", "", "repair this session's database file")
	completeFlag(c, "session", completeSessions)
	return c
}

func writeRepairReport(w io.Writer, rep engine.RepairReport) {
	if rep.Intact {
		fmt.Fprintf(w, "%s is intact (%s in %d bytes); nothing to repair\n", rep.Path, common.Plural(rep.Kept, "transaction"), rep.KeptBytes)
		return
	}
	fmt.Fprintf(w, "repaired %s\n", rep.Path)
	if rep.HeaderRestored {
		fmt.Fprintln(w, "  its damaged header was rewritten")
	}
	fmt.Fprintf(w, "  kept: %s (%d bytes)\n", common.Plural(rep.Kept, "transaction"), rep.KeptBytes)
	if rep.LostBytes > 0 {
		fmt.Fprintf(w, "  could not keep: %d bytes from offset %d (%s):", rep.LostBytes, rep.LostOffset, rep.Reason)
		fmt.Fprintf(w, " %s", common.Plural(rep.LostTransactions, "complete transaction"))
		if rep.Incomplete {
			fmt.Fprint(w, " and an incomplete one at the end")
		}
		fmt.Fprintf(w, ", writing %s and deleting %s (%s)", common.Plural(rep.LostItemWrites, "item"), common.Plural(rep.LostItemDeletes, "item"), common.Plural(rep.LostItems, "distinct item"))
		if rep.Unreadable {
			fmt.Fprint(w, " as far as they could be read")
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "  the original is kept untouched in %s\n", rep.Original)
	fmt.Fprintf(w, "Check the result with: dynalab check %s\n", rep.Path)
}

// databaseFile resolves FILE or --session NAME (default: the default
// session) to a database file path for command c.
func databaseFile(c *cobra.Command, file, session string) (string, error) {
	cmd := c.Name()
	switch {
	case file != "" && session != "":
		return "", usageLine(c, "give FILE or --session, not both")
	case file != "":
		return file, nil
	}
	if session == "" {
		session = sessions.DefaultName
	}
	home, err := dataHome(c)
	if err != nil {
		return "", err
	}
	st, err := home.Load(session)
	if err != nil {
		return "", err
	}
	if st.Kind == sessions.KindRemote {
		return "", fmt.Errorf("%s: session %q is remote (%s); it has no database file here", cmd, session, st.Endpoint)
	}
	return home.DatabasePath(session)
}

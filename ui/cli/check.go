package cli

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"dynalab/engine"
)

// newCheckCmd is "dynalab check": a database compared with what its items
// imply.
func newCheckCmd() *cobra.Command {
	var session string
	c := &cobra.Command{
		Use:   "check [FILE | --session NAME]",
		Short: "compare a database's indexes, counts, TTL schedule and streams with its items",
		Long: `Check a database for consistency: rebuild everything dynalab derives from the
items — secondary index entries, item-collection sizes, table and index item
counts and sizes, the TTL schedule, stream shards and sequence numbers — and
compare it with what the file stores. Exit status 0 means consistent; 1 lists
each difference (or says why the check could not run).

FILE is a database file; with none, the session's (--session NAME, or the
default session). The file is opened read-only: the check never changes it.
The database must not be open in a running workbench or server: stop it
first.`,
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
			// Check never creates a database: an absent file is a mistake.
			if _, err := os.Stat(path); err != nil {
				return fmt.Errorf("check: %w", err)
			}
			// Read-only: no torn end cut, no format upgrade, no background
			// work; the check reads the file as it is.
			db, err := engine.Open(engine.Options{Path: path, ReadOnly: true, Warnf: func(f string, a ...any) {
				fmt.Fprintf(c.ErrOrStderr(), f+"\n", a...)
			}})
			if err != nil {
				return fmt.Errorf("check: %w", err)
			}
			diffs, err := db.Check(c.Context())
			if cerr := db.Close(); err == nil && cerr != nil {
				err = cerr
			}
			if err != nil {
				return fmt.Errorf("check: %w", err)
			}
			if len(diffs) == 0 {
				fmt.Fprintf(c.OutOrStdout(), "%s: consistent\n", path)
				return nil
			}
			for _, d := range diffs {
				fmt.Fprintln(c.OutOrStdout(), d)
			}
			n := len(diffs)
			if last := diffs[n-1]; last.Kind == engine.DiffMore {
				n-- // the last line says how many more there are
			}
			return fmt.Errorf("check: %s is inconsistent: %d differences listed", path, n)
		},
	}
	c.Flags().StringVar(&session, "session", "", "check this session's database (default: the default session)")
	completeFlag(c, "session", completeSessions)
	return c
}

package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"dynalab/engine"
	"dynalab/sessions"
)

const checkAbout = `Check a database for consistency: rebuild everything dynalab derives from the
items — secondary index entries, item-collection sizes, table and index item
counts and sizes, the TTL schedule, stream shards and sequence numbers — and
compare it with what the file stores. Exit status 0 means consistent; 1 lists
each difference (or says why the check could not run).

FILE is a database file; with none, the session's (--session NAME, or the
default session). The database must not be open in a running workbench or
server: stop it first.`

// checkCmd runs "dynalab check".
func checkCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("check", "dynalab check [FILE | --session NAME]", checkAbout, stderr)
	session := fs.String("session", "", "session whose database to check (default: the default session)")
	files, err := transferArgs(fs, args, stdout, 0, 1)
	if err != nil {
		return err
	}
	if len(files) == 1 && *session != "" {
		return usageError(fs, "check", "FILE and --session are alternatives; give one")
	}
	var path string
	if len(files) == 1 {
		path = files[0]
	} else if path, err = sessionDatabase(*session); err != nil {
		return err
	}
	// Check never creates a database: an absent file is a mistake.
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("check: %w", err)
	}
	// No background work: the check reads the file as it is.
	db, err := engine.Open(engine.Options{Path: path, SweepInterval: -1})
	if err != nil {
		return fmt.Errorf("check: %w", err)
	}
	diffs, err := db.Check(ctx)
	if cerr := db.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("check: %w", err)
	}
	if len(diffs) == 0 {
		fmt.Fprintf(stdout, "%s: consistent\n", path)
		return nil
	}
	for _, d := range diffs {
		fmt.Fprintln(stdout, d)
	}
	n := len(diffs)
	if last := diffs[n-1]; last.Kind == engine.DiffMore {
		n-- // the last line says how many more there are
	}
	return fmt.Errorf("check: %s is inconsistent: %d differences listed", path, n)
}

// sessionDatabase returns the database file of a local session ("" for
// the default session).
func sessionDatabase(name string) (string, error) {
	if name == "" {
		name = sessions.DefaultName
	} else if err := (sessions.Selector{Session: name}).Validate(); err != nil {
		return "", err
	}
	st, err := sessions.Load(name)
	if err != nil {
		return "", err
	}
	if st.Kind == sessions.KindRemote {
		return "", fmt.Errorf("check: session %q is remote (%s): only a local database file can be checked", name, st.Endpoint)
	}
	return sessions.DatabasePath(name)
}

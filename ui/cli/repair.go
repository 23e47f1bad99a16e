package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"dynalab/engine"
	"dynalab/sessions"
)

// repairCmd makes a corrupt database file usable again, keeping the
// original beside it.
func repairCmd(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("repair", "dynalab repair [--session NAME | FILE]",
		"Repair a database file that dynalab refuses to open because it is corrupt: damaged\n"+
			"before its end, with committed transactions after the damage. The file as it was is\n"+
			"kept untouched beside it as FILE.corrupt-<time>; FILE becomes a database holding every\n"+
			"transaction before the damage, and the report says exactly what could not be kept.\n"+
			"Nothing is ever deleted, and an intact file is left alone, so it is safe to rerun.\n"+
			"The database must not be in use (quit the workbench or stop the server first).",
		stderr)
	session := fs.String("session", "", "repair this session's database file")
	file, err := parseFlagsAndOptionalFile(fs, args, stdout)
	if err != nil {
		return err
	}
	path, err := databaseFile("repair", file, *session, stderr)
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
	writeRepairReport(stdout, rep)
	return nil
}

func writeRepairReport(w io.Writer, rep engine.RepairReport) {
	if rep.Intact {
		fmt.Fprintf(w, "%s is intact (%s in %d bytes); nothing to repair\n", rep.Path, count(rep.Kept, "transaction"), rep.KeptBytes)
		return
	}
	fmt.Fprintf(w, "repaired %s\n", rep.Path)
	if rep.HeaderRestored {
		fmt.Fprintln(w, "  its damaged header was rewritten")
	}
	fmt.Fprintf(w, "  kept: %s (%d bytes)\n", count(rep.Kept, "transaction"), rep.KeptBytes)
	if rep.LostBytes > 0 {
		fmt.Fprintf(w, "  could not keep: %d bytes from offset %d (%s):", rep.LostBytes, rep.LostOffset, rep.Reason)
		fmt.Fprintf(w, " %s", count(rep.LostTransactions, "complete transaction"))
		if rep.Incomplete {
			fmt.Fprint(w, " and an incomplete one at the end")
		}
		fmt.Fprintf(w, ", writing %s and deleting %s (%s)", count(rep.LostItemWrites, "item"), count(rep.LostItemDeletes, "item"), count(rep.LostItems, "distinct item"))
		if rep.Unreadable {
			fmt.Fprint(w, " as far as they could be read")
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "  the original is kept untouched in %s\n", rep.Original)
	fmt.Fprintf(w, "Check the result with: dynalab check %s\n", rep.Path)
}

// count says "1 item" or "2 items".
func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// databaseFile resolves FILE or --session NAME (default: the default
// session) to a database file path.
func databaseFile(cmd, file, session string, stderr io.Writer) (string, error) {
	switch {
	case file != "" && session != "":
		fmt.Fprintf(stderr, "dynalab %s: give FILE or --session, not both\n", cmd)
		return "", errUsage
	case file != "":
		return file, nil
	}
	if session == "" {
		session = sessions.DefaultName
	}
	st, err := sessions.Load(session)
	if err != nil {
		return "", err
	}
	if st.Kind == sessions.KindRemote {
		return "", fmt.Errorf("%s: session %q is remote (%s); it has no database file here", cmd, session, st.Endpoint)
	}
	return sessions.DatabasePath(session)
}

// parseFlagsAndOptionalFile is parseFlags for commands taking at most one
// file argument, before, between or after the flags.
func parseFlagsAndOptionalFile(fs *flag.FlagSet, args []string, stdout io.Writer) (string, error) {
	var files []string
	for {
		for _, a := range args {
			if isHelpFlag(a) {
				fs.SetOutput(stdout)
			}
		}
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return "", err
			}
			return "", errUsage
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(files) > 1 {
		fmt.Fprintf(fs.Output(), "unexpected argument %q\n", files[1])
		fs.Usage()
		return "", errUsage
	}
	if len(files) == 0 {
		return "", nil
	}
	return files[0], nil
}

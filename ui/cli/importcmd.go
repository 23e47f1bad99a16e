package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"dynalab/sessions"
	"dynalab/sessions/transfer"
	"dynalab/ui/common"
)

// importOptions are import's own flags.
type importOptions struct {
	table, key, format, rejects string
	resume, noProgress          bool
}

// newImportCmd is "dynalab import": items from a file into a table.
func newImportCmd() *cobra.Command {
	var o importOptions
	var source *sessionFlags
	c := &cobra.Command{
		Use:   "import --table T [--key PK:S[,SK:S]] [--format ddb-json|json|csv] [--resume] [--rejects FILE] [--session NAME | --data FILE | --endpoint URL] FILE|-",
		Short: "load items into a table from DynamoDB JSON, JSON or CSV lines (gzip too)",
		Long: `Import items into a table from FILE (- reads standard input), one item per line:
  ddb-json  DynamoDB JSON, {"pk":{"S":"a"},...}, or the service's S3 export lines {"Item":{...}}
  json      plain JSON objects, types inferred: string S, number N (exact), bool BOOL,
            null NULL, array L, object M (never sets or binaries)
  csv       a header of NAME[:TYPE] cells (S when untyped; S N B BOOL NULL SS NS BS L M DDB),
            sets/lists/maps as JSON in the cell, an empty cell for no attribute, and an
            optional "*" column of further attributes as DynamoDB JSON
The format comes from --format, else .csv names csv, else the first line decides
(DynamoDB JSON when every value is like {"S":...}). gzip input is detected.

Items are written 25 per BatchWriteItem, retried when throttled. A line that cannot be
imported is reported as FILE:LINE: reason (and, with --rejects, kept with its text) and
the exit status is 1; nothing is dropped silently. A missing table is created on-demand
when --key gives its key. An interrupted import (Ctrl+C, an error) keeps a checkpoint:
run the same command with --resume to continue where it stopped.

With none of --session, --data and --endpoint, the default session is used; a local
database held by a running workbench or server is reached through its endpoint.`,
		Args: files(1, 1, "give one FILE, or - for standard input"),
		RunE: func(c *cobra.Command, args []string) error {
			return importFile(c, args[0], o, source)
		},
	}
	source = addSessionFlags(c, sessionFlagOptions{ViaHolder: true})
	fs := c.Flags()
	fs.StringVar(&o.table, "table", "", "table to write to (required)")
	fs.StringVar(&o.key, "key", "", "key schema `PK:TYPE[,SK:TYPE]` (types S, N, B) to create the table with when it is missing")
	fs.StringVar(&o.format, "format", "", "input format: ddb-json, json or csv (default: from the name or the first line)")
	fs.BoolVar(&o.resume, "resume", false, "continue an interrupted import of the same FILE into the same table")
	fs.StringVar(&o.rejects, "rejects", "", "also write each rejected line to `FILE` as JSON: {\"line\":N,\"error\":...,\"input\":...}")
	fs.BoolVar(&o.noProgress, "no-progress", false, "do not draw the progress bar (it is drawn only on a terminal)")
	completeFlag(c, "table", completeTables(source))
	completeFlag(c, "key", noCompletions)
	completeFlag(c, "format", fixedChoices("ddb-json", "json", "csv"))
	return c
}

// importFile imports path (or standard input for "-") as o says.
func importFile(c *cobra.Command, path string, o importOptions, source *sessionFlags) (err error) {
	ctx, stdout, stderr := c.Context(), c.OutOrStdout(), c.ErrOrStderr()
	sel, err := source.selector(c)
	if err != nil {
		return err
	}
	opts := transfer.ImportOptions{Table: o.table, Path: path, Stdin: c.InOrStdin(), Resume: o.resume, Log: stderr}
	if opts.Table == "" {
		return usageError(c, "--table is required")
	}
	if o.key != "" {
		ks, err := transfer.ParseKeySchema(o.key)
		if err != nil {
			return usageError(c, "--key: "+err.Error())
		}
		opts.Key = &ks
	}
	if o.format != "" {
		if opts.Format, err = transfer.ParseFormat(o.format); err != nil {
			return usageError(c, "--format: "+err.Error())
		}
	}
	if opts.Path == "-" && o.resume {
		return usageError(c, "--resume needs a FILE: standard input cannot be resumed")
	}
	if opts.Path != "-" {
		if opts.Checkpoint, err = checkpointPath(sel, opts.Table, opts.Path); err != nil {
			return err
		}
		if _, err := os.Stat(opts.Checkpoint); err == nil && !o.resume {
			fmt.Fprintf(stderr, "dynalab import: an earlier import of %s into %s stopped part way; starting over (--resume continues it)\n", opts.Path, opts.Table)
		}
	}
	if !o.noProgress && isTerminal(stderr) {
		opts.Progress = stderr
	}
	if o.rejects != "" {
		flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
		if o.resume {
			flags = os.O_WRONLY | os.O_CREATE | os.O_APPEND
		}
		f, err := os.OpenFile(o.rejects, flags, sessions.PrivateFile)
		if err != nil {
			return fmt.Errorf("import: --rejects: %w", err)
		}
		defer f.Close()
		w := bufio.NewWriter(f)
		defer w.Flush()
		opts.Rejects = w
	}

	backend, err := openSession(ctx, "import", sel, stderr)
	if err != nil {
		return err
	}
	defer closing(&err, backend)
	res, err := transfer.Import(ctx, backend, opts)
	if w, ok := opts.Rejects.(*bufio.Writer); ok {
		if ferr := w.Flush(); ferr != nil && err == nil {
			err = fmt.Errorf("import: --rejects %s: %w", o.rejects, ferr)
		}
	}
	if res != nil && (err == nil || res.Items > 0 || res.Rejected > 0) {
		fmt.Fprintln(stdout, res)
	}
	var stopped *transfer.StoppedError
	switch {
	case errors.As(err, &stopped):
		why := stopped.Err.Error()
		if errors.Is(err, context.Canceled) {
			why = "interrupted"
		}
		return fmt.Errorf("import stopped after %s:%d: %s\nRun the same command with --resume to continue from there", stopped.Input, stopped.Line, why)
	case err != nil:
		return fmt.Errorf("import: %w", err)
	case res.Rejected > 0:
		where := "reported above"
		if o.rejects != "" {
			where += " and in " + o.rejects
		}
		return fmt.Errorf("import: %s rejected (%s)", common.Plural(int(res.Rejected), "line"), where)
	}
	return nil
}

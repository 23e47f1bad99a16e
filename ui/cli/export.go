package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"dynalab/sessions/transfer"
)

// exportOptions are export's own flags.
type exportOptions struct {
	table, index, format, columns string
	sample                        int
	noProgress                    bool
}

// newExportCmd is "dynalab export": a table's items to a file.
func newExportCmd() *cobra.Command {
	var o exportOptions
	var source *sessionFlags
	c := &cobra.Command{
		Use:   "export --table T [--format ddb-json|json|csv] [--index I] [--columns COLS] [--session NAME | --data FILE | --endpoint URL] [FILE]",
		Short: "write a table's items as DynamoDB JSON, JSON or CSV lines",
		Long: `Export a table's items (or an index's, --index) to FILE, or standard output
when FILE is absent or -, one item per line:
  ddb-json  DynamoDB JSON (the default, and the only lossless format)
  json      plain JSON: N as exact JSON numbers, B as base64, sets as arrays (types lost)
  csv       a typed header from the key and the attributes of the first --sample items
            (or --columns), and a "*" column holding what fits no column as DynamoDB JSON
The format comes from --format, else .csv names csv. A FILE ending in .gz is gzipped.
Exports of ddb-json and csv import back to identical items.

With none of --session, --data and --endpoint, the default session is used; a local
database held by a running workbench or server is reached through its endpoint.`,
		Args: files(0, 1, ""),
		RunE: func(c *cobra.Command, args []string) error {
			file := "-"
			if len(args) == 1 {
				file = args[0]
			}
			return exportTable(c, file, o, source)
		},
	}
	source = addSessionFlags(c, sessionFlagOptions{ViaHolder: true})
	fs := c.Flags()
	fs.StringVar(&o.table, "table", "", "table to export (required)")
	fs.StringVar(&o.index, "index", "", "scan this secondary index instead of the table")
	fs.StringVar(&o.format, "format", "", "output format: ddb-json, json or csv (default: csv for a .csv FILE, else ddb-json)")
	fs.StringVar(&o.columns, "columns", "", "csv: the header to write, e.g. `pk:S,sk:S,price:N,*` (* keeps the other attributes)")
	fs.IntVar(&o.sample, "sample", transfer.DefaultSampleSize, "csv: how many items to look at to choose the columns")
	fs.BoolVar(&o.noProgress, "no-progress", false, "do not draw the progress bar (it is drawn only on a terminal)")
	completeFlag(c, "table", completeTables(source))
	completeFlag(c, "index", noCompletions)
	completeFlag(c, "columns", noCompletions)
	completeFlag(c, "format", fixedChoices("ddb-json", "json", "csv"))
	return c
}

// exportTable exports as o says to file (standard output for "-").
func exportTable(c *cobra.Command, file string, o exportOptions, source *sessionFlags) (err error) {
	ctx, stdout, stderr := c.Context(), c.OutOrStdout(), c.ErrOrStderr()
	sel, err := source.selector(c)
	if err != nil {
		return err
	}
	opts := transfer.ExportOptions{Table: o.table, Index: o.index, SampleSize: o.sample, Format: transfer.ExportFormatForName(file)}
	if opts.Table == "" {
		return usageError(c, "--table is required")
	}
	if o.format != "" {
		if opts.Format, err = transfer.ParseFormat(o.format); err != nil {
			return usageError(c, "--format: "+err.Error())
		}
	}
	if o.columns != "" {
		if opts.Format != transfer.FormatCSV {
			return usageError(c, "--columns applies to --format csv")
		}
		if opts.Columns, err = transfer.ParseColumnList(o.columns); err != nil {
			return usageError(c, "--columns: "+err.Error())
		}
	}
	if !o.noProgress && isTerminal(stderr) {
		opts.Progress = stderr
	}
	backend, err := openSession(ctx, "export", sel, stderr)
	if err != nil {
		return err
	}
	defer closing(&err, backend)

	out, commit, abort, err := createOutput(file, stdout)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	res, err := transfer.Export(ctx, backend, out, opts)
	if err != nil {
		abort()
		if errors.Is(err, context.Canceled) {
			return fmt.Errorf("export interrupted after %d items; %s was not written", res.Items, file)
		}
		return err
	}
	if err := commit(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if file != "-" {
		fmt.Fprintf(stderr, "%s to %s\n", res, file)
	} else {
		fmt.Fprintln(stderr, res)
	}
	return nil
}

// createOutput opens an export's destination: stdout for "-", else a
// temporary file beside FILE that commit renames into place (gzipped for
// a .gz name) and abort removes, so an interrupted export never leaves a
// truncated FILE.
func createOutput(file string, stdout io.Writer) (w io.Writer, commit func() error, abort func(), err error) {
	if file == "-" {
		return stdout, func() error { return nil }, func() {}, nil
	}
	return transfer.CreateOutput(file)
}

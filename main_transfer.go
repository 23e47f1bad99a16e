package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/charmbracelet/x/term"

	"dynalab/sessions"
	"dynalab/sessions/transfer"
)

const importAbout = `Import items into a table from FILE (- reads standard input), one item per line:
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
database held by a running workbench or server is reached through its endpoint.`

const exportAbout = `Export a table's items (or an index's, --index) to FILE, or standard output
when FILE is absent or -, one item per line:
  ddb-json  DynamoDB JSON (the default, and the only lossless format)
  json      plain JSON: N as exact JSON numbers, B as base64, sets as arrays (types lost)
  csv       a typed header from the key and the attributes of the first --sample items
            (or --columns), and a "*" column holding what fits no column as DynamoDB JSON
The format comes from --format, else .csv names csv. A FILE ending in .gz is gzipped.
Exports of ddb-json and csv import back to identical items.

With none of --session, --data and --endpoint, the default session is used; a local
database held by a running workbench or server is reached through its endpoint.`

// importCmd runs "dynalab import".
func importCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("import", "dynalab import --table T [--key PK:S[,SK:S]] [--format ddb-json|json|csv] [--resume] [--rejects FILE] [--session NAME | --data FILE | --endpoint URL] FILE|-",
		importAbout, stderr)
	source := addSessionFlags(fs, sessionFlagOptions{ViaHolder: true})
	table := fs.String("table", "", "table to write to (required)")
	key := fs.String("key", "", "key schema `PK:TYPE[,SK:TYPE]` (types S, N, B) to create the table with when it is missing")
	format := fs.String("format", "", "input format: ddb-json, json or csv (default: from the name or the first line)")
	resume := fs.Bool("resume", false, "continue an interrupted import of the same FILE into the same table")
	rejects := fs.String("rejects", "", "also write each rejected line to `FILE` as JSON: {\"line\":N,\"error\":...,\"input\":...}")
	noProgress := fs.Bool("no-progress", false, "do not draw the progress bar (it is drawn only on a terminal)")
	files, err := transferArgs(fs, args, stdout, 1, 1)
	if err != nil {
		return err
	}
	sel, err := source.selector("import", stderr)
	if err != nil {
		return err
	}
	opts := transfer.ImportOptions{Table: *table, Path: files[0], Stdin: stdin, Resume: *resume, Log: stderr}
	if opts.Table == "" {
		return usageError(fs, "import", "--table is required")
	}
	if *key != "" {
		ks, err := transfer.ParseKeySchema(*key)
		if err != nil {
			return usageError(fs, "import", "--key: "+err.Error())
		}
		opts.Key = &ks
	}
	if *format != "" {
		if opts.Format, err = transfer.ParseFormat(*format); err != nil {
			return usageError(fs, "import", "--format: "+err.Error())
		}
	}
	if opts.Path == "-" && *resume {
		return usageError(fs, "import", "--resume needs a FILE: standard input cannot be resumed")
	}
	if opts.Path != "-" {
		if opts.Checkpoint, err = checkpointPath(sel, opts.Table, opts.Path); err != nil {
			return err
		}
		if _, err := os.Stat(opts.Checkpoint); err == nil && !*resume {
			fmt.Fprintf(stderr, "dynalab import: an earlier import of %s into %s stopped part way; starting over (--resume continues it)\n", opts.Path, opts.Table)
		}
	}
	if !*noProgress && isTerminal(stderr) {
		opts.Progress = stderr
	}
	if *rejects != "" {
		flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
		if *resume {
			flags = os.O_WRONLY | os.O_CREATE | os.O_APPEND
		}
		f, err := os.OpenFile(*rejects, flags, sessions.PrivateFile)
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
	defer backend.Close()
	res, err := transfer.Import(ctx, backend, opts)
	if w, ok := opts.Rejects.(*bufio.Writer); ok {
		if ferr := w.Flush(); ferr != nil && err == nil {
			err = fmt.Errorf("import: --rejects %s: %w", *rejects, ferr)
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
		if *rejects != "" {
			where += " and in " + *rejects
		}
		return fmt.Errorf("import: %s rejected (%s)", plural(res.Rejected, "line"), where)
	}
	return nil
}

// exportCmd runs "dynalab export".
func exportCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("export", "dynalab export --table T [--format ddb-json|json|csv] [--index I] [--columns COLS] [--session NAME | --data FILE | --endpoint URL] [FILE]",
		exportAbout, stderr)
	source := addSessionFlags(fs, sessionFlagOptions{ViaHolder: true})
	table := fs.String("table", "", "table to export (required)")
	index := fs.String("index", "", "scan this secondary index instead of the table")
	format := fs.String("format", "", "output format: ddb-json, json or csv (default: csv for a .csv FILE, else ddb-json)")
	columns := fs.String("columns", "", "csv: the header to write, e.g. `pk:S,sk:S,price:N,*` (* keeps the other attributes)")
	sample := fs.Int("sample", transfer.DefaultSampleSize, "csv: how many items to look at to choose the columns")
	noProgress := fs.Bool("no-progress", false, "do not draw the progress bar (it is drawn only on a terminal)")
	files, err := transferArgs(fs, args, stdout, 0, 1)
	if err != nil {
		return err
	}
	sel, err := source.selector("export", stderr)
	if err != nil {
		return err
	}
	file := "-"
	if len(files) == 1 {
		file = files[0]
	}
	opts := transfer.ExportOptions{Table: *table, Index: *index, SampleSize: *sample, Format: transfer.ExportFormatForName(file)}
	if opts.Table == "" {
		return usageError(fs, "export", "--table is required")
	}
	if *format != "" {
		if opts.Format, err = transfer.ParseFormat(*format); err != nil {
			return usageError(fs, "export", "--format: "+err.Error())
		}
	}
	if *columns != "" {
		if opts.Format != transfer.FormatCSV {
			return usageError(fs, "export", "--columns applies to --format csv")
		}
		if opts.Columns, err = transfer.ParseColumnList(*columns); err != nil {
			return usageError(fs, "export", "--columns: "+err.Error())
		}
	}
	if !*noProgress && isTerminal(stderr) {
		opts.Progress = stderr
	}
	backend, err := openSession(ctx, "export", sel, stderr)
	if err != nil {
		return err
	}
	defer backend.Close()

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

// checkpointPath is where an import of input into table on the selected
// data keeps its checkpoint: under the session's directory (the data
// directory for --data and --endpoint), named for the table and a hash of
// the input's absolute path and the data's identity.
func checkpointPath(sel sessions.Selector, table, input string) (string, error) {
	abs, err := filepath.Abs(input)
	if err != nil {
		return "", fmt.Errorf("import: %w", err)
	}
	var dir, target string
	if name := sel.SessionName(); name != "" {
		if dir, err = sessions.Dir(name); err != nil {
			return "", err
		}
		target = "session " + name
	} else {
		if dir, err = sessions.DataDir(); err != nil {
			return "", err
		}
		target = "endpoint " + sel.Endpoint
		if sel.Data != "" {
			data, _ := filepath.Abs(sel.Data)
			target = "data " + data
		}
	}
	sum := sha256.Sum256([]byte(abs + "\x00" + table + "\x00" + target))
	return filepath.Join(dir, "imports", fmt.Sprintf("%s-%x.json", table, sum[:8])), nil
}

// transferArgs parses flags and between lo and hi file arguments, which
// may come before, between or after the flags.
func transferArgs(fs *flag.FlagSet, args []string, stdout io.Writer, lo, hi int) ([]string, error) {
	var files []string
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
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(files) < lo || len(files) > hi {
		msg := "give one FILE, or - for standard input"
		if lo == 0 {
			msg = fmt.Sprintf("give at most one FILE (got %q)", strings.Join(files, " "))
		}
		return nil, usageError(fs, fs.Name(), msg)
	}
	return files, nil
}

// usageError reports a command-line mistake with the command's usage.
func usageError(fs *flag.FlagSet, cmd, msg string) error {
	fmt.Fprintf(fs.Output(), "dynalab %s: %s\n", cmd, msg)
	fs.Usage()
	return errUsage
}

// isTerminal reports whether w is a terminal (progress bars go only there).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// plural renders "1 line" or "3 lines".
func plural(n int64, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// importCheckpoint tells the workbench's browser where its imports keep
// their checkpoints — the same files as this command's — and the command
// line that resumes one.
func importCheckpoint(sel sessions.Selector) func(table, input string) (string, string, error) {
	return func(table, input string) (string, string, error) {
		path, err := checkpointPath(sel, table, input)
		if err != nil {
			return "", "", err
		}
		cmd := "dynalab import"
		switch {
		case sel.Session != "":
			cmd += " --session " + shellQuote(sel.Session)
		case sel.Data != "":
			cmd += " --data " + shellQuote(sel.Data)
		case sel.Endpoint != "":
			cmd += " --endpoint " + shellQuote(sel.Endpoint)
		}
		return path, cmd + " --table " + shellQuote(table) + " --resume " + shellQuote(input), nil
	}
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:@%+=,", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

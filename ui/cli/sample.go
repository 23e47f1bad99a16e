package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"dynalab/sessions"
	"dynalab/sessions/samples"
	"dynalab/ui/common"
)

// newSampleCmd is "dynalab sample": data models to learn from.
func newSampleCmd() *cobra.Command {
	g := newGroup("sample", "load a sample data model (single-table, product-catalog, time-series) to learn from",
		`Samples are small data models for learning: tables with their indexes,
a few dozen to a few hundred realistic items, and saved queries that show
each model's access patterns.

  single-table     users, orders and addresses in one table (AppTable):
                   item collections, an email reverse index, status index
                   items, an inverted index (GSI1) and a composite sort key (GSI2)
  product-catalog  the AWS documentation's ProductCatalog, Forum, Thread and
                   Reply tables (one table per entity, a GSI on Reply)
  time-series      sensor readings with write sharding against hot partitions

load creates the tables (on demand, billed per request), writes the items
and saves the queries into the session, where the workbench's REPL lists
them (.queries) and dynalab run runs them. A session named with --session
that does not exist yet is created. A table that already exists is never
touched: load refuses, unless --replace deletes and recreates it (its items
are lost).`,
		newSampleListCmd(), newSampleShowCmd(), newSampleLoadCmd())
	g.Example = `  dynalab sample load single-table --session lab
  dynalab --session lab              then, in the REPL: .queries, .q user-orders`
	return g
}

func newSampleListCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "list the sample data models",
		Long:    "List the sample data models.",
		Args:    names(0),
		RunE: func(c *cobra.Command, args []string) error {
			return listSamples(c.OutOrStdout())
		},
	}
}

func newSampleShowCmd() *cobra.Command {
	return &cobra.Command{
		Use:               "show NAME",
		Short:             "describe a sample",
		Long:              "Describe a sample: what it teaches, its tables and indexes, and its saved queries.",
		Args:              names(1),
		ValidArgsFunction: completeSamples,
		RunE: func(c *cobra.Command, args []string) error {
			s, err := samples.Get(args[0])
			if err != nil {
				return err
			}
			showSample(s, c.OutOrStdout())
			return nil
		},
	}
}

func listSamples(stdout io.Writer) error {
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tTABLES\tITEMS\tABOUT")
	for _, s := range samples.List() {
		var tables []string
		for _, t := range s.Tables {
			tables = append(tables, t.TableName)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", s.Name, strings.Join(tables, ", "), s.TotalItems(), s.Title)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "\nMore about one: dynalab sample show NAME · load one: dynalab sample load NAME --session S")
	return nil
}

func showSample(s *samples.Sample, stdout io.Writer) {
	fmt.Fprintf(stdout, "%s — %s\n\n%s\n\nTables:\n", s.Name, s.Title, s.Description)
	for i := range s.Tables {
		t := &s.Tables[i]
		fmt.Fprintf(stdout, "  %s\n", tableLine(t.TableName, samples.KeySchema(t), samples.IndexNames(t), s.Items[t.TableName]))
	}
	fmt.Fprintln(stdout, "\nSaved queries:")
	for _, q := range s.Queries {
		fmt.Fprintf(stdout, "\n  %s\n", q.Name)
		for line := range strings.Lines(strings.TrimRight(q.Text, "\n")) {
			fmt.Fprintf(stdout, "    %s", line)
		}
		fmt.Fprintln(stdout)
	}
	fmt.Fprintf(stdout, "\nLoad it with: dynalab sample load %s --session S\n", s.Name)
}

// tableLine describes a table in one line.
func tableLine(name, key string, indexes []string, items int) string {
	s := fmt.Sprintf("%s (%s)", name, key)
	if len(indexes) > 0 {
		s += " · indexes " + strings.Join(indexes, ", ")
	}
	return s + " · " + common.Plural(items, "item")
}

// newSampleLoadCmd is "dynalab sample load".
func newSampleLoadCmd() *cobra.Command {
	var source *sessionFlags
	var replace bool
	c := &cobra.Command{
		Use:   "load NAME [--session S | --data FILE | --endpoint URL] [--replace]",
		Short: "load a sample into a session",
		Long: `Load a sample (see dynalab sample list) into a session, --data file or
--endpoint: create its tables and indexes (billed per request), write its items
and save its queries into the session (not for --data or --endpoint, which
have no session: dynalab sample show NAME prints them).

A --session that does not exist yet is created as a local session; with none
of --session, --data and --endpoint the default session is used. A database
held by a running workbench or server is loaded through its endpoint.

A table that already exists is never changed: load refuses and says which,
unless --replace deletes and recreates it (its items are lost).`,
		Args:              names(1),
		ValidArgsFunction: completeSamples,
		RunE: func(c *cobra.Command, args []string) error {
			sel, err := source.selector(c)
			if err != nil {
				return err
			}
			return loadSample(c.Context(), args[0], sel, replace, c.OutOrStdout(), c.ErrOrStderr())
		},
	}
	source = addSessionFlags(c, sessionFlagOptions{ViaHolder: true})
	c.Flags().BoolVar(&replace, "replace", false, "delete and recreate the sample's tables that already exist (their items are lost)")
	return c
}

// loadSample loads sample name into the selection.
func loadSample(ctx context.Context, name string, sel sessions.Selector, replace bool, stdout, stderr io.Writer) (err error) {
	if _, err := samples.Get(name); err != nil {
		return err
	}
	session := sel.SessionName()
	if err := ensureSession(sel, "sample "+name, stdout); err != nil {
		return err
	}
	backend, err := openSession(ctx, "sample load", sel, stderr)
	if err != nil {
		return err
	}
	defer closing(&err, backend)

	rep, err := samples.Load(ctx, backend, name, samples.Options{Replace: replace, Session: session, Home: sel.Home})
	var exists *samples.ExistsError
	if errors.As(err, &exists) {
		return fmt.Errorf("%w\nLoad it again with --replace to delete and recreate them, or into a new session: dynalab sample load %s --session NEW", err, name)
	}
	if rep != nil {
		printLoad(rep, backend, session, err == nil, stdout)
	}
	if err != nil {
		return err
	}
	printStart(rep, sel, session, stdout)
	return nil
}

// printLoad says what a load created.
func printLoad(rep *samples.Report, backend sessions.Backend, session string, complete bool, stdout io.Writer) {
	where := fmt.Sprintf("session %q", session)
	if session == "" {
		where = backend.Name()
	}
	switch {
	case complete:
		fmt.Fprintf(stdout, "loaded sample %q into %s:\n", rep.Sample.Name, where)
	case len(rep.Tables) == 0:
		return // nothing was done before the failure, which is reported
	default:
		fmt.Fprintf(stdout, "sample %q was NOT loaded completely into %s; done before the failure (below):\n", rep.Sample.Name, where)
	}
	for _, t := range rep.Tables {
		line := tableLine(t.Name, t.Key, t.Indexes, t.Items)
		if t.Replaced {
			line += " (replaced)"
		}
		fmt.Fprintf(stdout, "  table %s\n", line)
	}
	if len(rep.Queries) == 0 {
		return
	}
	fmt.Fprintf(stdout, "saved %d queries into %s:\n", len(rep.Queries), where)
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	for _, q := range rep.Queries {
		fmt.Fprintf(tw, "  %s\t%s\n", q.Name, summary(q.Description))
	}
	tw.Flush()
}

// printStart says how to go on from a loaded sample.
func printStart(rep *samples.Report, sel sessions.Selector, session string, stdout io.Writer) {
	flagText := "--session " + session
	switch {
	case sel.Data != "":
		flagText = "--data " + sel.Data
	case sel.Endpoint != "":
		flagText = "--endpoint " + sel.Endpoint
	}
	fmt.Fprintln(stdout, "\nStart:")
	fmt.Fprintf(stdout, "  dynalab %s\n", flagText)
	if len(rep.Queries) > 0 {
		q := rep.Queries[0]
		fmt.Fprintf(stdout, "      then, in the REPL: .queries lists the saved queries, .q %s puts one at the prompt\n", q.Name)
		fmt.Fprintf(stdout, "  dynalab run %s %s\n", flagText, q.Path)
		return
	}
	fmt.Fprintf(stdout, "  dynalab sample show %s      the sample's queries, to paste into the REPL\n", rep.Sample.Name)
}

// summary shortens a saved query's description to its first clause: up to
// the first ": ", ". " or "? " (keeping the question mark).
func summary(desc string) string {
	s := strings.Join(strings.Fields(desc), " ")
	cut := len(s)
	for _, sep := range []string{": ", ". ", "? "} {
		if i := strings.Index(s, sep); i >= 0 && i < cut {
			cut = i
			if sep == "? " {
				cut++
			}
		}
	}
	s = strings.TrimSuffix(s[:cut], ".")
	if r := []rune(s); len(r) > 90 {
		s = string(r[:89]) + "…"
	}
	return s
}

// ensureSession creates the local session --session names when it does
// not exist yet, saying so.
func ensureSession(sel sessions.Selector, description string, stdout io.Writer) error {
	if sel.Session == "" {
		return nil
	}
	if _, err := sel.Home.Load(sel.Session); errors.Is(err, sessions.ErrNotFound) {
		if _, err := sel.Home.Create(sel.Session, sessions.Settings{Description: description}); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "created local session %q\n", sel.Session)
	}
	return nil
}

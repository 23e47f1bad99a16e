package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"dynalab/engine/atomicfile"
	"dynalab/sessions/model"
	"dynalab/ui/common"
)

// newModelCmd is "dynalab model": model files, before data.
func newModelCmd() *cobra.Command {
	g := newGroup("model", "check, apply and export model files (tables, facets, access patterns); code for a pattern",
		`A model file describes tables (keys, billing, indexes, TTL, streams), the
entity types they hold (facets, with key patterns such as USER#{userId}),
the access patterns that read them (PartiQL statements with parameters),
and optional sample items; NoSQL Workbench's data-model JSON is read too.

check reports each problem as FILE:LINE: message. apply creates or updates
the tables of a session, loads the sample items and saves the access
patterns as the session's saved queries; a change that loses data
(recreating a table, dropping or replacing an index) asks on a terminal,
needs --yes otherwise, and is refused without either. export writes a
session's tables, saved queries and facets (inferred from key prefixes) as
a model file. code writes an access pattern as a program (aws-sdk-go-v2,
boto3, JavaScript v3, Java v2, aws CLI).`,
		newModelCheckCmd(), newModelApplyCmd(), newModelExportCmd(), newModelCodeCmd())
	g.Example = `  dynalab model check shop.json
  dynalab model apply shop.json --session lab
  dynalab model export --session lab -o shop.json
  dynalab model export --session lab --workbench -o shop-workbench.json
  dynalab model code --lang go user-orders --session lab > main.go`
	return g
}

func newModelCheckCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "check FILE",
		Short: "report every problem of a model file as FILE:LINE: message",
		Long:  "Check a model file (dynalab's or NoSQL Workbench's): every problem is reported as FILE:LINE: message, and the exit status is 1 when there is any.",
		Args:  files(1, 1, "give a model FILE"),
		RunE: func(c *cobra.Command, args []string) error {
			m, err := readModel(c, args[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(c.OutOrStdout(), "%s: %s is consistent: %d tables, %d access patterns\n", args[0], m.Name, len(m.Tables), len(m.AccessPatterns))
			return nil
		},
	}
}

// readModel reads and checks a model file; problems are printed one per
// line and make the command fail.
func readModel(c *cobra.Command, path string) (*model.Model, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m, err := model.Read(path, data)
	var problems model.Problems
	if errors.As(err, &problems) {
		for _, p := range problems {
			fmt.Fprintln(c.ErrOrStderr(), p.String())
		}
		return nil, fmt.Errorf("%s: %s", path, common.Plural(len(problems), "problem"))
	}
	return m, err
}

func newModelApplyCmd() *cobra.Command {
	var yes bool
	var source *sessionFlags
	c := &cobra.Command{
		Use:   "apply FILE [--session NAME | --data FILE | --endpoint URL] [--yes]",
		Short: "create or update a session's tables from a model file",
		Long: `Create or update the tables of a model file in a session (or --data,
--endpoint), load its sample items and save its access patterns as the
session's saved queries (.queries in the REPL); a --session that does not
exist yet is created. The plan is printed first;
a change that loses data (recreating a table, dropping or replacing an
index) asks on a terminal, needs --yes otherwise, and is refused without
either.`,
		Args: files(1, 1, "give a model FILE"),
		RunE: func(c *cobra.Command, args []string) (err error) {
			sel, err := source.selector(c)
			if err != nil {
				return err
			}
			m, err := readModel(c, args[0])
			if err != nil {
				return err
			}
			ctx, stdout := c.Context(), c.OutOrStdout()
			if err := ensureSession(sel, "model "+m.Name, stdout); err != nil {
				return err
			}
			b, err := openSession(ctx, "model apply", sel, c.ErrOrStderr())
			if err != nil {
				return err
			}
			defer closing(&err, b)
			changes, err := model.Plan(ctx, b, m)
			if err != nil {
				return err
			}
			if len(changes) == 0 {
				fmt.Fprintln(stdout, "the tables already match the model")
			}
			for _, ch := range changes {
				fmt.Fprintln(stdout, "  "+ch.String())
			}
			allow := yes
			if d := changes.Destructive(); len(d) > 0 && !yes {
				if !isTerminal(c.OutOrStdout()) || !isTerminal(os.Stdin) {
					return fmt.Errorf("%d of these changes lose data (%s); run again with --yes to apply them", len(d), d[0])
				}
				allow = confirm(c.InOrStdin(), stdout, fmt.Sprintf("%d of these changes lose data. Apply them? [y/N] ", len(d)))
				if !allow {
					return errors.New("nothing was changed")
				}
			}
			rep, err := model.Apply(ctx, b, m, model.Options{AllowDestructive: allow, Session: sel.SessionName(), Home: sel.Home})
			if err != nil {
				return err
			}
			for table, n := range rep.Items {
				fmt.Fprintf(stdout, "wrote %d sample items to %s\n", n, table)
			}
			if len(rep.Queries) > 0 {
				fmt.Fprintf(stdout, "saved %d access patterns as queries of session %q (.queries in the REPL)\n", len(rep.Queries), sel.SessionName())
			}
			return nil
		},
	}
	c.Flags().BoolVar(&yes, "yes", false, "apply changes that lose data (recreating a table, dropping or replacing an index) without asking")
	source = addSessionFlags(c, sessionFlagOptions{ViaHolder: true})
	return c
}

// confirm asks a yes/no question on a terminal; only y or yes is yes.
func confirm(in io.Reader, out io.Writer, question string) bool {
	fmt.Fprint(out, question)
	line, _ := bufio.NewReader(in).ReadString('\n')
	a := strings.ToLower(strings.TrimSpace(line))
	return a == "y" || a == "yes"
}

func newModelExportCmd() *cobra.Command {
	var output string
	var items int
	var workbench bool
	var source *sessionFlags
	c := &cobra.Command{
		Use:   "export [--session NAME | --data FILE | --endpoint URL] [-o FILE] [--items N] [--workbench]",
		Short: "write a session's tables, access patterns and facets as a model file",
		Long: `Write a session's tables (keys, billing, indexes, stream, TTL), its saved
queries as access patterns, and its facets (the applied model's, or
inferred from the key prefixes of a sample of items) as a model file, on
standard output or -o FILE. --items N includes the first N items of each
table as sample items; --workbench writes NoSQL Workbench's data-model
JSON instead (what it cannot hold is said on standard error).`,
		Args: files(0, 0, ""),
		RunE: func(c *cobra.Command, args []string) (err error) {
			sel, err := source.selector(c)
			if err != nil {
				return err
			}
			ctx := c.Context()
			b, err := openSession(ctx, "model export", sel, c.ErrOrStderr())
			if err != nil {
				return err
			}
			defer closing(&err, b)
			m, notes, err := model.Export(ctx, b, model.ExportOptions{Name: b.Name(), Session: sel.SessionName(), Home: sel.Home, Items: items})
			if err != nil {
				return err
			}
			var data []byte
			if workbench {
				wb, wbNotes := model.ToWorkbench(m)
				notes = append(notes, wbNotes...)
				data, err = wb.Marshal()
			} else {
				data, err = model.Marshal(m)
			}
			if err != nil {
				return err
			}
			for _, n := range notes {
				fmt.Fprintln(c.ErrOrStderr(), "dynalab model export:", n)
			}
			if output == "" || output == "-" {
				_, err = c.OutOrStdout().Write(data)
				return err
			}
			return atomicfile.WriteFile(output, data, 0o600)
		},
	}
	fs := c.Flags()
	fs.StringVarP(&output, "output", "o", "", "write the model to `FILE` (default: standard output)")
	fs.IntVar(&items, "items", 0, "include the first `N` items of each table as sample items")
	fs.BoolVar(&workbench, "workbench", false, "write NoSQL Workbench's data-model JSON")
	source = addSessionFlags(c, sessionFlagOptions{ViaHolder: true})
	return c
}

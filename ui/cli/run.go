package cli

import (
	"io"
	"os"

	"github.com/spf13/cobra"

	"dynalab/partiql"
	"dynalab/sessions"
)

// newRunCmd is "dynalab run": a script of PartiQL statements.
func newRunCmd() *cobra.Command {
	var output string
	var continueOnError bool
	var source *sessionFlags
	c := &cobra.Command{
		Use:   "run [--data FILE | --session NAME | --in-memory | --endpoint URL] [-o table|json|ddb] [--continue-on-error] FILE|-",
		Short: "run a script of PartiQL statements",
		Long: `Run a script of ';'-separated PartiQL statements (comments allowed; - reads standard
input) and print each statement's result. EXPLAIN <statement> prints its plan.
A failing statement is reported as file:line:column: message and stops the script
(unless --continue-on-error); the exit status is then 1.
With none of --session, --data, --in-memory and --endpoint, the default session is used.
A local database held by a running workbench or server is reached through its endpoint.`,
		Args: files(1, 1, "give one script file, or - for standard input"),
		RunE: func(c *cobra.Command, args []string) error {
			format, err := partiql.ParseOutputFormat(output)
			if err != nil {
				return usageLine(c, err.Error())
			}
			sel, err := source.selector(c)
			if err != nil {
				return err
			}
			src, name, err := readScript(args[0], c.InOrStdin())
			if err != nil {
				return err
			}
			ctx := c.Context()
			backend, err := openSession(ctx, "run", sel, c.ErrOrStderr())
			if err != nil {
				return err
			}
			r := &partiql.Runner{Backend: sessions.PartiQL(backend), Out: c.OutOrStdout(), Err: c.ErrOrStderr(), Format: format, ContinueOnError: continueOnError}
			err = r.Run(ctx, name, src)
			closing(&err, backend)
			return err
		},
	}
	source = addSessionFlags(c, sessionFlagOptions{InMemory: true, ViaHolder: true})
	c.Flags().StringVarP(&output, "output", "o", "table", "output format: table, json or ddb")
	c.Flags().BoolVar(&continueOnError, "continue-on-error", false, "run the remaining statements after one fails")
	completeFlag(c, "output", fixedChoices("table", "json", "ddb"))
	return c
}

// readScript reads a script file, or standard input for "-".
func readScript(file string, stdin io.Reader) (src, name string, err error) {
	if file == "-" {
		data, err := io.ReadAll(stdin)
		return string(data), "<stdin>", err
	}
	data, err := os.ReadFile(file)
	return string(data), file, err
}

package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// newRootCmd assembles the command table: the workbench as the root
// command, every other command under it. A new command is one
// constructor in a file of its own, added here.
func newRootCmd() *cobra.Command {
	root := newWorkbenchCmd()
	root.AddCommand(
		newServeCmd(),
		newRunCmd(),
		newImportCmd(),
		newExportCmd(),
		newCalcCmd(),
		newLoadCmd(),
		newAuthCmd(),
		newSessionCmd(),
		newSnapshotCmd(),
		newSampleCmd(),
		newRepairCmd(),
		newCheckCmd(),
		newDoctorCmd(),
		newModelCmd(),
		newLearnCmd(),
		newVersionCmd(),
		newCompletionCmd(),
	)
	root.SetHelpCommand(newHelpCmd(root))
	root.Version = versionString()
	root.SetVersionTemplate("dynalab {{.Version}}\n")
	root.CompletionOptions.DisableDefaultCmd = true // newCompletionCmd instead
	root.SilenceErrors = true                       // Main reports them
	root.SilenceUsage = true
	root.SetHelpTemplate("{{.UsageString}}")
	root.SetUsageTemplate(usageTemplate)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError(c, err.Error())
	})
	walk(root, func(c *cobra.Command) { c.DisableFlagsInUseLine = true })
	return root
}

// usageTemplate lays out every command's help (and, on stderr, its usage
// after a mistake): the synopsis — each subcommand's for a command
// that has them — the explanation, the commands, the flags, examples.
const usageTemplate = `{{if not .HasParent}}{{.Name}} — {{.Short}}

{{end}}Usage:
{{- if not .HasParent}}
  {{.UseLine}}
  {{.CommandPath}} <command> [flags]
{{- else if .HasAvailableSubCommands}}{{range .Commands}}{{if .IsAvailableCommand}}
  {{.UseLine}}{{end}}{{end}}
{{- else}}
  {{.UseLine}}
{{- end}}
{{with .Long}}
{{trimTrailingWhitespaces .}}
{{end}}
{{- if and (not .HasParent) .HasAvailableSubCommands}}
Commands:{{range .Commands}}{{if or .IsAvailableCommand (eq .Name "help")}}
  {{rpad .Name .NamePadding}} {{.Short}}{{end}}{{end}}

Run "{{.CommandPath}} <command> --help" for a command's flags.
{{end}}
{{- if .HasExample}}
Examples:
{{trimTrailingWhitespaces .Example}}
{{end}}
{{- if .HasAvailableLocalFlags}}
Flags:
{{trimTrailingWhitespaces .LocalFlags.FlagUsages}}
{{end}}`

// newHelpCmd is "dynalab help [COMMAND]": the help of the root or of a
// command, on stdout; an unknown command is a usage mistake.
func newHelpCmd(root *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "show this help, or help for a command: dynalab help serve",
		ValidArgsFunction: func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			cmd, _, err := root.Find(args)
			if err != nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var names []cobra.Completion
			for _, sub := range cmd.Commands() {
				if sub.IsAvailableCommand() && strings.HasPrefix(sub.Name(), toComplete) {
					names = append(names, cobra.CompletionWithDesc(sub.Name(), sub.Short))
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			cmd, rest, err := root.Find(args)
			if err != nil || len(rest) > 0 {
				fmt.Fprintf(c.ErrOrStderr(), "dynalab: unknown command %q\n\n", strings.Join(args, " "))
				fmt.Fprint(c.ErrOrStderr(), root.UsageString())
				return errUsage
			}
			return cmd.Help()
		},
	}
}

// walk calls fn on c and every command under it.
func walk(c *cobra.Command, fn func(*cobra.Command)) {
	fn(c)
	for _, sub := range c.Commands() {
		walk(sub, fn)
	}
}

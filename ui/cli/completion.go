package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

// newCompletionCmd is "dynalab completion SHELL": cobra's completion
// script for the shell. The scripts call back into dynalab (its hidden
// __complete command) for commands, flags, session, snapshot and sample
// names, and the live session's table names.
func newCompletionCmd() *cobra.Command {
	shells := []string{"bash", "zsh", "fish", "powershell"}
	return &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "print a shell completion script (commands, flags, sessions, tables)",
		Long: `Print the script that teaches the shell to complete dynalab's commands and flags,
session, snapshot and sample names, and --table from the tables of the session
(or --data, --endpoint) the command line selects. Load it in the current shell,
or install it for every new one:

  bash        source <(dynalab completion bash)
              dynalab completion bash > ~/.local/share/bash-completion/completions/dynalab
              (needs the bash-completion package)
  zsh         dynalab completion zsh > "${fpath[1]}/_dynalab"
              (with "autoload -U compinit; compinit" in ~/.zshrc)
  fish        dynalab completion fish > ~/.config/fish/completions/dynalab.fish
  powershell  dynalab completion powershell | Out-String | Invoke-Expression
              (add that line to your $PROFILE to keep it)`,
		Args: func(c *cobra.Command, args []string) error {
			switch {
			case len(args) == 0:
				return usageError(c, "name the shell: bash, zsh, fish or powershell")
			case len(args) > 1:
				return usageError(c, fmt.Sprintf("unexpected argument %q", args[1]))
			}
			return nil
		},
		ValidArgs: shells,
		RunE: func(c *cobra.Command, args []string) error {
			root, out := c.Root(), c.OutOrStdout()
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(out, true)
			case "zsh":
				return root.GenZshCompletion(out)
			case "fish":
				return root.GenFishCompletion(out, true)
			case "powershell":
				return root.GenPowerShellCompletionWithDesc(out)
			}
			return usageError(c, fmt.Sprintf("unknown shell %q: want bash, zsh, fish or powershell", args[0]))
		},
	}
}

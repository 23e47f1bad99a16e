package cli

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"dynalab/engine/auth"
	"dynalab/sessions"
)

// newSessionSetCmd is "dynalab session set NAME [--auth FILE | --no-auth]
// [--theme T] [--description TEXT]": it changes the settings given and
// keeps the others.
func newSessionSetCmd() *cobra.Command {
	var authFile, theme, description *string
	var noAuth bool
	c := &cobra.Command{
		Use:               "set NAME [--auth FILE | --no-auth] [--theme T] [--description TEXT]",
		Short:             "change a session's settings",
		Long:              "Change a session's settings (the default session's too); those not given are kept.",
		Args:              names(1),
		ValidArgsFunction: completeSessionArg,
		RunE: func(c *cobra.Command, args []string) error {
			return setSession(c, args[0], authFile, theme, description, noAuth)
		},
	}
	fs := c.Flags()
	fs.Func("auth", "auth `FILE` the session's served endpoint verifies requests with (local sessions)", func(v string) error {
		authFile = &v
		return nil
	})
	fs.BoolVar(&noAuth, "no-auth", false, "remove the session's auth file: its endpoint accepts any credentials again")
	fs.Func("theme", "the workbench's `theme` for this session: dark, light or high-contrast (\"\" for the default)", func(v string) error {
		theme = &v
		return nil
	})
	fs.Func("description", "a note shown by dynalab session list (\"\" for none)", func(v string) error {
		description = &v
		return nil
	})
	completeFlag(c, "theme", fixedChoices("dark", "light", "high-contrast"))
	completeFlag(c, "description", noCompletions)
	return c
}

// setSession changes the settings given (nil: kept) of session name.
func setSession(c *cobra.Command, name string, authFile, theme, description *string, noAuth bool) error {
	stdout := c.OutOrStdout()
	switch {
	case authFile != nil && noAuth:
		return usageLine(c, "--auth and --no-auth exclude each other")
	case authFile == nil && !noAuth && theme == nil && description == nil:
		return usageLine(c, "nothing to change; give --auth FILE, --no-auth, --theme or --description")
	}
	home, err := dataHome(c)
	if err != nil {
		return err
	}
	cur, err := home.Load(name)
	if err != nil {
		return err
	}
	if authFile != nil {
		cur.Auth = *authFile
		if err := checkSessionAuth(&cur); err != nil {
			return fmt.Errorf("session %q: %w", name, err)
		}
	}
	st, err := home.Update(name, func(s *sessions.Settings) {
		switch {
		case noAuth:
			s.Auth = ""
		case authFile != nil:
			s.Auth = cur.Auth
		}
		if theme != nil {
			s.Theme = *theme
		}
		if description != nil {
			s.Description = *description
		}
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "updated session %q\n", name)
	switch {
	case st.Auth != "":
		fmt.Fprintf(stdout, "auth: %s (dynalab serve --session %s and the workbench verify requests with it)\n", st.Auth, name)
	case noAuth:
		fmt.Fprintln(stdout, "auth: none (any credentials are accepted)")
	}
	return nil
}

// checkSessionAuth checks a session's auth setting: only a local session
// has one, and it must be a readable, valid auth file. The path is made
// absolute, so that it names the same file from any directory.
func checkSessionAuth(s *sessions.Settings) error {
	if s.Auth == "" {
		return nil
	}
	if s.Kind == sessions.KindRemote || s.Endpoint != "" || s.Region != "" || s.Profile != "" {
		return errors.New("--auth is for local sessions: it guards the endpoint dynalab serves for the session's database")
	}
	abs, err := filepath.Abs(s.Auth)
	if err != nil {
		return err
	}
	if _, err := auth.LoadFile(abs); err != nil {
		return err
	}
	s.Auth = abs
	return nil
}

package cli

import (
	"context"

	"github.com/spf13/cobra"

	"dynalab/sessions"
)

// homeKey is the context key of the data directory, which Main resolves
// once (sessions.DefaultHome) and every command reads through dataHome:
// cobra hands each command the context Main executes with.
type homeKey struct{}

type resolvedHome struct {
	home sessions.Home
	err  error // why there is none (no home directory); reported when a command needs it
}

// withHome returns ctx carrying the data directory.
func withHome(ctx context.Context, home sessions.Home, err error) context.Context {
	return context.WithValue(ctx, homeKey{}, resolvedHome{home, err})
}

// dataHome returns the data directory Main resolved.
func dataHome(c *cobra.Command) (sessions.Home, error) {
	if r, ok := c.Context().Value(homeKey{}).(resolvedHome); ok {
		return r.home, r.err
	}
	return sessions.DefaultHome()
}

// Package sessions manages dynalab's named workspaces: where each one keeps
// its database file, history and saved queries under the user's data
// directory. The default session needs no setup: its directory is created on
// first use.
package sessions

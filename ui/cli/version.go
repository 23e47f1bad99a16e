package cli

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// newVersionCmd is "dynalab version": the version and the commit the
// binary was built from (also "dynalab --version").
func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "print the version and the commit it was built from",
		Long: `Print dynalab's version and what the build recorded of the commit it was built
from: its revision, its time and whether the tree had uncommitted changes. A
build from a clone (go build, go install .) records them; go run, go test and
-buildvcs=false builds do not, and the line says so.`,
		Args: names(0),
		RunE: func(c *cobra.Command, args []string) error {
			_, err := fmt.Fprintln(c.OutOrStdout(), "dynalab", versionString())
			return err
		},
	}
}

// build is what the binary knows of its own version.
type build struct {
	version  string // the module version: a release tag, a pseudo-version, or "devel"
	revision string // the VCS commit; "" when not recorded
	time     string // the commit's time (RFC 3339), when recorded
	modified bool   // the tree had uncommitted changes
}

// readBuild reads the build information the go command stamped into the
// binary.
func readBuild(info *debug.BuildInfo, ok bool) build {
	b := build{version: "devel"}
	if !ok {
		return b
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		b.version = v
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.revision = s.Value
		case "vcs.time":
			b.time = s.Value
		case "vcs.modified":
			b.modified = s.Value == "true"
		}
	}
	return b
}

// String is the version line's text after "dynalab ": the version, then
// the commit it was built from (12 hex digits), the commit's time and
// whether the tree had uncommitted changes — or that the build recorded
// no commit.
func (b build) String() string {
	if b.revision == "" {
		return b.version + " (no commit recorded in this build)"
	}
	var notes []string
	if b.time != "" {
		notes = append(notes, b.time)
	}
	if b.modified {
		notes = append(notes, "with uncommitted changes")
	}
	s := b.version + " built from commit " + b.revision[:min(12, len(b.revision))]
	if len(notes) > 0 {
		s += " (" + strings.Join(notes, ", ") + ")"
	}
	return s
}

// short is the version in a few characters, for serve's greeting: the
// module version, else "devel" and the commit ("-dirty" when modified).
func (b build) short() string {
	if b.version != "devel" || b.revision == "" {
		return b.version
	}
	rev := b.revision[:min(12, len(b.revision))]
	if b.modified {
		rev += "-dirty"
	}
	return strings.TrimSpace("devel " + rev)
}

// Set by .ci/release with -ldflags -X: the release's version, and the
// commit it is built from, which the go command records only in a clone
// (not in a git worktree, nor with -buildvcs=false).
var (
	releaseVersion string
	releaseCommit  string
)

// stamp applies a release's version and commit to what the go command
// recorded: the version replaces the module's, the commit fills in a
// revision the build did not record.
func (b build) stamp(version, commit string) build {
	if version != "" {
		b.version = version
	}
	if b.revision == "" && commit != "" {
		b.revision, b.time, b.modified = commit, "", false
	}
	return b
}

// current is what this binary knows of its version.
func current() build {
	return readBuild(debug.ReadBuildInfo()).stamp(releaseVersion, releaseCommit)
}

// versionString is this binary's version line (after "dynalab ").
func versionString() string { return current().String() }

// shortVersion is this binary's version in a few characters.
func shortVersion() string { return current().short() }

package cli

import (
	"debug/buildinfo"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		code, out, errOut := cli(t, args...)
		if code != 0 || out != "dynalab "+versionString()+"\n" || errOut != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
}

// TestVersionLine: what the line says for each kind of build.
func TestVersionLine(t *testing.T) {
	settings := func(kv ...string) []debug.BuildSetting {
		var s []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			s = append(s, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return s
	}
	const rev = "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b"
	for _, tc := range []struct {
		name        string
		info        *debug.BuildInfo
		line, short string
	}{
		{"no build information", nil, "devel (no commit recorded in this build)", "devel"},
		{"go test", &debug.BuildInfo{Main: debug.Module{Path: "dynalab", Version: "(devel)"}},
			"devel (no commit recorded in this build)", "devel"},
		{"go build in a modified clone", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20260101120000-1a2b3c4d5e6f+dirty"},
			Settings: settings("vcs", "git", "vcs.revision", rev, "vcs.time", "2026-01-01T12:00:00Z", "vcs.modified", "true")},
			"v0.0.0-20260101120000-1a2b3c4d5e6f+dirty built from commit 1a2b3c4d5e6f (2026-01-01T12:00:00Z, with uncommitted changes)",
			"v0.0.0-20260101120000-1a2b3c4d5e6f+dirty"},
		{"an older go build", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"},
			Settings: settings("vcs.revision", rev, "vcs.modified", "false")},
			"devel built from commit 1a2b3c4d5e6f", "devel 1a2b3c4d5e6f"},
		{"a modified tree, no time", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"},
			Settings: settings("vcs.revision", rev, "vcs.modified", "true")},
			"devel built from commit 1a2b3c4d5e6f (with uncommitted changes)", "devel 1a2b3c4d5e6f-dirty"},
		{"a release", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, "v1.2.3 (no commit recorded in this build)", "v1.2.3"},
	} {
		b := readBuild(tc.info, tc.info != nil)
		if got := b.String(); got != tc.line {
			t.Errorf("%s: line %q, want %q", tc.name, got, tc.line)
		}
		if got := b.short(); got != tc.short {
			t.Errorf("%s: short %q, want %q", tc.name, got, tc.short)
		}
	}
}

// TestVersionStamp: a release's version and commit (.ci/release's
// -ldflags -X) replace the module's version and fill in a revision the
// build did not record, never one it did.
func TestVersionStamp(t *testing.T) {
	const rev = "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b"
	recorded := build{version: "v0.0.0-20260101120000-1a2b3c4d5e6f", revision: rev, time: "2026-01-01T12:00:00Z", modified: true}
	for _, tc := range []struct {
		name            string
		b               build
		version, commit string
		line            string
	}{
		{"no stamp", recorded, "", "", "v0.0.0-20260101120000-1a2b3c4d5e6f built from commit 1a2b3c4d5e6f (2026-01-01T12:00:00Z, with uncommitted changes)"},
		{"a release of a clone", recorded, "v1.2.0", "ffffffffffffffffffffffffffffffffffffffff", "v1.2.0 built from commit 1a2b3c4d5e6f (2026-01-01T12:00:00Z, with uncommitted changes)"},
		{"a release of a worktree", build{version: "devel"}, "v1.2.0", rev, "v1.2.0 built from commit 1a2b3c4d5e6f"},
		{"a version only", build{version: "devel"}, "v1.2.0", "", "v1.2.0 (no commit recorded in this build)"},
	} {
		if got := tc.b.stamp(tc.version, tc.commit).String(); got != tc.line {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.line)
		}
	}
}

// TestBinaryVersion: the built binary names the commit its build
// recorded — or says none was (GOFLAGS=-buildvcs=false, a git worktree).
func TestBinaryVersion(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	t.Parallel()
	bin := binary(t)
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runBinary(t, bin, nil, "version")
	if code != 0 || errOut != "" || !strings.HasPrefix(out, "dynalab ") {
		t.Fatalf("version: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	want := readBuild(info, true)
	if want.revision != "" {
		if !strings.Contains(out, " built from commit "+want.revision[:12]) || strings.Contains(out, "with uncommitted changes") != want.modified {
			t.Errorf("version %q; the build recorded %+v", out, want)
		}
	} else if !strings.Contains(out, "no commit recorded") {
		t.Errorf("version %q; the build recorded no commit", out)
	}
	t.Logf("%s", out)
}

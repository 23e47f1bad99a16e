package doctor

import (
	"context"
	"testing"

	"dynalab/engine"
	"dynalab/sessions"
	"dynalab/sessions/samples"
)

// openSession creates session "lab" under a temporary home and opens its
// database with opts.
func openSession(t *testing.T, opts engine.Options) *sessions.Local {
	t.Helper()
	t.Setenv(sessions.HomeEnv, t.TempDir())
	if _, err := sessions.Create("lab", sessions.Settings{Kind: sessions.KindLocal}); err != nil {
		t.Fatal(err)
	}
	l, err := sessions.OpenLocal("lab", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// withSample is a session with the named sample loaded (tables, items
// and saved queries).
func withSample(t *testing.T, name string) *sessions.Local {
	t.Helper()
	l := openSession(t, engine.Options{SweepInterval: -1})
	if _, err := samples.Load(context.Background(), l, name, samples.Options{Session: "lab"}); err != nil {
		t.Fatal(err)
	}
	return l
}

// diagnose runs the doctor on session "lab".
func diagnose(t *testing.T, l *sessions.Local) *Report {
	t.Helper()
	in, err := ForSession("lab", l)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Run(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

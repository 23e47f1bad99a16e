package doctor

import (
	"context"
	"testing"

	"dynalab/engine"
	"dynalab/sessions"
	"dynalab/sessions/samples"
)

// lab is session "lab" opened in a test, with the home it lives in.
type lab struct {
	*sessions.Local
	home sessions.Home
}

// openSession creates session "lab" under a temporary home and opens its
// database with opts.
func openSession(t *testing.T, opts engine.Options) *lab {
	t.Helper()
	home := sessions.NewHome(t.TempDir())
	return reopen(t, home, opts, true)
}

// reopen opens session "lab" of home (creating it first when create is
// set) with opts; the test closes it.
func reopen(t *testing.T, home sessions.Home, opts engine.Options, create bool) *lab {
	t.Helper()
	if create {
		if _, err := home.Create("lab", sessions.Settings{Kind: sessions.KindLocal}); err != nil {
			t.Fatal(err)
		}
	}
	path, err := home.DatabasePath("lab")
	if err != nil {
		t.Fatal(err)
	}
	opts.Path = path
	l, err := sessions.OpenLocal("lab", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return &lab{Local: l, home: home}
}

// withSample is a session with the named sample loaded (tables, items
// and saved queries).
func withSample(t *testing.T, name string) *lab {
	t.Helper()
	l := openSession(t, engine.Options{SweepInterval: -1})
	if _, err := samples.Load(context.Background(), l, name, samples.Options{Session: "lab", Home: l.home}); err != nil {
		t.Fatal(err)
	}
	return l
}

// diagnose runs the doctor on session "lab".
func diagnose(t *testing.T, l *lab) *Report {
	t.Helper()
	in, err := ForSession(l.home, "lab", l.Local)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Run(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

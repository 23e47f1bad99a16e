package model_test

import (
	"context"
	"path/filepath"
	"testing"

	"dynalab/engine"
	"dynalab/sessions"
)

// newBackend opens a local backend on a database in the test's directory,
// with no session around it.
func newBackend(t *testing.T) *sessions.Local {
	t.Helper()
	b, err := sessions.OpenLocal("test", engine.Options{Path: filepath.Join(t.TempDir(), "test.db"), SweepInterval: -1, TTLSettle: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// openSession creates and opens a session under home.
func openSession(t *testing.T, home sessions.Home, name string) sessions.Backend {
	t.Helper()
	if _, err := home.Create(name, sessions.Settings{}); err != nil {
		t.Fatal(err)
	}
	b, err := sessions.Open(context.Background(), sessions.Selector{Home: home, Session: name})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

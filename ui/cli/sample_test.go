package cli

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"dynalab/engine"
	"dynalab/engine/enginetest"
	"dynalab/engine/server"
)

func TestSampleHelpAndList(t *testing.T) {
	sessionHome(t)
	for _, args := range [][]string{{"sample", "--help"}, {"help", "sample"}, {"sample", "load", "--help"}, {"sample", "show", "--help"}} {
		if code, out, errOut := cli(t, args...); code != 0 || !strings.Contains(out, "Usage:") || !strings.Contains(out, "dynalab sample ") {
			t.Errorf("dynalab %v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
	code, out, _ := cli(t, "sample", "list")
	for _, w := range []string{"product-catalog  Forum, ProductCatalog, Reply, Thread  38", "single-table     AppTable", "time-series      SensorReadings, Sensors               123"} {
		if code != 0 || !strings.Contains(out, w) {
			t.Errorf("sample list: exit %d, lacks %q:\n%s", code, w, out)
		}
	}
	code, out, _ = cli(t, "sample", "show", "single-table")
	for _, w := range []string{"single-table — Single-table design", "AppTable (PK S, SK S) · indexes GSI1, GSI2, GSI2-multi · 41 items", "  user-orders\n    -- A user's orders", "dynalab sample load single-table --session S"} {
		if code != 0 || !strings.Contains(out, w) {
			t.Errorf("sample show: exit %d, lacks %q:\n%s", code, w, out)
		}
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"sample"}, 2, "Usage:"},
		{[]string{"sample", "bogus"}, 2, `unknown subcommand "bogus"`},
		{[]string{"sample", "load"}, 2, "dynalab sample load: give a name"},
		{[]string{"sample", "load", "a", "b"}, 2, "give one name"},
		{[]string{"sample", "load", "nope"}, 1, `sample "nope": no such sample; the samples are product-catalog, single-table, time-series`},
		{[]string{"sample", "load", "time-series", "--session", "a", "--data", "x.db"}, 2, "alternatives"},
		{[]string{"sample", "show", "../x"}, 1, "no such sample"},
	} {
		if code, _, errOut := cli(t, tc.args...); code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("dynalab %v: exit %d, stderr %q; want %d and %q", tc.args, code, errOut, tc.code, tc.want)
		}
	}
}

// TestSampleLoad loads a sample into a new session, refuses a second load,
// replaces with --replace, and runs a saved query with dynalab run.
func TestSampleLoad(t *testing.T) {
	sessionHome(t)
	code, out, errOut := cli(t, "sample", "load", "single-table", "--session", "lab")
	if code != 0 {
		t.Fatalf("load: exit %d: %s", code, errOut)
	}
	for _, w := range []string{
		`created local session "lab"`,
		`loaded sample "single-table" into session "lab":`,
		"  table AppTable (PK S, SK S) · indexes GSI1, GSI2, GSI2-multi · 41 items\n",
		`saved 6 queries into session "lab":`,
		"  user-orders                  A user's orders, newest first\n",
		"  user-by-email                Who has this email address?\n",
		"  dynalab --session lab\n",
		".queries lists the saved queries",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("load output lacks %q:\n%s", w, out)
		}
	}
	qs, err := testHome(t).Queries("lab")
	if err != nil || len(qs) != 6 {
		t.Fatalf("saved queries: %d, %v", len(qs), err)
	}
	if st, err := testHome(t).Load("lab"); err != nil || st.Description != "sample single-table" {
		t.Fatalf("session settings %+v, %v", st, err)
	}

	code, _, errOut = cli(t, "sample", "load", "single-table", "--session", "lab")
	if code != 1 || !strings.Contains(errOut, "table AppTable already exists; nothing was changed") || !strings.Contains(errOut, "--replace") {
		t.Fatalf("second load: exit %d, stderr %q", code, errOut)
	}
	code, out, errOut = cli(t, "sample", "load", "single-table", "--replace", "--session", "lab")
	if code != 0 || !strings.Contains(out, "41 items (replaced)") {
		t.Fatalf("--replace: exit %d, stdout %q, stderr %q", code, out, errOut)
	}

	q, err := testHome(t).LoadQuery("lab", "user-orders-by-status")
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut = cli(t, "run", "--session", "lab", "-o", "json", q.Path)
	if code != 0 || strings.Count(out, `"DELIVERED#`) != 3 {
		t.Fatalf("run %s: exit %d, stderr %q, stdout:\n%s", q.Path, code, errOut, out)
	}
}

// TestSampleLoadWithoutSession: --data and --endpoint have no session, so
// nothing is saved and the output says where the queries are.
func TestSampleLoadWithoutSession(t *testing.T) {
	dir := sessionHome(t)
	data := filepath.Join(dir, "ts.db")
	code, out, errOut := cli(t, "sample", "load", "time-series", "--data", data)
	if code != 0 || !strings.Contains(out, "loaded sample \"time-series\" into ts.db:") ||
		!strings.Contains(out, "dynalab --data "+data) || !strings.Contains(out, "dynalab sample show time-series") || strings.Contains(out, "saved") {
		t.Fatalf("--data: exit %d, stderr %q, stdout:\n%s", code, errOut, out)
	}

	endpoint := serveInProcess(t, "--in-memory")
	code, out, errOut = cli(t, "sample", "load", "product-catalog", "--endpoint", endpoint)
	if code != 0 || !strings.Contains(out, "table Reply (Id S, ReplyDateTime S) · indexes PostedBy-Message-Index · 16 items") {
		t.Fatalf("--endpoint: exit %d, stderr %q, stdout:\n%s", code, errOut, out)
	}
}

// TestSampleLoadThroughHolder: a session held by a running server is
// loaded through its endpoint, and its queries are still saved.
func TestSampleLoadThroughHolder(t *testing.T) {
	sessionHome(t)
	if code, _, errOut := cli(t, "session", "new", "held"); code != 0 {
		t.Fatal(errOut)
	}
	serveInProcess(t, "--session", "held")
	code, out, errOut := cli(t, "sample", "load", "product-catalog", "--session", "held")
	if code != 0 || !strings.Contains(errOut, "is in use; running through http://127.0.0.1:") || !strings.Contains(out, "saved 5 queries") {
		t.Fatalf("exit %d, stderr %q, stdout:\n%s", code, errOut, out)
	}
}

// TestSampleLoadOnAnEndpointLackingAnOperation: an endpoint that refuses
// part of the load (here BatchWriteItem) gets the failure and what was
// done before it, never "loaded sample".
func TestSampleLoadOnAnEndpointLackingAnOperation(t *testing.T) {
	sessionHome(t)
	db := enginetest.Open(t, engine.Options{})
	api := server.New(db, server.Options{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".BatchWriteItem") {
			w.Header().Set("Content-Type", "application/x-amz-json-1.0")
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"__type":"com.amazon.coral.service#UnknownOperationException"}`))
			return
		}
		api.ServeHTTP(w, r)
	}))
	defer srv.Close()
	code, out, errOut := cli(t, "sample", "load", "single-table", "--endpoint", srv.URL)
	if code != 1 || strings.Contains(out, "loaded sample") || !strings.Contains(out, `sample "single-table" was NOT loaded completely`) ||
		!strings.Contains(errOut, "UnknownOperationException") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
}

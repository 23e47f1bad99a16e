package model_test

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dynalab/engine"
	"dynalab/engine/server"
	"dynalab/partiql"
	"dynalab/sessions"
	"dynalab/sessions/model"
)

// TestApplyRemote applies a model through a remote session (a second
// dynalab served on loopback, spoken to over the DynamoDB JSON protocol):
// tables, TTL and items, then a GSI added by UpdateTable, waited for
// through DescribeTable; and exports it back.
func TestApplyRemote(t *testing.T) {
	home := sessions.NewHome(t.TempDir())
	dir := t.TempDir()
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")

	db, err := engine.Open(engine.Options{Path: engine.InMemory, SweepInterval: -1, TTLSettle: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	srv := server.New(server.Chain{db, partiql.NewDispatcher(partiql.New(db, partiql.Options{}))}, server.Options{})
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	if _, err := home.Create("far", sessions.Settings{Endpoint: "http://" + ln.Addr().String()}); err != nil {
		t.Fatal(err)
	}
	b, err := sessions.Open(context.Background(), sessions.Selector{Home: home, Session: "far"})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if b.Kind() != sessions.KindRemote {
		t.Fatalf("kind %v", b.Kind())
	}
	// The served engine builds indexes when the poll sleeps.
	polls := 0
	opts := model.Options{Session: "far", Home: home, Sleep: func(context.Context, time.Duration) error { polls++; return db.RunMaintenance() }}
	if _, err := model.Apply(context.Background(), b, parseGood(t, goodModel), opts); err != nil {
		t.Fatal(err)
	}
	withGSI := parseGood(t, strings.NewReplacer(
		`{"AttributeName": "email", "AttributeType": "S"}`, `{"AttributeName": "email", "AttributeType": "S"}, {"AttributeName": "total", "AttributeType": "N"}`,
		`"Projection": {"ProjectionType": "ALL"}}`, `"Projection": {"ProjectionType": "ALL"}}, {"IndexName": "ByTotal", "KeySchema": [{"AttributeName": "total", "KeyType": "HASH"}], "Projection": {"ProjectionType": "ALL"}}`,
	).Replace(goodModel))
	rep, err := model.Apply(context.Background(), b, withGSI, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Changes) != 1 || rep.Changes[0].Kind != model.AddIndex || polls == 0 {
		t.Fatalf("changes %v after %d polls", rep.Changes, polls)
	}
	ttl, err := db.DescribeTimeToLive(context.Background(), &engine.DescribeTimeToLiveInput{TableName: "Shop"})
	if err != nil || ttl.TimeToLiveDescription.AttributeName != "expiresAt" {
		t.Fatalf("TTL %+v %v", ttl, err)
	}
	exported, _, err := model.Export(context.Background(), b, model.ExportOptions{Session: "far", Home: home, Items: 10})
	if err != nil {
		t.Fatal(err)
	}
	if tb := exported.Table("Shop"); tb == nil || len(tb.GlobalSecondaryIndexes) != 2 || tb.TimeToLiveAttribute != "expiresAt" || len(tb.Items) != 2 || len(exported.AccessPatterns) != 2 {
		t.Fatalf("exported %+v", exported)
	}
	if changes, err := model.Plan(context.Background(), b, exported); err != nil || len(changes) != 0 {
		t.Fatalf("plan of the export: %v %v", changes, err)
	}
}

package ui

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/engine/server"
	"dynalab/partiql"
	"dynalab/sessions"
	"dynalab/ui/internal/uitest"
)

// TestRemoteSessionStreamsPane drives the workbench on a remote session
// of a second dynalab server on loopback: the streams pane names the
// tables without a stream, then shows a change written on the server,
// polled through the Streams API.
func TestRemoteSessionStreamsPane(t *testing.T) {
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	db, err := engine.Open(engine.Options{Path: engine.InMemory})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() {
		served <- server.New(server.Chain{db, partiql.NewDispatcher(partiql.New(db, partiql.Options{}))}, server.Options{}).Serve(ctx, ln)
	}()
	t.Cleanup(func() { cancel(); <-served })
	endpoint := "http://" + ln.Addr().String()

	on := true
	for _, in := range []*engine.CreateTableInput{
		{TableName: "Orders", StreamSpecification: &engine.StreamSpecification{StreamEnabled: &on, StreamViewType: engine.StreamViewNewAndOldImages}},
		{TableName: "Plain"},
	} {
		in.BillingMode = engine.BillingPayPerRequest
		in.AttributeDefinitions = []engine.AttributeDefinition{{AttributeName: "PK", AttributeType: "S"}}
		in.KeySchema = []engine.KeySchemaElement{{AttributeName: "PK", KeyType: engine.KeyTypeHash}}
		if _, err := db.CreateTable(ctx, in); err != nil {
			t.Fatal(err)
		}
	}

	r, err := sessions.OpenRemote(ctx, "lab2", sessions.RemoteOptions{Endpoint: endpoint, Placeholder: true,
		Feed: sessions.ChangeOptions{MinPoll: 10 * time.Millisecond, MaxPoll: 50 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	app, err := New(ctx, Options{Backend: r, Theme: uitest.Theme(t, "dark"), Clock: uitest.Clock})
	if err != nil {
		t.Fatal(err)
	}
	tm := teatest.NewTestModel(t, app, teatest.WithInitialTermSize(120, 40))
	tm.Send(altKey('3'))
	waitOutput(t, tm, "No stream on Plain")
	item, _ := attr.ParseItem([]byte(`{"PK":{"S":"ORDER#1"},"amount":{"N":"42"}}`))
	if _, err := db.PutItem(ctx, &engine.PutItemInput{TableName: "Orders", Item: item}); err != nil {
		t.Fatal(err)
	}
	waitOutput(t, tm, "INSERT Orders PK=ORDER#1")
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}

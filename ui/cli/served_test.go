package cli

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"dynalab/engine"
	"dynalab/engine/enginetest"
	"dynalab/sessions"
)

// TestWorkbenchListsServedRequests: the requests another client (here
// aws-sdk-go-v2 over loopback) makes to the endpoint the workbench serves
// reach the session's events as "Served" lines, which the Activity pane
// lists; a refused one carries its error code.
func TestWorkbenchListsServedRequests(t *testing.T) {
	local, err := sessions.OpenLocal("served", engine.Options{Path: engine.InMemory})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { local.Close() }) // after serveLocal's cleanup
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events := local.Subscribe(ctx).Events
	opts, err := workbenchServeOptions(sessions.Selector{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	endpoint := serveLocal(t, ctx, local, opts)

	c := enginetest.NewClient(endpoint)
	if _, err := c.CreateTable(enginetest.Ctx(t), &dynamodb.CreateTableInput{TableName: aws.String("Pets"),
		BillingMode:          types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("PK"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("PK"), KeyType: types.KeyTypeHash}}}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetItem(enginetest.Ctx(t), &dynamodb.GetItemInput{TableName: aws.String("Missing"),
		Key: map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "a"}}})
	var notFound *types.ResourceNotFoundException
	if !errors.As(err, &notFound) {
		t.Fatalf("GetItem on a missing table: %v", err)
	}

	want := []struct{ op, table, code string }{{"CreateTable", "Pets", ""}, {"GetItem", "Missing", "ResourceNotFoundException"}}
	for _, w := range want {
		select {
		case ev := <-events:
			if ev.Source != "Served" || ev.Operation != w.op || ev.Target != w.table || !strings.Contains(ev.Summary, "from 127.0.0.1:") {
				t.Fatalf("event %+v, want Served %s on %s", ev, w.op, w.table)
			}
			switch {
			case w.code == "" && ev.Err != nil:
				t.Fatalf("%s: error %v", w.op, ev.Err)
			case w.code != "" && (ev.Err == nil || ev.Err.Error() != w.code+" (HTTP 400)"):
				t.Fatalf("%s: error %v, want %s (HTTP 400)", w.op, ev.Err, w.code)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no Served event for %s", w.op)
		}
	}
}

// serveLocal serves local with opts on a loopback port until ctx ends
// (then checks that serving stopped cleanly) and returns the endpoint.
func serveLocal(t *testing.T, ctx context.Context, local *sessions.Local, opts sessions.ServeOptions) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- local.Serve(ctx, ln, opts) }()
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}

package cli

import (
	"bufio"
	"context"
	"io"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"dynalab/engine/enginetest"
)

// watchWriter is a concurrency-safe writer that reports when its content
// contains a string.
type watchWriter struct {
	mu  sync.Mutex
	buf strings.Builder
	ch  chan struct{}
}

func (w *watchWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	select {
	case w.ch <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (w *watchWriter) waitFor(t *testing.T, s string) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		w.mu.Lock()
		text := w.buf.String()
		w.mu.Unlock()
		if strings.Contains(text, s) {
			return
		}
		select {
		case <-w.ch:
		case <-deadline:
			t.Fatalf("stderr never contained %q; it has:\n%s", s, text)
		}
	}
}

// TestServeOnStream runs "dynalab serve --on-stream" in process with a shell
// handler that echoes the Lambda event it gets on stdin.
func TestServeOnStream(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the handler is a POSIX shell command")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	stderr := &watchWriter{ch: make(chan struct{}, 1)}
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"serve", "--in-memory", "--listen", "127.0.0.1:0",
			"--on-stream", "AppTable=echo handled; cat", "--on-stream-batch-size", "10"}, nil, pw, stderr)
		pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	if !lines.Scan() {
		t.Fatal("no endpoint line")
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	c := enginetest.NewClient(lines.Text())
	_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: aws.String("AppTable"),
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String("PK"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("SK"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String("PK"), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String("SK"), KeyType: types.KeyTypeRange}},
		BillingMode:         types.BillingModePayPerRequest,
		StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeNewImage},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("AppTable"), Item: map[string]types.AttributeValue{
		"PK": &types.AttributeValueMemberS{Value: "USER#u123"}, "SK": &types.AttributeValueMemberS{Value: "ORDER#o1"},
		"amount": &types.AttributeValueMemberN{Value: "42"}}}); err != nil {
		t.Fatal(err)
	}
	stderr.waitFor(t, "[on-stream AppTable] handled\n")
	stderr.waitFor(t, `"eventName":"INSERT"`)
	stderr.waitFor(t, `"NewImage":{"PK":{"S":"USER#u123"},"SK":{"S":"ORDER#o1"},"amount":{"N":"42"}}`)
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d", code)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
	stderr.waitFor(t, "shut down cleanly")
}

func TestServeOnStreamUsage(t *testing.T) {
	var out, errOut strings.Builder
	if code := Main(context.Background(), []string{"serve", "--on-stream", "NoCommand"}, nil, &out, &errOut); code != 2 ||
		!strings.Contains(errOut.String(), "want TABLE=COMMAND") {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
}

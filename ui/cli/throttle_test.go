package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"dynalab/engine/enginetest"
)

// TestServeThrottleHint: the first time a table is throttled, serve
// prints one line naming it, its provisioned units and --no-throttle
// (issue #24: a suite written for DynamoDB Local took 557 s instead of
// 1.1 s on 1-unit tables), and only once.
func TestServeThrottleHint(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	var stderr lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"serve", "--in-memory", "--listen", "127.0.0.1:0"}, nil, pw, &stderr)
		pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	if !lines.Scan() {
		t.Fatal("no output")
	}
	endpoint := lines.Text()
	go io.Copy(io.Discard, pr)
	defer func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("serve did not stop")
		}
	}()
	c := enginetest.NewClient(endpoint)
	if _, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:             aws.String("OneUnit"),
		AttributeDefinitions:  []types.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: "S"}},
		KeySchema:             []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: "HASH"}},
		ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(1), WriteCapacityUnits: aws.Int64(1)},
	}); err != nil {
		t.Fatal(err)
	}
	// 300 units of burst and one a second: at most a few more than 300
	// writes of 1 KB are admitted, however slowly this machine runs.
	throttled := 0
	for i := 0; i < 1000 && throttled < 3; i++ {
		_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("OneUnit"),
			Item: map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: fmt.Sprint(i)}}})
		var pte *types.ProvisionedThroughputExceededException
		switch {
		case errors.As(err, &pte):
			throttled++
		case err != nil:
			t.Fatal(err)
		}
	}
	if throttled < 3 {
		t.Fatalf("1000 writes to a 1-WCU table, %d throttled", throttled)
	}
	want := `dynalab serve: table "OneUnit" throttled: writes spent its 1 provisioned WCU a second and its burst, as DynamoDB would; run with --no-throttle to meter capacity without throttling (DynamoDB Local never throttles)` + "\n"
	if got := stderr.String(); got != want {
		t.Fatalf("stderr\n got %q\nwant %q", got, want)
	}
}

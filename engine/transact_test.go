package engine_test

import (
	"errors"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"dynalab/engine"
	"dynalab/engine/enginetest"
)

// orderTransaction is the seed's order transaction: the user's order item
// (only if new), the order item and the STATUS#PAID index item, atomically.
func orderTransaction(orderID string) *dynamodb.TransactWriteItemsInput {
	table := aws.String("AppTable")
	return &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: table, Item: av{"PK": s("USER#u123"), "SK": s("ORDER#" + orderID), "amount": n("42")},
			ConditionExpression: aws.String("attribute_not_exists(PK)")}},
		{Put: &types.Put{TableName: table, Item: av{"PK": s("ORDER#" + orderID), "SK": s("ORDER#" + orderID), "status": s("PAID")}}},
		{Put: &types.Put{TableName: table, Item: av{"PK": s("STATUS#PAID"), "SK": s("ORDER#" + orderID)}}},
	}}
}

func TestTransactWriteSeedOrder(t *testing.T) {
	db := enginetest.Open(t, engine.Options{})
	c := enginetest.Client(t, db)
	ctx := enginetest.Ctx(t)
	createAppTable(t, c)
	if _, err := c.TransactWriteItems(ctx, orderTransaction("o1")); err != nil {
		t.Fatalf("first order: %v", err)
	}
	// Change the order item so a replay that wrote anything would show.
	if _, err := c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("AppTable"), Key: key("STATUS#PAID", "ORDER#o1")}); err != nil {
		t.Fatal(err)
	}
	in := orderTransaction("o1")
	in.TransactItems[0].Put.ReturnValuesOnConditionCheckFailure = types.ReturnValuesOnConditionCheckFailureAllOld
	_, err := c.TransactWriteItems(ctx, in)
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) {
		t.Fatalf("second order: got %v, want TransactionCanceledException", err)
	}
	if want := "Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None, None]"; tce.ErrorMessage() != want {
		t.Fatalf("message %q, want %q", tce.ErrorMessage(), want)
	}
	if len(tce.CancellationReasons) != 3 || *tce.CancellationReasons[0].Code != "ConditionalCheckFailed" ||
		*tce.CancellationReasons[0].Message != "The conditional request failed" || *tce.CancellationReasons[1].Code != "None" {
		t.Fatalf("reasons %+v", tce.CancellationReasons)
	}
	if got := tce.CancellationReasons[0].Item["amount"].(*types.AttributeValueMemberN).Value; got != "42" {
		t.Fatalf("reason item amount = %s", got)
	}
	// Nothing of the failed transaction was written.
	g, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("AppTable"), Key: key("STATUS#PAID", "ORDER#o1")})
	if err != nil || g.Item != nil {
		t.Fatalf("failed transaction wrote its third item: %v %v", g.Item, err)
	}
}

func TestTransactWriteErrors(t *testing.T) {
	db := enginetest.Open(t, engine.Options{})
	c := enginetest.Client(t, db)
	ctx := enginetest.Ctx(t)
	createAppTable(t, c)
	table := aws.String("AppTable")
	_, err := c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: table, Item: key("a", "b")}},
		{ConditionCheck: &types.ConditionCheck{TableName: table, Key: key("a", "b"), ConditionExpression: aws.String("attribute_exists(PK)")}},
	}})
	if err == nil || !strings.Contains(err.Error(), "Transaction request cannot include multiple operations on one item") {
		t.Fatalf("two actions on one item: %v", err)
	}
	// An update's runtime error is a ValidationError reason.
	_, err = c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Update: &types.Update{TableName: table, Key: key("x", "y"), UpdateExpression: aws.String("SET a = b + :one"),
			ExpressionAttributeValues: av{":one": n("1")}}},
	}})
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) || *tce.CancellationReasons[0].Code != "ValidationError" {
		t.Fatalf("runtime update error: %v", err)
	}
}

func TestTransactIdempotency(t *testing.T) {
	clock := enginetest.NewClock(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	db := enginetest.Open(t, engine.Options{Clock: clock.Now})
	c := enginetest.Client(t, db)
	ctx := enginetest.Ctx(t)
	createAppTable(t, c)
	counter := func(token string, by string) *dynamodb.TransactWriteItemsInput {
		return &dynamodb.TransactWriteItemsInput{ClientRequestToken: aws.String(token), TransactItems: []types.TransactWriteItem{
			{Update: &types.Update{TableName: aws.String("AppTable"), Key: key("c", "c"), UpdateExpression: aws.String("ADD v :by"),
				ExpressionAttributeValues: av{":by": n(by)}}},
		}}
	}
	value := func() string {
		g, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("AppTable"), Key: key("c", "c")})
		if err != nil {
			t.Fatal(err)
		}
		return g.Item["v"].(*types.AttributeValueMemberN).Value
	}
	for range 2 {
		if _, err := c.TransactWriteItems(ctx, counter("tok-1", "1")); err != nil {
			t.Fatal(err)
		}
	}
	if v := value(); v != "1" {
		t.Fatalf("after a replay v = %s, want 1", v)
	}
	var mismatch *types.IdempotentParameterMismatchException
	if _, err := c.TransactWriteItems(ctx, counter("tok-1", "5")); !errors.As(err, &mismatch) {
		t.Fatalf("same token, other request: %v", err)
	}
	clock.Advance(10*time.Minute + time.Second)
	if _, err := c.TransactWriteItems(ctx, counter("tok-1", "1")); err != nil {
		t.Fatal(err)
	}
	if v := value(); v != "2" {
		t.Fatalf("after the window v = %s, want 2", v)
	}
}

func TestTransactGetItems(t *testing.T) {
	db := enginetest.Open(t, engine.Options{})
	c := enginetest.Client(t, db)
	ctx := enginetest.Ctx(t)
	createAppTable(t, c)
	if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("AppTable"), Item: av{"PK": s("a"), "SK": s("b"), "x": n("1")}}); err != nil {
		t.Fatal(err)
	}
	out, err := c.TransactGetItems(ctx, &dynamodb.TransactGetItemsInput{TransactItems: []types.TransactGetItem{
		{Get: &types.Get{TableName: aws.String("AppTable"), Key: key("a", "b"), ProjectionExpression: aws.String("x")}},
		{Get: &types.Get{TableName: aws.String("AppTable"), Key: key("a", "missing")}},
	}, ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Responses) != 2 || len(out.Responses[0].Item) != 1 || out.Responses[1].Item != nil {
		t.Fatalf("responses %+v", out.Responses)
	}
	if *out.ConsumedCapacity[0].CapacityUnits != 4 { // two reads, 2 units each (transactional)
		t.Fatalf("capacity %v", *out.ConsumedCapacity[0].CapacityUnits)
	}
}

// TestTransferStress moves money between accounts with concurrent
// transactions; the total never changes and no write is lost.
func TestTransferStress(t *testing.T) {
	if testing.Short() {
		t.Skip("stress test")
	}
	db := enginetest.Open(t, engine.Options{})
	c := enginetest.Client(t, db)
	ctx := enginetest.Ctx(t)
	createAppTable(t, c)
	const accounts, initial, workers, transfers = 10, 1000, 8, 60
	for i := range accounts {
		if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("AppTable"),
			Item: av{"PK": s("ACCT#" + strconv.Itoa(i)), "SK": s("BALANCE"), "balance": n(strconv.Itoa(initial))}}); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	committed := 0
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 7))
			for range transfers {
				from, to := r.IntN(accounts), r.IntN(accounts)
				if from == to {
					continue
				}
				amt := strconv.Itoa(1 + r.IntN(50))
				_, err := c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
					{Update: &types.Update{TableName: aws.String("AppTable"), Key: key("ACCT#"+strconv.Itoa(from), "BALANCE"),
						UpdateExpression: aws.String("SET balance = balance - :a"), ConditionExpression: aws.String("balance >= :a"),
						ExpressionAttributeValues: av{":a": n(amt)}}},
					{Update: &types.Update{TableName: aws.String("AppTable"), Key: key("ACCT#"+strconv.Itoa(to), "BALANCE"),
						UpdateExpression: aws.String("SET balance = balance + :a"), ExpressionAttributeValues: av{":a": n(amt)}}},
				}})
				var tce *types.TransactionCanceledException
				switch {
				case err == nil:
					mu.Lock()
					committed++
					mu.Unlock()
				case !errors.As(err, &tce):
					t.Errorf("transfer: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	total := 0
	scan, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("AppTable"), ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range scan.Items {
		b, _ := strconv.Atoi(it["balance"].(*types.AttributeValueMemberN).Value)
		if b < 0 {
			t.Fatalf("negative balance %d", b)
		}
		total += b
	}
	if total != accounts*initial || committed == 0 {
		t.Fatalf("total %d after %d transfers, want %d", total, committed, accounts*initial)
	}
	t.Logf("%d transfers committed", committed)
}

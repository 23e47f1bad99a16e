package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/logging"

	"dynalab/engine"
	"dynalab/engine/attr"
)

// sdkDispatcher answers the SDK test's calls with canned results.
func sdkDispatcher(t *testing.T) Dispatcher {
	return DispatcherFunc(func(_ context.Context, target string, body []byte) ([]byte, engine.CallInfo, error) {
		var req struct{ TableName string }
		if err := json.Unmarshal(body, &req); err != nil {
			t.Errorf("%s: body %s: %v", target, body, err)
		}
		switch target {
		case TargetPrefixDynamoDB + "GetItem":
			if req.TableName != "Pets" {
				t.Errorf("GetItem TableName = %q", req.TableName)
			}
			return []byte(`{"Item":{"AnimalType":{"S":"Dog"},"Name":{"S":"Fido"},"Age":{"N":"7"},"Tags":{"SS":["good","boy"]}}}`), engine.CallInfo{}, nil
		case TargetPrefixDynamoDB + "PutItem":
			return nil, engine.CallInfo{}, &engine.APIError{
				Code:    engine.CodeConditionalCheckFailed,
				Message: "The conditional request failed",
				Item:    attr.Item{"AnimalType": attr.S("Dog"), "Name": attr.S("Fido"), "Age": attr.MustN("7")},
			}
		case TargetPrefixDynamoDB + "TransactWriteItems":
			return nil, engine.CallInfo{}, &engine.APIError{
				Code:    engine.CodeTransactionCanceled,
				Message: "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]",
				CancellationReasons: []engine.CancellationReason{
					{Code: "None"},
					{Code: "ConditionalCheckFailed", Message: "The conditional request failed", Item: attr.Item{"pk": attr.S("a")}},
				},
			}
		case TargetPrefixDynamoDB + "Scan":
			// Large enough to be gzip-compressed when the client accepts it.
			items := make([]string, 100)
			for i := range items {
				items[i] = `{"pk":{"S":"` + strings.Repeat("x", 100) + `"}}`
			}
			return []byte(`{"Count":100,"Items":[` + strings.Join(items, ",") + `],"ScannedCount":100}`), engine.CallInfo{}, nil
		}
		return nil, engine.CallInfo{}, engine.ErrUnknownOperation
	})
}

// sdkLog collects what the SDK logs. This SDK version reports a response
// whose CRC-32 does not match x-amz-crc32 by logging a warning when it
// closes the body ("response did not match expected checksum"), so the
// tests read the log to know whether validation passed.
type sdkLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *sdkLog) Logf(c logging.Classification, format string, v ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, string(c)+": "+fmt.Sprintf(format, v...))
}

func (l *sdkLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

func sdkClient(url string, log *sdkLog, optFns ...func(*dynamodb.Options)) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		BaseEndpoint: aws.String(url),
		Retryer:      aws.NopRetryer{},
		Logger:       log,
	}, optFns...)
}

func petKey() map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		"AnimalType": &types.AttributeValueMemberS{Value: "Dog"},
		"Name":       &types.AttributeValueMemberS{Value: "Fido"},
	}
}

// TestSDK runs aws-sdk-go-v2 against the server: it must parse results and
// typed errors, and its response CRC-32 validation must pass.
func TestSDK(t *testing.T) {
	ts := newTestServer(t, sdkDispatcher(t), Options{})
	ctx := context.Background()
	var sdkLog sdkLog
	client := sdkClient(ts.URL, &sdkLog)
	defer func() {
		if s := sdkLog.String(); s != "" {
			t.Errorf("SDK log (checksum validation failed?):\n%s", s)
		}
	}()

	out, err := client.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("Pets"), Key: petKey()})
	if err != nil {
		t.Fatalf("GetItem: %v", err)
	}
	if age, ok := out.Item["Age"].(*types.AttributeValueMemberN); !ok || age.Value != "7" {
		t.Errorf("GetItem Age = %#v", out.Item["Age"])
	}
	if tags, ok := out.Item["Tags"].(*types.AttributeValueMemberSS); !ok || len(tags.Value) != 2 {
		t.Errorf("GetItem Tags = %#v", out.Item["Tags"])
	}
	if id, _ := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata); !requestIDPattern.MatchString(id) {
		t.Errorf("request id = %q", id)
	}

	_, err = client.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:                           aws.String("Pets"),
		Item:                                petKey(),
		ConditionExpression:                 aws.String("attribute_not_exists(AnimalType)"),
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	})
	var ccf *types.ConditionalCheckFailedException
	if !errors.As(err, &ccf) {
		t.Fatalf("PutItem error = %v (%T), want ConditionalCheckFailedException", err, err)
	}
	if ccf.ErrorMessage() != "The conditional request failed" {
		t.Errorf("message = %q", ccf.ErrorMessage())
	}
	if age, ok := ccf.Item["Age"].(*types.AttributeValueMemberN); !ok || age.Value != "7" || len(ccf.Item) != 3 {
		t.Errorf("Item = %#v", ccf.Item)
	}
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusBadRequest || !requestIDPattern.MatchString(re.ServiceRequestID()) {
		t.Errorf("response error = %#v", re)
	}

	_, err = client.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: aws.String("Pets"), Item: petKey()}},
		{Put: &types.Put{TableName: aws.String("Pets"), Item: petKey()}},
	}})
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) {
		t.Fatalf("TransactWriteItems error = %v (%T), want TransactionCanceledException", err, err)
	}
	if !strings.HasPrefix(tce.ErrorMessage(), "Transaction cancelled") || len(tce.CancellationReasons) != 2 ||
		aws.ToString(tce.CancellationReasons[0].Code) != "None" ||
		aws.ToString(tce.CancellationReasons[1].Code) != "ConditionalCheckFailed" ||
		tce.CancellationReasons[1].Item["pk"].(*types.AttributeValueMemberS).Value != "a" {
		t.Errorf("TransactionCanceledException = %q %+v", tce.ErrorMessage(), tce.CancellationReasons)
	}

	_, err = client.DescribeLimits(ctx, &dynamodb.DescribeLimitsInput{})
	var apiErr interface{ ErrorCode() string }
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "UnknownOperationException" {
		t.Errorf("DescribeLimits error = %v, want UnknownOperationException", err)
	}
}

// TestSDKGzip: with EnableAcceptEncodingGzip the SDK gets a compressed Scan
// page, checks the CRC-32 of the compressed bytes and decodes it.
func TestSDKGzip(t *testing.T) {
	ts := newTestServer(t, sdkDispatcher(t), Options{})
	var sawGzip bool
	var sdkLog sdkLog
	client := sdkClient(ts.URL, &sdkLog, func(o *dynamodb.Options) {
		o.EnableAcceptEncodingGzip = true
		o.HTTPClient = clientFunc(func(r *http.Request) (*http.Response, error) {
			resp, err := http.DefaultTransport.RoundTrip(r)
			if err == nil && resp.Header.Get("Content-Encoding") == "gzip" {
				sawGzip = true
			}
			return resp, err
		})
	})
	out, err := client.Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String("Pets")})
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	if len(out.Items) != 100 || out.Count != 100 {
		t.Errorf("Scan: %d items, Count %d", len(out.Items), out.Count)
	}
	if !sawGzip {
		t.Error("the response was not gzip-encoded")
	}
	if s := sdkLog.String(); s != "" {
		t.Errorf("SDK log (checksum validation failed?):\n%s", s)
	}
}

type clientFunc func(*http.Request) (*http.Response, error)

func (f clientFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

// TestSDKValidatesCRC proves the SDK's CRC-32 check is live, so that a
// clean SDK log in the other tests means our header is right: a wrong
// header makes it complain.
func TestSDKValidatesCRC(t *testing.T) {
	s := New(sdkDispatcher(t), Options{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.ServeHTTP(corruptCRC{w}, r)
	}))
	defer ts.Close()
	var sdkLog sdkLog
	_, err := sdkClient(ts.URL, &sdkLog).GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String("Pets"), Key: petKey()})
	log := sdkLog.String()
	if err == nil && !strings.Contains(log, "did not match expected checksum") {
		t.Fatalf("GetItem with a wrong x-amz-crc32: no error and SDK log %q, want a checksum complaint", log)
	}
}

type corruptCRC struct{ http.ResponseWriter }

func (c corruptCRC) WriteHeader(code int) {
	c.Header()["X-Amz-Crc32"] = []string{"1"}
	c.ResponseWriter.WriteHeader(code)
}

package server_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"dynalab/engine"
	"dynalab/engine/enginetest"
)

// fullDisk is a database file whose writes fail with ENOSPC while full is
// set, half written as a real full disk leaves them.
type fullDisk struct {
	engine.File
	full *atomic.Bool
}

func (f fullDisk) Write(p []byte) (int, error) {
	if f.full.Load() {
		n, _ := f.File.Write(p[:len(p)/2])
		return n, &os.PathError{Op: "write", Path: "ignored", Err: syscall.ENOSPC}
	}
	return f.File.Write(p)
}

// TestFullDiskReachesClient: a write that fails for want of disk space is
// answered with the service's status and type for an internal failure
// (500 InternalServerError) and a message that names the cause and the
// file, through aws-sdk-go-v2 as through any client; writes work again
// once there is room.
func TestFullDiskReachesClient(t *testing.T) {
	var full atomic.Bool
	path := filepath.Join(t.TempDir(), "full.db")
	db := enginetest.Open(t, engine.Options{Path: path, Sync: "always",
		WrapFile: func(f engine.File) engine.File { return fullDisk{File: f, full: &full} }})
	c := enginetest.Client(t, db)
	ctx := enginetest.Ctx(t)
	if _, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("Pets"),
		BillingMode:          types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
	}); err != nil {
		t.Fatal(err)
	}
	put := func(pk string) error {
		_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Pets"),
			Item: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: pk}}})
		return err
	}
	full.Store(true)
	want := "write database file " + path + ": no space left on device"
	for name, call := range map[string]func() error{
		"PutItem": func() error { return put("fido") },
		"TransactWriteItems": func() error {
			_, err := c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{{
				Put: &types.Put{TableName: aws.String("Pets"), Item: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "rex"}}}}}})
			return err
		},
		"DeleteTable": func() error {
			_, err := c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("Pets")})
			return err
		},
	} {
		err := call()
		var ise *types.InternalServerError
		if !errors.As(err, &ise) || !strings.Contains(ise.ErrorMessage(), want) {
			t.Errorf("%s on a full disk: %v, want InternalServerError %q", name, err, want)
		}
	}
	full.Store(false)
	if err := put("fido"); err != nil {
		t.Fatalf("with room again: %v", err)
	}
	out, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("Pets")})
	if err != nil || out.Count != 1 {
		t.Fatalf("scan: %v, %+v; want the one item written with room", err, out)
	}
}

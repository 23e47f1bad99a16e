package engine_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/engine/enginetest"
)

// TestRestoreStopsOnCancelAndLeavesNothingHalf: a restore whose context
// ends stops between batches and removes the table it was filling, so
// that no half restore passes for the backup.
func TestRestoreStopsOnCancelAndLeavesNothingHalf(t *testing.T) {
	db := enginetest.Open(t, engine.Options{})
	ctx := context.Background()
	if _, err := db.CreateTable(ctx, &engine.CreateTableInput{TableName: "Src", BillingMode: engine.BillingPayPerRequest,
		AttributeDefinitions: []engine.AttributeDefinition{{AttributeName: "PK", AttributeType: "S"}},
		KeySchema:            []engine.KeySchemaElement{{AttributeName: "PK", KeyType: "HASH"}}}); err != nil {
		t.Fatal(err)
	}
	for i := range 300 {
		if _, err := db.PutItem(ctx, &engine.PutItemInput{TableName: "Src", Item: attr.Item{"PK": attr.S(fmt.Sprint(i))}}); err != nil {
			t.Fatal(err)
		}
	}
	b, err := db.CreateBackup(ctx, &engine.CreateBackupInput{TableName: "Src", BackupName: aws.String("snap")})
	if err != nil {
		t.Fatal(err)
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = db.RestoreTableFromBackup(canceled, &engine.RestoreTableFromBackupInput{BackupArn: &b.BackupDetails.BackupArn, TargetTableName: "Dst"})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("restore with a canceled context: %v", err)
	}
	if _, err := db.DescribeTable(ctx, &engine.DescribeTableInput{TableName: "Dst"}); err == nil {
		t.Fatal("a half restore was left behind")
	}
	out, err := db.RestoreTableFromBackup(ctx, &engine.RestoreTableFromBackupInput{BackupArn: &b.BackupDetails.BackupArn, TargetTableName: "Dst"})
	if err != nil || out.TableDescription.ItemCount != 300 {
		t.Fatalf("restore: %v %v", out, err)
	}
}

// TestImportStopsOnCancelAndLeavesNothingHalf: an ImportTable whose
// context ends stops between batches and removes the table it created.
func TestImportStopsOnCancelAndLeavesNothingHalf(t *testing.T) {
	s3 := t.TempDir()
	var lines strings.Builder
	for i := range 300 {
		fmt.Fprintf(&lines, `{"Item":{"PK":{"S":"%d"}}}`+"\n", i)
	}
	if err := os.MkdirAll(filepath.Join(s3, "bucket", "data"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(s3, "bucket", "data", "part-1.json"), []byte(lines.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	db := enginetest.Open(t, engine.Options{S3Dir: s3})
	in := &engine.ImportTableInput{
		S3BucketSource: &engine.S3BucketSource{S3Bucket: "bucket", S3KeyPrefix: aws.String("data/")},
		InputFormat:    engine.ExportFormatDynamoDBJSON,
		TableCreationParameters: &engine.TableCreationParameters{TableName: "Imported", BillingMode: engine.BillingPayPerRequest,
			AttributeDefinitions: []engine.AttributeDefinition{{AttributeName: "PK", AttributeType: "S"}},
			KeySchema:            []engine.KeySchemaElement{{AttributeName: "PK", KeyType: "HASH"}}},
	}
	ctx := context.Background()
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := db.ImportTable(canceled, in); !errors.Is(err, context.Canceled) {
		t.Fatalf("import with a canceled context: %v", err)
	}
	if _, err := db.DescribeTable(ctx, &engine.DescribeTableInput{TableName: "Imported"}); err == nil {
		t.Fatal("a half import was left behind")
	}
	out, err := db.ImportTable(ctx, in)
	if err != nil || out.ImportTableDescription.ImportedItemCount != 300 {
		t.Fatalf("import: %+v %v", out, err)
	}
}

package engine_test

import (
	"context"
	"errors"
	"fmt"
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

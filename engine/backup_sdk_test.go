package engine_test

// On-demand backups over the wire. Behaviour and texts: the ack-api-quirks
// DynamoDB lab's backup.md and table-restore.md (DDB-BACKUP-003/005/006/
// 011/012/014, DDB-TABLE-098/215/219/273/279).

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"dynalab/engine"
	"dynalab/engine/enginetest"
)

// scanAll returns every item of a table, sorted by key text.
func scanAll(t *testing.T, c *dynamodb.Client, table string) []av {
	t.Helper()
	var items []av
	var start av
	for {
		out, err := c.Scan(enginetest.Ctx(t), &dynamodb.ScanInput{TableName: aws.String(table), ExclusiveStartKey: start, ConsistentRead: aws.Bool(true)}, retryTransport)
		if err != nil {
			t.Fatalf("Scan %s: %v", table, err)
		}
		items = append(items, out.Items...)
		if len(out.LastEvaluatedKey) == 0 {
			break
		}
		start = out.LastEvaluatedKey
	}
	sort.Slice(items, func(i, j int) bool { return showItem(items[i]) < showItem(items[j]) })
	return items
}

func sameItems(t *testing.T, what string, got, want []av) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d items, want %d", what, len(got), len(want))
	}
	for i := range got {
		if !itemEqual(got[i], want[i]) {
			t.Fatalf("%s: item %d is %s, want %s", what, i, showItem(got[i]), showItem(want[i]))
		}
	}
}

// indexTable creates PK/SK table "Src" with a GSI on g and an LSI on l.
func indexTable(t *testing.T, c *dynamodb.Client, name string) string {
	t.Helper()
	out, err := c.CreateTable(enginetest.Ctx(t), &dynamodb.CreateTableInput{
		TableName: aws.String(name),
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String("PK"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("SK"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("g"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("l"), AttributeType: types.ScalarAttributeTypeN},
		},
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String("PK"), KeyType: types.KeyTypeHash}, {AttributeName: aws.String("SK"), KeyType: types.KeyTypeRange},
		},
		BillingMode: types.BillingModePayPerRequest,
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{IndexName: aws.String("GIdx"),
			KeySchema:  []types.KeySchemaElement{{AttributeName: aws.String("g"), KeyType: types.KeyTypeHash}},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}}},
		LocalSecondaryIndexes: []types.LocalSecondaryIndex{{IndexName: aws.String("LIdx"),
			KeySchema:  []types.KeySchemaElement{{AttributeName: aws.String("PK"), KeyType: types.KeyTypeHash}, {AttributeName: aws.String("l"), KeyType: types.KeyTypeRange}},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly}}},
		StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeNewImage},
		Tags:                []types.Tag{tag("team", "lab")},
	})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.TableDescription.TableArn)
}

// TestBackupRestoreIsSnapshot is issue #11's done-when: a backup restored
// after further writes contains exactly the snapshot.
func TestBackupRestoreIsSnapshot(t *testing.T) {
	for _, mem := range []bool{false, true} {
		t.Run(fmt.Sprintf("inMemory=%v", mem), func(t *testing.T) {
			opts := engine.Options{}
			if mem {
				opts.Path = engine.InMemory // backup kept in the store
			}
			db := enginetest.Open(t, opts)
			c := enginetest.Client(t, db)
			ctx := enginetest.Ctx(t)
			indexTable(t, c, "Src")
			for i := 0; i < 120; i++ {
				putItem(t, c, "Src", av{"PK": s(fmt.Sprint("p", i%7)), "SK": s(fmt.Sprint("s", i)), "g": s(fmt.Sprint("g", i%5)), "l": n(fmt.Sprint(i)),
					"payload": mapv(av{"list": list(n("1"), ssv("a", "b")), "bin": bin(1, 2, 3)})})
			}
			snapshot := scanAll(t, c, "Src")
			out, err := c.CreateBackup(ctx, &dynamodb.CreateBackupInput{TableName: aws.String("Src"), BackupName: aws.String("before")})
			if err != nil {
				t.Fatal(err)
			}
			bd := out.BackupDetails
			if bd.BackupStatus != types.BackupStatusAvailable || bd.BackupType != types.BackupTypeUser || aws.ToInt64(bd.BackupSizeBytes) <= 0 {
				t.Fatalf("backup details %+v", bd)
			}
			if !regexp.MustCompile(`^arn:aws:dynamodb:us-east-1:000000000000:table/Src/backup/\d{14}-[0-9a-f]{8}$`).MatchString(aws.ToString(bd.BackupArn)) {
				t.Fatalf("BackupArn %s", aws.ToString(bd.BackupArn))
			}
			// Further writes: updates, deletes, new items.
			for i := 0; i < 120; i += 3 {
				putItem(t, c, "Src", av{"PK": s(fmt.Sprint("p", i%7)), "SK": s(fmt.Sprint("s", i)), "g": s("changed"), "l": n("-1")})
			}
			for i := 1; i < 120; i += 10 {
				if _, err := c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("Src"), Key: key(fmt.Sprint("p", i%7), fmt.Sprint("s", i))}); err != nil {
					t.Fatal(err)
				}
			}
			putItem(t, c, "Src", av{"PK": s("new"), "SK": s("x"), "g": s("g0"), "l": n("0")})

			rs, err := c.RestoreTableFromBackup(ctx, &dynamodb.RestoreTableFromBackupInput{TargetTableName: aws.String("Restored"), BackupArn: bd.BackupArn})
			if err != nil {
				t.Fatal(err)
			}
			d := rs.TableDescription
			if d.TableStatus != types.TableStatusActive || aws.ToInt64(d.ItemCount) != int64(len(snapshot)) ||
				d.RestoreSummary == nil || aws.ToString(d.RestoreSummary.SourceBackupArn) != aws.ToString(bd.BackupArn) {
				t.Fatalf("restored: status %s, %d items, summary %+v", d.TableStatus, aws.ToInt64(d.ItemCount), d.RestoreSummary)
			}
			sameItems(t, "restored table", scanAll(t, c, "Restored"), snapshot)

			// Indexes are rebuilt from the items, with exact counts.
			d2 := describe(t, c, "Restored")
			if len(d2.GlobalSecondaryIndexes) != 1 || aws.ToInt64(d2.GlobalSecondaryIndexes[0].ItemCount) != int64(len(snapshot)) ||
				len(d2.LocalSecondaryIndexes) != 1 || aws.ToInt64(d2.LocalSecondaryIndexes[0].ItemCount) != int64(len(snapshot)) {
				t.Fatalf("restored indexes %+v %+v", d2.GlobalSecondaryIndexes, d2.LocalSecondaryIndexes)
			}
			q, err := c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("Restored"), IndexName: aws.String("GIdx"),
				KeyConditionExpression: aws.String("g = :g"), ExpressionAttributeValues: av{":g": s("g0")}})
			if err != nil {
				t.Fatal(err)
			}
			want := 0
			for _, it := range snapshot {
				if avEqual(it["g"], s("g0")) {
					want++
				}
			}
			if int(q.Count) != want {
				t.Fatalf("GSI query: %d items, want %d", q.Count, want)
			}
			// A restore drops the stream and the tags (DDB-TABLE-215).
			if d2.StreamSpecification != nil || d2.LatestStreamArn != nil {
				t.Fatalf("restored table has a stream: %+v", d2.StreamSpecification)
			}
			if got := tagMap(t, c, aws.ToString(d2.TableArn)); len(got) != 0 {
				t.Fatalf("restored tags %v", got)
			}
			// The source still has its later writes.
			if got := len(scanAll(t, c, "Src")); got == len(snapshot) {
				t.Fatalf("source unchanged?")
			}
		})
	}
}

func TestBackupLifecycle(t *testing.T) {
	clock := enginetest.NewClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	e := newSDKEnv(t, engine.Options{Clock: clock.Now})
	ctx := enginetest.Ctx(t)
	createTable(t, e.c, "Src", keyDef{"PK", types.ScalarAttributeTypeS}, keyDef{})
	createTable(t, e.c, "Other", keyDef{"PK", types.ScalarAttributeTypeS}, keyDef{})
	putItem(t, e.c, "Src", av{"PK": s("a"), "v": s("1")})
	var arns []string
	var times []time.Time
	for i := 0; i < 4; i++ {
		table := "Src"
		if i == 2 {
			table = "Other"
		}
		out, err := e.c.CreateBackup(ctx, &dynamodb.CreateBackupInput{TableName: aws.String(table), BackupName: aws.String("same-name")})
		if err != nil {
			t.Fatal(err)
		}
		arns = append(arns, aws.ToString(out.BackupDetails.BackupArn))
		times = append(times, clock.Now())
		if !out.BackupDetails.BackupCreationDateTime.Equal(clock.Now()) {
			t.Fatalf("creation time %v", out.BackupDetails.BackupCreationDateTime)
		}
		clock.Advance(time.Second)
	}
	// The file beside the database.
	id := arns[0][len(arns[0])-23:]
	if _, err := os.Stat(filepath.Join(e.db.Path()+".backups", id+".json.gz")); err != nil {
		t.Fatalf("backup file: %v", err)
	}
	wantPrivateTree(t, e.db.Path()+".backups")

	d, err := e.c.DescribeBackup(ctx, &dynamodb.DescribeBackupInput{BackupArn: aws.String(arns[0])})
	if err != nil {
		t.Fatal(err)
	}
	bd := d.BackupDescription
	if bd.BackupDetails.BackupStatus != types.BackupStatusAvailable || aws.ToString(bd.SourceTableDetails.TableName) != "Src" ||
		aws.ToInt64(bd.SourceTableDetails.ItemCount) != 1 || bd.SourceTableDetails.BillingMode != types.BillingModePayPerRequest {
		t.Fatalf("DescribeBackup %+v %+v", bd.BackupDetails, bd.SourceTableDetails)
	}

	list := func(in *dynamodb.ListBackupsInput) ([]string, string) {
		t.Helper()
		out, err := e.c.ListBackups(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, b := range out.BackupSummaries {
			got = append(got, aws.ToString(b.BackupArn))
		}
		return got, aws.ToString(out.LastEvaluatedBackupArn)
	}
	eq := func(got []string, want ...string) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("got %v\nwant %v", got, want)
		}
	}
	all, last := list(&dynamodb.ListBackupsInput{})
	eq(all, arns...)
	if last != "" {
		t.Fatalf("LastEvaluatedBackupArn %s", last)
	}
	got, _ := list(&dynamodb.ListBackupsInput{TableName: aws.String("Src")})
	eq(got, arns[0], arns[1], arns[3])
	page, last := list(&dynamodb.ListBackupsInput{Limit: aws.Int32(2)})
	eq(page, arns[0], arns[1])
	if last != arns[1] {
		t.Fatalf("LastEvaluatedBackupArn %s", last)
	}
	page, last = list(&dynamodb.ListBackupsInput{Limit: aws.Int32(2), ExclusiveStartBackupArn: aws.String(last)})
	eq(page, arns[2], arns[3])
	if last != "" { // Limit == remaining: no cursor (DDB-BACKUP-014)
		t.Fatalf("LastEvaluatedBackupArn %s", last)
	}
	// [lower, upper)
	got, _ = list(&dynamodb.ListBackupsInput{TimeRangeLowerBound: aws.Time(times[1]), TimeRangeUpperBound: aws.Time(times[3])})
	eq(got, arns[1], arns[2])
	got, _ = list(&dynamodb.ListBackupsInput{BackupType: types.BackupTypeFilterSystem})
	eq(got)
	_, err = e.c.ListBackups(ctx, &dynamodb.ListBackupsInput{TimeRangeLowerBound: aws.Time(times[2]), TimeRangeUpperBound: aws.Time(times[1])})
	wantAPIError(t, err, "ValidationException", "One or more parameter values were invalid: Time range lower bound must be less than or equal to upper bound")

	del, err := e.c.DeleteBackup(ctx, &dynamodb.DeleteBackupInput{BackupArn: aws.String(arns[0])})
	if err != nil {
		t.Fatal(err)
	}
	if del.BackupDescription.BackupDetails.BackupStatus != types.BackupStatusDeleted {
		t.Fatalf("DeleteBackup status %s", del.BackupDescription.BackupDetails.BackupStatus)
	}
	if _, err := os.Stat(filepath.Join(e.db.Path()+".backups", id+".json.gz")); !os.IsNotExist(err) {
		t.Fatalf("backup file after delete: %v", err)
	}
	_, err = e.c.DescribeBackup(ctx, &dynamodb.DescribeBackupInput{BackupArn: aws.String(arns[0])})
	wantAPIError(t, err, "BackupNotFoundException", "Backup not found: "+arns[0])
	_, err = e.c.DeleteBackup(ctx, &dynamodb.DeleteBackupInput{BackupArn: aws.String(arns[0])})
	wantAPIError(t, err, "BackupNotFoundException", "Backup not found: "+arns[0])
	// A deleted backup's ARN is still a cursor.
	got, _ = list(&dynamodb.ListBackupsInput{ExclusiveStartBackupArn: aws.String(arns[0])})
	eq(got, arns[1], arns[2], arns[3])

	// Backups outlive their table and survive a restart.
	if _, err := e.c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("Src")}); err != nil {
		t.Fatal(err)
	}
	db := enginetest.Reopen(t, e.db, engine.Options{Clock: clock.Now})
	c := enginetest.Client(t, db)
	if _, err := c.DescribeBackup(ctx, &dynamodb.DescribeBackupInput{BackupArn: aws.String(arns[1])}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RestoreTableFromBackup(ctx, &dynamodb.RestoreTableFromBackupInput{TargetTableName: aws.String("Src"), BackupArn: aws.String(arns[1])}); err != nil {
		t.Fatal(err)
	}
	if got := getItem(t, c, "Src", av{"PK": s("a")}); got == nil {
		t.Fatal("restored item missing")
	}
}

func TestBackupErrors(t *testing.T) {
	e := newSDKEnv(t, engine.Options{})
	ctx := enginetest.Ctx(t)
	indexTable(t, e.c, "Src")
	out, err := e.c.CreateBackup(ctx, &dynamodb.CreateBackupInput{TableName: aws.String("Src"), BackupName: aws.String("b")})
	wantAPIError(t, err, "ValidationException",
		"1 validation error detected: Value 'b' at 'backupName' failed to satisfy constraint: Member must have length greater than or equal to 3")
	_, err = e.c.CreateBackup(ctx, &dynamodb.CreateBackupInput{TableName: aws.String("Missing"), BackupName: aws.String("bak")})
	wantAPIError(t, err, "TableNotFoundException", "Table not found: Missing")
	out, err = e.c.CreateBackup(ctx, &dynamodb.CreateBackupInput{TableName: aws.String("Src"), BackupName: aws.String("bak")})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(out.BackupDetails.BackupArn)
	_, err = e.c.DescribeBackup(ctx, &dynamodb.DescribeBackupInput{BackupArn: aws.String("arn:aws:dynamodb:us-east-1:000000000000:table/Src")})
	wantAPIError(t, err, "ValidationException", "Invalid Backup ARN")
	ghost := "arn:aws:dynamodb:us-east-1:000000000000:table/Src/backup/01700000000000-0badf00d"
	_, err = e.c.DescribeBackup(ctx, &dynamodb.DescribeBackupInput{BackupArn: aws.String(ghost)})
	wantAPIError(t, err, "BackupNotFoundException", "Backup not found: "+ghost)

	restore := func(in *dynamodb.RestoreTableFromBackupInput) error {
		in.BackupArn = aws.String(arn)
		if in.TargetTableName == nil {
			in.TargetTableName = aws.String("Target")
		}
		_, err := e.c.RestoreTableFromBackup(ctx, in)
		return err
	}
	wantAPIError(t, restore(&dynamodb.RestoreTableFromBackupInput{TargetTableName: aws.String("Src")}), "TableAlreadyExistsException", "Table already exists: Src")
	wantAPIError(t, restore(&dynamodb.RestoreTableFromBackupInput{
		ProvisionedThroughputOverride: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(1), WriteCapacityUnits: aws.Int64(1)}}),
		"ValidationException", "Invalid Request: Cannot override ProvisionedThroughput unless BillingMode is PROVISIONED")
	wantAPIError(t, restore(&dynamodb.RestoreTableFromBackupInput{BillingModeOverride: types.BillingModeProvisioned}),
		"ValidationException", "Invalid Request: Must override ProvisionedThroughput if BillingMode is overridden to PROVISIONED")
	wantAPIError(t, restore(&dynamodb.RestoreTableFromBackupInput{GlobalSecondaryIndexOverride: []types.GlobalSecondaryIndex{{IndexName: aws.String("NewIdx"),
		KeySchema:  []types.KeySchemaElement{{AttributeName: aws.String("x"), KeyType: types.KeyTypeHash}},
		Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}}}}),
		"ValidationException", "Invalid Request: Index NewIdx does not match a secondary index that existed in the source table and cannot be created during the restore operation")
	if _, err := e.c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("Target")}); err == nil {
		t.Fatal("a refused restore created its target")
	}

	// Overrides: empty index lists drop the indexes (DDB-TABLE-279); a
	// provisioned restore of an on-demand backup.
	err = restore(&dynamodb.RestoreTableFromBackupInput{
		GlobalSecondaryIndexOverride: []types.GlobalSecondaryIndex{}, LocalSecondaryIndexOverride: []types.LocalSecondaryIndex{},
		BillingModeOverride:           types.BillingModeProvisioned,
		ProvisionedThroughputOverride: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(7), WriteCapacityUnits: aws.Int64(3)}})
	if err != nil {
		t.Fatal(err)
	}
	d := describe(t, e.c, "Target")
	if len(d.GlobalSecondaryIndexes) != 0 || len(d.LocalSecondaryIndexes) != 0 || len(d.AttributeDefinitions) != 2 ||
		aws.ToInt64(d.ProvisionedThroughput.ReadCapacityUnits) != 7 || (d.BillingModeSummary != nil && d.BillingModeSummary.BillingMode != types.BillingModeProvisioned) {
		t.Fatalf("restored with overrides: %+v", d)
	}
	// Renaming an index is allowed.
	err = restore(&dynamodb.RestoreTableFromBackupInput{TargetTableName: aws.String("Target2"),
		GlobalSecondaryIndexOverride: []types.GlobalSecondaryIndex{{IndexName: aws.String("Renamed"),
			KeySchema:  []types.KeySchemaElement{{AttributeName: aws.String("g"), KeyType: types.KeyTypeHash}},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}}}})
	if err != nil {
		t.Fatal(err)
	}
	if d := describe(t, e.c, "Target2"); len(d.GlobalSecondaryIndexes) != 1 || aws.ToString(d.GlobalSecondaryIndexes[0].IndexName) != "Renamed" {
		t.Fatalf("renamed GSI: %+v", d.GlobalSecondaryIndexes)
	}
}

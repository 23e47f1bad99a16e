package engine_test

// Point-in-time recovery over the wire (pitr.go, pitr_restore.go).

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"dynalab/engine"
	"dynalab/engine/enginetest"
)

func enablePITR(t *testing.T, c *dynamodb.Client, table string, days int32) *types.PointInTimeRecoveryDescription {
	t.Helper()
	spec := &types.PointInTimeRecoverySpecification{PointInTimeRecoveryEnabled: aws.Bool(true)}
	if days > 0 {
		spec.RecoveryPeriodInDays = aws.Int32(days)
	}
	out, err := c.UpdateContinuousBackups(enginetest.Ctx(t), &dynamodb.UpdateContinuousBackupsInput{TableName: aws.String(table), PointInTimeRecoverySpecification: spec})
	if err != nil {
		t.Fatal(err)
	}
	return out.ContinuousBackupsDescription.PointInTimeRecoveryDescription
}

func describePITR(t *testing.T, c *dynamodb.Client, table string) *types.ContinuousBackupsDescription {
	t.Helper()
	out, err := c.DescribeContinuousBackups(enginetest.Ctx(t), &dynamodb.DescribeContinuousBackupsInput{TableName: aws.String(table)})
	if err != nil {
		t.Fatal(err)
	}
	return out.ContinuousBackupsDescription
}

func restorePITR(c *dynamodb.Client, t *testing.T, source, target string, at *time.Time) (*dynamodb.RestoreTableToPointInTimeOutput, error) {
	in := &dynamodb.RestoreTableToPointInTimeInput{SourceTableName: aws.String(source), TargetTableName: aws.String(target)}
	if at != nil {
		in.RestoreDateTime = at
	} else {
		in.UseLatestRestorableTime = aws.Bool(true)
	}
	return c.RestoreTableToPointInTime(enginetest.Ctx(t), in)
}

func keysOf(items []av) []string {
	var out []string
	for _, it := range items {
		str := func(v types.AttributeValue) string {
			if sv, ok := v.(*types.AttributeValueMemberS); ok {
				return sv.Value
			}
			return show(v)
		}
		out = append(out, str(it["PK"])+"/"+str(it["SK"])+"="+str(it["g"]))
	}
	return out
}

// TestPITRRestoreBetweenWrites is issue #11's done-when: a point-in-time
// restore to a second between two writes contains the first and not the
// second.
func TestPITRRestoreBetweenWrites(t *testing.T) {
	clock := enginetest.NewClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	opts := engine.Options{Clock: clock.Now, SweepInterval: -1}
	e := newSDKEnv(t, opts)
	ctx := enginetest.Ctx(t)
	indexTable(t, e.c, "Src")
	putItem(t, e.c, "Src", av{"PK": s("old"), "SK": s("0"), "g": s("before"), "l": n("1")})

	if d := describePITR(t, e.c, "Src"); d.ContinuousBackupsStatus != types.ContinuousBackupsStatusEnabled ||
		d.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus != types.PointInTimeRecoveryStatusDisabled ||
		d.PointInTimeRecoveryDescription.EarliestRestorableDateTime != nil {
		t.Fatalf("before enabling: %+v %+v", d, d.PointInTimeRecoveryDescription)
	}
	_, err := restorePITR(e.c, t, "Src", "Nope", nil)
	wantAPIError(t, err, "PointInTimeRecoveryUnavailableException", "Point in time recovery is not enabled for table 'Src'")

	enabledAt := clock.Now()
	p := enablePITR(t, e.c, "Src", 0)
	if p.PointInTimeRecoveryStatus != types.PointInTimeRecoveryStatusEnabled || !p.EarliestRestorableDateTime.Equal(enabledAt) ||
		!p.LatestRestorableDateTime.Equal(enabledAt) || aws.ToInt32(p.RecoveryPeriodInDays) != 35 {
		t.Fatalf("enabled: %+v", p)
	}

	clock.Advance(10*time.Second + 300*time.Millisecond) // 12:00:10.3
	first := clock.Now()
	putItem(t, e.c, "Src", av{"PK": s("a"), "SK": s("1"), "g": s("first"), "l": n("2")})
	putItem(t, e.c, "Src", av{"PK": s("old"), "SK": s("0"), "g": s("updated"), "l": n("1")})
	clock.Advance(10 * time.Second) // 12:00:20.3
	putItem(t, e.c, "Src", av{"PK": s("b"), "SK": s("2"), "g": s("second"), "l": n("3")})
	if _, err := e.c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("Src"), Key: key("old", "0")}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)

	check := func(target string, at *time.Time, want ...string) {
		t.Helper()
		out, err := restorePITR(e.c, t, "Src", target, at)
		if err != nil {
			t.Fatal(err)
		}
		d := out.TableDescription
		if d.TableStatus != types.TableStatusActive || d.RestoreSummary == nil || d.RestoreSummary.SourceTableArn == nil ||
			aws.ToBool(d.RestoreSummary.RestoreInProgress) || aws.ToInt64(d.ItemCount) != int64(len(want)) {
			t.Fatalf("%s: %+v %+v", target, d, d.RestoreSummary)
		}
		if at != nil && !d.RestoreSummary.RestoreDateTime.Equal(*at) {
			t.Fatalf("%s: RestoreDateTime %v", target, d.RestoreSummary.RestoreDateTime)
		}
		got := keysOf(scanAll(t, e.c, target))
		if !sameStrings(got, want) {
			t.Fatalf("%s: items %v, want %v", target, got, want)
		}
		// The indexes are rebuilt from the restored items.
		if d2 := describe(t, e.c, target); len(d2.GlobalSecondaryIndexes) != 1 || aws.ToInt64(d2.GlobalSecondaryIndexes[0].ItemCount) != int64(len(want)) {
			t.Fatalf("%s: GSI %+v", target, d2.GlobalSecondaryIndexes)
		}
	}
	between := time.Date(2026, 3, 1, 12, 0, 15, 0, time.UTC)
	check("Between", &between, "a/1=first", "old/0=updated")
	before := time.Date(2026, 3, 1, 12, 0, 10, 0, time.UTC)
	check("Before", &before, "old/0=before")
	check("AtFirst", &first, "a/1=first", "old/0=updated")
	check("Latest", nil, "a/1=first", "b/2=second")
	check("AtEnable", &enabledAt, "old/0=before")

	// Outside the window; an existing target; the request's rules.
	early := enabledAt.Add(-time.Second)
	_, err = restorePITR(e.c, t, "Src", "Early", &early)
	wantCode(t, err, "InvalidRestoreTimeException", "Restore time must be between")
	late := clock.Now().Add(time.Second)
	_, err = restorePITR(e.c, t, "Src", "Late", &late)
	wantCode(t, err, "InvalidRestoreTimeException", "")
	_, err = restorePITR(e.c, t, "Src", "Between", nil)
	wantAPIError(t, err, "TableAlreadyExistsException", "Table already exists: Between")
	_, err = restorePITR(e.c, t, "Missing", "Xone", nil)
	wantAPIError(t, err, "TableNotFoundException", "Table not found: Missing")
	_, err = e.c.RestoreTableToPointInTime(ctx, &dynamodb.RestoreTableToPointInTimeInput{TargetTableName: aws.String("Xtwo"), UseLatestRestorableTime: aws.Bool(true)})
	wantCode(t, err, "ValidationException", "SourceTableName")
	arn := aws.ToString(describe(t, e.c, "Src").TableArn)
	if _, err = e.c.RestoreTableToPointInTime(ctx, &dynamodb.RestoreTableToPointInTimeInput{SourceTableArn: aws.String(arn), TargetTableName: aws.String("ByArn"),
		UseLatestRestorableTime: aws.Bool(true), BillingModeOverride: types.BillingModeProvisioned,
		ProvisionedThroughputOverride: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(2), WriteCapacityUnits: aws.Int64(3)},
		GlobalSecondaryIndexOverride:  []types.GlobalSecondaryIndex{}}); err != nil {
		t.Fatal(err)
	}
	if d := describe(t, e.c, "ByArn"); len(d.GlobalSecondaryIndexes) != 0 || aws.ToInt64(d.ProvisionedThroughput.WriteCapacityUnits) != 3 || aws.ToInt64(d.ItemCount) != 2 {
		t.Fatalf("restore by ARN with overrides: %+v", d)
	}
	// The restored table has no PITR.
	if d := describePITR(t, e.c, "Between"); d.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus != types.PointInTimeRecoveryStatusDisabled {
		t.Fatalf("restored table PITR %+v", d.PointInTimeRecoveryDescription)
	}

	// PITR and its log survive a restart.
	db := enginetest.Reopen(t, e.db, opts)
	c := enginetest.Client(t, db)
	if _, err := restorePITR(c, t, "Src", "AfterReopen", &between); err != nil {
		t.Fatal(err)
	}
	if got := keysOf(scanAll(t, c, "AfterReopen")); len(got) != 2 {
		t.Fatalf("after reopen: %v", got)
	}

	// Disabling drops the history.
	if _, err := c.UpdateContinuousBackups(ctx, &dynamodb.UpdateContinuousBackupsInput{TableName: aws.String("Src"),
		PointInTimeRecoverySpecification: &types.PointInTimeRecoverySpecification{PointInTimeRecoveryEnabled: aws.Bool(false)}}); err != nil {
		t.Fatal(err)
	}
	_, err = restorePITR(c, t, "Src", "Gone", &between)
	wantCode(t, err, "PointInTimeRecoveryUnavailableException", "")
	reenabled := clock.Now()
	if p := enablePITR(t, c, "Src", 0); !p.EarliestRestorableDateTime.Equal(reenabled) {
		t.Fatalf("re-enabled: earliest %v", p.EarliestRestorableDateTime)
	}
}

// TestPITRRetention: the window is RecoveryPeriodInDays long, RunMaintenance
// folds the log, and restores inside the window stay exact.
func TestPITRRetention(t *testing.T) {
	clock := enginetest.NewClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	e := newSDKEnv(t, engine.Options{Clock: clock.Now, SweepInterval: -1})
	createTable(t, e.c, "Tab", keyDef{"PK", types.ScalarAttributeTypeS}, keyDef{"SK", types.ScalarAttributeTypeS})
	enablePITR(t, e.c, "Tab", 2)
	put := func(pk, g string) {
		putItem(t, e.c, "Tab", av{"PK": s(pk), "SK": s("x"), "g": s(g)})
	}
	del := func(pk string) {
		if _, err := e.c.DeleteItem(enginetest.Ctx(t), &dynamodb.DeleteItemInput{TableName: aws.String("Tab"), Key: key(pk, "x")}); err != nil {
			t.Fatal(err)
		}
	}
	// Day 0: a, b, c; day 1: a changes, b is deleted; day 3: c changes.
	put("a", "a0")
	put("b", "b0")
	put("c", "c0")
	clock.Advance(24 * time.Hour)
	put("a", "a1")
	del("b")
	day1 := clock.Now().Add(time.Minute)
	clock.Advance(48 * time.Hour)
	put("c", "c3")
	clock.Advance(time.Hour)
	if err := e.db.RunMaintenance(); err != nil {
		t.Fatal(err)
	}
	now := clock.Now()
	d := describePITR(t, e.c, "Tab").PointInTimeRecoveryDescription
	if want := now.Add(-48 * time.Hour); !d.EarliestRestorableDateTime.Equal(want) || aws.ToInt32(d.RecoveryPeriodInDays) != 2 {
		t.Fatalf("window %v–%v, want from %v", d.EarliestRestorableDateTime, d.LatestRestorableDateTime, want)
	}
	_, err := restorePITR(e.c, t, "Tab", "TooOld", &day1)
	wantCode(t, err, "InvalidRestoreTimeException", "")
	start := *d.EarliestRestorableDateTime
	restore := func(target string, at *time.Time, want ...string) {
		t.Helper()
		if _, err := restorePITR(e.c, t, "Tab", target, at); err != nil {
			t.Fatal(err)
		}
		if got := keysOf(scanAll(t, e.c, target)); !sameStrings(got, want) {
			t.Fatalf("%s: %v, want %v", target, got, want)
		}
	}
	restore("AtStart", &start, "a/x=a1", "c/x=c0")
	restore("Latest", nil, "a/x=a1", "c/x=c3")

	// Lengthening the period does not bring folded history back.
	p := enablePITR(t, e.c, "Tab", 35)
	if !p.EarliestRestorableDateTime.Equal(start) {
		t.Fatalf("after lengthening: earliest %v, want %v", p.EarliestRestorableDateTime, start)
	}

	// Errors of UpdateContinuousBackups.
	_, err = e.c.UpdateContinuousBackups(enginetest.Ctx(t), &dynamodb.UpdateContinuousBackupsInput{TableName: aws.String("Tab"),
		PointInTimeRecoverySpecification: &types.PointInTimeRecoverySpecification{PointInTimeRecoveryEnabled: aws.Bool(true), RecoveryPeriodInDays: aws.Int32(36)}})
	wantAPIError(t, err, "ValidationException", "1 validation error detected: Value '36' at 'pointInTimeRecoverySpecification.recoveryPeriodInDays' failed to satisfy constraint: Member must have value less than or equal to 35")
	_, err = e.c.UpdateContinuousBackups(enginetest.Ctx(t), &dynamodb.UpdateContinuousBackupsInput{TableName: aws.String("Missing"),
		PointInTimeRecoverySpecification: &types.PointInTimeRecoverySpecification{PointInTimeRecoveryEnabled: aws.Bool(true)}})
	wantAPIError(t, err, "TableNotFoundException", "Table not found: Missing")
	_, err = e.c.DescribeContinuousBackups(enginetest.Ctx(t), &dynamodb.DescribeContinuousBackupsInput{TableName: aws.String("Missing")})
	wantAPIError(t, err, "TableNotFoundException", "Table not found: Missing")
}

package engine_test

// ExportTableToPointInTime and ImportTable with the local S3 stand-in
// (export.go, import_table.go).

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"dynalab/engine"
	"dynalab/engine/enginetest"
)

func srcCreationParameters(name string) *types.TableCreationParameters {
	return &types.TableCreationParameters{
		TableName: aws.String(name),
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String("PK"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("SK"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("g"), AttributeType: types.ScalarAttributeTypeS},
		},
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String("PK"), KeyType: types.KeyTypeHash}, {AttributeName: aws.String("SK"), KeyType: types.KeyTypeRange},
		},
		BillingMode: types.BillingModePayPerRequest,
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{IndexName: aws.String("GIdx"),
			KeySchema:  []types.KeySchemaElement{{AttributeName: aws.String("g"), KeyType: types.KeyTypeHash}},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}}},
	}
}

// TestExportImportRoundTrip is issue #11's done-when: an export imported
// into a new table equals the source.
func TestExportImportRoundTrip(t *testing.T) {
	clock := enginetest.NewClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	s3dir := t.TempDir()
	e := newSDKEnv(t, engine.Options{Clock: clock.Now, SweepInterval: -1, S3Dir: s3dir})
	ctx := enginetest.Ctx(t)
	arn := indexTable(t, e.c, "Src")
	for i := 0; i < 150; i++ {
		putItem(t, e.c, "Src", av{"PK": s(fmt.Sprint("p", i%7)), "SK": s(fmt.Sprint("s", i)), "g": s(fmt.Sprint("g", i%5)), "l": n(fmt.Sprint(i)),
			"payload": mapv(av{"list": list(n("1.50"), ssv("a", "b"), null(), boolv(true)), "bin": bin(1, 2, byte(i)), "ns": nsv("1", "-2e3")})})
	}
	export := func(in *dynamodb.ExportTableToPointInTimeInput) (*types.ExportDescription, error) {
		in.TableArn = aws.String(arn)
		if in.S3Bucket == nil {
			in.S3Bucket = aws.String("lab-bucket")
		}
		out, err := e.c.ExportTableToPointInTime(ctx, in)
		if err != nil {
			return nil, err
		}
		return out.ExportDescription, nil
	}
	_, err := export(&dynamodb.ExportTableToPointInTimeInput{})
	wantAPIError(t, err, "PointInTimeRecoveryUnavailableException", "Point in time recovery is not enabled for table 'Src'")
	enablePITR(t, e.c, "Src", 0)
	clock.Advance(time.Minute)
	beforeMore := clock.Now()
	clock.Advance(time.Minute)
	for i := 150; i < 160; i++ {
		putItem(t, e.c, "Src", av{"PK": s("late"), "SK": s(fmt.Sprint("s", i)), "g": s("g9")})
	}
	source := scanAll(t, e.c, "Src")

	d, err := export(&dynamodb.ExportTableToPointInTimeInput{S3Prefix: aws.String("exports/2026"), ClientToken: aws.String("tok-1")})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(d.ExportArn)[strings.LastIndexByte(aws.ToString(d.ExportArn), '/')+1:]
	base := "exports/2026/AWSDynamoDB/" + id
	if d.ExportStatus != types.ExportStatusCompleted || aws.ToInt64(d.ItemCount) != int64(len(source)) || d.ExportFormat != types.ExportFormatDynamodbJson ||
		d.ExportType != types.ExportTypeFullExport || aws.ToString(d.ExportManifest) != base+"/manifest-summary.json" ||
		!strings.HasPrefix(aws.ToString(d.ExportArn), arn+"/export/") || !d.ExportTime.Equal(clock.Now()) || aws.ToString(d.TableArn) != arn {
		t.Fatalf("export %+v", d)
	}
	// The service's layout: summary, files manifest, gzipped {"Item":…} lines.
	var summary map[string]any
	readJSON(t, filepath.Join(s3dir, "lab-bucket", base, "manifest-summary.json"), &summary)
	if summary["version"] != "2020-06-30" || summary["exportArn"] != aws.ToString(d.ExportArn) || summary["itemCount"] != float64(len(source)) ||
		summary["outputFormat"] != "DYNAMODB_JSON" || summary["manifestFilesS3Key"] != base+"/manifest-files.json" || summary["s3Prefix"] != "exports/2026" {
		t.Fatalf("manifest-summary.json %v", summary)
	}
	for _, name := range []string{"_started", "manifest-summary.checksum", "manifest-files.checksum"} {
		if _, err := os.Stat(filepath.Join(s3dir, "lab-bucket", base, name)); err != nil {
			t.Fatal(err)
		}
	}
	var files map[string]any
	readJSON(t, filepath.Join(s3dir, "lab-bucket", base, "manifest-files.json"), &files)
	dataKey, _ := files["dataFileS3Key"].(string)
	if files["itemCount"] != float64(len(source)) || !strings.HasPrefix(dataKey, base+"/data/") || !strings.HasSuffix(dataKey, ".json.gz") {
		t.Fatalf("manifest-files.json %v", files)
	}
	wantPrivateTree(t, filepath.Join(s3dir, "lab-bucket"))
	lines := gunzipLines(t, filepath.Join(s3dir, "lab-bucket", filepath.FromSlash(dataKey)))
	if len(lines) != len(source) || !strings.HasPrefix(lines[0], `{"Item":{`) {
		t.Fatalf("%d data lines, first %.80s", len(lines), lines[0])
	}

	// The same ClientToken returns the same export; other parameters conflict.
	if again, err := export(&dynamodb.ExportTableToPointInTimeInput{S3Prefix: aws.String("exports/2026"), ClientToken: aws.String("tok-1")}); err != nil ||
		aws.ToString(again.ExportArn) != aws.ToString(d.ExportArn) {
		t.Fatalf("idempotent export: %v %v", again, err)
	}
	_, err = export(&dynamodb.ExportTableToPointInTimeInput{S3Prefix: aws.String("other"), ClientToken: aws.String("tok-1")})
	wantCode(t, err, "ExportConflictException", "")

	// Import into a new table: equal to the source, GSI built.
	imp, err := e.c.ImportTable(ctx, &dynamodb.ImportTableInput{
		S3BucketSource: &types.S3BucketSource{S3Bucket: aws.String("lab-bucket"), S3KeyPrefix: aws.String(base + "/data/")},
		InputFormat:    types.InputFormatDynamodbJson, InputCompressionType: types.InputCompressionTypeGzip,
		TableCreationParameters: srcCreationParameters("Imported"),
	})
	if err != nil {
		t.Fatal(err)
	}
	id2 := imp.ImportTableDescription
	if id2.ImportStatus != types.ImportStatusCompleted || id2.ProcessedItemCount != int64(len(source)) ||
		id2.ImportedItemCount != int64(len(source)) || id2.ErrorCount != 0 ||
		!strings.Contains(aws.ToString(id2.ImportArn), ":table/Imported/import/") || aws.ToInt64(id2.ProcessedSizeBytes) <= 0 {
		t.Fatalf("import %+v", id2)
	}
	sameItems(t, "imported table", scanAll(t, e.c, "Imported"), source)
	if d := describe(t, e.c, "Imported"); len(d.GlobalSecondaryIndexes) != 1 || aws.ToInt64(d.GlobalSecondaryIndexes[0].ItemCount) != int64(len(source)) {
		t.Fatalf("imported GSI %+v", d.GlobalSecondaryIndexes)
	}

	// An export at an earlier ExportTime; imported from its folder (the
	// manifests are skipped).
	clock.Advance(time.Second) // ids order exports at millisecond resolution
	d2, err := export(&dynamodb.ExportTableToPointInTimeInput{ExportTime: aws.Time(beforeMore)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt64(d2.ItemCount) != 150 || !d2.ExportTime.Equal(beforeMore) {
		t.Fatalf("export at %v: %+v", beforeMore, d2)
	}
	folder := strings.TrimSuffix(aws.ToString(d2.ExportManifest), "manifest-summary.json")
	imp2, err := e.c.ImportTable(ctx, &dynamodb.ImportTableInput{
		S3BucketSource: &types.S3BucketSource{S3Bucket: aws.String("lab-bucket"), S3KeyPrefix: aws.String(folder)},
		InputFormat:    types.InputFormatDynamodbJson, InputCompressionType: types.InputCompressionTypeGzip,
		TableCreationParameters: srcCreationParameters("Earlier"),
	})
	if err != nil || imp2.ImportTableDescription.ImportedItemCount != 150 || imp2.ImportTableDescription.ErrorCount != 0 {
		t.Fatalf("import of the earlier export: %+v %v", imp2, err)
	}
	if got := len(scanAll(t, e.c, "Earlier")); got != 150 {
		t.Fatalf("earlier export imported %d items", got)
	}
	_, err = export(&dynamodb.ExportTableToPointInTimeInput{ExportTime: aws.Time(clock.Now().Add(time.Hour))})
	wantCode(t, err, "InvalidExportTimeException", "")

	// Describe and list.
	de, err := e.c.DescribeExport(ctx, &dynamodb.DescribeExportInput{ExportArn: d.ExportArn})
	if err != nil || aws.ToInt64(de.ExportDescription.ItemCount) != int64(len(source)) {
		t.Fatalf("DescribeExport %+v %v", de, err)
	}
	page, err := e.c.ListExports(ctx, &dynamodb.ListExportsInput{MaxResults: aws.Int32(1)})
	if err != nil || len(page.ExportSummaries) != 1 || aws.ToString(page.ExportSummaries[0].ExportArn) != aws.ToString(d.ExportArn) || page.NextToken == nil {
		t.Fatalf("ListExports page 1 %+v %v", page, err)
	}
	page, err = e.c.ListExports(ctx, &dynamodb.ListExportsInput{MaxResults: aws.Int32(1), NextToken: page.NextToken, TableArn: aws.String(arn)})
	if err != nil || len(page.ExportSummaries) != 1 || aws.ToString(page.ExportSummaries[0].ExportArn) != aws.ToString(d2.ExportArn) || page.NextToken != nil {
		t.Fatalf("ListExports page 2 %+v %v", page, err)
	}
	di, err := e.c.DescribeImport(ctx, &dynamodb.DescribeImportInput{ImportArn: id2.ImportArn})
	if err != nil || di.ImportTableDescription.ImportedItemCount != int64(len(source)) ||
		aws.ToString(di.ImportTableDescription.TableCreationParameters.TableName) != "Imported" {
		t.Fatalf("DescribeImport %+v %v", di, err)
	}
	li, err := e.c.ListImports(ctx, &dynamodb.ListImportsInput{TableArn: id2.TableArn})
	if err != nil || len(li.ImportSummaryList) != 1 || aws.ToString(li.ImportSummaryList[0].ImportArn) != aws.ToString(id2.ImportArn) {
		t.Fatalf("ListImports %+v %v", li, err)
	}
	ghost := arn + "/export/01700000000000-0badf00d"
	_, err = e.c.DescribeExport(ctx, &dynamodb.DescribeExportInput{ExportArn: aws.String(ghost)})
	wantAPIError(t, err, "ExportNotFoundException", "Export not found: "+ghost)
}

func TestImportTableErrors(t *testing.T) {
	s3dir := t.TempDir()
	e := newSDKEnv(t, engine.Options{S3Dir: s3dir})
	ctx := enginetest.Ctx(t)
	// Uncompressed input with a bad line, an item without its sort key and
	// one with a mistyped GSI key: three errors, two items.
	data := strings.Join([]string{
		`{"Item":{"PK":{"S":"a"},"SK":{"S":"1"},"g":{"S":"x"}}}`,
		`not json`,
		`{"Item":{"PK":{"S":"b"}}}`,
		`{"Item":{"PK":{"S":"c"},"SK":{"S":"1"},"g":{"N":"1"}}}`,
		``,
		`{"Item":{"PK":{"S":"d"},"SK":{"S":"1"},"n":{"N":"7"}}}`,
	}, "\n")
	if err := os.MkdirAll(filepath.Join(s3dir, "in", "raw"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(s3dir, "in", "raw", "part-1.json"), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	imp := func(name, prefix string, compression types.InputCompressionType) (*types.ImportTableDescription, error) {
		out, err := e.c.ImportTable(ctx, &dynamodb.ImportTableInput{
			S3BucketSource: &types.S3BucketSource{S3Bucket: aws.String("in"), S3KeyPrefix: aws.String(prefix)},
			InputFormat:    types.InputFormatDynamodbJson, InputCompressionType: compression,
			TableCreationParameters: srcCreationParameters(name),
		})
		if err != nil {
			return nil, err
		}
		return out.ImportTableDescription, nil
	}
	d, err := imp("Partial", "raw/part", types.InputCompressionTypeNone)
	if err != nil {
		t.Fatal(err)
	}
	if d.ImportStatus != types.ImportStatusCompleted || d.ProcessedItemCount != 5 || d.ImportedItemCount != 2 || d.ErrorCount != 3 {
		t.Fatalf("partial import %+v", d)
	}
	if got := len(scanAll(t, e.c, "Partial")); got != 2 {
		t.Fatalf("%d items imported", got)
	}
	// No object under the prefix: FAILED, no table.
	d, err = imp("Empty", "nothing/here/", types.InputCompressionTypeGzip)
	if err != nil {
		t.Fatal(err)
	}
	if d.ImportStatus != types.ImportStatusFailed || d.FailureCode == nil {
		t.Fatalf("empty import %+v", d)
	}
	if _, err := e.c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("Empty")}); err == nil {
		t.Fatal("a failed import created its table")
	}
	_, err = imp("Partial", "raw/", types.InputCompressionTypeNone)
	wantAPIError(t, err, "ResourceInUseException", "Table already exists: Partial")
	_, err = e.c.ImportTable(ctx, &dynamodb.ImportTableInput{
		S3BucketSource: &types.S3BucketSource{S3Bucket: aws.String("in")}, InputFormat: types.InputFormatCsv,
		TableCreationParameters: srcCreationParameters("Csv"),
	})
	wantCode(t, err, "ValidationException", "DYNAMODB_JSON only")
	_, err = imp("Escape", "../../etc/", types.InputCompressionTypeNone)
	wantCode(t, err, "ValidationException", "Invalid S3 key")
	_, err = e.c.DescribeImport(ctx, &dynamodb.DescribeImportInput{ImportArn: aws.String("arn:aws:dynamodb:us-east-1:000000000000:table/Partial/import/01700000000000-0badf00d")})
	wantCode(t, err, "ImportNotFoundException", "")

	// Without --s3-dir, both are refused with the way out.
	e2 := newSDKEnv(t, engine.Options{})
	_, err = e2.c.ImportTable(ctx, &dynamodb.ImportTableInput{
		S3BucketSource: &types.S3BucketSource{S3Bucket: aws.String("in")}, InputFormat: types.InputFormatDynamodbJson,
		TableCreationParameters: srcCreationParameters("X"),
	})
	wantCode(t, err, "ValidationException", "--s3-dir")
	_, err = e2.c.ExportTableToPointInTime(ctx, &dynamodb.ExportTableToPointInTimeInput{
		TableArn: aws.String("arn:aws:dynamodb:us-east-1:000000000000:table/Src"), S3Bucket: aws.String("b1")})
	wantCode(t, err, "ValidationException", "start dynalab serve with --s3-dir DIR")
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func gunzipLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

package engine

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"

	"dynalab/engine/attr"
)

// ExportTableToPointInTime (issue #11) writes the service's export layout
// into the local S3 stand-in (export_s3.go):
//
//	P/AWSDynamoDB/<id>/_started
//	P/AWSDynamoDB/<id>/data/<name>.json.gz      {"Item":{…}} per line, gzip
//	P/AWSDynamoDB/<id>/manifest-files.json      a JSON line per data file
//	P/AWSDynamoDB/<id>/manifest-files.checksum  MD5 of it, hex
//	P/AWSDynamoDB/<id>/manifest-summary.json
//	P/AWSDynamoDB/<id>/manifest-summary.checksum
//
// The items are the table's at ExportTime (default now), read from the PITR
// log in one read transaction (pitr.go), so PITR must be enabled, as the
// service requires. Differences: one data file per export (the service
// writes at least one per partition); the export is COMPLETED when the
// call returns (the service's is IN_PROGRESS for minutes); DYNAMODB_JSON
// and FULL_EXPORT only (ION and incremental exports are refused).

// Export enumerations and errors.
const (
	ExportStatusCompleted      = "COMPLETED"
	ExportFormatDynamoDBJSON   = "DYNAMODB_JSON"
	ExportTypeFull             = "FULL_EXPORT"
	CodeExportNotFound         = "ExportNotFoundException"
	CodeExportConflict         = "ExportConflictException"
	CodeInvalidExportTime      = "InvalidExportTimeException"
	exportManifestVersion      = "2020-06-30"
	exportDirName              = "AWSDynamoDB"
	manifestSummaryName        = "manifest-summary.json"
	manifestFilesName          = "manifest-files.json"
	exportTimeLayout           = "2006-01-02T15:04:05.000Z07:00"
	defaultExportSSEAlgorithm  = "AES256"
	exportStartedName          = "_started"
	exportChecksumSuffix       = ".checksum"
	exportDataDirName          = "data"
	exportDataFileSuffix       = ".json.gz"
	exportManifestChecksumName = "manifest-summary.checksum"
)

// ExportTableToPointInTimeInput is the ExportTableToPointInTime request.
type ExportTableToPointInTimeInput struct {
	TableArn                       string         `json:"TableArn"`
	S3Bucket                       string         `json:"S3Bucket"`
	S3BucketOwner                  *string        `json:"S3BucketOwner,omitempty"`
	S3Prefix                       *string        `json:"S3Prefix,omitempty"`
	S3SseAlgorithm                 string         `json:"S3SseAlgorithm,omitempty"`
	S3SseKmsKeyId                  *string        `json:"S3SseKmsKeyId,omitempty"`
	ExportFormat                   string         `json:"ExportFormat,omitempty"`
	ExportTime                     *float64       `json:"ExportTime,omitempty"`
	ExportType                     string         `json:"ExportType,omitempty"`
	ClientToken                    *string        `json:"ClientToken,omitempty"`
	IncrementalExportSpecification map[string]any `json:"IncrementalExportSpecification,omitempty"`
}

// ExportTableToPointInTimeOutput is the ExportTableToPointInTime response.
type ExportTableToPointInTimeOutput struct {
	ExportDescription *ExportDescription `json:"ExportDescription"`
}

// ExportDescription describes an export; it is also the stored record.
type ExportDescription struct {
	ExportArn       string  `json:"ExportArn"`
	ExportStatus    string  `json:"ExportStatus"`
	StartTime       float64 `json:"StartTime"`
	EndTime         float64 `json:"EndTime"`
	ExportManifest  string  `json:"ExportManifest"`
	TableArn        string  `json:"TableArn"`
	TableId         string  `json:"TableId"`
	ExportTime      float64 `json:"ExportTime"`
	ClientToken     *string `json:"ClientToken,omitempty"`
	S3Bucket        string  `json:"S3Bucket"`
	S3BucketOwner   *string `json:"S3BucketOwner,omitempty"`
	S3Prefix        *string `json:"S3Prefix,omitempty"`
	S3SseAlgorithm  string  `json:"S3SseAlgorithm"`
	S3SseKmsKeyId   *string `json:"S3SseKmsKeyId,omitempty"`
	ExportFormat    string  `json:"ExportFormat"`
	BilledSizeBytes int64   `json:"BilledSizeBytes"`
	ItemCount       int64   `json:"ItemCount"`
	ExportType      string  `json:"ExportType"`
	FailureCode     *string `json:"FailureCode,omitempty"`
	FailureMessage  *string `json:"FailureMessage,omitempty"`
}

// DescribeExportInput is the DescribeExport request.
type DescribeExportInput struct {
	ExportArn *string `json:"ExportArn"`
}

// DescribeExportOutput is the DescribeExport response.
type DescribeExportOutput struct {
	ExportDescription *ExportDescription `json:"ExportDescription"`
}

// ListExportsInput is the ListExports request.
type ListExportsInput struct {
	TableArn   string  `json:"TableArn,omitempty"`
	MaxResults *int64  `json:"MaxResults,omitempty"`
	NextToken  *string `json:"NextToken,omitempty"`
}

// ListExportsOutput is the ListExports response.
type ListExportsOutput struct {
	ExportSummaries []ExportSummary `json:"ExportSummaries"`
	NextToken       string          `json:"NextToken,omitempty"`
}

// ExportSummary is one export in ListExports.
type ExportSummary struct {
	ExportArn    string `json:"ExportArn"`
	ExportStatus string `json:"ExportStatus"`
	ExportType   string `json:"ExportType"`
}

// ExportTableToPointInTime exports a table's items at a point in time.
func (db *DB) ExportTableToPointInTime(ctx context.Context, in *ExportTableToPointInTimeInput) (*ExportTableToPointInTimeOutput, error) {
	var c constraints
	c.notNull(in.TableArn != "", "tableArn")
	if len(in.TableArn) > 1024 {
		c.add(quote(in.TableArn), "tableArn", "Member must have length less than or equal to 1024")
	}
	c.notNull(in.S3Bucket != "", "s3Bucket")
	if in.S3Bucket != "" && (!s3BucketRE.MatchString(in.S3Bucket) || len(in.S3Bucket) > 255) {
		c.add(quote(in.S3Bucket), "s3Bucket", "Member must satisfy regular expression pattern: "+s3BucketPattern)
	}
	c.enum(in.S3SseAlgorithm, "s3SseAlgorithm", "AES256", "KMS")
	c.enum(in.ExportFormat, "exportFormat", ExportFormatDynamoDBJSON, "ION")
	c.enum(in.ExportType, "exportType", ExportTypeFull, "INCREMENTAL_EXPORT")
	if err := c.err(); err != nil {
		return nil, err
	}
	root, err := db.s3Root("ExportTableToPointInTime")
	if err != nil {
		return nil, err
	}
	switch {
	case in.ExportFormat == "ION":
		return nil, validationError("dynalab exports DYNAMODB_JSON only (ExportFormat ION is not supported locally)")
	case in.ExportType == "INCREMENTAL_EXPORT":
		return nil, validationError("dynalab makes full exports only (ExportType INCREMENTAL_EXPORT is not supported locally)")
	}
	name, rest, ok := parseTableARN(in.TableArn)
	if !ok || rest != "" {
		return nil, invalidParam("Invalid TableArn: %s", in.TableArn) // wording a guess
	}
	if prev, err := db.exportByToken(in); prev != nil || err != nil {
		if err != nil {
			return nil, err
		}
		return &ExportTableToPointInTimeOutput{ExportDescription: prev}, nil
	}
	start := db.now()
	t, items, at, err := db.pitrSnapshot(name, in.ExportTime, func(lo, hi time.Time) error {
		return &APIError{Code: CodeInvalidExportTime, Message: "Export time must be within the point in time recovery window"} // wording a guess
	})
	if err != nil {
		return nil, err
	}
	id := backupID(start)
	d := &ExportDescription{
		ExportArn: t.arn + "/export/" + id, ExportStatus: ExportStatusCompleted, StartTime: epochSeconds(start),
		TableArn: t.arn, TableId: t.meta.TableID, ExportTime: epochSeconds(at), ClientToken: in.ClientToken,
		S3Bucket: in.S3Bucket, S3BucketOwner: in.S3BucketOwner, S3Prefix: in.S3Prefix,
		S3SseAlgorithm: defaultString(in.S3SseAlgorithm, defaultExportSSEAlgorithm), S3SseKmsKeyId: in.S3SseKmsKeyId,
		ExportFormat: ExportFormatDynamoDBJSON, ExportType: ExportTypeFull, ItemCount: int64(len(items)),
	}
	prefix := ""
	if in.S3Prefix != nil {
		prefix = *in.S3Prefix
	}
	base := s3Key(prefix, exportDirName+"/"+id)
	d.ExportManifest = base + "/" + manifestSummaryName
	if err := writeExport(root, d, base, items, at, db.now); err != nil {
		return nil, err
	}
	if err := db.putRecord(exportRecordPrefix+id, exportRecord{d, in.ExportTime}); err != nil {
		return nil, fmt.Errorf("record export %s: %w", d.ExportArn, err)
	}
	return &ExportTableToPointInTimeOutput{ExportDescription: d}, nil
}

// exportRecord is the stored form of an export: its description and the
// request's ExportTime (for ClientToken idempotency).
type exportRecord struct {
	*ExportDescription
	Requested *float64 `json:"requestedExportTime,omitempty"`
}

// exportByToken returns the export an earlier request with the same
// ClientToken made, or ExportConflictException when its parameters
// differ (wording a guess).
func (db *DB) exportByToken(in *ExportTableToPointInTimeInput) (*ExportDescription, error) {
	if in.ClientToken == nil || *in.ClientToken == "" {
		return nil, nil
	}
	var found *exportRecord
	var derr error
	err := db.listRecords(exportRecordPrefix, "", func(_, rec string) bool {
		var r exportRecord
		if derr = jsonUnmarshalString(rec, &r); derr != nil {
			return false
		}
		if r.ExportDescription != nil && r.ClientToken != nil && *r.ClientToken == *in.ClientToken {
			found = &r
		}
		return true
	})
	if err == nil {
		err = derr
	}
	if err != nil || found == nil {
		return nil, err
	}
	d := found.ExportDescription
	same := d.TableArn == in.TableArn && d.S3Bucket == in.S3Bucket && reflect.DeepEqual(d.S3Prefix, in.S3Prefix) &&
		reflect.DeepEqual(found.Requested, in.ExportTime)
	if !same {
		return nil, &APIError{Code: CodeExportConflict, Message: "An export with the same ClientToken and different parameters already exists: " + d.ExportArn}
	}
	return d, nil
}

// writeExport writes the export's objects; the manifests last, so a
// reader that sees manifest-summary.json sees a complete export.
func writeExport(root string, d *ExportDescription, base string, items []attr.Item, at time.Time, now func() time.Time) error {
	put := func(key string, data []byte) error {
		path, err := s3File(root, d.S3Bucket, key)
		if err != nil {
			return err
		}
		if err := writeFileSynced(path, data); err != nil {
			return fmt.Errorf("write s3://%s/%s: %w", d.S3Bucket, key, err)
		}
		return nil
	}
	if err := put(base+"/"+exportStartedName, nil); err != nil {
		return err
	}
	var raw bytes.Buffer
	zw := gzip.NewWriter(&raw)
	var line []byte
	for _, it := range items {
		line = append(line[:0], `{"Item":`...)
		line = attr.AppendItem(line, it)
		line = append(line, "}\n"...)
		d.BilledSizeBytes += int64(it.Size())
		if _, err := zw.Write(line); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	var r [16]byte
	_, _ = rand.Read(r[:])
	dataKey := base + "/" + exportDataDirName + "/" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(r[:])) + exportDataFileSuffix
	if err := put(dataKey, raw.Bytes()); err != nil {
		return err
	}
	sum := md5.Sum(raw.Bytes())
	files, err := json.Marshal(map[string]any{
		"itemCount": len(items), "md5Checksum": base64.StdEncoding.EncodeToString(sum[:]),
		"etag": hex.EncodeToString(sum[:]), "dataFileS3Key": dataKey,
	})
	if err != nil {
		return err
	}
	files = append(files, '\n')
	filesKey := base + "/" + manifestFilesName
	if err := put(filesKey, files); err != nil {
		return err
	}
	if err := put(base+"/"+manifestFilesName[:len(manifestFilesName)-len(".json")]+exportChecksumSuffix, checksum(files)); err != nil {
		return err
	}
	end := now()
	d.EndTime = epochSeconds(end)
	stamp := func(t time.Time) string { return t.UTC().Format(exportTimeLayout) }
	summary, err := json.MarshalIndent(map[string]any{
		"version": exportManifestVersion, "exportArn": d.ExportArn, "startTime": stamp(time.UnixMilli(int64(d.StartTime * 1000))),
		"endTime": stamp(end), "tableArn": d.TableArn, "tableId": d.TableId, "exportTime": stamp(at),
		"s3Bucket": d.S3Bucket, "s3Prefix": d.S3Prefix, "s3SseAlgorithm": d.S3SseAlgorithm, "s3SseKmsKeyId": d.S3SseKmsKeyId,
		"manifestFilesS3Key": filesKey, "billedSizeBytes": d.BilledSizeBytes, "itemCount": d.ItemCount,
		"outputFormat": d.ExportFormat, "exportType": d.ExportType,
	}, "", "   ")
	if err != nil {
		return err
	}
	if err := put(d.ExportManifest, summary); err != nil {
		return err
	}
	return put(base+"/"+exportManifestChecksumName, checksum(summary))
}

func checksum(data []byte) []byte {
	sum := md5.Sum(data)
	return []byte(hex.EncodeToString(sum[:]))
}

// DescribeExport describes an export.
func (db *DB) DescribeExport(ctx context.Context, in *DescribeExportInput) (*DescribeExportOutput, error) {
	var c constraints
	c.notNull(in.ExportArn != nil, "exportArn")
	if err := c.err(); err != nil {
		return nil, err
	}
	id, ok := childARNID(*in.ExportArn, "export")
	if !ok {
		return nil, validationError("Invalid ExportArn: " + *in.ExportArn) // wording a guess
	}
	var r exportRecord
	found, err := db.getRecord(exportRecordPrefix+id, &r)
	if err != nil {
		return nil, err
	}
	if !found || r.ExportDescription == nil {
		return nil, &APIError{Code: CodeExportNotFound, Message: "Export not found: " + *in.ExportArn} // wording a guess
	}
	return &DescribeExportOutput{ExportDescription: r.ExportDescription}, nil
}

// ListExports lists exports in creation order, optionally of one table;
// NextToken is the last listed export's id.
func (db *DB) ListExports(ctx context.Context, in *ListExportsInput) (*ListExportsOutput, error) {
	var c constraints
	c.minInt(in.MaxResults, "maxResults", 1)
	c.maxInt(in.MaxResults, "maxResults", maxListExports)
	if err := c.err(); err != nil {
		return nil, err
	}
	limit := maxListExports
	if in.MaxResults != nil {
		limit = int(*in.MaxResults)
	}
	after := ""
	if in.NextToken != nil {
		if !validBackupID(*in.NextToken) {
			return nil, validationError("Invalid NextToken") // wording a guess
		}
		after = *in.NextToken
	}
	out := &ListExportsOutput{ExportSummaries: []ExportSummary{}}
	var derr error
	err := db.listRecords(exportRecordPrefix, after, func(id, rec string) bool {
		var r exportRecord
		if derr = jsonUnmarshalString(rec, &r); derr != nil || r.ExportDescription == nil {
			return false
		}
		if in.TableArn != "" && r.TableArn != in.TableArn {
			return true
		}
		if len(out.ExportSummaries) == limit {
			out.NextToken = after
			return false
		}
		out.ExportSummaries = append(out.ExportSummaries, ExportSummary{ExportArn: r.ExportArn, ExportStatus: r.ExportStatus, ExportType: r.ExportType})
		after = id
		return true
	})
	if err == nil {
		err = derr
	}
	if err != nil {
		return nil, fmt.Errorf("list exports: %w", err)
	}
	return out, nil
}

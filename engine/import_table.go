package engine

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"dynalab/engine/atomicfile"
	"dynalab/engine/attr"
	"dynalab/engine/internal/store"
)

// ImportTable (issue #11) creates a table and loads it from objects of the
// local S3 stand-in (export_s3.go): every object of S3Bucket whose key
// starts with S3KeyPrefix, in key order, each a file of DynamoDB JSON
// lines {"Item":{…}} (an export's data files), gzipped (GZIP) or not
// (NONE). An export's own metadata objects (manifest-*.json, *.checksum,
// _started) are skipped, so the prefix may be the export's folder or its
// data/ folder. The table is created by CreateTable (every table rule
// applies) and the items written through writeItem in batches, building
// the GSIs. A line that is not an item, or an item the table refuses
// (missing or mistyped key, bad index key, too large), counts in
// ErrorCount and is skipped, as the service logs it to CloudWatch and goes
// on. The import is COMPLETED when the call returns (the service's is
// IN_PROGRESS for minutes); when no object matches, it is FAILED and no
// table is created. DYNAMODB_JSON only: CSV and ION, and ZSTD, are refused.

// Import enumerations and errors.
const (
	ImportStatusCompleted = "COMPLETED"
	ImportStatusFailed    = "FAILED"
	CodeImportNotFound    = "ImportNotFoundException"
	CodeImportConflict    = "ImportConflictException"
)

// ImportTableInput is the ImportTable request.
type ImportTableInput struct {
	ClientToken             *string                  `json:"ClientToken,omitempty"`
	S3BucketSource          *S3BucketSource          `json:"S3BucketSource"`
	InputFormat             string                   `json:"InputFormat"`
	InputFormatOptions      map[string]any           `json:"InputFormatOptions,omitempty"`
	InputCompressionType    string                   `json:"InputCompressionType,omitempty"`
	TableCreationParameters *TableCreationParameters `json:"TableCreationParameters"`
}

// S3BucketSource names the objects an import reads.
type S3BucketSource struct {
	S3BucketOwner *string `json:"S3BucketOwner,omitempty"`
	S3Bucket      string  `json:"S3Bucket"`
	S3KeyPrefix   *string `json:"S3KeyPrefix,omitempty"`
}

// TableCreationParameters is the table an import creates.
type TableCreationParameters struct {
	TableName              string                 `json:"TableName"`
	AttributeDefinitions   []AttributeDefinition  `json:"AttributeDefinitions"`
	KeySchema              []KeySchemaElement     `json:"KeySchema"`
	BillingMode            string                 `json:"BillingMode,omitempty"`
	ProvisionedThroughput  *ProvisionedThroughput `json:"ProvisionedThroughput,omitempty"`
	OnDemandThroughput     *OnDemandThroughput    `json:"OnDemandThroughput,omitempty"`
	SSESpecification       map[string]any         `json:"SSESpecification,omitempty"`
	GlobalSecondaryIndexes []GlobalSecondaryIndex `json:"GlobalSecondaryIndexes,omitempty"`
}

// ImportTableOutput is the ImportTable response.
type ImportTableOutput struct {
	ImportTableDescription *ImportTableDescription `json:"ImportTableDescription"`
}

// ImportTableDescription describes an import; it is also the stored record.
type ImportTableDescription struct {
	ImportArn               string                   `json:"ImportArn"`
	ImportStatus            string                   `json:"ImportStatus"`
	TableArn                string                   `json:"TableArn"`
	TableId                 string                   `json:"TableId,omitempty"`
	ClientToken             *string                  `json:"ClientToken,omitempty"`
	S3BucketSource          *S3BucketSource          `json:"S3BucketSource"`
	ErrorCount              int64                    `json:"ErrorCount"`
	InputFormat             string                   `json:"InputFormat"`
	InputFormatOptions      map[string]any           `json:"InputFormatOptions,omitempty"`
	InputCompressionType    string                   `json:"InputCompressionType"`
	TableCreationParameters *TableCreationParameters `json:"TableCreationParameters"`
	StartTime               float64                  `json:"StartTime"`
	EndTime                 float64                  `json:"EndTime"`
	ProcessedSizeBytes      int64                    `json:"ProcessedSizeBytes"`
	ProcessedItemCount      int64                    `json:"ProcessedItemCount"`
	ImportedItemCount       int64                    `json:"ImportedItemCount"`
	FailureCode             *string                  `json:"FailureCode,omitempty"`
	FailureMessage          *string                  `json:"FailureMessage,omitempty"`
}

// DescribeImportInput is the DescribeImport request.
type DescribeImportInput struct {
	ImportArn *string `json:"ImportArn"`
}

// DescribeImportOutput is the DescribeImport response.
type DescribeImportOutput struct {
	ImportTableDescription *ImportTableDescription `json:"ImportTableDescription"`
}

// ListImportsInput is the ListImports request.
type ListImportsInput struct {
	TableArn  string  `json:"TableArn,omitempty"`
	PageSize  *int64  `json:"PageSize,omitempty"`
	NextToken *string `json:"NextToken,omitempty"`
}

// ListImportsOutput is the ListImports response.
type ListImportsOutput struct {
	ImportSummaryList []ImportSummary `json:"ImportSummaryList"`
	NextToken         string          `json:"NextToken,omitempty"`
}

// ImportSummary is one import in ListImports.
type ImportSummary struct {
	ImportArn      string          `json:"ImportArn"`
	ImportStatus   string          `json:"ImportStatus"`
	TableArn       string          `json:"TableArn"`
	S3BucketSource *S3BucketSource `json:"S3BucketSource"`
	InputFormat    string          `json:"InputFormat"`
	StartTime      float64         `json:"StartTime"`
	EndTime        float64         `json:"EndTime"`
}

// ImportTable creates a table from DynamoDB JSON objects in the stand-in.
func (db *DB) ImportTable(ctx context.Context, in *ImportTableInput) (*ImportTableOutput, error) {
	var c constraints
	src := in.S3BucketSource
	c.notNull(src != nil, "s3BucketSource")
	if src != nil {
		c.notNull(src.S3Bucket != "", "s3BucketSource.s3Bucket")
		if src.S3Bucket != "" && (!s3BucketRE.MatchString(src.S3Bucket) || len(src.S3Bucket) > 255) {
			c.add(quote(src.S3Bucket), "s3BucketSource.s3Bucket", "Member must satisfy regular expression pattern: "+s3BucketPattern)
		}
	}
	c.notNull(in.InputFormat != "", "inputFormat")
	c.enum(in.InputFormat, "inputFormat", "DYNAMODB_JSON", "ION", "CSV")
	c.enum(in.InputCompressionType, "inputCompressionType", "GZIP", "ZSTD", "NONE")
	c.notNull(in.TableCreationParameters != nil, "tableCreationParameters")
	if err := c.err(); err != nil {
		return nil, err
	}
	root, err := db.s3Root("ImportTable")
	if err != nil {
		return nil, err
	}
	switch {
	case in.InputFormat != ExportFormatDynamoDBJSON:
		return nil, Validationf("dynalab imports DYNAMODB_JSON only (InputFormat %s is not supported locally)", in.InputFormat)
	case in.InputCompressionType == "ZSTD":
		return nil, validationError("dynalab reads GZIP or uncompressed input only (InputCompressionType ZSTD is not supported locally)")
	}
	if prev, err := db.importByToken(in); err != nil {
		return nil, err
	} else if prev != nil {
		return &ImportTableOutput{ImportTableDescription: prev}, nil
	}
	p := in.TableCreationParameters
	cin := &CreateTableInput{
		TableName: p.TableName, AttributeDefinitions: p.AttributeDefinitions, KeySchema: p.KeySchema, BillingMode: p.BillingMode,
		ProvisionedThroughput: p.ProvisionedThroughput, OnDemandThroughput: p.OnDemandThroughput, GlobalSecondaryIndexes: p.GlobalSecondaryIndexes,
	}
	if err := validateCreateTable(cin); err != nil {
		return nil, err
	}
	prefix := ""
	if src.S3KeyPrefix != nil {
		prefix = *src.S3KeyPrefix
	}
	files, size, err := s3Objects(root, src.S3Bucket, prefix)
	if err != nil {
		return nil, err
	}
	start := db.now()
	id := backupID(start)
	tableARN := fmt.Sprintf("arn:aws:dynamodb:%s:%s:table/%s", db.region, db.account, p.TableName)
	d := &ImportTableDescription{
		ImportArn: tableARN + "/import/" + id, TableArn: tableARN, ClientToken: in.ClientToken, S3BucketSource: src,
		InputFormat: in.InputFormat, InputFormatOptions: in.InputFormatOptions, InputCompressionType: defaultString(in.InputCompressionType, "NONE"),
		TableCreationParameters: p, StartTime: epochSeconds(start), ProcessedSizeBytes: size,
	}
	if len(files) == 0 {
		// FailureCode and message a guess.
		code, msg := "InvalidS3Object", fmt.Sprintf("No objects found under s3://%s/%s (local S3 stand-in %s)", src.S3Bucket, prefix, root)
		d.ImportStatus, d.FailureCode, d.FailureMessage, d.EndTime = ImportStatusFailed, &code, &msg, epochSeconds(db.now())
		if err := db.putRecord(importRecordPrefix+id, d); err != nil {
			return nil, err
		}
		return &ImportTableOutput{ImportTableDescription: d}, nil
	}
	created, err := db.CreateTable(ctx, cin)
	if err != nil {
		return nil, err
	}
	d.TableId = created.TableDescription.TableId
	if err := db.importObjects(ctx, d, files, in.InputCompressionType == "GZIP"); err != nil {
		// No half import passes for the data: the table goes with it.
		_, derr := db.DeleteTable(context.WithoutCancel(ctx), &DeleteTableInput{TableName: p.TableName})
		return nil, errors.Join(err, derr)
	}
	d.ImportStatus, d.EndTime = ImportStatusCompleted, epochSeconds(db.now())
	if err := db.putRecord(importRecordPrefix+id, d); err != nil {
		return nil, fmt.Errorf("record import %s: %w", d.ImportArn, err)
	}
	return &ImportTableOutput{ImportTableDescription: d}, nil
}

// importByToken returns the import an earlier request with the same
// ClientToken made, or ImportConflictException when its parameters
// differ (wording a guess).
func (db *DB) importByToken(in *ImportTableInput) (*ImportTableDescription, error) {
	if in.ClientToken == nil || *in.ClientToken == "" {
		return nil, nil
	}
	var found *ImportTableDescription
	var derr error
	err := db.listRecords(importRecordPrefix, "", func(_, rec string) bool {
		var d ImportTableDescription
		if derr = jsonUnmarshalString(rec, &d); derr != nil {
			return false
		}
		if d.ClientToken != nil && *d.ClientToken == *in.ClientToken {
			found = &d
		}
		return true
	})
	if err == nil {
		err = derr
	}
	if err != nil || found == nil {
		return nil, err
	}
	a, _ := json.Marshal([]any{found.S3BucketSource, found.InputFormat, found.TableCreationParameters})
	b, _ := json.Marshal([]any{in.S3BucketSource, in.InputFormat, in.TableCreationParameters})
	if !bytes.Equal(a, b) {
		return nil, &APIError{Code: CodeImportConflict, Message: "An import with the same ClientToken and different parameters already exists: " + found.ImportArn}
	}
	return found, nil
}

// s3Objects lists the files of bucket whose keys start with prefix, in
// key order, leaving out an export's metadata objects, and their total
// size.
func s3Objects(root, bucket, prefix string) ([]string, int64, error) {
	dir, err := s3File(root, bucket, "")
	if err != nil {
		return nil, 0, err
	}
	// Walk only the directory the prefix's complete segments name.
	walkFrom := dir
	if i := strings.LastIndexByte(prefix, '/'); i >= 0 {
		if walkFrom, err = s3File(root, bucket, prefix[:i]); err != nil {
			return nil, 0, err
		}
	}
	var files []string
	var size int64
	err = filepath.WalkDir(walkFrom, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if e.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		base := path.Base(key)
		if !strings.HasPrefix(key, prefix) || base == exportStartedName || base == manifestSummaryName || base == manifestFilesName ||
			strings.HasSuffix(base, exportChecksumSuffix) || atomicfile.IsTemp(base) {
			return nil
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		files = append(files, p)
		size += info.Size()
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("list the local S3 stand-in: %w", err)
	}
	sort.Strings(files)
	return files, size, nil
}

// importObjects reads the files' lines into the new table, a batch of
// items per write transaction, and counts them in d. The context is
// checked between batches.
func (db *DB) importObjects(ctx context.Context, d *ImportTableDescription, files []string, gzipped bool) error {
	name := d.TableCreationParameters.TableName
	var batch []attr.Item
	flush := func() error {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("import %s: stopped after %d items: %w", d.ImportArn, d.ImportedItemCount, err)
		}
		n, err := db.importBatch(name, batch)
		d.ImportedItemCount += int64(n)
		d.ErrorCount += int64(len(batch) - n)
		batch = batch[:0]
		return err
	}
	for _, file := range files {
		f, err := os.Open(file)
		if err != nil {
			return fmt.Errorf("import %s: %w", d.ImportArn, err)
		}
		var r io.Reader = f
		if gzipped {
			zr, err := gzip.NewReader(f)
			if err != nil {
				f.Close()
				d.ErrorCount++ // an object that is not gzip: one error, as a line would be
				continue
			}
			r = zr
		}
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 0, 64*1024), 4*attr.MaxItemSize+1024)
		for sc.Scan() {
			line := bytes.TrimSpace(sc.Bytes())
			if len(line) == 0 {
				continue
			}
			d.ProcessedItemCount++
			var wrapper struct {
				Item json.RawMessage `json:"Item"`
			}
			it, perr := attr.Item(nil), json.Unmarshal(line, &wrapper)
			if perr == nil && len(wrapper.Item) > 0 {
				it, perr = attr.ParseItem(wrapper.Item)
			}
			if perr != nil || it == nil {
				d.ErrorCount++
				continue
			}
			if batch = append(batch, it); len(batch) == restoreBatch {
				if err := flush(); err != nil {
					f.Close()
					return err
				}
			}
		}
		serr := sc.Err()
		f.Close()
		if serr != nil {
			d.ErrorCount++ // a damaged or truncated object: the rest of it is lost
		}
	}
	return flush()
}

// importBatch checks and writes items into the named table in one
// transaction; it returns how many it wrote.
func (db *DB) importBatch(name string, items []attr.Item) (int, error) {
	if len(items) == 0 {
		return 0, nil
	}
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.closed {
		return 0, ErrClosed
	}
	t := db.tables[name]
	if t == nil {
		return 0, errTableNotFound(name)
	}
	n := 0
	err := db.store.Update(func(tx *store.Tx) error {
		for _, it := range items {
			if checkItemShape(it, "Item size has exceeded the maximum allowed size") != nil || t.checkItem(it) != nil {
				continue
			}
			if err := t.replaceItem(tx, it); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("import into %s: %w", name, err)
	}
	return n, nil
}

// DescribeImport describes an import.
func (db *DB) DescribeImport(ctx context.Context, in *DescribeImportInput) (*DescribeImportOutput, error) {
	var c constraints
	c.notNull(in.ImportArn != nil, "importArn")
	if err := c.err(); err != nil {
		return nil, err
	}
	id, ok := childARNID(*in.ImportArn, "import")
	if !ok {
		return nil, validationError("Invalid ImportArn: " + *in.ImportArn) // wording a guess
	}
	var d ImportTableDescription
	found, err := db.getRecord(importRecordPrefix+id, &d)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, &APIError{Code: CodeImportNotFound, Message: "Import not found: " + *in.ImportArn} // wording a guess
	}
	return &DescribeImportOutput{ImportTableDescription: &d}, nil
}

// ListImports lists imports in creation order, optionally into one table;
// NextToken is the last listed import's id.
func (db *DB) ListImports(ctx context.Context, in *ListImportsInput) (*ListImportsOutput, error) {
	var c constraints
	c.minInt(in.PageSize, "pageSize", 1)
	c.maxInt(in.PageSize, "pageSize", maxListExports)
	if err := c.err(); err != nil {
		return nil, err
	}
	limit := maxListExports
	if in.PageSize != nil {
		limit = int(*in.PageSize)
	}
	after := ""
	if in.NextToken != nil {
		if !validBackupID(*in.NextToken) {
			return nil, validationError("Invalid NextToken") // wording a guess
		}
		after = *in.NextToken
	}
	out := &ListImportsOutput{ImportSummaryList: []ImportSummary{}}
	var derr error
	err := db.listRecords(importRecordPrefix, after, func(id, rec string) bool {
		var d ImportTableDescription
		if derr = jsonUnmarshalString(rec, &d); derr != nil {
			return false
		}
		if in.TableArn != "" && d.TableArn != in.TableArn {
			return true
		}
		if len(out.ImportSummaryList) == limit {
			out.NextToken = after
			return false
		}
		out.ImportSummaryList = append(out.ImportSummaryList, ImportSummary{ImportArn: d.ImportArn, ImportStatus: d.ImportStatus,
			TableArn: d.TableArn, S3BucketSource: d.S3BucketSource, InputFormat: d.InputFormat, StartTime: d.StartTime, EndTime: d.EndTime})
		after = id
		return true
	})
	if err == nil {
		err = derr
	}
	if err != nil {
		return nil, fmt.Errorf("list imports: %w", err)
	}
	return out, nil
}

// importTableName is the table an ImportTable request names, for request
// logs.
func importTableName(in *ImportTableInput) string {
	if in.TableCreationParameters == nil {
		return ""
	}
	return in.TableCreationParameters.TableName
}

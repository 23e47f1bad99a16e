package engine

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"dynalab/engine/atomicfile"
	"dynalab/engine/attr"
	"dynalab/engine/internal/store"
)

// On-demand backups (issue #11).
//
// A backup is taken inside one buntdb read transaction: the table's items
// (as stored: canonical DynamoDB JSON, one item per line, gzipped), its
// catalog record (key schema, indexes, billing, stream and TTL settings)
// and its statistics, all at the same instant. The items go to a file
// beside the database, <db>.backups/<backup-id>.json.gz (written to a
// temporary name, synced and renamed), or, for an in-memory database, to
// the store under "K/"<backup-id>; the metadata record goes to
// "k/"<backup-id>. The id is <14-digit epoch ms>-<8 hex>, the service's
// form (its ARNs read …/backup/01489173575360-b308cd7d), so "k/" lists
// backups in creation order. The backup is AVAILABLE when CreateBackup
// returns, and the response says so (the service's says CREATING for a
// moment). Backups outlive their table, as the service's do.

// Backup errors and enumerations.
const (
	CodeBackupInUse         = "BackupInUseException"
	CodeTableAlreadyExists  = "TableAlreadyExistsException"
	CodeTableInUse          = "TableInUseException"
	BackupStatusAvailable   = "AVAILABLE"
	BackupStatusDeleted     = "DELETED"
	BackupTypeUser          = "USER"
	backupMetaPrefix        = "k/"
	backupDataPrefix        = "K/"
	maxListBackups          = 100
	backupsDirSuffix        = ".backups"
	backupFileSuffix        = ".json.gz"
	msgInvalidBackupARN     = "Invalid Backup ARN"
	msgBackupTimeRangeOrder = "One or more parameter values were invalid: Time range lower bound must be less than or equal to upper bound"
)

// backupMeta is a backup's metadata record ("k/" id).
type backupMeta struct {
	ID       string    `json:"id"`
	ARN      string    `json:"arn"`
	Name     string    `json:"name"`
	Created  int64     `json:"created"` // epoch ms
	TableARN string    `json:"tableArn"`
	Table    tableMeta `json:"table"` // the source's catalog record at the snapshot
	Items    int64     `json:"items"`
	Bytes    int64     `json:"bytes"`          // TableSizeBytes at the snapshot
	File     string    `json:"file,omitempty"` // file name under <db>.backups; "" when kept in the store
}

// CreateBackupInput is the CreateBackup request.
type CreateBackupInput struct {
	TableName  string  `json:"TableName"`
	BackupName *string `json:"BackupName"`
}

// CreateBackupOutput is the CreateBackup response.
type CreateBackupOutput struct {
	BackupDetails *BackupDetails `json:"BackupDetails"`
}

// BackupDetails describes a backup.
type BackupDetails struct {
	BackupArn              string  `json:"BackupArn"`
	BackupCreationDateTime float64 `json:"BackupCreationDateTime"`
	BackupName             string  `json:"BackupName"`
	BackupSizeBytes        int64   `json:"BackupSizeBytes"`
	BackupStatus           string  `json:"BackupStatus"`
	BackupType             string  `json:"BackupType"`
}

// BackupDescription is DescribeBackup's and DeleteBackup's description.
type BackupDescription struct {
	BackupDetails             *BackupDetails             `json:"BackupDetails"`
	SourceTableDetails        *SourceTableDetails        `json:"SourceTableDetails"`
	SourceTableFeatureDetails *SourceTableFeatureDetails `json:"SourceTableFeatureDetails"`
}

// SourceTableDetails is what a backup records of its table.
type SourceTableDetails struct {
	BillingMode           string                `json:"BillingMode"`
	ItemCount             int64                 `json:"ItemCount"`
	KeySchema             []KeySchemaElement    `json:"KeySchema"`
	OnDemandThroughput    *OnDemandThroughput   `json:"OnDemandThroughput,omitempty"`
	ProvisionedThroughput ProvisionedThroughput `json:"ProvisionedThroughput"`
	TableArn              string                `json:"TableArn"`
	TableCreationDateTime float64               `json:"TableCreationDateTime"`
	TableId               string                `json:"TableId"`
	TableName             string                `json:"TableName"`
	TableSizeBytes        int64                 `json:"TableSizeBytes"`
}

// SourceTableFeatureDetails lists the source's indexes, stream and TTL at
// the snapshot (empty members omitted, as the service does).
type SourceTableFeatureDetails struct {
	GlobalSecondaryIndexes []GlobalSecondaryIndex `json:"GlobalSecondaryIndexes,omitempty"`
	LocalSecondaryIndexes  []LocalSecondaryIndex  `json:"LocalSecondaryIndexes,omitempty"`
	StreamDescription      *StreamSpecification   `json:"StreamDescription,omitempty"`
	TimeToLiveDescription  *TimeToLiveDescription `json:"TimeToLiveDescription,omitempty"`
}

// DescribeBackupInput is the DescribeBackup request.
type DescribeBackupInput struct {
	BackupArn *string `json:"BackupArn"`
}

// DescribeBackupOutput is the DescribeBackup response.
type DescribeBackupOutput struct {
	BackupDescription *BackupDescription `json:"BackupDescription"`
}

// DeleteBackupInput is the DeleteBackup request.
type DeleteBackupInput struct {
	BackupArn *string `json:"BackupArn"`
}

// DeleteBackupOutput is the DeleteBackup response.
type DeleteBackupOutput struct {
	BackupDescription *BackupDescription `json:"BackupDescription"`
}

// CreateBackup snapshots a table: items, indexes and settings at one
// instant, AVAILABLE when it returns.
func (db *DB) CreateBackup(ctx context.Context, in *CreateBackupInput) (*CreateBackupOutput, error) {
	var c constraints
	c.tableName(in.TableName, "tableName")
	c.notNull(in.BackupName != nil, "backupName")
	if in.BackupName != nil {
		c.nameRules(*in.BackupName, "backupName")
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	name := tableNameFromARN(in.TableName)
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.closed {
		return nil, ErrClosed
	}
	t := db.tables[name]
	if t == nil {
		return nil, errTableNotFoundBackup(name)
	}
	now := db.now()
	id := backupID(now)
	b := &backupMeta{
		ID: id, Name: *in.BackupName, Created: now.UnixMilli(), TableARN: t.arn, Table: t.meta,
		ARN: t.arn + "/backup/" + id,
	}
	var data []byte
	err := db.store.View(func(tx *store.Tx) error {
		stats, err := tx.ReadStats(t.meta.ID)
		if err != nil {
			return err
		}
		b.Items, b.Bytes = stats.Items, stats.Bytes
		data, err = snapshotItems(tx, t)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("back up %s: %w", name, err)
	}
	if err := db.saveBackup(b, data); err != nil {
		return nil, err
	}
	return &CreateBackupOutput{BackupDetails: b.details(BackupStatusAvailable)}, nil
}

// snapshotItems gzips the table's items, one DynamoDB JSON item per line.
func snapshotItems(tx *store.Tx, t *table) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	prefix := string(t.prefix)
	var line []byte
	var werr error
	err := tx.Ascend(prefix, func(k, v string) bool {
		if !strings.HasPrefix(k, prefix) {
			return false
		}
		var it attr.Item
		if it, werr = decodeStored(v); werr != nil {
			return false
		}
		line = append(attr.AppendItem(line[:0], it), '\n')
		_, werr = zw.Write(line)
		return werr == nil
	})
	if err := errors.Join(err, werr, zw.Close()); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// saveBackup stores a backup's items, then its metadata record.
func (db *DB) saveBackup(b *backupMeta, data []byte) error {
	if db.Path() != InMemory {
		b.File = b.ID + backupFileSuffix
		if err := writeFileSynced(filepath.Join(db.backupsDir(), b.File), data); err != nil {
			return fmt.Errorf("write backup %s: %w", b.ARN, err)
		}
	}
	rec, err := jsonString(b)
	if err != nil {
		return err
	}
	err = db.store.Update(func(tx *store.Tx) error {
		if b.File == "" {
			if err := tx.Set(backupDataPrefix+b.ID, string(data)); err != nil {
				return err
			}
		}
		return tx.Set(backupMetaPrefix+b.ID, rec)
	})
	if err != nil {
		return fmt.Errorf("record backup %s: %w", b.ARN, err)
	}
	return nil
}

// backupsDir is the directory beside the database file holding backups.
func (db *DB) backupsDir() string { return db.Path() + backupsDirSuffix }

// writeFileSynced writes a backup or an export object through
// atomicfile (synced file, rename, synced directory): private (0600,
// directories 0700: it holds a table's items) unless it replaces a file,
// whose mode it keeps.
func writeFileSynced(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return atomicfile.WriteFile(path, data, 0o600)
}

// backupData returns a backup's gzipped items.
func (db *DB) backupData(b *backupMeta) ([]byte, error) {
	if b.File != "" {
		data, err := os.ReadFile(filepath.Join(db.backupsDir(), b.File))
		if err != nil {
			return nil, fmt.Errorf("read backup %s: %w", b.ARN, err)
		}
		return data, nil
	}
	var data string
	err := db.store.View(func(tx *store.Tx) error {
		var err error
		data, err = tx.Get(backupDataPrefix + b.ID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read backup %s: %w", b.ARN, err)
	}
	return []byte(data), nil
}

// DescribeBackup describes a backup.
func (db *DB) DescribeBackup(ctx context.Context, in *DescribeBackupInput) (*DescribeBackupOutput, error) {
	b, err := db.lookupBackup(in.BackupArn)
	if err != nil {
		return nil, err
	}
	return &DescribeBackupOutput{BackupDescription: b.description(BackupStatusAvailable)}, nil
}

// DeleteBackup deletes a backup; the response describes it as DELETED.
func (db *DB) DeleteBackup(ctx context.Context, in *DeleteBackupInput) (*DeleteBackupOutput, error) {
	b, err := db.lookupBackup(in.BackupArn)
	if err != nil {
		return nil, err
	}
	err = db.store.Update(func(tx *store.Tx) error {
		if found, err := tx.Take(backupMetaPrefix + b.ID); err != nil || !found {
			if err == nil {
				err = errBackupNotFound(*in.BackupArn)
			}
			return err
		}
		return tx.Delete(backupDataPrefix + b.ID)
	})
	if err != nil {
		var api *APIError
		if errors.As(err, &api) {
			return nil, api
		}
		return nil, fmt.Errorf("delete backup %s: %w", b.ARN, err)
	}
	if b.File != "" {
		if err := os.Remove(filepath.Join(db.backupsDir(), b.File)); err != nil && !os.IsNotExist(err) {
			return nil, fmt.Errorf("delete backup file of %s: %w", b.ARN, err)
		}
	}
	return &DeleteBackupOutput{BackupDescription: b.description(BackupStatusDeleted)}, nil
}

// lookupBackup validates a BackupArn and reads its metadata record. Like
// the service, the lookup is by backup id: the region in the ARN is not
// compared (DDB-BACKUP-012).
func (db *DB) lookupBackup(arn *string) (*backupMeta, error) {
	var c constraints
	c.notNull(arn != nil, "backupArn")
	if err := c.err(); err != nil {
		return nil, err
	}
	id, ok := backupIDOf(*arn)
	if !ok {
		return nil, validationError(msgInvalidBackupARN)
	}
	var b *backupMeta
	err := db.store.View(func(tx *store.Tx) error {
		v, err := tx.Get(backupMetaPrefix + id)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		b = new(backupMeta)
		return jsonUnmarshalString(v, b)
	})
	if err != nil {
		return nil, fmt.Errorf("read backup %s: %w", *arn, err)
	}
	if b == nil {
		return nil, errBackupNotFound(*arn)
	}
	return b, nil
}

// backupIDOf returns the id of arn:…:dynamodb:…:table/NAME/backup/ID.
func backupIDOf(arn string) (string, bool) {
	_, rest, ok := parseTableARN(arn)
	if !ok {
		return "", false
	}
	id, found := strings.CutPrefix(rest, "/backup/")
	if !found || !validBackupID(id) {
		return "", false
	}
	return id, true
}

// validBackupID reports whether id is 14 digits, '-' and 8 hex digits.
func validBackupID(id string) bool {
	if len(id) != 23 || id[14] != '-' {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case i == 14:
		case i < 14 && c >= '0' && c <= '9':
		case i > 14 && (c >= '0' && c <= '9' || c >= 'a' && c <= 'f'):
		default:
			return false
		}
	}
	return true
}

func backupID(now time.Time) string {
	var r [4]byte
	_, _ = rand.Read(r[:])
	return fmt.Sprintf("%014d-%s", now.UnixMilli(), hex.EncodeToString(r[:]))
}

func (b *backupMeta) details(status string) *BackupDetails {
	return &BackupDetails{
		BackupArn: b.ARN, BackupCreationDateTime: epochSeconds(time.UnixMilli(b.Created)), BackupName: b.Name,
		BackupSizeBytes: b.Bytes, BackupStatus: status, BackupType: BackupTypeUser,
	}
}

func (b *backupMeta) description(status string) *BackupDescription {
	m := &b.Table
	src := &SourceTableDetails{
		BillingMode: m.BillingMode, ItemCount: b.Items, KeySchema: m.KeySchema, OnDemandThroughput: m.describeOnDemand(),
		ProvisionedThroughput: ProvisionedThroughput{ReadCapacityUnits: &m.ReadCapacity, WriteCapacityUnits: &m.WriteCapacity},
		TableArn:              b.TableARN, TableCreationDateTime: epochSeconds(time.UnixMilli(m.CreatedMillis)),
		TableId: m.TableID, TableName: m.Name, TableSizeBytes: b.Bytes,
	}
	feat := &SourceTableFeatureDetails{}
	for _, im := range backedUpIndexes(m) {
		p := im.Projection
		if im.Global {
			g := GlobalSecondaryIndex{IndexName: im.Name, KeySchema: im.KeySchema, Projection: &p}
			r, w := im.ReadCapacity, im.WriteCapacity
			g.ProvisionedThroughput = &ProvisionedThroughput{ReadCapacityUnits: &r, WriteCapacityUnits: &w}
			feat.GlobalSecondaryIndexes = append(feat.GlobalSecondaryIndexes, g)
		} else {
			feat.LocalSecondaryIndexes = append(feat.LocalSecondaryIndexes, LocalSecondaryIndex{IndexName: im.Name, KeySchema: im.KeySchema, Projection: &p})
		}
	}
	if s := m.Stream; s != nil && s.Enabled {
		on := true
		feat.StreamDescription = &StreamSpecification{StreamEnabled: &on, StreamViewType: s.ViewType}
	}
	if ttl := m.TTL; ttl != nil && ttl.Enabled {
		feat.TimeToLiveDescription = &TimeToLiveDescription{TimeToLiveStatus: ttl.reported(), AttributeName: ttl.Attribute}
	}
	return &BackupDescription{BackupDetails: b.details(status), SourceTableDetails: src, SourceTableFeatureDetails: feat}
}

// backedUpIndexes are the indexes a backup records and a restore builds:
// all but those being deleted.
func backedUpIndexes(m *tableMeta) []indexMeta {
	var out []indexMeta
	for _, im := range m.Indexes {
		if im.Status != StatusDeleting {
			out = append(out, im)
		}
	}
	return out
}

// errTableNotFoundBackup is the backup family's missing-table error
// (DDB-TABLE-098: TableNotFoundException "Table not found: <name>").
func errTableNotFoundBackup(name string) *APIError {
	return &APIError{Code: CodeTableNotFound, Message: "Table not found: " + name}
}

func errBackupNotFound(arn string) *APIError {
	return &APIError{Code: CodeBackupNotFound, Message: "Backup not found: " + arn}
}

func jsonString(v any) (string, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode %T: %w", v, err)
	}
	return string(data), nil
}

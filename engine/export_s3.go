package engine

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"dynalab/engine/internal/store"
)

// The local S3 stand-in of ExportTableToPointInTime and ImportTable: a
// directory (Options.S3Dir, `dynalab serve --s3-dir DIR`) in which object
// KEY of bucket B is the file DIR/B/KEY. Without one, those operations are
// refused with a ValidationException saying how to start the server.
//
// Export and import records are kept in the store, "E/" and "I/" + id,
// where id has the backup id's form (<14-digit epoch ms>-<8 hex>), so a
// prefix scan lists them in creation order.

const (
	exportRecordPrefix = "E/"
	importRecordPrefix = "I/"
	maxListExports     = 25
	s3BucketPattern    = `^[a-z0-9A-Z]+[\.\-\w]*[a-z0-9A-Z]+$`
)

var s3BucketRE = regexp.MustCompile(s3BucketPattern)

// SetS3Dir sets the local S3 stand-in's directory ("" turns it off): for
// callers that open the DB before they know it (dynalab serve --s3-dir).
func (db *DB) SetS3Dir(dir string) {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.s3Dir = dir
}

// s3Root returns the S3 stand-in directory, or the error for op when
// there is none.
func (db *DB) s3Root(op string) (string, error) {
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.s3Dir == "" {
		return "", Validationf("%s needs a local S3 stand-in: start dynalab serve with --s3-dir DIR (bucket B, prefix P are the directory DIR/B/P)", op)
	}
	return db.s3Dir, nil
}

// s3File maps bucket and key to a file under root, refusing keys that
// would leave the bucket's directory.
func s3File(root, bucket, key string) (string, error) {
	if !s3BucketRE.MatchString(bucket) || strings.Contains(bucket, "..") {
		return "", Validationf("Invalid S3 bucket name: %s", bucket)
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == "." || seg == ".." || strings.ContainsRune(seg, '\\') {
			return "", Validationf("Invalid S3 key: %s (dynalab's local S3 stand-in refuses . and .. segments)", key)
		}
	}
	return filepath.Join(root, bucket, filepath.FromSlash(key)), nil
}

// s3Key joins a prefix ("" or "a/b", with or without a trailing slash) and
// a name.
func s3Key(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return strings.TrimSuffix(prefix, "/") + "/" + name
}

// putRecord stores an export or import record.
func (db *DB) putRecord(key string, v any) error {
	rec, err := jsonString(v)
	if err != nil {
		return err
	}
	return db.store.Update(func(tx *store.Tx) error { return tx.Set(key, rec) })
}

// getRecord reads a record into v; found is false when there is none.
func (db *DB) getRecord(key string, v any) (found bool, err error) {
	err = db.store.View(func(tx *store.Tx) error {
		s, err := tx.Get(key)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		found = true
		return jsonUnmarshalString(s, v)
	})
	if err != nil {
		return false, fmt.Errorf("read %q: %w", key, err)
	}
	return found, nil
}

// listRecords calls fn with each record under prefix after the id after
// ("" from the start), in id order, until fn returns false.
func (db *DB) listRecords(prefix, after string, fn func(id, rec string) bool) error {
	from := prefix
	if after != "" {
		from = prefix + after + "\x00"
	}
	return db.store.View(func(tx *store.Tx) error {
		return tx.Ascend(from, func(k, v string) bool {
			if !strings.HasPrefix(k, prefix) {
				return false
			}
			return fn(k[len(prefix):], v)
		})
	})
}

// childARNID returns the id of arn:…:table/NAME/<kind>/ID.
func childARNID(arn, kind string) (string, bool) {
	_, rest, ok := parseTableARN(arn)
	if !ok {
		return "", false
	}
	id, found := strings.CutPrefix(rest, "/"+kind+"/")
	if !found || !validBackupID(id) {
		return "", false
	}
	return id, true
}

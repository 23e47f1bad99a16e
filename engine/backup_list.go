package engine

import (
	"context"
	"fmt"
	"math"
	"strings"

	"dynalab/engine/internal/store"
)

// ListBackupsInput is the ListBackups request.
type ListBackupsInput struct {
	TableName               string   `json:"TableName,omitempty"`
	Limit                   *int64   `json:"Limit,omitempty"`
	TimeRangeLowerBound     *float64 `json:"TimeRangeLowerBound,omitempty"`
	TimeRangeUpperBound     *float64 `json:"TimeRangeUpperBound,omitempty"`
	ExclusiveStartBackupArn *string  `json:"ExclusiveStartBackupArn,omitempty"`
	BackupType              string   `json:"BackupType,omitempty"`
}

// ListBackupsOutput is the ListBackups response.
type ListBackupsOutput struct {
	BackupSummaries        []BackupSummary `json:"BackupSummaries"`
	LastEvaluatedBackupArn string          `json:"LastEvaluatedBackupArn,omitempty"`
}

// BackupSummary is one backup in ListBackups.
type BackupSummary struct {
	BackupArn              string  `json:"BackupArn"`
	BackupCreationDateTime float64 `json:"BackupCreationDateTime"`
	BackupName             string  `json:"BackupName"`
	BackupSizeBytes        int64   `json:"BackupSizeBytes"`
	BackupStatus           string  `json:"BackupStatus"`
	BackupType             string  `json:"BackupType"`
	TableArn               string  `json:"TableArn"`
	TableId                string  `json:"TableId"`
	TableName              string  `json:"TableName"`
}

// ListBackups lists backups in creation order, as the service does
// (DDB-BACKUP-014): BackupType defaults to USER (dynalab makes no SYSTEM
// or AWS_BACKUP backups), the time range is [lower, upper) at millisecond
// precision, ExclusiveStartBackupArn is a pure cursor (a deleted backup's
// ARN resumes after its place), and LastEvaluatedBackupArn is returned
// only when more backups match.
func (db *DB) ListBackups(ctx context.Context, in *ListBackupsInput) (*ListBackupsOutput, error) {
	var c constraints
	if in.TableName != "" {
		c.tableName(in.TableName, "tableName")
	}
	c.minInt(in.Limit, "limit", 1)
	c.maxInt(in.Limit, "limit", maxListBackups)
	c.enum(in.BackupType, "backupType", "USER", "SYSTEM", "AWS_BACKUP", "ALL")
	if err := c.err(); err != nil {
		return nil, err
	}
	lo, hi := int64(-1<<62), int64(1<<62)
	if in.TimeRangeLowerBound != nil {
		lo = int64(math.Round(*in.TimeRangeLowerBound * 1000))
	}
	if in.TimeRangeUpperBound != nil {
		hi = int64(math.Round(*in.TimeRangeUpperBound * 1000))
	}
	if lo > hi {
		return nil, validationError(msgBackupTimeRangeOrder)
	}
	start := backupMetaPrefix
	if a := in.ExclusiveStartBackupArn; a != nil {
		id, ok := backupIDOf(*a)
		if !ok {
			return nil, validationError(msgInvalidBackupARN)
		}
		start = backupMetaPrefix + id + "\x00" // just after it
	}
	limit := maxListBackups
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	table := tableNameFromARN(in.TableName)
	out := &ListBackupsOutput{BackupSummaries: []BackupSummary{}}
	if in.BackupType == "SYSTEM" || in.BackupType == "AWS_BACKUP" {
		return out, nil
	}
	var more bool
	err := db.store.View(func(tx *store.Tx) error {
		var err error
		iterErr := tx.Ascend(start, func(k, v string) bool {
			if !strings.HasPrefix(k, backupMetaPrefix) {
				return false
			}
			var b backupMeta
			if err = jsonUnmarshalString(v, &b); err != nil {
				return false
			}
			if (table != "" && b.Table.Name != table) || b.Created < lo || b.Created >= hi {
				return true
			}
			if len(out.BackupSummaries) == limit {
				more = true
				return false
			}
			out.BackupSummaries = append(out.BackupSummaries, b.summary())
			return true
		})
		if iterErr != nil {
			return iterErr
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list backups: %w", err)
	}
	if more {
		out.LastEvaluatedBackupArn = out.BackupSummaries[len(out.BackupSummaries)-1].BackupArn
	}
	return out, nil
}

func (b *backupMeta) summary() BackupSummary {
	d := b.details(BackupStatusAvailable)
	return BackupSummary{
		BackupArn: d.BackupArn, BackupCreationDateTime: d.BackupCreationDateTime, BackupName: d.BackupName,
		BackupSizeBytes: d.BackupSizeBytes, BackupStatus: d.BackupStatus, BackupType: d.BackupType,
		TableArn: b.TableARN, TableId: b.Table.TableID, TableName: b.Table.Name,
	}
}

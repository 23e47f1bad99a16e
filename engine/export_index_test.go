package engine

// SetIndexPace sets how many entries an online index build or removal
// handles per transaction and how many transactions it runs per
// RunMaintenance (0: the default), so tests can step a backfill.
func SetIndexPace(db *DB, batch, batches int) { db.setIndexPace(batch, batches) }

package engine

// SetItemCollectionLimit lowers the item-collection size limit, so tests
// reach it without 10 GB of data.
func SetItemCollectionLimit(db *DB, bytes int64) { db.collectionLimit = bytes }

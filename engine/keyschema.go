package engine

// PartitionKey returns the partition key attribute of a table (named by
// its name or ARN) or, when index is not "", of that index of the table.
// ok is false when there is no such table or index. The auth package
// derives dynamodb:LeadingKeys with it.
func (db *DB) PartitionKey(table, index string) (name string, ok bool) {
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.closed {
		return "", false
	}
	t := db.tables[tableNameFromARN(table)]
	if t == nil {
		return "", false
	}
	if index == "" {
		return t.hashName, true
	}
	for _, ix := range t.indexes {
		if ix.meta.Name == index {
			return ix.hashName, true
		}
	}
	return "", false
}

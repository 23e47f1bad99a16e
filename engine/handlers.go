package engine

// handlers maps operation names to their wire adapters. It is built once and
// never changed.
var handlers = map[string]handler{
	"CreateTable": wireOp((*DB).CreateTable,
		func(in *CreateTableInput) string { return in.TableName }),
	"DescribeTable": wireOp((*DB).DescribeTable,
		func(in *DescribeTableInput) string { return in.TableName }),
	"ListTables": wireOp((*DB).ListTables, nil),
	"DeleteTable": wireOp((*DB).DeleteTable,
		func(in *DeleteTableInput) string { return in.TableName }),
	"UpdateTable": wireOp((*DB).UpdateTable,
		func(in *UpdateTableInput) string { return in.TableName }),
	"PutItem": wireOp((*DB).PutItem,
		func(in *PutItemInput) string { return in.TableName }),
	"GetItem": wireOp((*DB).GetItem,
		func(in *GetItemInput) string { return in.TableName }),
	"UpdateItem": wireOp((*DB).UpdateItem,
		func(in *UpdateItemInput) string { return in.TableName }),
	"DeleteItem": wireOp((*DB).DeleteItem,
		func(in *DeleteItemInput) string { return in.TableName }),
	"Query": wireOp((*DB).Query,
		func(in *QueryInput) string { return in.TableName }),
	"Scan": wireOp((*DB).Scan,
		func(in *ScanInput) string { return in.TableName }),
	"BatchWriteItem":     wireOp((*DB).BatchWriteItem, nil),
	"BatchGetItem":       wireOp((*DB).BatchGetItem, nil),
	"TransactWriteItems": wireOp((*DB).TransactWriteItems, nil),
	"TransactGetItems":   wireOp((*DB).TransactGetItems, nil),
}

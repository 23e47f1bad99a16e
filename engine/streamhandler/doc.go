// Package streamhandler runs local DynamoDB stream handlers, the way AWS
// Lambda runs a function on a table's stream: for each batch of records, a
// command is run with the Lambda DynamoDB event JSON ({"Records":[...]}) on
// its standard input. dynalab serve --on-stream TABLE=COMMAND uses it, so a
// Lambda handler can be tried locally with a small shim that reads the
// event from stdin.
//
// A runner follows the table's latest stream through its shards (parents
// before children, via NextShardIterator and DescribeStream's CHILD_SHARDS
// filter) and on to the next stream when the table's stream is disabled
// and enabled again. A batch whose command fails (non-zero exit) is retried
// with exponential backoff and the runner does not move past it, as Lambda
// does with the default MaximumRetryAttempts of -1; a finite
// Config.MaxRetries skips the batch after that many retries, with a log
// line. The command's output and the runner's messages go to Config.Log.
//
// Runners read through the engine's own Streams operations, in process,
// and wake on the engine's change subscription, so a handler sees a write
// within milliseconds without polling the storage.
package streamhandler

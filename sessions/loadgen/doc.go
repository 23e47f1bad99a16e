// Package loadgen drives a steady workload against one table — GetItem,
// Query and PutItem at a fixed rate, with uniform, hot or Zipf-distributed
// keys — and measures what happened: requests, throttles, failures,
// consumed capacity and latency percentiles. It is what `dynalab load`
// runs, to show throttling, burst capacity and hot partitions in class.
//
// Run takes any Client (a sessions.Backend is one) and an injectable
// Clock: the rate is paced, and every time is measured, on that clock, so
// a test that gives the engine and the generator one fake clock runs a
// minute of load at once, with the engine's token buckets refilling on the
// same seconds. Progress goes to a callback; the package draws nothing.
//
// Throttling errors (ThrottlingException,
// ProvisionedThroughputExceededException) are counted as throttles, never
// as failures, and never retried: each request is one attempt, so the
// counts match what the server meters.
package loadgen

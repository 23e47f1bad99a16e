// Package pricing is DynamoDB's capacity and cost arithmetic: the read and
// write units an item costs, the capacity a steady workload needs, the
// partitions that capacity and storage imply, and a month's bill on demand
// and provisioned under an overridable price table.
//
// It is pure arithmetic, with no dependency on the rest of dynalab, so the
// workbench's capacity pane, `dynalab calc` and tests share one set of
// formulas.
//
// What the estimate models, and what it leaves out:
//
//   - Sizes are binary (1 KB = 1024 B, 1 GB = 2^30 B), as the service
//     meters them.
//   - Every read and write is of a whole item of Traffic.ItemBytes; a
//     Query or Scan summing several items is for the engine to meter.
//   - Each GSI holds the whole item (projection ALL) for the share of items
//     it indexes, so it is written at the item's size and stores that share
//     of the table. GSI writes are standard writes even when the table write
//     is transactional: the 2× (prepare + commit) applies to the base table.
//     Reads are assumed to go to the table, so a provisioned GSI gets the
//     minimum of 1 RCU.
//   - Provisioned capacity is the requirement rounded up to whole units, at
//     least 1 RCU and 1 WCU per table and per GSI, with no auto-scaling
//     headroom (a target utilization of 70% would provision about 1.4×).
//   - Not counted: the free tier, reserved capacity, backups, global-table
//     replication, data transfer, and the 100 bytes of per-item index
//     overhead the service adds to storage.
package pricing

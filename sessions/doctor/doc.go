// Package doctor applies the closing checklist of DynamoDB data modeling
// to a session: each problem it finds is a Finding with a severity, the
// table and index it concerns, a stable check id, the evidence and a fix.
//
// The checks, by id:
//
//	scan                     a saved access pattern plans as a Scan; the fix is the
//	                         index that serves it or the GSI to add (partiql's
//	                         IndexAdvice, the same advice EXPLAIN prints)
//	filtered-query           a pattern's Query reads items its filter then drops
//	pattern-error            a saved access pattern that no longer plans
//	unused-gsi               a GSI that no saved pattern and no recorded read uses
//	projection-fetch         a pattern reads attributes its index does not project
//	hot-key                  a partition key near the per-key limit, or hottest while
//	                         the table was throttled (capacity history)
//	throttled                requests refused for want of capacity (capacity history)
//	provisioned-idle         provisioned capacity mostly unused, on-demand cheaper
//	large-item               items over 100 KB
//	item-near-limit          items within 50 KB of the 400 KB item limit
//	collection-near-limit    an item collection past 80% of 10 GB on a table with LSIs
//	ttl-off                  an expiry-like attribute holds epoch seconds, TTL is off
//	pitr-off                 a production-like table without point-in-time recovery
//	deletion-protection-off  a production-like table without deletion protection
//
// Severities: Error is a hard limit reached or about to be (writes will be
// refused); Warning costs money or capacity, or risks failure under load;
// Info is worth knowing and needs no action. A report with anything above
// Info fails (dynalab doctor exits 1).
//
// Traffic checks read the session's capacity rollup (sessions.ReadCapacity),
// which the workbench and dynalab serve record while they run.
package doctor

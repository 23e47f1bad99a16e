// Package samples holds dynalab's sample data models, for learning: each
// sample is a set of tables with their indexes, a few dozen to a few
// hundred realistic items, and saved queries that show its access patterns.
//
//	single-table     users, orders and addresses in one table (AppTable) with
//	                 an email reverse index, status index items, GSI1 and GSI2
//	product-catalog  the AWS documentation's ProductCatalog, Forum, Thread and
//	                 Reply tables
//	time-series      sensor readings with write sharding against hot partitions
//
// The samples are embedded, one directory per sample under data/:
//
//	about.txt          the title (first line), a blank line, the description
//	tables/T.json      CreateTable input of table T (the service's JSON)
//	items/T.jsonl      the items of table T, one DynamoDB JSON item per line
//	queries/NAME.sql   a saved query, in the form sessions.SaveQuery keeps:
//	                   leading "--" lines describe it
//	model.json         all of the above as one model file (sessions/model),
//	                   with facets inferred from the items; generated from
//	                   the data by sessions/model's TestSampleModelFiles -update
//
// Load creates a sample's tables on any Backend (refusing, or with
// Options.Replace deleting and recreating, tables that exist), writes the
// items with BatchWriteItem and saves the queries into a session.
package samples

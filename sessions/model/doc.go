// Package model reads, checks, applies and exports data models: model
// first, data second. A model file is JSON:
//
//	{
//	  "Version": 1,
//	  "Name": "shop",
//	  "Description": "what it models",
//	  "Tables": [{
//	    "TableName": "Shop",                               the CreateTable request, in the
//	    "AttributeDefinitions": [...], "KeySchema": [...],  service's own JSON: keys, billing,
//	    "BillingMode": "PAY_PER_REQUEST",                  LSIs and GSIs with projections,
//	    "GlobalSecondaryIndexes": [...],                   stream, table class
//	    "StreamSpecification": {...},
//	    "TimeToLiveAttribute": "expiresAt",                UpdateTimeToLive's attribute
//	    "NonKeyAttributes": [{"AttributeName": "total", "AttributeType": "N"}],
//	    "Facets": [                                        entity types stored in the table
//	      {"Name": "Order", "PartitionKey": "USER#{userId}", "SortKey": "ORDER#{orderId}",
//	       "Attributes": ["userId", "orderId", "total"]}
//	    ],
//	    "Items": [{"PK": {"S": "USER#u1"}, ...}]           sample items, DynamoDB JSON
//	  }],
//	  "AccessPatterns": [
//	    {"Name": "user-orders", "Description": "A user's orders.",
//	     "Statement": "SELECT * FROM Shop WHERE PK = ?", "Parameters": [{"S": "USER#u1"}],
//	     "Facet": "Order"},
//	    {"Name": "get-user", "Request": {"Operation": "GetItem", "Input": {"TableName": "Shop", ...}}}
//	  ]
//	}
//
// A facet's key patterns are literal text with {name} placeholders; a
// placeholder inside text names one of the facet's Attributes, a pattern
// that is one placeholder ({ProductId}) only labels the key's value, and
// a number or binary key takes no text. An access pattern is a PartiQL
// statement with example values for its ? parameters, or an API request
// (GetItem, Query, Scan, PutItem, UpdateItem, DeleteItem with its request
// body); Facet names what it returns.
//
// Parse reads a file keeping every value's line, and File.Check reports
// each problem as FILE:LINE: message: the file's JSON and members, key
// schemas and AttributeDefinitions, indexes and projections, billing,
// streams, TTL, facets and their key patterns, sample items, access
// patterns (statements parse, name tables, indexes and facets the model
// has, have their parameters); then, when all that holds, the service's
// own validation, by creating the tables, writing the items and planning
// the statements on an in-memory engine.
//
// Apply makes a backend's tables the model's: it creates missing tables,
// adds GSIs, sets billing, streams and TTL, and drops or recreates tables
// and indexes whose definition changed only with Options.AllowDestructive
// (Plan lists the changes first); it writes the sample items and saves
// the access patterns as the session's saved queries (QueryText's form,
// runnable as they are) and the model itself (SessionModel). Export
// writes a backend's tables, the session's saved queries and the facets
// (the applied model's, else inferred from key prefixes like USER#… in a
// sample of items) as a model.
//
// FromWorkbench and ToWorkbench convert to and from the data model JSON
// that NoSQL Workbench for DynamoDB imports and exports (workbench.go);
// Read and Load take either format.
package model

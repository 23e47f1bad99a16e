-- A user's orders, newest first: one Query on the user's item collection.
-- The sort key starts with the order's time, so ORDER BY SK DESC is newest first.
SELECT * FROM "AppTable" WHERE PK = 'USER#u123' AND begins_with(SK, 'ORDER#') ORDER BY SK DESC;

-- A user's delivered orders, most recently delivered first: a Query on GSI2,
-- whose sort key is <status>#<statusAt>#<orderId>. Narrow it to a month with
-- begins_with(GSI2SK, 'DELIVERED#2025-01').
SELECT * FROM "AppTable"."GSI2" WHERE GSI2PK = 'USER#u123' AND begins_with(GSI2SK, 'DELIVERED#') ORDER BY GSI2SK DESC;

-- A user's delivered orders again, on GSI2-multi: a multi-attribute key
-- (the service's November 2025 feature) whose sort key is status, then
-- statusAt - the order's own attributes, each with its own type. No
-- 'DELIVERED#<time>#<id>' string to build, parse or keep in sync.
SELECT * FROM "AppTable"."GSI2-multi" WHERE userId = 'u123' AND "status" = 'DELIVERED' ORDER BY "status" DESC, statusAt DESC;

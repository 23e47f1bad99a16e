-- Orders waiting to ship (status PAID), across all users: a Query of the
-- STATUS#PAID status-index items. Only open orders have one.
SELECT * FROM "AppTable" WHERE PK = 'STATUS#PAID';

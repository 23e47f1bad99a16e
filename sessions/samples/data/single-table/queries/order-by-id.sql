-- An order by its id alone, and who placed it: a Query on GSI1, the inverted
-- index (GSI1PK = ORDER#<orderId>, GSI1SK = USER#<userId>).
SELECT * FROM "AppTable"."GSI1" WHERE GSI1PK = 'ORDER#o1007';

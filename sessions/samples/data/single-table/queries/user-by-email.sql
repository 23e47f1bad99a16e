-- Who has this email address? A GetItem of the email reverse-index item,
-- which holds the userId (and keeps emails unique).
SELECT * FROM "AppTable" WHERE PK = 'EMAIL#bob@example.com' AND SK = 'EMAIL';

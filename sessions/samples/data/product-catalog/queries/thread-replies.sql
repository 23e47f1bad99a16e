-- A thread's replies in February 2025, oldest first: a Query of Reply with a
-- range on the sort key ReplyDateTime (ISO times sort as strings).
SELECT * FROM "Reply" WHERE Id = 'Amazon DynamoDB#Choosing a partition key for a leaderboard' AND ReplyDateTime BETWEEN '2025-02-01' AND '2025-02-10';

-- A forum's threads, by subject: a Query of Thread on the forum's partition.
SELECT * FROM "Thread" WHERE ForumName = 'Amazon DynamoDB';

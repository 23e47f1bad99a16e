-- Everything one person replied, in any forum: a Query on the
-- PostedBy-Message-Index global secondary index of Reply.
SELECT Id, ReplyDateTime, Message FROM "Reply"."PostedBy-Message-Index" WHERE PostedBy = 'Priya';

-- One sensor's readings in a one-minute window, across all four shards:
-- PK IN [...] runs one Query per shard key (the results come shard by shard;
-- merge them by SK in the client).
SELECT * FROM "SensorReadings"
WHERE PK IN ['sensor#greenhouse-1#0', 'sensor#greenhouse-1#1', 'sensor#greenhouse-1#2', 'sensor#greenhouse-1#3']
  AND SK BETWEEN '2025-03-01T12:02:00Z' AND '2025-03-01T12:02:59Z';

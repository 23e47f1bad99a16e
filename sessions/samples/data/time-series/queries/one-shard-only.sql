-- The same window read from shard 0 only: a single Query finds one reading
-- in four. This is why a sharded read must ask every shard.
SELECT * FROM "SensorReadings" WHERE PK = 'sensor#greenhouse-1#0' AND SK BETWEEN '2025-03-01T12:02:00Z' AND '2025-03-01T12:02:59Z';

-- The reading at 12:05:30 as a GetItem: its shard is calculated, not random:
-- (epoch seconds / 15) mod 4 = 2 for 2025-03-01T12:05:30Z.
SELECT * FROM "SensorReadings" WHERE PK = 'sensor#greenhouse-1#2' AND SK = '2025-03-01T12:05:30Z';

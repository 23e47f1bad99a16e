-- When did boiler-3 run above 65 degrees? One Query per shard over the whole
-- period, with a filter on temperature (items are read, then filtered).
SELECT SK, temperature, PK FROM "SensorReadings"
WHERE PK IN ['sensor#boiler-3#0', 'sensor#boiler-3#1', 'sensor#boiler-3#2', 'sensor#boiler-3#3']
  AND SK BETWEEN '2025-03-01T12:00:00Z' AND '2025-03-01T12:10:00Z'
  AND temperature > 65;

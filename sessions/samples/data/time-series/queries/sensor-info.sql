-- A sensor's settings, including how many shards its readings are spread
-- over: a GetItem on Sensors. Readers start here.
SELECT * FROM "Sensors" WHERE SensorId = 'greenhouse-1';

-- seed 004: a metrics table per test database
CREATE TABLE events (ts DateTime, worker String, n UInt32) ENGINE = MergeTree ORDER BY (worker, ts);

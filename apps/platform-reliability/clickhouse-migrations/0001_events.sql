-- Raw metric events, and their per-minute rollup kept by a materialized view (ClickHouse 18.16 syntax).
CREATE TABLE events (
  ts DateTime,
  service String,
  metric String,
  value Float64
) ENGINE = MergeTree() PARTITION BY toYYYYMMDD(ts) ORDER BY (metric, service, ts);

CREATE TABLE events_per_minute (
  minute DateTime,
  service String,
  metric String,
  events UInt64,
  total Float64
) ENGINE = SummingMergeTree() ORDER BY (metric, service, minute);

CREATE MATERIALIZED VIEW events_per_minute_mv TO events_per_minute AS
  SELECT toStartOfMinute(ts) AS minute, service, metric, count() AS events, sum(value) AS total
  FROM events GROUP BY minute, service, metric;

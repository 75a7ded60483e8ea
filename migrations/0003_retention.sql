-- 0003_retention: per-minute roll-ups of resource samples, written by pruning (`blackbox prune`) when raw
-- samples grow older than their retention period. Times are Unix nanoseconds; sizes are bytes.

-- One minute of one container's samples: min/avg/max of the gauges, the last reading of the cumulative counters.
CREATE TABLE sample_rollups (
    container_key             INTEGER NOT NULL REFERENCES container_keys (key),
    minute_ns                 INTEGER NOT NULL,               -- start of the minute (a multiple of 60 s)
    samples                   INTEGER NOT NULL CHECK (samples >= 1), -- raw samples folded in
    last_ts_ns                INTEGER NOT NULL,               -- time of the last raw sample (the counters' reading)
    cpu_pct_min               REAL,                           -- as docker stats: 100 = one CPU; NULL when no sample had a value
    cpu_pct_avg               REAL,
    cpu_pct_max               REAL,
    cpu_pct_of_limit_min      REAL,
    cpu_pct_of_limit_avg      REAL,
    cpu_pct_of_limit_max      REAL,
    mem_usage_bytes_min       INTEGER NOT NULL,
    mem_usage_bytes_avg       REAL    NOT NULL,
    mem_usage_bytes_max       INTEGER NOT NULL,
    mem_working_set_bytes_min INTEGER NOT NULL,
    mem_working_set_bytes_avg REAL    NOT NULL,
    mem_working_set_bytes_max INTEGER NOT NULL,
    pids_min                  INTEGER NOT NULL,
    pids_avg                  REAL    NOT NULL,
    pids_max                  INTEGER NOT NULL,
    mem_limit_bytes           INTEGER NOT NULL,               -- last reading
    cpu_throttled_periods     INTEGER NOT NULL,               -- cumulative counters: last reading of the minute
    net_rx_bytes              INTEGER NOT NULL,
    net_tx_bytes              INTEGER NOT NULL,
    blk_read_bytes            INTEGER NOT NULL,
    blk_write_bytes           INTEGER NOT NULL,
    PRIMARY KEY (container_key, minute_ns)
) WITHOUT ROWID;

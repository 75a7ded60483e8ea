-- 0009_kernel_oom_counters: the kernel's OOM counters of each container's memory cgroup, read with every cgroup
-- sample (issue 17). The engine does not always report an OOM kill (Podman sends no `oom` event and reports
-- `OOMKilled: false`; so does Docker on some cgroup v2 hosts); the kernel counts every one. All three are
-- cumulative counts since the container's start; NULL when not read (the stats-API sampler has none of them).

-- oom_kills:      processes OOM-killed in the cgroup (v1 memory.oom_control oom_kill; v2 memory.events oom_kill)
-- ooms:           times usage reached the limit and the OOM killer ran (v2 memory.events oom; NULL on v1)
-- mem_limit_hits: times usage hit the limit (v1 memory.failcnt; v2 memory.events max)
ALTER TABLE samples ADD COLUMN oom_kills INTEGER;
ALTER TABLE samples ADD COLUMN ooms INTEGER;
ALTER TABLE samples ADD COLUMN mem_limit_hits INTEGER;

-- A roll-up keeps the minute's last reading of each, as for the other cumulative counters.
ALTER TABLE sample_rollups ADD COLUMN oom_kills INTEGER;
ALTER TABLE sample_rollups ADD COLUMN ooms INTEGER;
ALTER TABLE sample_rollups ADD COLUMN mem_limit_hits INTEGER;

-- v_samples gains the three columns, after the ones it had (docs/sql.md).
DROP VIEW v_samples;
CREATE VIEW v_samples AS
SELECT
    k.container_id,
    c.name AS container_name,
    c.compose_project,
    c.compose_service,
    strftime('%Y-%m-%dT%H:%M:%S', s.ts_ns / 1000000000, 'unixepoch') || printf('.%03dZ', (s.ts_ns / 1000000) % 1000) AS time,
    s.ts_ns,
    s.cpu_pct,
    s.cpu_pct_of_limit,
    s.cpu_throttled_periods,
    s.mem_usage_bytes,
    s.mem_working_set_bytes,
    s.mem_limit_bytes,
    CASE WHEN c.mem_limit_bytes IS NOT NULL AND s.mem_limit_bytes > 0 THEN 100.0 * s.mem_working_set_bytes / s.mem_limit_bytes END
        AS mem_pct_of_limit,
    s.pids,
    s.net_rx_bytes,
    s.net_tx_bytes,
    s.blk_read_bytes,
    s.blk_write_bytes,
    s.oom_kills,
    s.ooms,
    s.mem_limit_hits
FROM samples s
JOIN container_keys k ON k.key = s.container_key
LEFT JOIN containers c ON c.container_id = k.container_id;

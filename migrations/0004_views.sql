-- 0004_views: the documented SQL views, the stable interface of `blackbox query` (docs/sql.md).
-- Tables may change between versions; these views keep their names, columns and units.
-- Times: *_ns are Unix nanoseconds; the column without the suffix is the same time in RFC 3339 UTC with milliseconds.

-- Every row of the event log, with its time in both forms and the container's latest name when the row has none.
CREATE VIEW v_events AS
SELECT
    e.seq,
    strftime('%Y-%m-%dT%H:%M:%S', e.ts_ns / 1000000000, 'unixepoch') || printf('.%03dZ', (e.ts_ns / 1000000) % 1000) AS time,
    e.ts_ns,
    e.kind,
    e.type,
    e.action,
    e.actor_id,
    e.container_id,
    coalesce(e.container_name, c.name) AS container_name,
    coalesce(e.image, c.image) AS image,
    coalesce(e.compose_project, c.compose_project) AS compose_project,
    coalesce(e.compose_service, c.compose_service) AS compose_service,
    e.exit_code,
    e.signal,
    e.payload
FROM events e
LEFT JOIN containers c ON c.container_id = e.container_id;

-- One row per run of a container: each engine `start` until the `die` (or the `reconciled_exit`) that ended it,
-- and one row per failed start (`start_failure`: the engine never started it).
CREATE VIEW v_container_runs AS
WITH starts AS (
    SELECT
        container_id,
        ts_ns AS started_ns,
        row_number() OVER (PARTITION BY container_id ORDER BY ts_ns, seq) AS run_number,
        lead(ts_ns) OVER (PARTITION BY container_id ORDER BY ts_ns, seq) AS next_start_ns
    FROM events
    WHERE kind = 'engine' AND type = 'container' AND action = 'start' AND container_id IS NOT NULL
),
ended AS (
    SELECT
        s.*,
        (SELECT d.seq FROM events d
         WHERE d.container_id = s.container_id AND d.ts_ns >= s.started_ns
           AND (s.next_start_ns IS NULL OR d.ts_ns <= s.next_start_ns)
           AND ((d.kind = 'engine' AND d.type = 'container' AND d.action = 'die') OR d.kind = 'reconciled_exit')
         ORDER BY d.ts_ns, d.seq LIMIT 1) AS end_seq
    FROM starts s
),
runs AS (
    SELECT
        x.container_id,
        x.run_number,
        x.started_ns,
        CASE WHEN d.kind = 'reconciled_exit' THEN coalesce(json_extract(d.payload, '$.finished_ns'), d.ts_ns) ELSE d.ts_ns END AS finished_ns,
        d.exit_code,
        CASE
            WHEN d.kind = 'reconciled_exit' THEN json_extract(d.payload, '$.oom_killed')
            ELSE EXISTS (SELECT 1 FROM events o
                         WHERE o.container_id = x.container_id AND o.kind = 'engine' AND o.type = 'container' AND o.action = 'oom'
                           AND o.ts_ns >= x.started_ns AND o.ts_ns <= coalesce(d.ts_ns, x.next_start_ns, 9223372036854775807))
        END AS oom_killed,
        (SELECT k.signal FROM events k
         WHERE k.container_id = x.container_id AND k.kind = 'engine' AND k.type = 'container' AND k.action = 'kill'
           AND k.ts_ns >= x.started_ns AND k.ts_ns <= coalesce(d.ts_ns, x.next_start_ns, 9223372036854775807)
         ORDER BY k.ts_ns DESC, k.seq DESC LIMIT 1) AS kill_signal,
        NULL AS error
    FROM ended x
    LEFT JOIN events d ON d.seq = x.end_seq
    UNION ALL
    SELECT
        f.container_id,
        NULL,
        f.ts_ns,
        f.ts_ns,
        f.exit_code,
        0,
        NULL,
        json_extract(f.payload, '$.error')
    FROM events f
    WHERE f.kind = 'start_failure' AND f.container_id IS NOT NULL
)
SELECT
    r.container_id,
    c.name AS container_name,
    c.image,
    c.compose_project,
    c.compose_service,
    r.run_number,
    strftime('%Y-%m-%dT%H:%M:%S', r.started_ns / 1000000000, 'unixepoch') || printf('.%03dZ', (r.started_ns / 1000000) % 1000) AS started,
    r.started_ns,
    CASE WHEN r.finished_ns IS NOT NULL THEN
        strftime('%Y-%m-%dT%H:%M:%S', r.finished_ns / 1000000000, 'unixepoch') || printf('.%03dZ', (r.finished_ns / 1000000) % 1000)
    END AS finished,
    r.finished_ns,
    (r.finished_ns - r.started_ns) / 1e9 AS duration_s,
    r.exit_code,
    r.oom_killed,
    r.kill_signal,
    CASE
        WHEN r.error IS NOT NULL THEN 'start_failed'
        WHEN r.finished_ns IS NULL THEN 'running'
        WHEN r.oom_killed THEN 'oom_killed'
        WHEN r.kill_signal IS NOT NULL THEN 'killed'
        WHEN r.exit_code = 0 THEN 'exited'
        ELSE 'failed'
    END AS reason,
    r.error
FROM runs r
LEFT JOIN containers c ON c.container_id = r.container_id;

-- Resource samples with the container's name and compose labels; units in the column names.
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
    s.blk_write_bytes
FROM samples s
JOIN container_keys k ON k.key = s.container_key
LEFT JOIN containers c ON c.container_id = k.container_id;

-- Incidents with their times in both forms and the playbook that diagnosed each.
CREATE VIEW v_incidents AS
SELECT
    i.id,
    i.container_id,
    i.container_name,
    i.image,
    i.compose_project,
    i.compose_service,
    i.trigger,
    i.triggers,
    strftime('%Y-%m-%dT%H:%M:%S', i.opened_ns / 1000000000, 'unixepoch') || printf('.%03dZ', (i.opened_ns / 1000000) % 1000) AS opened,
    i.opened_ns,
    strftime('%Y-%m-%dT%H:%M:%S', i.last_ns / 1000000000, 'unixepoch') || printf('.%03dZ', (i.last_ns / 1000000) % 1000) AS last_seen,
    i.last_ns,
    i.occurrences,
    i.exit_code,
    CASE WHEN i.resolved_ns IS NOT NULL THEN
        strftime('%Y-%m-%dT%H:%M:%S', i.resolved_ns / 1000000000, 'unixepoch') || printf('.%03dZ', (i.resolved_ns / 1000000) % 1000)
    END AS resolved,
    i.resolved_ns,
    i.resolution,
    i.stable_since_ns,
    m.playbook_id,
    m.title,
    m.severity
FROM incidents i
LEFT JOIN incident_matches m ON m.incident_id = i.id AND m.rank = 1;

-- Every playbook that matched an incident, best first, with the incident's container.
CREATE VIEW v_playbook_matches AS
SELECT
    m.incident_id,
    i.container_id,
    i.container_name,
    i.compose_project,
    i.compose_service,
    m.rank,
    m.rank = 1 AS is_diagnosis,
    m.playbook_id,
    m.title,
    m.severity,
    m.diagnosis,
    m.fix,
    m.evidence
FROM incident_matches m
JOIN incidents i ON i.id = m.incident_id;

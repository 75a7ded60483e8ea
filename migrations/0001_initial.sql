-- 0001_initial: the event log, resource samples and the containers projection.
-- A shipped migration is never edited: later changes go in new files (0002_…).
-- Times are Unix nanoseconds (ts_ns, *_ns); sizes are bytes (*_bytes).

-- The append-only event log: engine events verbatim and the recorder's own observations.
CREATE TABLE events (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT, -- order of appending; never reused
    ts_ns           INTEGER NOT NULL,                  -- engine events: timeNano; observations: when observed
    kind            TEXT    NOT NULL,                  -- engine | engine_info | inspect | log_tail | start_failure | recorder_start | recorder_stop
    type            TEXT,                              -- engine events: Type (container, network, image, volume, …)
    action          TEXT,                              -- engine events: Action verbatim, suffix included
    actor_id        TEXT,                              -- engine events: Actor.ID
    container_id    TEXT,                              -- the container the event is about, when any
    container_name  TEXT,
    image           TEXT,
    compose_project TEXT,                              -- label com.docker.compose.project
    compose_service TEXT,                              -- label com.docker.compose.service
    exit_code       INTEGER,                           -- die: exitCode; inspect/start_failure: State.ExitCode
    signal          TEXT,                              -- kill: signal
    dedup_key       TEXT UNIQUE,                       -- the same fact delivered twice is stored once
    payload         TEXT NOT NULL CHECK (json_valid(payload)) -- engine: the line as sent; observations: their JSON
);
CREATE INDEX events_by_container ON events (container_id, ts_ns);
CREATE INDEX events_by_time ON events (ts_ns);

-- Small integer keys for container ids, so that sample rows stay compact.
CREATE TABLE container_keys (
    key          INTEGER PRIMARY KEY,
    container_id TEXT NOT NULL UNIQUE
);

-- One resource reading of one container.
CREATE TABLE samples (
    container_key         INTEGER NOT NULL REFERENCES container_keys (key),
    ts_ns                 INTEGER NOT NULL,
    cpu_pct               REAL,              -- as docker stats: 100 = one CPU
    cpu_pct_of_limit      REAL,              -- percent of the container's CPU limit (all online CPUs when unlimited)
    cpu_throttled_periods INTEGER NOT NULL,  -- cumulative CFS periods throttled
    mem_usage_bytes       INTEGER NOT NULL,
    mem_working_set_bytes INTEGER NOT NULL,  -- usage minus inactive page cache
    mem_limit_bytes       INTEGER NOT NULL,
    pids                  INTEGER NOT NULL,
    net_rx_bytes          INTEGER NOT NULL,  -- cumulative
    net_tx_bytes          INTEGER NOT NULL,
    blk_read_bytes        INTEGER NOT NULL,  -- cumulative
    blk_write_bytes       INTEGER NOT NULL,
    PRIMARY KEY (container_key, ts_ns)
) WITHOUT ROWID;

-- Projection: the latest known state of each container, folded from the event log only.
CREATE TABLE containers (
    container_id    TEXT PRIMARY KEY,
    name            TEXT,
    image           TEXT,
    compose_project TEXT,
    compose_service TEXT,
    status          TEXT    NOT NULL,            -- created | running | paused | restarting | exited | dead | removed
    health          TEXT,                        -- starting | healthy | unhealthy, when a health check exists
    exit_code       INTEGER,
    oom_killed      INTEGER NOT NULL DEFAULT 0 CHECK (oom_killed IN (0, 1)),
    error           TEXT,                        -- State.Error of a failed start
    kill_signals    TEXT,                        -- signals of the kill events since the last start, comma-separated ("15,9")
    restart_count   INTEGER NOT NULL DEFAULT 0,
    mem_limit_bytes INTEGER,                     -- HostConfig.Memory; NULL when unlimited
    cpu_limit       REAL,                        -- CPUs (NanoCpus, or CpuQuota/CpuPeriod); NULL when unlimited
    created_ns      INTEGER,
    started_ns      INTEGER,
    finished_ns     INTEGER,
    state_ns        INTEGER NOT NULL,            -- when status was last set (an inspect older than this does not change it)
    last_event_seq  INTEGER NOT NULL             -- the last event folded into this row
);
CREATE INDEX containers_by_name ON containers (name);

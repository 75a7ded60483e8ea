-- 0002_incidents: the incidents projection and the playbooks that matched each incident.

-- One failure episode of one container: opened by a trigger, holding its occurrences.
CREATE TABLE incidents (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    container_id     TEXT    NOT NULL,
    container_name   TEXT,
    image            TEXT,
    compose_project  TEXT,
    compose_service  TEXT,
    trigger          TEXT    NOT NULL,  -- what opened it: die | oom | start_failure | unhealthy | stop_timeout
    triggers         TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(triggers)), -- every trigger kind seen in it, in order
    opened_ns        INTEGER NOT NULL,  -- the first trigger's time
    last_ns          INTEGER NOT NULL,  -- the latest trigger's time
    occurrences      INTEGER NOT NULL DEFAULT 1 CHECK (occurrences >= 1),
    exit_code        INTEGER,           -- the latest die's exit code
    stable_since_ns  INTEGER,           -- since when the container has run (and been healthy) after the latest occurrence
    resolved_ns      INTEGER,           -- when it was resolved, once known from the log
    resolution       TEXT,              -- ran_stable | removed
    event_seqs       TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(event_seqs)), -- the events it rests on
    last_event_seq   INTEGER NOT NULL
);
CREATE INDEX incidents_by_container ON incidents (container_id, opened_ns);
CREATE INDEX incidents_by_time ON incidents (last_ns);
CREATE INDEX incidents_by_last_event ON incidents (last_event_seq);

-- The playbooks that matched an incident, best first, with the evidence values they rest on.
CREATE TABLE incident_matches (
    incident_id  INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    rank         INTEGER NOT NULL,      -- 1 = the diagnosis; others are alternatives
    playbook_id  TEXT    NOT NULL,
    title        TEXT    NOT NULL,
    severity     TEXT    NOT NULL,
    diagnosis    TEXT    NOT NULL,
    fix          TEXT    NOT NULL,
    evidence     TEXT    NOT NULL CHECK (json_valid(evidence)), -- {"name": value, …}
    PRIMARY KEY (incident_id, rank)
);

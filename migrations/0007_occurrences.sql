-- 0007_occurrences: each failure of an incident (an occurrence) is diagnosed with its own evidence.
--
-- `incidents.occurrence_triggers` groups the trigger events of the incident by occurrence: a JSON array with one
-- object per occurrence, in order, holding the `events.seq` of its triggers and their kinds
-- (`[{"seqs":[12,13],"triggers":["oom","die"]},{"seqs":[40],"triggers":["die"]}]`: an `oom` and its `die`, then a
-- second `die` after a restart). Stores from before this migration hold `[]` there until `blackbox replay`.
ALTER TABLE incidents ADD COLUMN occurrence_triggers TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(occurrence_triggers));

-- The occurrence the incident's diagnosis is of (1 unless only a fallback explained the first failure).
ALTER TABLE incident_matches ADD COLUMN occurrence INTEGER NOT NULL DEFAULT 1 CHECK (occurrence >= 1);

-- The playbooks that matched each occurrence, best first. `incident_matches` holds the incident's diagnosis (that of
-- its first occurrence, unless only a fallback knew it: see playbooks/README.md).
CREATE TABLE occurrence_matches (
    incident_id  INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    occurrence   INTEGER NOT NULL CHECK (occurrence >= 1), -- 1 = the incident's first failure
    rank         INTEGER NOT NULL,      -- 1 = the occurrence's diagnosis; others are alternatives
    playbook_id  TEXT    NOT NULL,
    title        TEXT    NOT NULL,
    severity     TEXT    NOT NULL,
    diagnosis    TEXT    NOT NULL,
    fix          TEXT    NOT NULL,
    evidence     TEXT    NOT NULL CHECK (json_valid(evidence)), -- {"name": value, …}
    PRIMARY KEY (incident_id, occurrence, rank)
) WITHOUT ROWID;

-- Every playbook that matched each occurrence, best first, with the incident's container (docs/sql.md).
CREATE VIEW v_occurrence_matches AS
SELECT
    m.incident_id,
    i.container_id,
    i.container_name,
    i.compose_project,
    i.compose_service,
    m.occurrence,
    m.rank,
    m.rank = 1 AS is_diagnosis,
    m.playbook_id,
    m.title,
    m.severity,
    m.diagnosis,
    m.fix,
    m.evidence
FROM occurrence_matches m
JOIN incidents i ON i.id = m.incident_id;

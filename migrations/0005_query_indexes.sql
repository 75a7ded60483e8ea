-- 0005_query_indexes: lookups that stay fast on months of history (measured by `scripts/bench query`: on 30
-- containers × 30 days they read every event without these). Numbered 0005 to follow main's 0003 and 0004.

-- A container's ids by name: `events --container NAME`, `stats NAME`, `incident show NAME`.
CREATE INDEX events_by_container_name ON events (container_name, container_id);

-- A container's latest inspect snapshot without reading its other events (playbooks' host lookups).
CREATE INDEX events_inspect_by_container ON events (container_id, seq) WHERE kind = 'inspect';

-- 0006_recorder_rows_index: the recorder's session rows without reading every event. `timeline` reads the blind
-- windows (`recorder_start`, `recorder_stop`, `recorder_gap`) on every run; on 30 containers × 30 days of history
-- (`scripts/bench query`) finding those few rows among 780k events took about 0.4 s. Partial: only those rows are
-- indexed, so appending engine events costs nothing more. The query's WHERE must repeat this one verbatim.
CREATE INDEX events_recorder_sessions ON events (seq) WHERE kind IN ('recorder_start', 'recorder_stop', 'recorder_gap');

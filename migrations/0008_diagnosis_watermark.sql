-- 0008_diagnosis_watermark: which incidents are diagnosed as they are now. `diagnosed_seq` is the
-- `last_event_seq` an incident had when its playbook matches were last written (NULL: never diagnosed). An
-- incident whose `last_event_seq` is newer was folded but not diagnosed: an import, replay or recorder that was
-- stopped (kill -9, SIGTERM, a crash) between committing events and writing matches. The next command that writes
-- diagnoses such incidents first, so an interrupted run is completed rather than left "no playbook matched".
-- Every incident of an older store is NULL here: each is diagnosed once more by the next import, replay or record.
ALTER TABLE incidents ADD COLUMN diagnosed_seq INTEGER;
CREATE INDEX incidents_undiagnosed ON incidents (id) WHERE diagnosed_seq IS NULL OR diagnosed_seq < last_event_seq;

-- 0010_restart_policy: the restart policy of each container in the `containers` projection (issue 18): a container
-- whose main process exits 0 again and again under `--restart always` / `unless-stopped` is in a loop the exit code
-- alone does not show. NULL until an inspect snapshot has been folded (rows from before this migration get it from
-- the next snapshot, or at once from `blackbox replay`).

-- restart_policy: HostConfig.RestartPolicy.Name of the latest snapshot: `no`, `always`, `unless-stopped`, `on-failure`
ALTER TABLE containers ADD COLUMN restart_policy TEXT;

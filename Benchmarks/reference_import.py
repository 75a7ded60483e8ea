#!/usr/bin/env python3
"""The reference importer: a blackbox export (JSON lines, version 1) into a blackbox store, with Python's `json` and
`sqlite3.executemany`, the same rows and pragmas as blackbox (WAL, synchronous=NORMAL, foreign keys), 10k-row
transactions. It appends rows only: it folds no projections.

    reference_import.py STORE.sqlite EXPORT.jsonl
"""
import json
import sqlite3
import sys

EVENT_SQL = """INSERT INTO events (ts_ns, kind, type, action, actor_id, container_id, container_name, image,
    compose_project, compose_service, exit_code, signal, dedup_key, payload)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedup_key) DO NOTHING"""
SAMPLE_SQL = """INSERT INTO samples (container_key, ts_ns, cpu_pct, cpu_pct_of_limit, cpu_throttled_periods,
    mem_usage_bytes, mem_working_set_bytes, mem_limit_bytes, pids, net_rx_bytes, net_tx_bytes, blk_read_bytes, blk_write_bytes)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (container_key, ts_ns) DO NOTHING"""
BATCH = 10_000


def main():
    store, export = sys.argv[1], sys.argv[2]
    db = sqlite3.connect(store, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA foreign_keys = ON")
    keys = {}

    def key(container_id):
        if container_id not in keys:
            db.execute("INSERT INTO container_keys (container_id) VALUES (?) ON CONFLICT DO NOTHING", (container_id,))
            keys[container_id] = db.execute("SELECT key FROM container_keys WHERE container_id = ?", (container_id,)).fetchone()[0]
        return keys[container_id]

    events, samples = [], []

    def flush():
        db.execute("BEGIN")
        db.executemany(EVENT_SQL, events)
        db.executemany(SAMPLE_SQL, samples)
        db.execute("COMMIT")
        events.clear()
        samples.clear()

    with open(export) as lines:
        header = json.loads(next(lines))
        if header.get("blackbox_export") != 1:
            sys.exit(f"{export}:1: not a blackbox export of version 1")
        for line in lines:
            record = json.loads(line)
            if "event" in record:
                e = record["event"]
                events.append((e["ts_ns"], e["kind"], e["type"], e["action"], e["actor_id"], e["container_id"], e["container_name"],
                               e["image"], e["compose_project"], e["compose_service"], e["exit_code"], e["signal"], e["dedup_key"],
                               json.dumps(e["payload"], separators=(",", ":"))))
            else:
                s = record["sample"]
                samples.append((key(s["container_id"]), s["ts_ns"], s["cpu_pct"], s["cpu_pct_of_limit"], s["cpu_throttled_periods"],
                                s["mem_usage_bytes"], s["mem_working_set_bytes"], s["mem_limit_bytes"], s["pids"], s["net_rx_bytes"],
                                s["net_tx_bytes"], s["blk_read_bytes"], s["blk_write_bytes"]))
            if len(events) + len(samples) >= BATCH:
                flush()
    flush()
    db.close()


if __name__ == "__main__":
    main()

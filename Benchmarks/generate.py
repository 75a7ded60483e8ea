#!/usr/bin/env python3
"""Writes the benchmark's import input: a blackbox export (JSON lines, version 1) of compose-style engine events or
resource samples, and the same rows pre-built for the raw-insert ceiling (tab-separated, \\N for NULL).

    generate.py events 1000000 OUT.jsonl OUT.rows
    generate.py samples 1000000 OUT.jsonl OUT.rows

Events follow the shapes of Docker 20.10's /events (see Tests/BlackboxTests/Fixtures/events.jsonl) for a compose
stack (vector database, API server, importer, watcher): mostly health-check execs, with create/start/die/stop
cycles; every container event carries the compose labels, so a payload is about 600 bytes.
"""
import hashlib
import json
import random
import sys

SERVICES = [("qdrant", "qdrant/qdrant:v1.7.4"), ("api", "ghcr.io/acme/api:2.14.1"),
            ("importer", "ghcr.io/acme/importer:2.14.1"), ("watcher", "ghcr.io/acme/watcher:2.14.1")]
PROJECT = "search-stack"
START_NS = 1_790_000_000_000_000_000
NETWORK_ID = hashlib.sha256(b"search-stack_default").hexdigest()


def container(index):
    service, image = SERVICES[index % len(SERVICES)]
    number = index // len(SERVICES) + 1
    cid = hashlib.sha256(f"container-{index}".encode()).hexdigest()
    return {"id": cid, "service": service, "image": image, "number": number, "name": f"{PROJECT}-{service}-{number}"}


def attributes(c):
    return {
        "com.docker.compose.container-number": str(c["number"]),
        "com.docker.compose.oneoff": "False",
        "com.docker.compose.project": PROJECT,
        "com.docker.compose.project.config_files": f"/srv/{PROJECT}/compose.yaml",
        "com.docker.compose.project.working_dir": f"/srv/{PROJECT}",
        "com.docker.compose.service": c["service"],
        "com.docker.compose.version": "2.24.5",
        "image": c["image"],
        "name": c["name"],
    }


def container_event(c, action, ns, extra=None):
    attrs = attributes(c)
    attrs.update(extra or {})
    return {"status": action, "id": c["id"], "from": c["image"], "Type": "container", "Action": action,
            "Actor": {"ID": c["id"], "Attributes": attrs}, "scope": "local", "time": ns // 1_000_000_000, "timeNano": ns}


def network_event(c, action, ns):
    return {"Type": "network", "Action": action,
            "Actor": {"ID": NETWORK_ID, "Attributes": {"container": c["id"], "name": f"{PROJECT}_default", "type": "bridge"}},
            "scope": "local", "time": ns // 1_000_000_000, "timeNano": ns}


def lifecycle(c, ns, rng):
    """One container's events from create to destroy, or a steady stretch of health checks."""
    if rng.random() < 0.8:
        exec_id = hashlib.sha256(f"{c['id']}{ns}".encode()).hexdigest()
        check = {"execID": exec_id}
        yield container_event(c, "exec_create: /bin/sh -c wget -qO- http://localhost:8080/healthz", ns, check)
        yield container_event(c, "exec_start: /bin/sh -c wget -qO- http://localhost:8080/healthz", ns + 1_200_000, check)
        yield container_event(c, "exec_die", ns + 41_000_000, dict(check, exitCode="0"))
        return
    yield container_event(c, "create", ns)
    yield container_event(c, "attach", ns + 2_000_000)
    yield network_event(c, "connect", ns + 35_000_000)
    yield container_event(c, "start", ns + 310_000_000)
    yield container_event(c, "health_status: healthy", ns + 5_400_000_000)
    code = rng.choice(["0", "0", "137", "1", "143"])
    if code in ("137", "143"):
        yield container_event(c, "kill", ns + 60_000_000_000, {"signal": "15"})
    yield container_event(c, "die", ns + 60_100_000_000, {"exitCode": code})
    yield network_event(c, "disconnect", ns + 60_180_000_000)
    yield container_event(c, "stop", ns + 60_200_000_000)
    yield container_event(c, "destroy", ns + 60_300_000_000)


def event_row(event):
    attrs = event["Actor"]["Attributes"]
    is_container = event["Type"] == "container"
    cid = event["Actor"]["ID"] if is_container else attrs.get("container")
    return {
        "ts_ns": event["timeNano"], "kind": "engine", "type": event["Type"], "action": event["Action"],
        "actor_id": event["Actor"]["ID"], "container_id": cid,
        "container_name": attrs.get("name") if is_container else None,
        "image": attrs.get("image") if is_container else None,
        "compose_project": attrs.get("com.docker.compose.project"),
        "compose_service": attrs.get("com.docker.compose.service"),
        "exit_code": int(attrs["exitCode"]) if event["Action"] == "die" else None,
        "signal": attrs.get("signal"),
        "dedup_key": f"{event['timeNano']}|{event['Type']}|{event['Action']}|{event['Actor']['ID']}",
        "payload": event,
    }


EVENT_COLUMNS = ["ts_ns", "kind", "type", "action", "actor_id", "container_id", "container_name", "image",
                 "compose_project", "compose_service", "exit_code", "signal", "dedup_key", "payload"]
SAMPLE_COLUMNS = ["container_id", "ts_ns", "cpu_pct", "cpu_pct_of_limit", "cpu_throttled_periods", "mem_usage_bytes",
                  "mem_working_set_bytes", "mem_limit_bytes", "pids", "net_rx_bytes", "net_tx_bytes",
                  "blk_read_bytes", "blk_write_bytes"]


def field(value):
    if value is None:
        return "\\N"
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def events(count, rng):
    containers = [container(i) for i in range(40)]
    ns = START_NS
    written = 0
    while written < count:
        c = rng.choice(containers)
        for event in lifecycle(c, ns, rng):
            if written == count:
                return
            yield event_row(event)
            written += 1
        ns += rng.randint(50_000_000, 2_000_000_000)


def samples(count, rng):
    containers = [container(i)["id"] for i in range(30)]
    counters = {cid: [0, 0, 0, 0, 0] for cid in containers}
    tick = 0
    written = 0
    while written < count:
        ns = START_NS + tick * 2_000_000_000
        for key, cid in enumerate(containers):
            if written == count:
                return
            c = counters[cid]
            c[0] += rng.randint(0, 3)
            c[1] += rng.randint(0, 40_000)
            c[2] += rng.randint(0, 30_000)
            c[3] += rng.randint(0, 8_192)
            c[4] += rng.randint(0, 65_536)
            cpu = round(rng.uniform(0.1, 35.0), 2)
            usage = rng.randint(40, 900) * 1_048_576
            yield {"container_id": cid, "container_key": key + 1, "ts_ns": ns, "cpu_pct": cpu, "cpu_pct_of_limit": round(cpu / 2, 2),
                   "cpu_throttled_periods": c[0], "mem_usage_bytes": usage, "mem_working_set_bytes": usage - rng.randint(0, 30) * 1_048_576,
                   "mem_limit_bytes": 1_073_741_824, "pids": rng.randint(1, 40), "net_rx_bytes": c[1], "net_tx_bytes": c[2],
                   "blk_read_bytes": c[3], "blk_write_bytes": c[4]}
            written += 1
        tick += 1


def main():
    kind, count, jsonl_path, rows_path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    rng = random.Random(6)
    with open(jsonl_path, "w") as jsonl, open(rows_path, "w") as rows:
        jsonl.write(json.dumps({"blackbox_export": 1, "exported_at_ns": START_NS, "filter": {}}) + "\n")
        if kind == "events":
            for row in events(count, rng):
                jsonl.write(json.dumps({"event": row}, separators=(",", ":")) + "\n")
                rows.write("\t".join(field(row[c]) for c in EVENT_COLUMNS) + "\n")
        else:
            for row in samples(count, rng):
                jsonl.write(json.dumps({"sample": {c: row[c] for c in SAMPLE_COLUMNS}}, separators=(",", ":")) + "\n")
                rows.write("\t".join(field(row[c]) for c in ["container_key"] + SAMPLE_COLUMNS[1:]) + "\n")


if __name__ == "__main__":
    main()

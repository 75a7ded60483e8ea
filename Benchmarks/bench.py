#!/usr/bin/env python3
"""The blackbox benchmark: measures each part side by side with its reference, writes one JSON file per part to
Benchmarks/results/, and renders BENCHMARKS.md from every result there. Run it through scripts/bench, which builds
the release binary and the C helper and gives the engine parts a private engine.

    bench.py hostile|import|query-fill|query-incident|query|record|latency|memory   (one part; record, latency, memory and
                                                                         query-incident need DOCKER_HOST and ENGINE_DIR)
    bench.py report                                           (BENCHMARKS.md from Benchmarks/results/*.json)

Environment: BLACKBOX_BIN (the release binary), SQLITE_BENCH (the compiled sqlite_bench.c), BENCH_WORK (scratch
directory, default /tmp/blackbox-bench), BENCH_IMPORT_ROWS (1000000), BENCH_QUERY_DAYS (30),
BENCH_RECORD_SECONDS (60), BENCH_MEMORY_SECONDS (600).
"""
import datetime
import json
import os
import platform
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import hostile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RESULTS = os.path.join(HERE, "results")
WORK = os.environ.get("BENCH_WORK", "/tmp/blackbox-bench")
BIN = os.environ.get("BLACKBOX_BIN", os.path.join(ROOT, ".build/release/blackbox"))
SQLITE_BENCH = os.environ.get("SQLITE_BENCH", os.path.join(WORK, "sqlite_bench"))
IMAGE = os.environ.get("BLACKBOX_TEST_IMAGE", "blackbox-test/busybox:latest")
TICKS = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------- measuring

def run(command, **kwargs):
    """Runs a command to its end; returns wall seconds, CPU seconds (user + system, children included), peak RSS bytes."""
    with tempfile.TemporaryFile() as errors:
        start = time.monotonic()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors, **kwargs)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.monotonic() - start
        errors.seek(0)
        stderr = errors.read().decode(errors="replace")
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise RuntimeError(f"{' '.join(command)} exited {code}: {stderr[-2000:]}")
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "max_rss_bytes": usage.ru_maxrss * 1024}


def cpu_seconds(pid):
    """utime + stime of a live process (all its threads), seconds; 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS
    except (FileNotFoundError, ProcessLookupError):
        return 0.0


def rss_bytes(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def engine_pids():
    """dockerd, containerd and the shims of the private engine: every process whose command line names its directory."""
    engine_dir = os.environ["ENGINE_DIR"]
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read().decode(errors="replace")
        except (FileNotFoundError, ProcessLookupError):
            continue
        if engine_dir in cmdline and re.search(r"dockerd|containerd", cmdline):
            pids.append(int(entry))
    return pids


def total_cpu(pids):
    return sum(cpu_seconds(pid) for pid in pids)


def machine_load():
    """What else ran: the load average and the busiest processes of the last moment."""
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    top = subprocess.run(["ps", "-eo", "pcpu,comm", "--sort=-pcpu", "--no-headers"], capture_output=True, text=True).stdout.splitlines()[:5]
    return {"loadavg": load, "top": [" ".join(line.split()) for line in top]}


def docker(*arguments, check=True):
    return subprocess.run(["docker", *arguments], capture_output=True, text=True, check=check).stdout.strip()


def has_command(name):
    """Whether this build of blackbox has the subcommand (`blackbox --help` lists it)."""
    text = subprocess.run([BIN, "--help"], capture_output=True, text=True).stdout
    return re.search(rf"^\s+{name}\b", text, re.MULTILINE) is not None


def new_store(name):
    """A fresh blackbox store, created and migrated by blackbox itself (`prune` on a new file does just that)."""
    os.makedirs(WORK, exist_ok=True)
    path = os.path.join(WORK, name)
    for suffix in ("", "-wal", "-shm", ".lock"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    subprocess.run([BIN, "prune", "--db", path], capture_output=True)
    if not os.path.exists(path):
        raise RuntimeError(f"blackbox did not create {path}")
    return path


def table_bytes(store, table):
    """Bytes of the pages of a table and all its indexes (SQLite's dbstat)."""
    db = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    total = db.execute("SELECT sum(pgsize) FROM dbstat WHERE name IN (SELECT name FROM sqlite_master WHERE tbl_name = ?)", (table,)).fetchone()[0] or 0
    db.close()
    return total


def save(part, result):
    os.makedirs(RESULTS, exist_ok=True)
    result["finished"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    result["load_after"] = machine_load()
    with open(os.path.join(RESULTS, f"{part}.json"), "w") as f:
        json.dump(result, f, indent=1)
    print(json.dumps(result, indent=1))


class Recording:
    """`blackbox record` as a child process, its output in a log file; started, it has printed its status line."""

    def __init__(self, store, *arguments):
        self.log_path = store + ".log"
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen([BIN, "record", "--db", store, *arguments], stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 60
        while "blackbox: recording" not in open(self.log_path).read():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("record did not start: " + open(self.log_path).read()[-2000:])
            time.sleep(0.1)

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)
        self.log.close()
        return open(self.log_path).read()


# ---------------------------------------------------------------- import

def part_import():
    rows = int(os.environ.get("BENCH_IMPORT_ROWS", "1000000"))
    has_import = has_command("import")
    result = {"rows": rows, "blackbox_import": has_import}
    for kind in ("events", "samples"):
        jsonl = os.path.join(WORK, f"{kind}-{rows}.jsonl")
        prebuilt = os.path.join(WORK, f"{kind}-{rows}.rows")
        if not os.path.exists(prebuilt):
            subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), kind, str(rows), jsonl, prebuilt], check=True)
        entry = {"jsonl_bytes": os.path.getsize(jsonl)}
        if has_import:
            store = new_store(f"import-blackbox-{kind}.sqlite")
            entry["blackbox"] = run([BIN, "import", "--db", store, jsonl])
        store = new_store(f"import-python-{kind}.sqlite")
        entry["python"] = run([sys.executable, os.path.join(HERE, "reference_import.py"), store, jsonl])
        store = new_store(f"import-ceiling-{kind}.sqlite")
        output = subprocess.run([SQLITE_BENCH, "ceiling", store, prebuilt, kind], capture_output=True, text=True, check=True).stdout
        entry["ceiling"] = json.loads(output)
        entry["bytes_per_row"] = table_bytes(store, kind) / rows
        result[kind] = entry
    save("import", result)


# ---------------------------------------------------------------- query

def part_query_fill():
    """The large store: generated samples and health-check events (no engine needed)."""
    days = int(os.environ.get("BENCH_QUERY_DAYS", "30"))
    store = new_store("query.sqlite")
    end_ns = time.time_ns()
    output = subprocess.run([SQLITE_BENCH, "fill", store, "30", str(days), "2", str(end_ns)], capture_output=True, text=True, check=True).stdout
    with open(os.path.join(WORK, "query-store.json"), "w") as f:
        json.dump({"store": store, "days": days, "end_ns": end_ns, "fill": json.loads(output)}, f)


def part_query_incident():
    """One real incident in the large store, recorded from the engine."""
    with open(os.path.join(WORK, "query-store.json")) as f:
        info = json.load(f)
    store = info["store"]
    recording = Recording(store, "--interval", "1s")
    name = "bench-crash"
    docker("run", "-d", "--name", name, IMAGE, "sh", "-c", "echo starting; sleep 3; echo 'fatal: cannot open /data/index' >&2; exit 3")
    db = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    deadline = time.monotonic() + 60
    while db.execute("SELECT count(*) FROM events WHERE kind = 'log_tail'").fetchone()[0] == 0 and time.monotonic() < deadline:
        time.sleep(0.5)
    time.sleep(2)
    recording.stop()
    info["incidents"] = db.execute("SELECT count(*) FROM incidents").fetchone()[0]
    db.close()
    info["bytes"] = os.path.getsize(store)
    with open(os.path.join(WORK, "query-store.json"), "w") as f:
        json.dump(info, f)


# The SQL each command runs (traced from the release binary: a breakpoint on sqlite3_prepare_v3), with the values it
# binds written in: `{…}` fields come from query_values(). Left out: GRDB's own reads of the schema and of
# grdb_migrations when it opens the store.
QUERIES = {
    # `incident show bench-crash`: IncidentShowCommand, IncidentContext.load.
    "incident show": """
        SELECT container_id FROM events WHERE container_name = 'bench-crash' GROUP BY container_id ORDER BY min(seq);
        SELECT * FROM incidents WHERE container_id IN ({crash_ids}) ORDER BY last_ns DESC, id DESC LIMIT 1;
        SELECT * FROM events WHERE container_id IN ('{crash_id}') AND ts_ns >= {crash_events_since} AND ts_ns <= {crash_events_until}
            ORDER BY ts_ns DESC, seq DESC;
        SELECT k.container_id, s.* FROM samples s JOIN container_keys k ON k.key = s.container_key
            WHERE k.container_id IN ('{crash_id}') AND s.ts_ns >= {crash_samples_since} AND s.ts_ns <= {crash_samples_until} ORDER BY s.ts_ns;
        SELECT * FROM incident_matches WHERE incident_id = {crash_incident} ORDER BY rank;
    """,
    # `timeline bench-svc-7 --since T-1h --until T`: TimelineCommand, Timeline.load. The hour holds no start event, so
    # the container's samples are one run; the projection gives it no memory limit (or its peak stays under 90 % of
    # one), so there is no read for the first sample at the limit.
    "timeline 1 h": """
        SELECT * FROM containers ORDER BY name, container_id;
        SELECT container_id FROM events WHERE container_name = 'bench-svc-7' GROUP BY container_id ORDER BY min(seq);
        SELECT * FROM events WHERE container_id IN ({svc_ids}) AND ts_ns >= {since_1h} AND ts_ns <= {until} ORDER BY ts_ns DESC, seq DESC;
        SELECT * FROM incidents WHERE last_ns >= -9223372036854775808 AND (NULL IS NULL OR compose_project = NULL) ORDER BY last_ns DESC, id DESC;
        SELECT key FROM container_keys WHERE container_id = '{svc_id}';
        SELECT count(*) AS count, max(mem_working_set_bytes) AS peak, min(cpu_throttled_periods) AS least_throttled,
            max(cpu_throttled_periods) AS most_throttled FROM samples WHERE container_key = {svc_key} AND ts_ns BETWEEN {since_1h} AND {until};
        SELECT ts_ns FROM samples WHERE container_key = {svc_key} AND ts_ns BETWEEN {since_1h} AND {until} AND mem_working_set_bytes = {svc_peak_1h}
            ORDER BY ts_ns LIMIT 1;
        SELECT ts_ns, cpu_throttled_periods FROM samples WHERE container_key = {svc_key} AND ts_ns BETWEEN {since_1h} AND {until} ORDER BY ts_ns;
        SELECT * FROM incident_matches WHERE rank = 1;
        SELECT e.kind, e.ts_ns, e.payload,
            (SELECT p.kind FROM events p WHERE p.seq < e.seq ORDER BY p.seq DESC LIMIT 1) AS previous_kind,
            (SELECT p.ts_ns FROM events p WHERE p.seq < e.seq ORDER BY p.seq DESC LIMIT 1) AS previous_ns
            FROM events e WHERE e.kind IN ('recorder_start', 'recorder_stop', 'recorder_gap') ORDER BY e.seq;
    """,
    # `stats bench-svc-7 --since T-10m --until T`: StatsCommand.
    "stats 10 min": """
        SELECT container_id FROM events WHERE container_name = 'bench-svc-7' GROUP BY container_id ORDER BY min(seq);
        SELECT k.container_id, s.* FROM samples s JOIN container_keys k ON k.key = s.container_key
            WHERE k.container_id IN ({svc_ids}) AND s.ts_ns >= {since_10m} AND s.ts_ns <= {until} ORDER BY s.ts_ns;
    """,
}


def query_values(store, end_ns):
    """The values the commands bind, read from the store beforehand (they shape the SQL but are not timed)."""
    db = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    one = lambda sql, *args: db.execute(sql, args).fetchone()[0]
    quoted = lambda ids: ", ".join(f"'{i}'" for i in ids)
    ids = lambda name: [r[0] for r in db.execute("SELECT container_id FROM events WHERE container_name = ? GROUP BY container_id ORDER BY min(seq)", (name,))]
    minute = 60 * 10**9
    values = {"since_1h": end_ns - 3600 * 10**9, "since_10m": end_ns - 600 * 10**9, "until": end_ns}
    crash_ids, svc_ids = ids("bench-crash"), ids("bench-svc-7")
    incident = db.execute(f"SELECT id, container_id, opened_ns, last_ns FROM incidents WHERE container_id IN ({quoted(crash_ids)}) "
                          "ORDER BY last_ns DESC, id DESC LIMIT 1").fetchone()
    values.update(crash_ids=quoted(crash_ids), crash_incident=incident[0], crash_id=incident[1], crash_events_since=incident[2] - 10 * minute,
                  crash_events_until=incident[3] + minute, crash_samples_since=incident[2] - 30 * minute, crash_samples_until=incident[3] + 5 * 10**9)
    svc_key = one("SELECT key FROM container_keys WHERE container_id = ?", svc_ids[0])
    starts = one(f"SELECT count(*) FROM events WHERE container_id IN ({quoted(svc_ids)}) AND action = 'start' AND ts_ns BETWEEN ? AND ?",
                 values["since_1h"], end_ns)
    peak = one("SELECT max(mem_working_set_bytes) FROM samples WHERE container_key = ? AND ts_ns BETWEEN ? AND ?", svc_key, values["since_1h"], end_ns)
    limit = one("SELECT mem_limit_bytes FROM containers WHERE container_id = ?", svc_ids[0])
    if len(svc_ids) != 1 or starts or (limit and peak >= 0.9 * limit):
        raise RuntimeError("the query store is not the generated one QUERIES describes (bench-svc-7: one container, no start, no limit reached)")
    values.update(svc_ids=quoted(svc_ids), svc_id=svc_ids[0], svc_key=svc_key, svc_peak_1h=peak)
    db.close()
    return values


def part_query():
    with open(os.path.join(WORK, "query-store.json")) as f:
        info = json.load(f)
    store, end_ns = info["store"], info["end_ns"]
    values = query_values(store, end_ns)
    seconds = lambda ns: f"{ns / 1e9:.3f}"
    commands = {
        "incident show": [BIN, "incident", "show", "bench-crash", "--db", store],
        "timeline 1 h": [BIN, "timeline", "bench-svc-7", "--since", seconds(values["since_1h"]), "--until", seconds(end_ns), "--db", store],
        "stats 10 min": [BIN, "stats", "bench-svc-7", "--since", seconds(values["since_10m"]), "--until", seconds(end_ns), "--db", store],
    }
    result = {"store": {k: info[k] for k in ("days", "fill", "incidents", "bytes")}, "queries": {}}
    for name, command in commands.items():
        with tempfile.TemporaryFile() as sql:
            sql.write(QUERIES[name].format(**values).encode())
            times = {"blackbox": [], "sqlite3": []}
            for attempt in range(6):
                blackbox = run(command)
                sql.seek(0)
                cli = run(["sqlite3", "-readonly", store], stdin=sql)  # measured like blackbox: from before the process starts to its end
                if attempt > 0:  # the first run warms the page cache
                    times["blackbox"].append(blackbox["wall_s"])
                    times["sqlite3"].append(cli["wall_s"])
        result["queries"][name] = {"command": " ".join(os.path.basename(c) if c == BIN else c for c in command),
                                   "blackbox_s": statistics.median(times["blackbox"]), "sqlite3_s": statistics.median(times["sqlite3"]),
                                   "runs": len(times["blackbox"])}
    save("query", result)


# ---------------------------------------------------------------- recording cost

def start_idle(count):
    ids = []
    for i in range(count):
        ids.append(docker("run", "-d", "--name", f"idle-{count}-{i}", IMAGE, "sleep", "100000"))
    return ids


def remove_all():
    ids = docker("ps", "-aq").split()
    if ids:
        docker("rm", "-f", *ids)


def measure_window(own_pids, seconds):
    engine = engine_pids()
    own_before, engine_before = total_cpu(own_pids), total_cpu(engine)
    start_ns = time.time_ns()
    time.sleep(seconds)
    return {"own_cpu_s": total_cpu(own_pids) - own_before, "engine_cpu_s": total_cpu(engine) - engine_before,
            "start_ns": start_ns, "end_ns": time.time_ns()}


def part_record():
    seconds = int(os.environ.get("BENCH_RECORD_SECONDS", "60"))
    socket = os.environ["DOCKER_HOST"].removeprefix("unix://")
    result = {"seconds": seconds, "interval": "1s", "runs": {}}
    for count in (10, 30):
        remove_all()
        ids = start_idle(count)
        time.sleep(3)
        runs = {"idle engine": measure_window([], seconds)}
        for mode in ("cgroup", "api"):
            store = new_store(f"record-{mode}-{count}.sqlite")
            recording = Recording(store, "--interval", "1s", "--sampler", mode)
            time.sleep(3)
            window = measure_window([recording.process.pid], seconds)
            log = recording.stop()
            db = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
            window["samples"] = db.execute("SELECT count(*) FROM samples WHERE ts_ns BETWEEN ? AND ?", (window["start_ns"], window["end_ns"])).fetchone()[0]
            db.close()
            window["bytes_per_sample_row"] = table_bytes(store, "samples") / max(1, sqlite3.connect(store).execute("SELECT count(*) FROM samples").fetchone()[0])
            window["log"] = [line for line in log.splitlines() if "sampl" in line][:3]
            runs[f"blackbox --sampler {mode}"] = window
        outputs = [os.path.join(WORK, f"curl-{count}-{i}.jsonl") for i in range(count)]
        curls = [subprocess.Popen(["curl", "-s", "-N", "--unix-socket", socket, f"http://localhost/containers/{cid}/stats?stream=true", "-o", out],
                                  stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for cid, out in zip(ids, outputs)]
        time.sleep(3)
        lines_before = sum(open(out).read().count("\n") for out in outputs)
        window = measure_window([c.pid for c in curls], seconds)
        window["samples"] = sum(open(out).read().count("\n") for out in outputs) - lines_before
        for curl in curls:
            curl.terminate()
            curl.wait()
        runs["curl stats?stream=true"] = window
        for run_ in runs.values():
            minutes = (run_["end_ns"] - run_["start_ns"]) / 60e9
            if "samples" in run_:
                run_["per_container_minute"] = run_["samples"] / count / minutes
        result["runs"][str(count)] = runs
    remove_all()
    save("record", result)


# ---------------------------------------------------------------- event latency

def part_latency():
    lifecycles = int(os.environ.get("BENCH_LIFECYCLES", "60"))
    remove_all()
    store = new_store("latency.sqlite")
    recording = Recording(store)
    events_path = os.path.join(WORK, "docker-events.jsonl")
    reader = subprocess.Popen(["docker", "events", "--format", "{{json .}}"], stdout=open(events_path, "w"), stderr=subprocess.DEVNULL)
    seen = {}
    stop = threading.Event()

    def poll():
        db = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
        last = 0
        while not stop.is_set():
            for seq, ts_ns, key in db.execute("SELECT seq, ts_ns, dedup_key FROM events WHERE kind = 'engine' AND seq > ?", (last,)):
                seen.setdefault(key, (ts_ns, time.time_ns()))
                last = seq
            time.sleep(0.005)
        db.close()

    poller = threading.Thread(target=poll)
    poller.start()
    time.sleep(1)
    start = time.monotonic()
    burst = [subprocess.Popen(["docker", "run", "--rm", IMAGE, "sh", "-c", ":"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for _ in range(lifecycles)]
    for process in burst:
        process.wait()
    burst_seconds = time.monotonic() - start
    time.sleep(5)
    stop.set()
    poller.join()
    reader.terminate()
    reader.wait()
    recording.stop()
    engine_keys = set()
    for line in open(events_path):
        event = json.loads(line)
        engine_keys.add(f"engine|{event['timeNano']}|{event['Type']}|{event['Action']}|{event['Actor']['ID']}")
    missed = engine_keys - set(seen)
    latencies = sorted((committed - ts) / 1e6 for ts, committed in seen.values())
    save("latency", {
        "lifecycles": lifecycles, "burst_seconds": burst_seconds, "docker_events": len(engine_keys), "recorded": len(seen),
        "missed": len(missed), "events_per_second": len(engine_keys) / burst_seconds,
        "p50_ms": latencies[len(latencies) // 2], "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "max_ms": latencies[-1]})


# ---------------------------------------------------------------- memory

def part_memory():
    seconds = int(os.environ.get("BENCH_MEMORY_SECONDS", "600"))
    remove_all()
    start_idle(30)
    store = new_store("memory.sqlite")
    recording = Recording(store, "--interval", "1s")
    pid = recording.process.pid
    readings = []
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        readings.append((time.monotonic() - start, rss_bytes(pid)))
        time.sleep(5)
    peak = rss_bytes(pid, "VmHWM")
    recording.stop()
    remove_all()
    first = [r for t, r in readings if 60 <= t < 120]
    last = [r for t, r in readings if t >= seconds - 60]
    steady = [r for t, r in readings if t >= seconds / 2]
    save("memory", {"seconds": seconds, "containers": 30, "interval": "1s", "peak_rss_bytes": peak,
                    "steady_rss_bytes": statistics.median(steady), "second_minute_rss_bytes": statistics.median(first),
                    "last_minute_rss_bytes": statistics.median(last), "readings": readings[::6]})


# ---------------------------------------------------------------- report

def load(part):
    path = os.path.join(RESULTS, f"{part}.json")
    return json.load(open(path)) if os.path.exists(path) else None


def versions():
    def out(*command):
        try:
            return subprocess.run(command, capture_output=True, text=True).stdout.strip().splitlines()[0]
        except (OSError, IndexError):
            return "not found"
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), platform.processor())
    memory = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal")) / 1024 / 1024
    return {
        "machine": f"{os.cpu_count()} × {cpu}, {memory:.0f} GiB RAM, Linux {platform.release()}",
        "blackbox": out(BIN, "--version") + " (" + out("git", "-C", ROOT, "rev-parse", "--short", "HEAD") + ", release build)",
        "swift": out("swift", "--version"),
        "engine": out("dockerd", "--version"),
        "sqlite": f"libsqlite3 {sqlite3.sqlite_version} (Python's and the CLI's: {out('sqlite3', '--version').split()[0]})",
        "python": platform.python_version(),
        "cgroups": "v1 (cgroupfs driver)" if os.path.isdir("/sys/fs/cgroup/memory") else "v2",
    }


def ratio(a, b):
    return a / b if b else float("inf")


def verdict(ok):
    return "met" if ok else "**not met**"


def mib(value):
    return f"{value / 1048576:.1f} MiB"


def report():
    lines = ["# Benchmarks", "",
             "Written by `scripts/bench` (see the README's *Benchmarks* section); every figure below is from the runs listed,",
             "on the machine described. Rerun a part with `scripts/bench PART`; this page is rendered from `Benchmarks/results/*.json`.", ""]
    info = versions()
    lines += ["## Machine and versions", ""] + [f"- **{k}**: {v}" for k, v in info.items()] + [""]
    goals = []
    sections = []

    imp = load("import")
    if imp:
        rows = imp["rows"]
        section = ["## Import / replay throughput", "",
                   f"{rows:,} rows per kind, generated by `Benchmarks/generate.py` (compose-style engine events of "
                   f"{imp['events']['jsonl_bytes'] / rows:.0f} bytes per export line; samples of 30 containers at 2 s). One run each, finished {imp['finished']}.",
                   "Rows/s are wall-clock; CPU seconds are the process's own (user + system). The Python reference and the ceiling append rows",
                   "only; `blackbox import` also folds the projections.", "",
                   "| input | importer | wall s | rows/s | CPU s | rows per CPU s |", "|---|---|---:|---:|---:|---:|"]
        for kind in ("events", "samples"):
            entry = imp[kind]
            contenders = []
            if "blackbox" in entry:
                contenders.append(("`blackbox import`", entry["blackbox"]["wall_s"], entry["blackbox"]["cpu_s"]))
            contenders.append(("Python `json` + `executemany`", entry["python"]["wall_s"], entry["python"]["cpu_s"]))
            contenders.append(("raw ceiling (C, prepared statement, pre-built rows)", entry["ceiling"]["seconds"], entry["ceiling"]["cpu_seconds"]))
            for name, wall, cpu in contenders:
                section.append(f"| {kind} | {name} | {wall:.1f} | {rows / wall:,.0f} | {cpu:.1f} | {rows / cpu:,.0f} |")
            if "blackbox" in entry:
                vs_python = ratio(entry["python"]["cpu_s"], entry["blackbox"]["cpu_s"])
                vs_ceiling = ratio(entry["ceiling"]["cpu_seconds"], entry["blackbox"]["cpu_s"])
                goals.append((f"import {kind}: ≥ 1.0× the Python importer", f"{vs_python:.2f}× (CPU)", verdict(vs_python >= 1)))
                goals.append((f"import {kind}: ≥ 50 % of the raw ceiling", f"{vs_ceiling:.0%} (CPU)", verdict(vs_ceiling >= 0.5)))
            else:
                goals.append((f"import {kind}: ≥ 1.0× Python, ≥ 50 % of the ceiling", "`blackbox import` not available in this build", "not measured"))
        if not imp["blackbox_import"]:
            section += ["", "`blackbox import` is not available in this build (it is #5's); the Python reference and the ceiling ran."]
        sections.append(section)

    rec = load("record")
    if rec:
        section = ["## Recording cost", "",
                   f"Idle containers (`sleep`), samples every {rec['interval']}, a {rec['seconds']} s window after a 3 s warm-up, finished {rec['finished']}.",
                   "CPU seconds from `/proc/<pid>/stat` (utime + stime): the reader's own (blackbox, or the sum of the curl processes) and",
                   "the engine's (dockerd + containerd + shims of the private engine). *idle engine* is the engine alone with no reader.", "",
                   "| containers | reader | own CPU s | engine CPU s | total CPU s | % of a core | samples per container-minute |",
                   "|---:|---|---:|---:|---:|---:|---:|"]
        added_notes = []
        for count, runs in rec["runs"].items():
            for name, r in runs.items():
                total = r["own_cpu_s"] + r["engine_cpu_s"]
                per = f"{r['per_container_minute']:.1f}" if "per_container_minute" in r else "-"
                section.append(f"| {count} | {name} | {r['own_cpu_s']:.2f} | {r['engine_cpu_s']:.2f} | {total:.2f} | {total / rec['seconds'] * 100:.1f} % | {per} |")
            curl = runs["curl stats?stream=true"]
            cg = runs["blackbox --sampler cgroup"]
            api = runs["blackbox --sampler api"]
            added = {name: r["own_cpu_s"] + r["engine_cpu_s"] - runs["idle engine"]["engine_cpu_s"] for name, r in runs.items() if name != "idle engine"}
            added_notes.append(f"{count} containers: " + ", ".join(f"{name} {cpu:.2f} s" for name, cpu in added.items())
                               + f"; cgroup sampler ÷ curl readers = {ratio(added['blackbox --sampler cgroup'], added['curl stats?stream=true']):.2f}")
            curl_total = curl["own_cpu_s"] + curl["engine_cpu_s"]
            cg_total = cg["own_cpu_s"] + cg["engine_cpu_s"]
            goals.append((f"{count} containers, cgroup sampler: total CPU ≤ 1/10 of the curl readers'",
                          f"{ratio(cg_total, curl_total):.3f}× ({cg_total:.2f} s vs {curl_total:.2f} s)", verdict(cg_total <= curl_total / 10)))
            goals.append((f"{count} containers, API sampler: own CPU ≤ 1.0× curl's",
                          f"{ratio(api['own_cpu_s'], curl['own_cpu_s']):.2f}× ({api['own_cpu_s']:.2f} s vs {curl['own_cpu_s']:.2f} s)",
                          verdict(api["own_cpu_s"] <= curl["own_cpu_s"])))
            worst = min(cg["per_container_minute"], api["per_container_minute"])
            goals.append((f"{count} containers: samples per container-minute ≥ curl's frames",
                          f"{worst:.1f} vs {curl['per_container_minute']:.1f}", verdict(worst >= curl["per_container_minute"])))
        section += ["", "What each reader adds (its own CPU plus the engine's above the idle row), over the window:", ""]
        section += [f"- {note}" for note in added_notes]
        sections.append(section)

    lat = load("latency")
    if lat:
        sections.append(["## Event latency", "",
                         f"{lat['lifecycles']} `docker run --rm … sh -c :` started at once (the machine's peak rate here: "
                         f"{lat['events_per_second']:.0f} engine events/s over {lat['burst_seconds']:.1f} s), finished {lat['finished']}. "
                         "A parallel `docker events` reader is the reference; the time to commit is when a reader polling the store every 5 ms",
                         "first saw the row, minus the event's `timeNano` (so it includes up to 5 ms of polling).", "",
                         "| engine events (docker events) | recorded | missed | p50 ms | p99 ms | max ms |", "|---:|---:|---:|---:|---:|---:|",
                         f"| {lat['docker_events']} | {lat['recorded']} | {lat['missed']} | {lat['p50_ms']:.1f} | {lat['p99_ms']:.1f} | {lat['max_ms']:.1f} |"])
        goals.append(("events: 0 missed", str(lat["missed"]), verdict(lat["missed"] == 0)))
        goals.append(("events: p99 engine → commit ≤ 250 ms", f"{lat['p99_ms']:.0f} ms", verdict(lat["p99_ms"] <= 250)))

    qry = load("query")
    if qry:
        store = qry["store"]
        section = ["## Query latency", "",
                   f"A generated store of 30 containers × {store['days']} days at 2 s: {store['fill']['samples']:,} samples and "
                   f"{store['fill']['events']:,} health-check events ({store['bytes'] / 2**30:.2f} GiB), plus one real incident recorded from the engine "
                   f"(`bench-crash`, exit 3). Median of {next(iter(qry['queries'].values()))['runs']} runs after one warm-up, whole processes; the "
                   "`sqlite3` CLI runs the same SQL as the command (listed in `Benchmarks/bench.py`). Finished " + qry["finished"] + ".", "",
                   "| query | command | blackbox ms | sqlite3 CLI ms | ratio |", "|---|---|---:|---:|---:|"]
        for name, q in qry["queries"].items():
            r = ratio(q["blackbox_s"], q["sqlite3_s"])
            section.append(f"| {name} | `{q['command'].split(' --db')[0]}` | {q['blackbox_s'] * 1000:.0f} | {q['sqlite3_s'] * 1000:.0f} | {r:.2f}× |")
            goals.append((f"{name}: ≤ 2× the sqlite3 CLI", f"{r:.2f}×", verdict(r <= 2)))
            goals.append((f"{name}: under 100 ms", f"{q['blackbox_s'] * 1000:.0f} ms", verdict(q["blackbox_s"] < 0.1)))
        sections.append(section)

    mem = load("memory")
    if mem:
        growth = mem["last_minute_rss_bytes"] - mem["second_minute_rss_bytes"]
        sections.append(["## Memory", "",
                         f"`blackbox record --interval 1s` over {mem['containers']} idle containers for {mem['seconds'] // 60} minutes, RSS from "
                         f"`/proc/<pid>/status` every 5 s (peak: `VmHWM`). Finished {mem['finished']}.", "",
                         "| peak RSS | steady RSS (median, second half) | 2nd minute | last minute | growth |", "|---:|---:|---:|---:|---:|",
                         f"| {mib(mem['peak_rss_bytes'])} | {mib(mem['steady_rss_bytes'])} | {mib(mem['second_minute_rss_bytes'])} | "
                         f"{mib(mem['last_minute_rss_bytes'])} | {growth / 1048576:+.1f} MiB |"])
        goals.append(("memory: peak RSS ≤ 40 MB", f"{mem['peak_rss_bytes'] / 1e6:.1f} MB ({mib(mem['peak_rss_bytes'])})", verdict(mem["peak_rss_bytes"] <= 40e6)))
        minutes = (mem["seconds"] - 90) / 60
        slope = growth / 1048576 / minutes
        goals.append(("memory: flat (no growth)", f"{growth / 1048576:+.1f} MiB from the 2nd to the last minute ({slope:+.2f} MiB/min)",
                      verdict(abs(slope) < 0.01)))

    storage = []
    if imp:
        storage.append(f"| generated samples (30 containers, busy counters), ceiling store | {imp['samples']['bytes_per_row']:.1f} |")
        storage.append(f"| generated engine events (compose payloads), with all the indexes of `events` | {imp['events']['bytes_per_row']:.1f} |")
        goals.append(("storage: ≤ 45 B per sample row", f"{imp['samples']['bytes_per_row']:.1f} B (generated)", verdict(imp["samples"]["bytes_per_row"] <= 45)))
    if rec:
        for count, runs in rec["runs"].items():
            storage.append(f"| recorded samples of {count} idle containers (`--sampler cgroup`) | {runs['blackbox --sampler cgroup']['bytes_per_sample_row']:.1f} |")
    if storage:
        sections.append(["## Storage", "",
                         "Bytes of the table's pages (and its indexes') per row, from SQLite's `dbstat`; `samples` is `WITHOUT ROWID` with its "
                         "clustered key (container_key, ts_ns), so it has no other index.", "",
                         "| rows | bytes per row |", "|---|---:|"] + storage)

    bad = load("hostile")
    if bad:
        hostile_lines, hostile_goal = hostile.section(bad)
        sections.append(hostile_lines)
        goals.append(hostile_goal)

    lines += ["## Goals", "", "| goal | measured | verdict |", "|---|---|---|"] + [f"| {g} | {m} | {v} |" for g, m, v in goals] + [""]
    for section in sections:
        lines += section + [""]
    loads = [(part, load(part)) for part in ("import", "record", "latency", "query", "memory", "hostile")]
    lines += ["## What else was running", "",
              "The machine is shared (other engineers' builds and tests); CPU seconds of a process are robust to that, wall-clock rates are not.",
              "At the end of each part:", ""]
    lines += [f"- {part}: load average {r['load_after']['loadavg']}; busiest: {', '.join(r['load_after']['top'][:3])}" for part, r in loads if r]
    notes_path = os.path.join(HERE, "NOTES.md")
    if os.path.exists(notes_path):
        lines += [""] + open(notes_path).read().rstrip().splitlines()
    with open(os.path.join(ROOT, "BENCHMARKS.md"), "w") as f:
        f.write("\n".join(lines) + "\n")


# ---------------------------------------------------------------- hostile

def part_hostile():
    save("hostile", hostile.part_hostile(BIN, WORK, new_store, debug="/debug/" in BIN))


PARTS = {"hostile": part_hostile, "import": part_import, "query-fill": part_query_fill, "query-incident": part_query_incident, "query": part_query, "record": part_record,
         "latency": part_latency, "memory": part_memory, "report": report}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in PARTS:
        sys.exit(f"usage: bench.py {'|'.join(PARTS)}")
    os.makedirs(WORK, exist_ok=True)
    PARTS[sys.argv[1]]()

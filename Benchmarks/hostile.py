"""The `hostile` part of the benchmark (issue 13): peak RSS and time of `import`, `query`, `playbook lint` and `check`
on generated hostile inputs, each with its size, checked against the bounds the README's "Bad input" section states:
every command ends (no signal, no hang) within BOUND_SECONDS with a peak RSS under BOUND_RSS_BYTES (`query`:
QUERY_BOUND_RSS_BYTES, SQLite's 256 MiB of working memory and the process's own), and refuses or
bounds what it must (its exit code and the text it prints are recorded).

Used by bench.py (`bench.py hostile`, `scripts/bench hostile`); BLACKBOX_BIN may be a debug build (the result says
which), whose figures are then an upper bound of the release binary's.
"""
import os
import subprocess
import tempfile
import time

BOUND_RSS_BYTES = 256 * 1024 * 1024
BOUND_SECONDS = 10.0
# `query` may give SQLite 256 MiB of working memory (ReadOnlyQuery.workingMemoryBytes) on top of the process's own.
QUERY_BOUND_RSS_BYTES = 384 * 1024 * 1024


def measure(command, cwd=None, timeout=60):
    """Runs a command to its end (any exit code); wall seconds, CPU seconds, peak RSS, exit code, the first stderr line."""
    with tempfile.TemporaryFile() as errors:
        start = time.monotonic()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors, cwd=cwd)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                process.kill()
                _, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.01)
        wall = time.monotonic() - start
        errors.seek(0)
        lines = errors.read().decode(errors="replace").splitlines()
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "max_rss_bytes": usage.ru_maxrss * 1024,
            "exit": os.waitstatus_to_exitcode(status), "stderr": (lines[0] if lines else "")[:200]}


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def inputs(work):
    """The hostile inputs, generated under work/hostile: (name, what it is, command builder, paths whose size is reported)."""
    base = os.path.join(work, "hostile")
    os.makedirs(base, exist_ok=True)
    event = '{"event":{"ts_ns":1795960918831883828,"kind":"recorder_gap","container_id":"c1","dedup_key":"k%d","payload":{"n":%d}}}\n'

    huge = os.path.join(base, "huge-lines.jsonl")
    with open(huge, "w") as f:
        for i in range(8):
            f.write(event % (i, i))
            f.write('{"event":{"payload":"' + "A" * (16 << 20) + '"}}\n')
    bad = os.path.join(base, "bad-lines.jsonl")
    with open(bad, "w") as f:
        for i in range(200_000):
            f.write(event % (i, i) if i % 2 else "not json %d\n" % i)

    alias = ["x0: &a0 [" + ", ".join(["lol"] * 9) + "]"]
    alias += [f"x{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]" for n in range(1, 9)]
    playbook_head = "id: hostile\ntitle: hostile\nseverity: warning\n"
    alias_bomb = write(os.path.join(base, "alias-bomb.yaml"), "\n".join(alias) + "\n" + playbook_head + "match: *a8\n")
    regex_bomb = write(os.path.join(base, "regex-bomb.yaml"), playbook_head +
                       "match:\n  log: '(a+)+$'\ndiagnosis: x\nfix: x\n")
    big_playbook = write(os.path.join(base, "big-playbook.yaml"), playbook_head + "diagnosis: '" + "x" * (8 << 20) + "'\nfix: x\n")

    ports = os.path.join(base, "ports")
    os.makedirs(ports, exist_ok=True)
    write(os.path.join(ports, "compose.yaml"),
          "services:\n" + "".join(f"  s{i}:\n    image: app\n    ports: ['1-65535:1-65535']\n" for i in range(4)))
    many = os.path.join(base, "many-services")
    os.makedirs(many, exist_ok=True)
    write(os.path.join(many, "compose.yaml"), "services:\n" + "".join(
        f"  s{i}:\n    image: app\n    ports: ['{10000 + i}:80']\n    depends_on: [{'s%d' % (i - 1) if i else 's1999'}]\n" for i in range(2000)))
    envs = os.path.join(base, "big-env")
    os.makedirs(envs, exist_ok=True)
    write(os.path.join(envs, "compose.yaml"), "services:\n  app:\n    image: app\n    env_file: big.env\n")
    with open(os.path.join(envs, "big.env"), "w") as f:
        f.truncate(1 << 30)
    with open(os.path.join(envs, ".env"), "w") as f:
        for i in range(20_000):
            f.write(f"VARIABLE_{i}={'v' * 20}\n")
    compose_bomb = os.path.join(base, "compose-alias-bomb")
    os.makedirs(compose_bomb, exist_ok=True)
    write(os.path.join(compose_bomb, "compose.yaml"), "\n".join(alias) + "\nservices:\n  app:\n    image: app\n    labels: *a8\n")

    rows = os.path.join(base, "rows.jsonl")
    with open(rows, "w") as f:
        for i in range(20_000):
            f.write(event % (i, i))
    return [
        ("import: 8 lines of 16 MiB", "import", [huge], huge),
        ("import: 100 000 bad lines of 200 000", "import", [bad], bad),
        ("playbook lint: alias bomb (9^9 values)", "lint", [alias_bomb], alias_bomb),
        ("playbook lint: nested quantifier `(a+)+$`", "lint", [regex_bomb], regex_bomb),
        ("playbook lint: an 8 MiB file", "lint", [big_playbook], big_playbook),
        ("check: 4 services publishing 1-65535", "check", [], os.path.join(ports, "compose.yaml")),
        ("check: 2000 services in one dependency cycle", "check", [], os.path.join(many, "compose.yaml")),
        ("check: a 1 GiB env_file and a 20 000-line .env", "check", [], os.path.join(envs, "big.env")),
        ("check: compose alias bomb", "check", [], os.path.join(compose_bomb, "compose.yaml")),
        ("query: a 20 000³ cross join counted", "query", ["SELECT count(*) FROM events a, events b, events c"], rows),
        ("query: a 20 000² cross join sorted", "query", ["SELECT a.payload, b.payload FROM events a, events b ORDER BY random()"], rows),
        ("query: a 20 000² cross join streamed", "query", ["SELECT a.seq, b.seq FROM events a, events b"], rows),
    ]


def part_hostile(binary, work, new_store, debug):
    """Measures every hostile input; returns the result saved as Benchmarks/results/hostile.json."""
    cases = []
    query_store = None
    for name, command, arguments, sized in inputs(work):
        if command == "import":
            store = new_store("hostile-import.sqlite")
            argv = [binary, "import", "--db", store, *arguments]
            cwd = None
        elif command == "lint":
            argv, cwd = [binary, "playbook", "lint", *arguments], None
        elif command == "check":
            argv, cwd = [binary, "check", "--db", os.path.join(work, "hostile-check.sqlite")], os.path.dirname(sized)
        else:
            if query_store is None:
                query_store = new_store("hostile-query.sqlite")
                subprocess.run([binary, "import", "--db", query_store, sized], capture_output=True, check=True)
            argv, cwd = [binary, "query", "--db", query_store, "--timeout", "5s", *arguments], None
        result = measure(argv, cwd=cwd)
        result.update({"input": name, "input_bytes": os.path.getsize(sized)})
        result["bound_rss_bytes"] = QUERY_BOUND_RSS_BYTES if command == "query" else BOUND_RSS_BYTES
        result["within"] = result["exit"] >= 0 and result["wall_s"] <= BOUND_SECONDS and result["max_rss_bytes"] <= result["bound_rss_bytes"]
        cases.append(result)
    return {"binary": "debug" if debug else "release", "bound_rss_bytes": BOUND_RSS_BYTES, "bound_seconds": BOUND_SECONDS, "cases": cases}


def size(value):
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if value >= scale:
            return f"{value / scale:.1f} {unit}"
    return f"{value} B"


def section(result):
    """The hostile section of BENCHMARKS.md and its goal row."""
    cases = result["cases"]
    lines = ["## Hostile inputs", "",
             f"`scripts/bench hostile` ({result['binary']} binary; finished {result['finished']}): each command on a generated hostile input, "
             f"bounded at {result['bound_seconds']:.0f} s and {result['bound_rss_bytes'] >> 20} MiB of peak RSS (`wait4`'s `ru_maxrss`; `query`: "
             f"{QUERY_BOUND_RSS_BYTES >> 20} MiB, SQLite's 256 MiB of working memory and the process's own); "
             "the exit code and the first line the command printed on standard error show what it refused.", "",
             "| input | input size | wall | CPU | peak RSS | RSS bound | exit | first line on stderr | within bounds |",
             "|---|---:|---:|---:|---:|---:|---:|---|---|"]
    for case in cases:
        shown = case["stderr"].replace("|", "\\|")
        lines.append(f"| {case['input']} | {size(case['input_bytes'])} | {case['wall_s']:.2f} s | {case['cpu_s']:.2f} s | "
                     f"{size(case['max_rss_bytes'])} | {size(case['bound_rss_bytes'])} | {case['exit']} | `{shown}` | {'yes' if case['within'] else '**no**'} |")
    worst_rss = max(case["max_rss_bytes"] for case in cases)
    worst_wall = max(case["wall_s"] for case in cases)
    goal = (f"hostile inputs: ≤ {result['bound_rss_bytes'] >> 20} MiB (query ≤ {QUERY_BOUND_RSS_BYTES >> 20} MiB), ≤ {result['bound_seconds']:.0f} s, no crash",
            f"worst {size(worst_rss)}, {worst_wall:.2f} s over {len(cases)} inputs ({result['binary']} binary)",
            "met" if all(case["within"] for case in cases) else "**not met**")
    return lines, goal

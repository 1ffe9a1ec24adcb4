#!/usr/bin/env python3
"""Load benchmark: the server under wrk, beside raw SQLite and Datasette,
on the same machine in one run.

    python3 bench/load.py [--seconds 10] [--binary target/release/activation-journal]

Prints POST /api/v1/attempts and GET /api/v1/attempts?limit=50 throughput
and latency percentiles at 16 and 64 connections, the server's peak RSS,
and next to them:

- raw SQLite, one 20-column row per durable commit (WAL, synchronous=FULL),
  and doing one POST's work (an attempt row with its question and audit
  row, on the journal's own schema and triggers) per durable commit;
- Datasette's list read (`/<db>/attempts.json?_size=50`) on a copy of the
  same file;

With `--db FILE` the server runs on a copy of that journal instead of a
new one (for example the summaries bench's 1,000,000 attempts, kept with
BENCH_DB): writes then pay what they cost on a large file, and the calls
go to its existing machines and licenses.

Then the ratios against the targets of the issue that asked for them
(#25): POST at 16 connections >= 2.0 x raw "one POST's work per durable
commit" and >= 0.5 x raw one-row commits, p99 <= 50 ms at 64
connections, GET >= 25 x Datasette, RSS <= 64 MiB. Figures, not assertions: the machine
is shared, so run it twice and read the ratios.

Needs wrk (Debian package) and Datasette (PyPI: installed into
target/load-venv when missing); builds the release binary when missing.
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url, seconds=30):
    end = time.time() + seconds
    while time.time() < end:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except Exception:
            time.sleep(0.1)
    sys.exit(f"nothing answered at {url}")


def need_wrk():
    if shutil.which("wrk"):
        return
    print("installing wrk (apt-get) ...", file=sys.stderr)
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, stdout=subprocess.DEVNULL)


def need_datasette():
    venv = os.path.join(ROOT, "target", "load-venv")
    exe = os.path.join(venv, "bin", "datasette")
    if not os.path.exists(exe):
        print("installing Datasette into target/load-venv ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([os.path.join(venv, "bin", "pip"), "install", "-q", "--pre", "datasette"], check=True)
    return exe


def wrk(url, connections, seconds, script=None, headers=()):
    cmd = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for h in headers:
        cmd += ["-H", h]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(cmd + [url], check=True, capture_output=True, text=True, env=os.environ).stdout
    def ms(text):
        value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    pct = {p: ms(v) for p, v in re.findall(r"^\s+(50|90|99)%\s+(\S+)", out, re.M)}
    lat = re.search(r"Latency\s+(\S+)\s+(\S+)\s+(\S+)", out)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "mean": ms(lat.group(1)),
        "max": ms(lat.group(3)),
        "p50": pct.get("50"),
        "p90": pct.get("90"),
        "p99": pct.get("99"),
        "non2xx": int(bad.group(1)) if bad else 0,
        "errors": errors.group(1) if errors else "none",
    }


def api(base, token, method, path, body):
    req = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode(),
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    return json.loads(urllib.request.urlopen(req).read())


def raw_one_row(path, seconds):
    """One 20-column row per durable commit."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    cols = ", ".join(f"c{i} TEXT" for i in range(20))
    db.execute(f"CREATE TABLE IF NOT EXISTS raw_rows (id INTEGER PRIMARY KEY, {cols})")
    marks = ", ".join("?" * 20)
    n, end = 0, time.time() + seconds
    while time.time() < end:
        db.execute("BEGIN IMMEDIATE")
        db.execute(f"INSERT INTO raw_rows VALUES (NULL, {marks})", [f"value {n} {i}" for i in range(20)])
        db.execute("COMMIT")
        n += 1
    db.close()
    return n / seconds


def raw_post_work(path, seconds):
    """What one POST writes, on the journal's own schema: an attempt, its
    question and its audit row, one durable commit each."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA foreign_keys=ON")
    case_id = db.execute("SELECT max(id) FROM cases").fetchone()[0]
    m, lic = db.execute("SELECT machine_id, license_id FROM cases WHERE id = ?", [case_id]).fetchone()
    now = "2026-11-30T00:00:00.000000Z"
    n, end = 0, time.time() + seconds
    while time.time() < end:
        db.execute("BEGIN IMMEDIATE")
        cur = db.execute(
            "INSERT INTO attempts (case_id, machine_id, license_id, started_at, started_utc, utc_offset, local_date,"
            " local_hour, local_weekday, method, ivr_result, operator_outcome, wait_seconds, result, failure_reason,"
            " notes, created_at, updated_at) VALUES (?, ?, ?, '2014-05-10T10:00:00+09:00', 1399683600000, 32400,"
            " '2014-05-10', 10, 5, 'phone', 'not_confirmed', 'reached', 180, 'not_activated', 'operator_unavailable',"
            " 'raw', ?, ?)", [case_id, m, lic, now, now])
        db.execute("INSERT INTO attempt_questions (attempt_id, position, topic, question, answer)"
                   " VALUES (?, 0, 'edition', 'which one?', 'Pro')", [cur.lastrowid])
        db.execute("INSERT INTO audit_log (at, token_id, actor, action, entity, entity_id, detail)"
                   " VALUES (?, NULL, 'raw', 'create', 'attempt', ?, '[]')", [now, cur.lastrowid])
        db.execute("COMMIT")
        n += 1
    db.close()
    return n / seconds


def peak_rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def row(label, r, extra=""):
    print(f"{label:<34} {r['rps']:>9.0f} {r['mean']:>8.1f} {r['p50']:>8.1f} {r['p90']:>8.1f} {r['p99']:>8.1f}"
          f" {r['max']:>8.1f}  non-2xx {r['non2xx']}, socket errors {r['errors']}{extra}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "activation-journal"))
    ap.add_argument("--machines", type=int, default=200)
    ap.add_argument("--db", help="run on a copy of this journal instead of a new one")
    args = ap.parse_args()
    need_wrk()
    datasette = need_datasette()
    if not os.path.exists(args.binary):
        subprocess.run(["cargo", "build", "--release"], cwd=ROOT, check=True)
    tmp = tempfile.mkdtemp(prefix="aj-load-")
    db = os.path.join(tmp, "load.db")
    if args.db:
        shutil.copy(args.db, db)
    aj = [args.binary, "--db", db, "--key-file", os.path.join(tmp, "load.db.key")]
    subprocess.run(aj + ["migrate"], check=True, capture_output=True)
    token = subprocess.run(aj + ["token", "create", "--name", "load", "--scope", "write"],
                           check=True, capture_output=True, text=True).stdout.strip()
    port = free_port()
    server = subprocess.Popen(aj + ["serve", "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, env={**os.environ, "RUST_LOG": "warn"})
    base = f"http://127.0.0.1:{port}"
    results = {}
    try:
        wait_for(base + "/health", 300)
        if args.db:
            # The journal's own machines and licenses (post.lua calls ids 1..n).
            with sqlite3.connect(db) as c:
                machines = c.execute("SELECT count(*) FROM machines").fetchone()[0]
                licenses = c.execute("SELECT count(*) FROM licenses").fetchone()[0]
        else:
            machines, licenses = args.machines, 5
            for i in range(machines):
                api(base, token, "POST", "/api/v1/machines", {"name": f"PC {i + 1}"})
            for channel in ["retail_box", "retail_download", "oem", "volume_mak", "digital"]:
                api(base, token, "POST", "/api/v1/licenses", {"product": "Windows 8.1", "channel": channel})
        env = {"AJ_TOKEN": token, "AJ_MACHINES": str(machines), "AJ_LICENSES": str(licenses)}
        os.environ.update(env)
        script = os.path.join(ROOT, "bench", "post.lua")
        for c in (16, 64):
            results[f"post{c}"] = wrk(base + "/api/v1/attempts", c, args.seconds, script=script)
        auth = [f"Authorization: Bearer {token}"]
        for c in (16, 64):
            results[f"get{c}"] = wrk(base + "/api/v1/attempts?limit=50", c, args.seconds, headers=auth)
        results["rss"] = peak_rss_mib(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    with sqlite3.connect(db) as c:
        attempts = c.execute("SELECT count(*) FROM attempts").fetchone()[0]
        # Everything into the main file before it is copied (a copy of the
        # file alone, without its WAL, may be missing pages).
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # Baselines on copies of the same file.
    raw = os.path.join(tmp, "raw.db")
    shutil.copy(db, raw)
    results["raw_row"] = raw_one_row(raw, args.seconds)
    results["raw_post"] = raw_post_work(raw, args.seconds)
    ds_db = os.path.join(tmp, "load.db")
    ds_port = free_port()
    ds = subprocess.Popen([datasette, "serve", ds_db, "-p", str(ds_port), "--setting", "sql_time_limit_ms", "10000"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        ds_url = f"http://127.0.0.1:{ds_port}/load/attempts.json?_size=50"
        wait_for(ds_url, 60)
        results["ds16"] = wrk(ds_url, 16, args.seconds)
    finally:
        ds.terminate()
        ds.wait(timeout=30)
    shutil.rmtree(tmp, ignore_errors=True)

    print(f"\nactivation-journal under wrk, {args.seconds} s a run, {attempts} attempts in the journal at the end")
    print(f"{'':<34} {'req/s':>9} {'mean ms':>8} {'p50':>8} {'p90':>8} {'p99':>8} {'max':>8}")
    for c in (16, 64):
        row(f"POST /attempts, {c} connections", results[f"post{c}"])
    for c in (16, 64):
        row(f"GET /attempts?limit=50, {c} conn.", results[f"get{c}"])
    row("Datasette attempts.json?_size=50, 16", results["ds16"])
    print(f"{'raw SQLite, one 20-column row per durable commit':<60} {results['raw_row']:>9.0f} /s")
    print(f"{'raw SQLite, one POSTs work per durable commit':<60} {results['raw_post']:>9.0f} /s")
    print(f"{'server peak RSS':<60} {results['rss']:>9.1f} MiB")

    post = results["post16"]["rps"]
    # No request answered within a run: its latency is unbounded, not 0.
    for r in results.values():
        if isinstance(r, dict) and r["rps"] == 0:
            r["p99"] = float("inf")
    checks = [
        ("POST 16 conn. / raw one POST's work", post / results["raw_post"], ">= 2.0",
         post / results["raw_post"] >= 2.0),
        ("POST 16 conn. / raw one-row commits", post / results["raw_row"], ">= 0.5", post / results["raw_row"] >= 0.5),
        ("p99 at 64 connections, ms", results["post64"]["p99"], "<= 50", results["post64"]["p99"] <= 50),
        ("GET 16 conn. / Datasette", results["get16"]["rps"] / results["ds16"]["rps"], ">= 25",
         results["get16"]["rps"] / results["ds16"]["rps"] >= 25),
        ("peak RSS, MiB", results["rss"], "<= 64", results["rss"] <= 64),
    ]
    print(f"\n{'ratio':<38} {'value':>9}  {'target':<9} verdict")
    for label, value, target, met in checks:
        print(f"{label:<38} {value:>9.2f}  {target:<9} {'met' if met else 'missed'}")


if __name__ == "__main__":
    main()

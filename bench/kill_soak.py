#!/usr/bin/env python3
"""Kill soak: SIGKILL the server under write load, again and again, and
check that nothing it acknowledged is lost and the file stays sound.

    python3 bench/kill_soak.py [--rounds 20] [--writers 16] [--binary target/release/activation-journal]

Each round starts `serve` on the same file, runs `--writers` threads that
POST machines and attempts as fast as they can (each keeping the ids the
server answered 201 for), kills the server with SIGKILL after a random
0.5-2 s, then opens the file directly and checks that every acknowledged
row is there and that `PRAGMA integrity_check` says ok. Prints one line a
round and a summary; exits 1 on the first loss or damage.
"""

import argparse
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(base, token, path, body):
    req = urllib.request.Request(base + path, method="POST", data=json.dumps(body).encode(),
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status, json.loads(r.read())


def writer(base, token, n, stop, acked, license_id):
    i = 0
    while not stop.is_set():
        i += 1
        try:
            status, m = post(base, token, "/api/v1/machines", {"name": f"soak {n}-{i}-{random.random()}"})
            if status == 201:
                acked.append(("machines", m["id"]))
            status, a = post(base, token, "/api/v1/attempts", {
                "machine_id": m["id"], "license_id": license_id, "started_at": "2014-05-10T10:00:00+09:00",
                "operator_outcome": "reached", "wait_seconds": 60,
                "questions": [{"topic": "edition", "question": "which?", "answer": "Pro"}],
                "result": "activated"})
            if status == 201:
                acked.append(("attempts", a["id"]))
        except (urllib.error.URLError, ConnectionError, OSError, ValueError):
            return  # the server is gone


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--writers", type=int, default=16)
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "activation-journal"))
    args = ap.parse_args()
    if not os.path.exists(args.binary):
        subprocess.run(["cargo", "build", "--release"], cwd=ROOT, check=True)
    tmp = tempfile.mkdtemp(prefix="aj-soak-")
    db = os.path.join(tmp, "soak.db")
    aj = [args.binary, "--db", db]
    subprocess.run(aj + ["migrate"], check=True, capture_output=True)
    token = subprocess.run(aj + ["token", "create", "--name", "soak", "--scope", "write"],
                           check=True, capture_output=True, text=True).stdout.strip()
    total_acked, lost_any = 0, False
    for round_no in range(1, args.rounds + 1):
        port = free_port()
        server = subprocess.Popen(aj + ["serve", "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, env={**os.environ, "RUST_LOG": "warn"})
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/health", timeout=1).read()
                break
            except Exception:
                time.sleep(0.05)
        if round_no == 1:
            _, lic = post(base, token, "/api/v1/licenses", {"product": "Windows 8.1", "channel": "retail_box"})
            license_id = lic["id"]
        acked, stop = [], threading.Event()
        threads = [threading.Thread(target=writer, args=(base, token, n, stop, acked, license_id))
                   for n in range(args.writers)]
        for t in threads:
            t.start()
        time.sleep(random.uniform(0.5, 2.0))
        server.send_signal(signal.SIGKILL)
        server.wait()
        stop.set()
        for t in threads:
            t.join()
        # What the server said it stored, checked straight in the file.
        conn = sqlite3.connect(db)
        missing = [(table, i) for table, i in acked
                   if conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", [i]).fetchone() is None]
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        rows = conn.execute("SELECT count(*) FROM attempts").fetchone()[0]
        conn.close()
        total_acked += len(acked)
        verdict = "ok" if not missing and integrity == "ok" else "LOST OR DAMAGED"
        print(f"round {round_no:>2}: {len(acked):>6} acknowledged writes, {len(missing)} missing, "
              f"integrity {integrity}, {rows} attempts in the file  {verdict}", flush=True)
        if verdict != "ok":
            lost_any = True
            break
    print(f"\n{round_no} rounds of SIGKILL under {args.writers} writers: {total_acked} acknowledged writes, "
          f"{'some lost or damaged' if lost_any else 'none lost, integrity ok every time'}")
    sys.exit(1 if lost_any else 0)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Page benchmark: every web page under wrk, signed in, on a large journal,
beside the API answers the pages are built from.

    BENCH_DB=/tmp/j1m.db ATTEMPTS=1000000 cargo bench --bench summaries   # makes the journal once
    python3 bench/pages.py --db /tmp/j1m.db [--seconds 10]

Works on a copy of the file (the server migrates it and adds its session).
Prints, for each page and for the API routes beside it, requests per second
and latency percentiles at 4 connections, and the server's peak RSS. The
issue's target is "a page in well under 50 ms on a journal of 1 M
attempts"; figures, not assertions.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from load import free_port, need_wrk, peak_rss_mib, wait_for, wrk  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def sign_in(base, token):
    """The session cookie of a browser signed in with `token`."""
    opener = urllib.request.build_opener(NoRedirect)
    res = opener.open(base + "/sign-in")
    cookie = res.headers.get("Set-Cookie").split(";")[0]
    csrf = re.search(r'name="csrf" value="([^"]+)"', res.read().decode()).group(1)
    data = urllib.parse.urlencode({"csrf": csrf, "token": token, "next": "/"}).encode()
    req = urllib.request.Request(base + "/sign-in", data=data, headers={"Cookie": cookie})
    try:
        opener.open(req)
    except urllib.error.HTTPError as e:
        if e.code != 303:
            raise
        for h in e.headers.get_all("Set-Cookie"):
            if h.startswith("aj_session="):
                return h.split(";")[0]
    sys.exit("signing in failed")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True, help="a journal file (copied first)")
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", type=int, default=4)
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "activation-journal"))
    args = ap.parse_args()
    need_wrk()
    if not os.path.exists(args.binary):
        subprocess.run(["cargo", "build", "--release"], cwd=ROOT, check=True)
    tmp = tempfile.mkdtemp(prefix="aj-pages-")
    db = os.path.join(tmp, "journal.db")
    shutil.copy(args.db, db)
    token = subprocess.run([args.binary, "--db", db, "token", "create", "--name", "bench", "--scope", "write"],
                           check=True, capture_output=True, text=True).stdout.strip()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([args.binary, "--db", db, "serve", "--bind", f"127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(base + "/health", 300)
        cookie = sign_in(base, token)
        attempt = 1
        machine = 1
        pages = ["/", "/calls/new", "/attempts", f"/attempts/{attempt}", "/attempts?result=activated",
                 f"/machines/{machine}", "/machines", "/licenses", "/licenses/1", "/follow-ups", "/cases/1",
                 "/search?q=operator", "/summaries", "/summaries?from=2024-01-01&to=2024-01-31"]
        api = ["/api/v1/attempts?limit=50", "/api/v1/summary/overview", "/api/v1/summary/hours",
               "/api/v1/summary/questions", "/api/v1/summary/open"]
        print(f"{os.path.basename(args.db)}, {args.connections} connections, {args.seconds} s each")
        print(f"{'path':<44} {'req/s':>8} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8}  non-2xx")
        for path in pages:
            r = wrk(base + path, args.connections, args.seconds, headers=[f"Cookie: {cookie}"])
            print(f"{path:<44} {r['rps']:>8.0f} {r['p50']:>8.1f} {r['p90']:>8.1f} {r['p99']:>8.1f}  {r['non2xx']}")
        for path in api:
            r = wrk(base + path, args.connections, args.seconds, headers=[f"Authorization: Bearer {token}"])
            print(f"{path:<44} {r['rps']:>8.0f} {r['p50']:>8.1f} {r['p90']:>8.1f} {r['p99']:>8.1f}  {r['non2xx']}")
        print(f"peak RSS {peak_rss_mib(server.pid):.0f} MiB")
    finally:
        server.terminate()
        server.wait(30)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

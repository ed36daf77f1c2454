#!/usr/bin/env python3
"""Crash test: kill the server with SIGKILL during concurrent writes, many times, and prove
that every acknowledged write survived and the database is intact.

Usage: scripts/crash-test [--rounds 100] [--writers 4] [--bin target/release/tsunagu]

What it does, with the standard library only:
1. creates a fresh data directory and a counsellor account (`tsunagu user add --json`), signs in
   over HTTP with password + TOTP (RFC 6238, computed here), opens a file and records consent;
2. each round: starts `tsunagu serve`, lets several writer threads store records through the
   staff form as fast as they can, and after a random 50-400 ms sends SIGKILL;
3. a write counts as acknowledged only when the server answered 303 with the new record's
   location; everything else (refused connections, resets) is an unacknowledged attempt;
4. at the end: every acknowledged record id must be in the database with the note that was
   sent, `PRAGMA integrity_check` must say ok, and `tsunagu audit verify` must pass.
Prints the figures; exits non-zero on any lost write or damage.
"""

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

from lib.testkit import free_port, totp

PASSWORD = "crash-test-passphrase-2026"


class Client:
    """A tiny HTTP client that keeps cookies, enough for the staff forms."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def request(self, method, path, form=None, timeout=5):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            res = conn.getresponse()
            data = res.read().decode("utf-8", "replace")
            for value in res.headers.get_all("Set-Cookie") or []:
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
            return res.status, res.headers, data
        finally:
            conn.close()


def csrf_in(html):
    m = re.search(r'name="csrf" value="([0-9a-f]{64})"', html)
    if not m:
        raise SystemExit("no CSRF token on the page")
    return m.group(1)


def start_server(binary, data_dir, port, log):
    proc = subprocess.Popen(
        [binary, "serve", "--addr", f"127.0.0.1:{port}"],
        env={**os.environ, "TSUNAGU_DATA_DIR": data_dir, "RUST_LOG": "warn"},
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode} while starting")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("the server did not start within 30 s")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=100)
    ap.add_argument("--writers", type=int, default=4)
    ap.add_argument("--bin", default="target/release/tsunagu")
    ap.add_argument("--keep", action="store_true", help="keep the data directory")
    a = ap.parse_args()
    binary = os.path.abspath(a.bin)
    work = tempfile.mkdtemp(prefix="tsunagu-crash.")
    data_dir = os.path.join(work, "data")
    log = open(os.path.join(work, "server.log"), "wb")
    port = free_port()
    started = time.time()

    out = subprocess.run(
        [binary, "user", "add", "writer", "--role", "counsellor", "--organization", "crash-test",
         "--password-stdin", "--json"],
        input=PASSWORD + "\n", capture_output=True, text=True,
        env={**os.environ, "TSUNAGU_DATA_DIR": data_dir},
    )
    if out.returncode != 0:
        raise SystemExit(f"user add failed: {out.stderr}")
    secret = json.loads(out.stdout)["totp_secret"]

    server = start_server(binary, data_dir, port, log)
    c = Client(port)
    _, _, page = c.request("GET", "/staff/login")
    status, _, _ = c.request("POST", "/staff/login",
                             {"username": "writer", "password": PASSWORD, "csrf": csrf_in(page)})
    assert status == 303, f"password step: {status}"
    _, _, page = c.request("GET", "/staff/login/totp")
    status, _, _ = c.request("POST", "/staff/login/totp", {"code": totp(secret), "csrf": csrf_in(page)})
    assert status == 303, f"second factor: {status}"
    _, _, page = c.request("GET", "/staff")
    csrf = csrf_in(page)
    status, headers, _ = c.request("POST", "/staff/subjects", {"label": "crash", "csrf": csrf})
    subject = headers["Location"]
    status, _, _ = c.request("POST", f"{subject}/consents", {
        "purpose": "crash test", "scope": ["consultation"], "given_by": "subject", "csrf": csrf})
    assert status == 303, f"consent: {status}"
    session = dict(c.cookies)

    acked = {}  # record id -> note
    attempts = 0
    lock = threading.Lock()
    stop = threading.Event()

    def writer(round_no, w):
        nonlocal attempts
        wc = Client(port)
        wc.cookies = dict(session)
        n = 0
        while not stop.is_set():
            note = f"round {round_no} writer {w} write {n}"
            n += 1
            with lock:
                attempts += 1
            try:
                status, headers, _ = wc.request("POST", f"{subject}/records",
                                                {"kind": "consultation", "note": note, "csrf": csrf},
                                                timeout=2)
            except (OSError, http.client.HTTPException):
                time.sleep(0.01)
                continue
            if status == 303:
                rid = int(headers["Location"].rsplit("/", 1)[1])
                with lock:
                    acked[rid] = note
            elif status >= 500:
                raise SystemExit(f"server error {status}")

    for r in range(a.rounds):
        if server is None:
            server = start_server(binary, data_dir, port, log)
        stop.clear()
        threads = [threading.Thread(target=writer, args=(r, w), daemon=True) for w in range(a.writers)]
        for t in threads:
            t.start()
        time.sleep(random.uniform(0.05, 0.4))
        server.send_signal(signal.SIGKILL)
        server.wait()
        server = None
        stop.set()
        for t in threads:
            t.join()
        if (r + 1) % 10 == 0:
            print(f"round {r + 1}/{a.rounds}: {len(acked)} acknowledged writes so far", flush=True)

    # Every acknowledged write must be there, exactly as sent, and the file must be sound.
    db = sqlite3.connect(os.path.join(data_dir, "tsunagu.db"))
    integrity = db.execute("pragma integrity_check").fetchall()
    stored = {rid: json.loads(body)["note"] for rid, body in db.execute("select id, body from records")}
    db.close()
    lost = [rid for rid in acked if rid not in stored]
    changed = [rid for rid, note in acked.items() if rid in stored and stored[rid] != note]
    audit = subprocess.run([binary, "audit", "verify", "--json"], capture_output=True, text=True,
                           env={**os.environ, "TSUNAGU_DATA_DIR": data_dir})
    audit_ok = audit.returncode == 0 and json.loads(audit.stdout).get("ok") is True
    elapsed = time.time() - started
    print(json.dumps({
        "rounds": a.rounds,
        "writers": a.writers,
        "kills": a.rounds,
        "attempted_writes": attempts,
        "acknowledged_writes": len(acked),
        "stored_records": len(stored),
        "lost_acknowledged": len(lost),
        "changed_acknowledged": len(changed),
        "integrity_check": integrity[0][0] if len(integrity) == 1 else integrity,
        "audit_chain": json.loads(audit.stdout) if audit.stdout else audit.stderr,
        "seconds": round(elapsed, 1),
    }, indent=2))
    log.close()
    ok = not lost and not changed and integrity == [("ok",)] and audit_ok and len(acked) > 0
    if a.keep or not ok:
        print(f"data kept in {work}", file=sys.stderr)
    else:
        shutil.rmtree(work, ignore_errors=True)
    if not ok:
        print("CRASH TEST FAILED", file=sys.stderr)
        return 1
    print("crash test passed: every acknowledged write survived; integrity ok; audit chain intact")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Parallel sign-in attacks on real `tsunagu serve` processes (issue 16).

For each backend: SQLite with one server (SQLite allows one server per data directory, by
design), and PostgreSQL with two servers on one database (each request goes to one of them in
turn). Over --trials trials each:

1. password race: 40 wrong passwords and the right one sent at once on a fresh account;
2. code race: 40 half-signed sessions send wrong codes and one the right code at once;
3. one code twice: 8 half-signed sessions send the same right code at once.

Then from the audit trail (read from the database itself): no attempt was accepted after five
counted failures or after a lock, at most five guesses were checked per account, and a code
signed in at most once. Finally, with the default per-address budget, 150 sign-in posts at once
over all servers are answered at most 10 (+ 1 per 6 s elapsed) times in all; and a refused access
to personal data is in the trail.

Usage: scripts/concurrency_test.py --bin target/release/tsunagu [--database-url postgres://…
--psql /usr/lib/postgresql/15/bin/psql] [--trials 8]
"""

import argparse
import concurrent.futures
import http.client
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse

from lib.testkit import free_port, totp

PASSWORD = "concurrency-test-passphrase"
WRONG = "wrong-passphrase-0000"


class Client:
    """Keeps cookies; enough for the sign-in forms."""

    def __init__(self, port, source="127.0.0.1"):
        self.port = port
        self.source = source
        self.cookies = {}

    def request(self, method, path, form=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60,
                                          source_address=(self.source, 0))
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            res = conn.getresponse()
            data = res.read().decode("utf-8", "replace")
            for value in res.headers.get_all("Set-Cookie") or []:
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
            return res.status, res.headers.get("Location", ""), data
        finally:
            conn.close()

    def password(self, user, password):
        _, _, page = self.request("GET", "/staff/login")
        return self.request("POST", "/staff/login",
                            {"username": user, "password": password, "csrf": csrf_in(page)})

    def code_form(self):
        _, _, page = self.request("GET", "/staff/login/totp")
        return csrf_in(page)


def csrf_in(html):
    m = re.search(r'name="csrf" value="([0-9a-f]{64})"', html)
    if not m:
        raise SystemExit("no CSRF token on the page")
    return m.group(1)


class Backend:
    def __init__(self, binary, work, name, url=None, psql=None):
        self.binary, self.name, self.url, self.psql = binary, name, url, psql
        self.data_dir = os.path.join(work, name)
        self.servers = []
        self.ports = []
        self.log = open(os.path.join(work, f"{name}.log"), "wb")

    def env(self):
        env = {**os.environ, "TSUNAGU_DATA_DIR": self.data_dir, "RUST_LOG": "warn"}
        if self.url:
            env["TSUNAGU_DATABASE_URL"] = self.url
        return env

    def add_user(self, name, role):
        out = subprocess.run([self.binary, "user", "add", name, "--role", role, "--organization",
                              "concurrency", "--password-stdin", "--json"],
                             input=PASSWORD + "\n", capture_output=True, text=True, env=self.env())
        if out.returncode != 0:
            raise SystemExit(f"user add {name} failed: {out.stderr}")
        return json.loads(out.stdout).get("totp_secret")

    def start(self, count, logins_per_minute):
        for _ in range(count):
            port = free_port()
            proc = subprocess.Popen(
                [self.binary, "serve", "--addr", f"127.0.0.1:{port}",
                 "--logins-per-minute", str(logins_per_minute)],
                env=self.env(), stdout=subprocess.DEVNULL, stderr=self.log)
            deadline = time.time() + 60
            while True:
                if proc.poll() is not None:
                    raise SystemExit(f"{self.name}: the server exited with {proc.returncode}")
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                        break
                except OSError:
                    if time.time() > deadline:
                        raise SystemExit(f"{self.name}: the server did not start")
                    time.sleep(0.05)
            self.servers.append(proc)
            self.ports.append(port)

    def stop(self):
        for p in self.servers:
            p.terminate()
            p.wait(timeout=30)
        self.servers, self.ports = [], []

    def trail(self, user):
        """(seq, action, detail) of the account's entries, in order."""
        sql = ("select seq, action, detail from audit_log where target = 'account' "
               f"and target_id = '{user}' order by seq")
        return self.query(sql)

    def query(self, sql):
        if self.url is None:
            db = sqlite3.connect(os.path.join(self.data_dir, "tsunagu.db"))
            try:
                return db.execute(sql).fetchall()
            finally:
                db.close()
        out = subprocess.run([self.psql, self.url, "-At", "-F", "\t", "-c", sql],
                             capture_output=True, text=True, check=True)
        return [tuple(line.split("\t")) for line in out.stdout.splitlines() if line]


def check_series(trail, user, trial):
    """No sign-in after five counted failures or after a lock; at most five guesses checked."""
    counted = 0
    locked = False
    checked = 0
    for _, action, detail in trail:
        if action == "login_failed" and detail.startswith("attempt "):
            counted += 1
            checked += 1
        elif action == "locked":
            locked = True
        elif action == "login":
            assert not locked, f"{user} trial {trial}: signed in after a lock: {trail}"
            assert counted <= 4, f"{user} trial {trial}: signed in after {counted} failures"
            counted = 0
    assert checked <= 5, f"{user} trial {trial}: {checked} guesses were checked"
    return checked


def race(fns):
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(fns)) as pool:
        return list(pool.map(lambda f: f(), fns))


def half_signed(user, n, port, source):
    """`n` sessions of `user` past the password step, one after the other, spread over the
    servers: (client, CSRF token of the code form) each."""
    clients = []
    for i in range(n):
        c = Client(port(i), source)
        status, loc, _ = c.password(user, PASSWORD)
        assert status == 303 and loc == "/staff/login/totp", f"password step: {status} {loc}"
        clients.append((c, c.code_form()))
    return clients


def run_backend(b, trials, servers):
    users = {}
    for t in range(trials):
        users[("pw", t)] = b.add_user(f"pw{t}", "viewer")
        users[("code", t)] = b.add_user(f"code{t}", "counsellor")
        users[("twice", t)] = b.add_user(f"twice{t}", "counsellor")
    b.add_user("probe", "viewer")
    b.add_user("sustain", "viewer")
    b.start(servers, 1_000_000)
    port = lambda i: b.ports[i % len(b.ports)]
    totals = {"password_accepted": 0, "password_checked": 0, "code_accepted": 0,
              "code_checked": 0, "twice_signed_in": 0}
    for t in range(trials):
        # Each race comes from its own loopback address (127.0.t.1-3): the per-address pause
        # after ten failures would otherwise refuse the later races before they reach the
        # account rules under test.
        src = lambda k: f"127.0.{t + 1}.{k}"
        # 1. password race.
        guesses = [WRONG] * 40 + [PASSWORD]
        results = race([lambda i=i, g=g: Client(port(i), src(1)).password(f"pw{t}", g)
                        for i, g in enumerate(guesses)])
        accepted = sum(1 for s, loc, _ in results if s == 303 and loc == "/staff")
        assert accepted <= 1
        totals["password_accepted"] += accepted
        totals["password_checked"] += check_series(b.trail(f"pw{t}"), f"pw{t}", t)

        # 2. code race: 41 half-signed sessions (the password step one after the other).
        clients = half_signed(f"code{t}", 41, port, src(2))
        right = totp(users[("code", t)])
        codes = [f"{(int(right) + k) % 1_000_000:06d}" for k in range(1, 41)] + [right]
        results = race([lambda c=c, tok=tok, code=code: c.request(
            "POST", "/staff/login/totp", {"code": code, "csrf": tok})
            for (c, tok), code in zip(clients, codes)])
        accepted = sum(1 for s, loc, _ in results if s == 303 and loc == "/staff")
        assert accepted <= 1
        totals["code_accepted"] += accepted
        totals["code_checked"] += check_series(b.trail(f"code{t}"), f"code{t}", t)

        # 3. one code, eight sessions at once.
        clients = half_signed(f"twice{t}", 8, port, src(3))
        code = totp(users[("twice", t)])
        results = race([lambda c=c, tok=tok: c.request(
            "POST", "/staff/login/totp", {"code": code, "csrf": tok}) for c, tok in clients])
        signed_in = sum(1 for s, loc, _ in results if s == 303 and loc == "/staff")
        logins = sum(1 for _, a, _ in b.trail(f"twice{t}") if a == "login")
        assert signed_in <= 1 and logins <= 1, f"twice{t}: one code signed in {signed_in} times"
        totals["twice_signed_in"] += signed_in

    # A sustained attack: waves of 20 wrong guesses at once, each as the last pause runs out
    # (1, 2, 4, 8 s), then the right password: five checked in all, the fifth locks, and the
    # right password is refused.
    for k, pause in enumerate([0, 1.1, 2.1, 4.1, 8.1]):
        time.sleep(pause)
        race([lambda i=i: Client(port(i), f"127.0.100.{k + 1}").password("sustain", WRONG)
              for i in range(20)])
    status, loc, _ = Client(port(0), "127.0.100.9").password("sustain", PASSWORD)
    trail = b.trail("sustain")
    checked = check_series(trail, "sustain", 0)
    assert checked == 5, f"sustained attack: {checked} guesses checked, expected 5: {trail}"
    assert any(a == "locked" for _, a, _ in trail), "sustained attack: no lock"
    assert not (status == 303 and loc == "/staff"), "the right password got in while locked"
    totals["sustained_checked"] = checked

    # A refused access to personal data is in the trail.
    c = Client(port(0), "127.0.200.1")
    c.password("probe", PASSWORD)
    status, _, _ = c.request("GET", "/staff/subjects/1")
    assert status in (403, 404), f"a viewer opened a file: {status}"
    refused = b.query("select count(*) from audit_log where action = 'refused' and actor = 'probe'")
    assert int(refused[0][0]) >= 1, "the refused access is not in the trail"
    b.stop()

    # The per-address budget (default 10 a minute), shared by every server.
    b.start(servers, 10)
    started = time.time()
    results = race([lambda i=i: Client(port(i), "127.0.201.1").password("nobody", WRONG)
                    for i in range(150)])
    elapsed = time.time() - started
    answered = sum(1 for s, _, _ in results if s != 429)
    assert answered <= 10 + int(elapsed // 6) + 1, f"{answered} of 150 answered in {elapsed:.1f} s"
    b.stop()
    return totals, answered


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/release/tsunagu")
    ap.add_argument("--trials", type=int, default=8)
    ap.add_argument("--database-url", help="a PostgreSQL server to create a test database on")
    ap.add_argument("--psql", default="psql")
    a = ap.parse_args()
    binary = os.path.abspath(a.bin)
    work = tempfile.mkdtemp(prefix="tsunagu-concurrency.")
    backends = [(Backend(binary, work, "sqlite"), 1)]
    if a.database_url:
        db = f"tsunagu_concurrency_{os.getpid()}"
        subprocess.run([a.psql, a.database_url, "-q", "-c", f"create database {db}"], check=True)
        base = urllib.parse.urlsplit(a.database_url)
        url = urllib.parse.urlunsplit(base._replace(path=f"/{db}"))
        backends.append((Backend(binary, work, "postgres", url, a.psql), 2))
    else:
        print("SKIPPED: PostgreSQL (no --database-url): the two-server runs did not happen")
    failed = False
    for b, servers in backends:
        started = time.time()
        try:
            totals, answered = run_backend(b, a.trials, servers)
        except AssertionError as e:
            print(f"FAILED on {b.name}: {e}")
            failed = True
            b.stop()
            continue
        print(f"{b.name}, {servers} server(s), {a.trials} trials, {time.time() - started:.0f} s:")
        print(f"  password race (40 wrong + right at once): accepted {totals['password_accepted']}"
              f" times, {totals['password_checked']} guesses checked in all (limit 5 per trial)")
        print(f"  code race (40 wrong + right at once): accepted {totals['code_accepted']} times,"
              f" {totals['code_checked']} codes checked in all (limit 5 per trial)")
        print(f"  one code from 8 sessions at once: signed in {totals['twice_signed_in']} times"
              f" in {a.trials} trials (at most 1 each)")
        print(f"  per-address budget: {answered} of 150 parallel sign-in posts answered (budget 10)")
        print(f"  sustained attack (5 waves of 20 over {servers} server(s)): "
              f"{totals['sustained_checked']} guesses checked, then locked; the right password refused")
        print("  0 accepted after the limit, 0 codes used twice, refused access in the trail")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

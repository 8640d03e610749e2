"""More than one app server: two gunicorn processes (as on two hosts) on one database, with
concurrent writers on the same commitments. Every acknowledged write is there afterwards and
no update is lost: If-Match holds across processes."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from pony.orm import db_session

ROOT = Path(__file__).resolve().parent.parent
WRITERS = 8
ROUNDS = 8


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def call(port: int, method: str, path: str, headers: dict, body: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        data = json.dumps(body).encode() if body is not None else None
        connection.request(method, path, body=data, headers={
            **headers, **({"Content-Type": "application/json"} if data else {})})
        answer = connection.getresponse()
        return answer.status, dict(answer.getheaders()), answer.read()
    finally:
        connection.close()


@pytest.fixture
def servers(app, engine, engine_databases, tmp_path):
    """Two app servers, separate processes, on the test database."""
    url = engine_databases(engine).url
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "test-secret",
           "NORDIALOG_ENV": "production"}
    started = []
    for number in range(2):
        port = free_port()
        log = open(tmp_path / f"server{number}.log", "w")  # noqa: SIM115 - closed below
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "1", "-k", "gthread", "--threads", "4",
             "-b", f"127.0.0.1:{port}", "app.wsgi:application"],
            cwd=ROOT, env=env, stdout=log, stderr=log)
        started.append((process, port, log))
    try:
        for process, port, _log in started:
            deadline = time.time() + 30
            while True:
                try:
                    if call(port, "GET", "/healthz", {})[0] == 200:
                        break
                except OSError:
                    pass
                assert process.poll() is None and time.time() < deadline, "server did not start"
                time.sleep(0.1)
        yield [port for _process, port, _log in started]
    finally:
        for process, _port, log in started:
            process.terminate()
            process.wait(timeout=30)
            log.close()
    logs = "".join((tmp_path / f"server{n}.log").read_text() for n in range(2))
    assert "database is locked" not in logs
    assert "Traceback" not in logs


def run_writers(work) -> None:
    threads = [threading.Thread(target=work, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_every_acknowledged_follow_up_is_stored(app, world, servers):
    headers = world.headers["office_a"]
    commitment = world.ids["c_a1"]
    statuses: Counter = Counter()
    created: list[int] = []
    lock = threading.Lock()

    def work(number: int) -> None:
        for round_ in range(ROUNDS):
            port = servers[(number + round_) % 2]
            status, _headers, body = call(
                port, "POST", f"/api/v1/commitments/{commitment}/follow-ups", headers,
                {"occurred_on": str(world.ids["today"]), "narrative": f"w{number} r{round_}"})
            with lock:
                statuses[status] += 1
                if status == 201:
                    created.append(json.loads(body)["id"])

    run_writers(work)
    # Acknowledged, or refused as a conflict to retry: never an error, never half-written.
    assert set(statuses) <= {201, 409}, statuses
    assert statuses[201] >= ROUNDS
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        stored = {f.id for f in db.FollowUp.select(lambda f: f.commitment.id == commitment)}
        assert set(created) <= stored
        # The world had one follow-up on it; every other stored one was acknowledged.
        assert len(stored) == len(created) + 1
        events = db.CommitmentEvent.select(
            lambda e: e.commitment.id == commitment and e.kind == "follow_up").count()
        assert events == len(stored)


def test_if_match_holds_across_processes_so_no_update_is_lost(app, world, servers):
    headers = world.headers["office_a"]
    path = f"/api/v1/commitments/{world.ids['c_a1']}"
    accepted: list[str] = []
    statuses: Counter = Counter()
    lock = threading.Lock()
    start_version = json.loads(call(servers[0], "GET", path, headers)[2])["version"]

    def work(number: int) -> None:
        for round_ in range(ROUNDS):
            # Read on one server, write on the other.
            _status, read_headers, _body = call(servers[round_ % 2], "GET", path, headers)
            person = f"writer {number} round {round_}"
            status, _headers, _body = call(
                servers[(round_ + 1) % 2], "PATCH", path,
                {**headers, "If-Match": read_headers["ETag"]}, {"responsible_person": person})
            with lock:
                statuses[status] += 1
                if status == 200:
                    accepted.append(person)

    run_writers(work)
    assert set(statuses) <= {200, 409, 412}, statuses
    assert accepted, statuses
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        commitment = db.Commitment[world.ids["c_a1"]]
        # Each accepted change made exactly one new version, recorded in the history.
        assert commitment.version == start_version + len(accepted)
        updates = [e for e in commitment.events if e.kind == "updated"]
        assert len(updates) == len(accepted)
        recorded = " ".join(json.dumps(e.changes, ensure_ascii=False) for e in updates)
        assert all(person in recorded for person in accepted)
        assert commitment.responsible_person in accepted

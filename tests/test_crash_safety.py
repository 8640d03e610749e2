"""Crash safety: the server is killed with SIGKILL in the middle of 10,000 writes; after a
restart every write that was acknowledged with a 2xx is there and the database is intact.

Clients post follow-ups (each its own transaction: the follow-up, the commitment's next date,
the audit entries) to a gunicorn server over the test database; when half of the planned
writes have been acknowledged the whole server process group gets SIGKILL while requests are
in flight. NORDIALOG_CRASH_WRITES changes the number of planned writes (default 10,000).
Runs in its own CI step (``-m durability``, see .ci/run).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from datetime import date

import psycopg2
import pytest
import requests

from tests.durability import Server

pytestmark = pytest.mark.durability

PLANNED = int(os.environ.get("NORDIALOG_CRASH_WRITES", "10000"))
KILL_AFTER = PLANNED // 2


def _integrity_problems(engine: str, url: str) -> list:
    if engine == "sqlite":
        path = url[len("sqlite:///"):]
        with sqlite3.connect(path) as connection:
            problems = [row for row in connection.execute("PRAGMA integrity_check")
                        if row != ("ok",)]
            problems += list(connection.execute("PRAGMA foreign_key_check"))
            mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
        connection.close()
        return problems + ([f"journal_mode={mode}"] if mode != "wal" else [])
    connection = psycopg2.connect(url)
    with connection, connection.cursor() as cursor:
        cursor.execute("SELECT indexrelid::regclass::text FROM pg_index i "
                       "JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n "
                       "ON n.oid = c.relnamespace WHERE n.nspname = 'public' "
                       "AND NOT (i.indisvalid AND i.indisready)")
        problems = cursor.fetchall()
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        for (table,) in cursor.fetchall():
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # every page still readable
    connection.close()
    return problems


def test_every_acknowledged_write_survives_sigkill(app, world, engine, tmp_path):
    url = app.config["DATABASE_URL"]
    headers = world.headers["admin"]
    targets = [world.c_a1, world.c_b1, world.c_s, world.c_s_local]
    acknowledged: dict[int, list[str]] = {target: [] for target in targets}
    lock = threading.Lock()
    enough = threading.Event()
    server = Server(url, tmp_path / "gunicorn.log")

    def writer(slot: int, target: int):
        session = requests.Session()
        session.headers.update(headers)
        for n in range(slot, PLANNED, len(targets)):
            narrative = f"crash-write-{n}"
            try:
                response = session.post(
                    f"{server.base}/api/v1/commitments/{target}/follow-ups",
                    json={"occurred_on": date.today().isoformat(), "narrative": narrative},
                    timeout=60)
            except requests.ConnectionError:
                return  # the server is gone: this write was never acknowledged
            if 200 <= response.status_code < 300:
                with lock:
                    acknowledged[target].append(narrative)
                    if sum(map(len, acknowledged.values())) >= KILL_AFTER:
                        enough.set()
            elif response.status_code >= 500:
                raise AssertionError(f"{response.status_code}: {response.text}")

    threads = [threading.Thread(target=writer, args=(slot, target))
               for slot, target in enumerate(targets)]
    for thread in threads:
        thread.start()
    try:
        assert enough.wait(timeout=1800), "the writers stalled before the crash point"
    finally:
        server.kill()
    for thread in threads:
        thread.join(timeout=120)
    killed = PLANNED - sum(map(len, acknowledged.values()))

    assert _integrity_problems(engine, url) == []
    restarted = Server(url, tmp_path / "gunicorn.log")
    try:
        for target, narratives in acknowledged.items():
            stored = set()
            page = 1
            while True:
                response = requests.get(
                    f"{restarted.base}/api/v1/follow-ups",
                    params={"commitment": target, "page": page, "per_page": 200},
                    headers=headers, timeout=60)
                assert response.status_code == 200
                stored.update(item["narrative"] for item in response.json()["items"])
                if page * 200 >= response.json()["total"]:
                    break
                page += 1
            missing = set(narratives) - stored
            assert not missing, f"{len(missing)} acknowledged writes lost on {target}"
    finally:
        restarted.stop()
    assert _integrity_problems(engine, url) == []
    recovered = sum(map(len, acknowledged.values()))
    print(f"\n{engine}: {PLANNED} planned, {recovered} acknowledged and recovered after "
          f"SIGKILL, {killed} never acknowledged")

"""Backups: ``flask db backup`` while the service is serving and writes go on, then
``flask db restore`` into another database, compared table by table (row counts and
checksums) with the snapshot the backup was taken from. Runs in the durability CI step.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from datetime import date

import pytest
import requests
from pony.orm import db_session

from app import create_app
from app.backup import manifest_path, table_summary
from app.db import DatabaseUrl
from tests.conftest import PROJECT_ROOT, TEST_CONFIG, fresh_database_url, worker_id
from tests.durability import Server

pytestmark = pytest.mark.durability


def flask(database_url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flask", "db", *args], cwd=PROJECT_ROOT,
                          env={"PATH": "/usr/bin:/bin", "DATABASE_URL": database_url,
                               "NORDIALOG_ENV": "test", "SECRET_KEY": "backup-test"},
                          capture_output=True, text=True, timeout=600, check=False)


def _follow_up_narratives(url: str) -> set[str]:
    app = create_app({**TEST_CONFIG, "DATABASE_URL": url})
    try:
        with app.app_context(), db_session:
            return set(app.extensions["nordialog.db"].select(
                "SELECT narrative FROM follow_up"))
    finally:
        app.extensions["nordialog.db"].disconnect()


def test_a_backup_taken_while_serving_restores_table_for_table(app, world, engine, tmp_path):
    url = app.config["DATABASE_URL"]
    headers = world.headers["admin"]
    server = Server(url, tmp_path / "gunicorn.log")
    acknowledged: list[str] = []
    stop = threading.Event()
    started = threading.Event()

    def writer(target: int, prefix: str):
        session = requests.Session()
        session.headers.update(headers)
        n = 0
        while not stop.is_set():
            narrative = f"{prefix}-{n}"
            response = session.post(f"{server.base}/api/v1/commitments/{target}/follow-ups",
                                    json={"occurred_on": date.today().isoformat(),
                                          "narrative": narrative}, timeout=60)
            assert response.status_code < 500, response.text
            if response.status_code == 201:
                acknowledged.append(narrative)
                if len(acknowledged) >= 50:
                    started.set()
            n += 1

    writers = [threading.Thread(target=writer, args=(target, f"backup-{target}"))
               for target in (world.c_a1, world.c_b1)]
    for thread in writers:
        thread.start()
    try:
        assert started.wait(timeout=300)
        before_backup = set(acknowledged)
        file = tmp_path / "nordialog.backup"
        made = flask(url, "backup", str(file))
        assert made.returncode == 0, made.stderr
        during = len(acknowledged)
        assert started.wait(0) and not stop.is_set()
        # Writes keep going after the backup, so the live database moves on without it.
        while len(acknowledged) < during + 20:
            stop.wait(0.1)
    finally:
        stop.set()
        for thread in writers:
            thread.join(timeout=120)
        server.stop()

    manifest = json.loads(manifest_path(file).read_text())
    tables = manifest["tables"]
    assert {"commitment", "follow_up", "audit_entry", "app_user"} <= set(tables)

    target = fresh_database_url(engine, f"nordialog_restore_{worker_id()}", tmp_path)
    restored = flask(target, "restore", str(file), "--yes")
    assert restored.returncode == 0, restored.stderr
    assert "each matching the backup's manifest" in restored.stdout

    # Compared independently of the restore's own check: counts and checksums per table.
    assert table_summary(DatabaseUrl.parse(target)) == tables
    narratives = _follow_up_narratives(target)
    assert before_backup <= narratives  # everything acknowledged before the backup began
    live = _follow_up_narratives(url)
    assert narratives < live  # and the live database went on without the backup
    print(f"\n{engine}: {len(tables)} tables, {sum(t['rows'] for t in tables.values())} rows "
          f"compared; {len(live) - len(narratives)} follow-ups written after the backup")

    # The restored database is a working Nordialog database.
    restored_app = create_app({**TEST_CONFIG, "DATABASE_URL": target})
    assert restored_app.test_client().get("/healthz").json["status"] == "ok"
    restored_app.extensions["nordialog.db"].disconnect()


def test_a_tampered_sqlite_backup_is_refused(engine_databases, tmp_path):
    database = engine_databases("sqlite")
    database.reset()
    file = tmp_path / "tampered.backup"
    assert flask(database.url, "backup", str(file)).returncode == 0
    with sqlite3.connect(file) as connection:
        connection.execute("INSERT INTO sign_in_failure (account_key, address, occurred_at) "
                           "VALUES ('x', '127.0.0.1', '2026-01-01 00:00:00')")
    connection.close()
    target = fresh_database_url("sqlite", f"nordialog_tampered_{worker_id()}", tmp_path)
    result = flask(target, "restore", str(file), "--yes")
    assert result.returncode != 0
    assert "differs from the backup's manifest in: sign_in_failure" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_backup_of_one_engine_is_not_restored_into_the_other(app, engine, tmp_path):
    file = tmp_path / "other.backup"
    assert flask(app.config["DATABASE_URL"], "backup", str(file)).returncode == 0
    other = "postgresql" if engine == "sqlite" else "sqlite"
    target = ("sqlite:///" + str(tmp_path / "x.sqlite3") if other == "sqlite"
              else "postgresql://nobody@127.0.0.1:1/none")
    result = flask(target, "restore", str(file), "--yes")
    assert result.returncode != 0 and f"is a {engine} backup" in result.stderr

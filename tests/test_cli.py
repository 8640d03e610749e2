"""The command line as an operator uses it: the real `flask` command in a subprocess."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import (
    MIGRATION_IDS,
    SCHEMA_VERSION,
    fresh_database_url,
    postgres_admin_url,
    worker_id,
)

ROOT = Path(__file__).resolve().parent.parent


def flask(*args: str, database_url: str, timeout: int = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "cli-test",
           "NORDIALOG_ENV": "test"}
    return subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def empty_url(engine, tmp_path):
    if engine == "postgresql":
        postgres_admin_url()
    return fresh_database_url(engine, f"nordialog_cli_{worker_id()}", tmp_path)


def test_db_upgrade_then_seed_twice(empty_url):
    first = flask("db", "upgrade", database_url=empty_url)
    assert first.returncode == 0, first.stderr
    assert f"Applied {len(MIGRATION_IDS)} migrations" in first.stdout
    assert ", ".join(MIGRATION_IDS) in first.stdout
    again = flask("db", "upgrade", database_url=empty_url)
    assert again.returncode == 0 and "is up to date" in again.stdout
    status = flask("db", "status", database_url=empty_url)
    assert f"schema version: {SCHEMA_VERSION}" in status.stdout and "pending: none" in status.stdout

    seeded = flask("seed", "programmes", database_url=empty_url)
    assert seeded.returncode == 0, seeded.stderr
    assert "programmes: 5 created" in seeded.stdout
    reseeded = flask("seed", "programmes", database_url=empty_url)
    assert "programmes: 0 created, 0 updated, 5 unchanged" in reseeded.stdout


def test_unreachable_database_gives_a_message_not_a_traceback():
    url = "postgresql://nordialog:secret@127.0.0.1:1/nordialog"
    for command in (("db", "upgrade"), ("seed", "programmes")):
        result = flask(*command, database_url=url)
        assert result.returncode != 0
        assert "Cannot reach the database at postgresql://nordialog:***@127.0.0.1:1/nordialog" \
            in result.stderr
        assert "Traceback" not in result.stderr and "secret" not in result.stderr


def test_seeding_before_migrating_says_what_to_do(tmp_path):
    result = flask("seed", "programmes", database_url=f"sqlite:///{tmp_path}/new.sqlite3")
    assert result.returncode != 0
    assert "Run `flask db upgrade` first." in result.stderr
    assert "Traceback" not in result.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_demo_command_serves_a_green_healthz(tmp_path):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/demo.sqlite3",
           "SECRET_KEY": "cli-test"}
    with subprocess.Popen([sys.executable, "-m", "flask", "demo", "--port", str(port)],
                          cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True) as server:
        try:
            body = wait_for_health(port, server)
        finally:
            server.terminate()
            output = server.communicate(timeout=10)[0]
    assert body is not None, output
    compact = body.replace(" ", "")
    assert '"status":"ok"' in compact and '"engine":"sqlite"' in compact
    assert "owners: 6 created" in output


def wait_for_health(port: int, server: subprocess.Popen) -> str | None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as reply:
                return reply.read().decode()
        except OSError:
            time.sleep(0.3)
    return None

"""The app factory, configuration, the request's unit of work and /healthz."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pony.orm import db_session

from app import create_app
from app.config import load_config
from app.db import DatabaseUrl
from app.errors import InvalidInput, StartupError
from app.worker_halt import APP_LOAD_ERROR
from tests.conftest import PROJECT_ROOT, SCHEMA_VERSION, TEST_CONFIG


def test_secret_key_is_generated_once_and_kept_for_local_use(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("NORDIALOG_ENV", raising=False)
    first = load_config(tmp_path)["SECRET_KEY"]
    assert len(first) >= 32
    assert load_config(tmp_path)["SECRET_KEY"] == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_production_requires_a_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("NORDIALOG_ENV", "production")
    with pytest.raises(StartupError, match="SECRET_KEY"):
        load_config(tmp_path)
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    config = load_config(tmp_path)
    assert config["SECRET_KEY"] == "from-the-environment"
    assert config["SESSION_COOKIE_SECURE"] is True
    assert not (tmp_path / "secret_key").exists()


def test_default_database_is_a_sqlite_file_under_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert load_config(tmp_path)["DATABASE_URL"] == f"sqlite:///{tmp_path}/nordialog.sqlite3"


def test_environment_and_override_order(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://a@b/c")
    assert load_config(tmp_path)["DATABASE_URL"] == "postgresql://a@b/c"
    assert load_config(tmp_path, {"DATABASE_URL": "sqlite:///x"})["DATABASE_URL"] == "sqlite:///x"


def test_unknown_environment_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("NORDIALOG_ENV", "staging")
    with pytest.raises(StartupError, match="NORDIALOG_ENV"):
        load_config(tmp_path)


@pytest.mark.parametrize("url,message", [
    ("mysql://x/y", "must start with sqlite:/// or postgresql://"),
    ("sqlite:///:memory:", "must name a file"),
    ("sqlite://", "must name a file"),
])
def test_bad_database_urls_say_what_is_wrong(url, message):
    with pytest.raises(StartupError, match=message):
        DatabaseUrl.parse(url)


def test_password_is_never_shown():
    url = DatabaseUrl.parse("postgresql://app:s3cret@db.example:5432/nordialog")
    assert "s3cret" not in url.redacted
    assert url.redacted == "postgresql://app:***@db.example:5432/nordialog"


def test_unreachable_postgresql_fails_at_start_with_a_clear_message():
    with pytest.raises(StartupError) as failed:
        create_app({"DATABASE_URL": "postgresql://app:s3cret@127.0.0.1:1/nordialog",
                    "SECRET_KEY": "x"})
    message = str(failed.value)
    assert "Cannot reach the database at postgresql://app:***@127.0.0.1:1/nordialog" in message
    assert "s3cret" not in message


def _unreachable_database(tmp_path):
    """The environment of a production start whose database does not answer; temporary files
    (the workers' election marker) stay in the test's folder."""
    return {**os.environ, "DATABASE_URL": "postgresql://app:s3cret@127.0.0.1:1/nordialog",
            "SECRET_KEY": "x" * 32, "NORDIALOG_ENV": "production", "TMPDIR": str(tmp_path)}


def test_gunicorn_stops_with_the_message_when_the_database_cannot_be_reached(tmp_path):
    """Not a worker restarted every few seconds for ever: the master stops, the operator reads
    the reason, and no traceback."""
    done = subprocess.run(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", "127.0.0.1:0",
         "--chdir", str(PROJECT_ROOT),
         "--control-socket", str(tmp_path / "gunicorn.ctl"), "app.wsgi:application"],
        env=_unreachable_database(tmp_path), capture_output=True, text=True, timeout=60,
        cwd=tmp_path)
    assert done.returncode != 0
    assert "Cannot reach the database at postgresql://app:***@127.0.0.1:1/nordialog" in done.stderr
    assert "Traceback" not in done.stderr and "s3cret" not in done.stderr
    assert done.stderr.count("exited with code 4") == 1  # one worker halted the master


VOTE = """
import os, sys, time
from pathlib import Path
from app.worker_halt import exit_status_for_startup_failure as elect
sync = Path(sys.argv[2])
(sync / f"ready-{os.getpid()}").touch()
while not (sync / "go").exists():
    time.sleep(0.001)
sys.exit(elect(os.getppid(), Path(sys.argv[1])))
"""

MASTER = """
import subprocess, sys, time
from pathlib import Path
vote, markers, sync = sys.argv[1], sys.argv[2], Path(sys.argv[3])
workers = [subprocess.Popen([sys.executable, "-c", vote, markers, str(sync)]) for _ in range(8)]
while len(list(sync.glob("ready-*"))) < len(workers):
    time.sleep(0.01)
(sync / "go").touch()  # all workers fail at the same instant, as gunicorn's can
print(" ".join(str(w.wait()) for w in workers))
"""


def _election(markers, sync):
    for leftover in sync.iterdir():
        leftover.unlink()
    done = subprocess.run([sys.executable, "-c", MASTER, VOTE, str(markers), str(sync)],
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120, check=True)
    return sorted(int(code) for code in done.stdout.split())


def test_of_workers_failing_together_exactly_one_reports_the_load_error(tmp_path):
    """Two workers exiting with 4 make gunicorn raise inside its own halt (a traceback instead
    of the message): one master, one worker that halts it; a new master holds a new election."""
    markers, sync = tmp_path / "markers", tmp_path / "sync"
    markers.mkdir()
    sync.mkdir()
    assert _election(markers, sync) == [0] * 7 + [APP_LOAD_ERROR]
    assert _election(markers, sync) == [0] * 7 + [APP_LOAD_ERROR]
    assert len(list(markers.iterdir())) == 1  # the gone master's marker was cleared


def test_outside_gunicorn_the_load_error_is_always_reported(tmp_path):
    for _ in range(2):  # same parent twice: no election without a gunicorn master
        done = subprocess.run([sys.executable, "-c", "import app.wsgi"],
                              env=_unreachable_database(tmp_path), cwd=PROJECT_ROOT,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 4 and "Cannot reach the database" in done.stderr


def test_an_unmigrated_database_is_refused_with_the_remedy(tmp_path):
    with pytest.raises(StartupError, match="flask db upgrade"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/empty.sqlite3", "SECRET_KEY": "x"})


@pytest.fixture
def app_with_probe(app):
    """Routes that write and then fail in different ways, to watch the unit of work.

    A separate app on the same (freshly reset) database: blueprints cannot be added to an app
    that has already served requests.
    """
    app = create_app({**TEST_CONFIG, "DATABASE_URL": app.config["DATABASE_URL"]})
    if "probe" not in app.blueprints:
        from flask import Blueprint

        from app.db import db

        probe = Blueprint("probe", __name__)

        def write(name):
            db.Theme(key=name, labels={"en": name})

        @probe.post("/probe/ok/<name>")
        def ok(name):
            write(name)
            return "written", 201

        @probe.post("/probe/crash/<name>")
        def crash(name):
            write(name)
            raise RuntimeError("boom")

        @probe.post("/probe/refuse/<name>")
        def refuse(name):
            write(name)
            raise InvalidInput("no", {"name": ["bad"]})

        @probe.post("/probe/answer-400/<name>")
        def answer_400(name):
            write(name)
            return "refused", 400

        from app.accounts.auth import csrf

        csrf.exempt(probe)  # these probe the unit of work, not forms
        app.register_blueprint(probe)
    yield app
    # Close this app's connection before the next test swaps the SQLite file.
    app.extensions["nordialog.db"].disconnect()


@pytest.mark.parametrize("path,status", [
    ("/probe/crash/x", 500), ("/probe/refuse/x", 422), ("/probe/answer-400/x", 400)])
def test_a_failed_request_writes_nothing(app_with_probe, path, status):
    response = app_with_probe.test_client().post(path, headers={"Accept": "application/json"})
    assert response.status_code == status
    with app_with_probe.app_context(), db_session:
        assert app_with_probe.extensions["nordialog.db"].Theme.get(key="x") is None


def test_a_successful_request_is_committed(app_with_probe):
    assert app_with_probe.test_client().post("/probe/ok/kept").status_code == 201
    with app_with_probe.app_context(), db_session:
        assert app_with_probe.extensions["nordialog.db"].Theme.get(key="kept") is not None


def test_a_duplicate_found_at_commit_is_a_409_not_a_500(app_with_probe):
    client = app_with_probe.test_client()
    assert client.post("/probe/ok/same").status_code == 201
    response = client.post("/probe/ok/same", headers={"Accept-Language": "sv",
                                                   "Accept": "application/json"})
    assert response.status_code == 409
    assert response.json["message"] == ("Det skulle skapa en dubblett eller bryta en koppling "
                                        "till en annan post.")


def test_unexpected_errors_give_an_error_id_and_no_trace(app_with_probe):
    response = app_with_probe.test_client().post("/probe/crash/y", headers={"Accept": "text/html"})
    assert response.status_code == 500
    assert "Traceback" not in response.text and "boom" not in response.text
    assert "error" in response.text.lower()


def test_healthz_reports_engine_schema_and_counts(client, engine):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json
    assert body["status"] == "ok"
    assert body["database"] == {"engine": engine, "reachable": True,
                                "schema_version": SCHEMA_VERSION}
    assert set(body["counts"]) == {"organisations", "programmes", "engagements", "meetings",
                                   "commitments"}
    assert "password" not in response.text and "postgresql://" not in response.text


def test_the_factory_builds_independent_apps(engine_databases, tmp_path):
    database = engine_databases("sqlite")
    other = create_app({"DATABASE_URL": database.url, "SECRET_KEY": "x", "TESTING": True})
    assert other is not database.app
    assert other.extensions["nordialog.db"] is not database.app.extensions["nordialog.db"]
    assert Path(other.instance_path).name == "instance"


def test_migrations_wait_for_a_postgresql_server_no_longer_than_the_app_does():
    from app.migrate import CONNECT_TIMEOUT, _backend_uri

    url = DatabaseUrl.parse("postgresql://app:pw@db.example:5432/nordialog")
    assert _backend_uri(url).endswith(f"?connect_timeout={CONNECT_TIMEOUT}")
    chosen = DatabaseUrl.parse("postgresql://app:pw@db/nordialog?connect_timeout=30")
    assert _backend_uri(chosen) == chosen.url  # the operator's own choice stands
    assert _backend_uri(DatabaseUrl.parse("sqlite:////tmp/x.sqlite3")) == "sqlite:////tmp/x.sqlite3"

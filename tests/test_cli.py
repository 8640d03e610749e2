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


# --- accounts on the command line (in-process, against the test database) --------------------

def _run(app, args: list[str]):
    """`flask ARGS` as the flask command runs it: inside the app's context."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=args)


def _audit_by_cli(app) -> list[tuple[str, str | None]]:
    from pony.orm import db_session

    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        return [(e.action, e.entity) for e in db.AuditEntry.select(lambda e: e.channel == "cli")]


def test_users_are_created_given_roles_listed_and_deactivated(app, client):
    from pony.orm import commit, db_session

    from tests.factories import make_owner, make_school

    with app.app_context(), db_session:
        school = make_school(make_owner("Kommune CLI"))
        commit()
        school_id = school.id
    created = _run(app, ["users", "create", "Lise@Example.dk", "--name", "Lise",
                                  "--language", "da", "--password", "long enough password"])
    assert created.exit_code == 0, created.output
    assert "Created lise@example.dk." in created.output
    short = _run(app, ["users", "create", "kort@example.dk", "--name", "Kort",
                                "--password", "short"])
    assert short.exit_code != 0 and "12" in short.output
    again = _run(app, ["users", "create", "lise@example.dk", "--name", "Lise",
                                "--password", "long enough password"])
    assert again.exit_code != 0
    assigned = _run(app, ["users", "assign", "lise@example.dk", "board_member",
                                   str(school_id)])
    assert assigned.exit_code == 0, assigned.output
    # A role held in the wrong kind of organisation, or for nobody, is refused with a message.
    wrong = _run(app, ["users", "assign", "lise@example.dk", "agency_officer",
                                str(school_id)])
    assert wrong.exit_code != 0 and "Error" in wrong.output
    unknown = _run(app, ["users", "assign", "nobody@example.dk", "board_member",
                                  str(school_id)])
    assert unknown.exit_code != 0 and "No account" in unknown.output
    listed = _run(app, ["users", "list"])
    assert "lise@example.dk\tLise\tboard_member@" in listed.output
    issued = _run(app, ["tokens", "issue", "lise@example.dk", "Integration"])
    assert issued.exit_code == 0, issued.output
    secret = issued.stdout.strip()
    assert secret.startswith("ndl_")
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200 and me.json["roles"][0]["role"] == "board_member"
    removed = _run(app, ["users", "unassign", "lise@example.dk", "board_member",
                                  str(school_id)])
    assert removed.exit_code == 0, removed.output
    assert "no roles" in _run(app, ["users", "list"]).output
    not_held = _run(app, ["users", "unassign", "lise@example.dk", "board_member",
                                   str(school_id)])
    assert not_held.exit_code != 0 and "does not hold" in not_held.output
    gone = _run(app, ["users", "deactivate", "lise@example.dk"])
    assert gone.exit_code == 0, gone.output
    assert "(inactive)" in _run(app, ["users", "list"]).output
    assert client.get("/api/v1/me",
                      headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    actions = _audit_by_cli(app)
    assert ("create", "User") in actions and ("create", "RoleAssignment") in actions
    assert ("delete", "RoleAssignment") in actions and ("update", "User") in actions


def test_tokens_are_issued_once_listed_and_revoked(app, client):
    assert _run(app, ["users", "create", "ole@example.dk", "--name", "Ole",
                               "--password", "long enough password"]).exit_code == 0
    issued = _run(app, ["tokens", "issue", "ole@example.dk", "Reports",
                                 "--expires-days", "30"])
    assert issued.exit_code == 0, issued.output
    secret = issued.stdout.strip()
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    listed = _run(app, ["tokens", "list", "ole@example.dk"])
    token_id, prefix, name, state = listed.output.strip().split("\t")
    assert (name, state) == ("Reports", "active") and secret.startswith(prefix.rstrip("."))
    assert secret not in listed.output  # shown once, never again
    revoked = _run(app, ["tokens", "revoke", token_id])
    assert revoked.exit_code == 0, revoked.output
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert "revoked" in _run(app, ["tokens", "list", "ole@example.dk"]).output
    missing = _run(app, ["tokens", "revoke", "999999"])
    assert missing.exit_code != 0 and "No token" in missing.output
    assert ("update", "ApiToken") in _audit_by_cli(app)


def test_the_readme_lists_exactly_the_demo_accounts():
    """README's demo account table and password are those seed/demo_users.toml creates (one
    account per role and country, and one administrator)."""
    import re
    import tomllib

    from app.accounts.roles import ROLES

    seed = tomllib.loads((ROOT / "seed" / "demo_users.toml").read_text())
    readme = (ROOT / "README.md").read_text()
    section = readme.split("### Demo accounts")[1].split("\n#")[0]
    assert f"**`{seed['password']}`**" in section
    rows = [[cell.strip() for cell in line.strip("|").split("|")]
            for line in section.splitlines() if line.startswith("| ") and "@" in line]
    labels = {str(label).lower(): key for key, label in ROLES.items()}
    listed = {(email, labels[re.sub(r" \(.*\)$", "", role).lower()], language)
              for email, role, _where, language in rows}
    seeded = {(u["email"], u["role"], u["language"]) for u in seed["users"]}
    assert listed == seeded
    countries = {(u["role"], u.get("organisation", ":").split(":")[0]) for u in seed["users"]}
    for role in ROLES:
        for country in ("DK", "NO", "SE"):
            assert role == "administrator" or (role, country) in countries, (role, country)

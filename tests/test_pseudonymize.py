"""A former user's personal data can be pseudonymized (API for administrators, and
``flask users pseudonymize``) without breaking the audit trail: its entries stay exactly as
they were and keep pointing at the user's id, and no table holds the name or address any more.
"""

from __future__ import annotations

from datetime import date

import pytest
from pony.orm import commit, db_session

from app.db import DatabaseUrl
from app.meetings.services import add_participant

NAME, EMAIL = "Office A", "office_a@example.test"


def _leave_traces(app, client, world):
    """Office A edits a commitment, writes a follow-up and takes part in a meeting."""
    headers = world.headers["office_a"]
    url = f"/api/v1/commitments/{world.c_a1}"
    etag = client.get(url, headers=headers).headers["ETag"]
    assert client.patch(url, json={"title": "Reading for all"},
                        headers={**headers, "If-Match": etag}).status_code == 200
    assert client.post(f"{url}/follow-ups", headers=headers, json={
        "occurred_on": date.today().isoformat(), "narrative": "Started"}).status_code == 201
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        add_participant(db.Meeting[world.m_a1], name=NAME, role="consultant", email=EMAIL)
        commit()


def _audit_rows(app) -> list[tuple]:
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        return [(e.id, e.actor.id if e.actor else None, e.action, e.entity, e.entity_id,
                 e.summary, e.changes, e.occurred_at)
                for e in db.AuditEntry.select().order_by(lambda e: e.id)]


def _every_value(app) -> str:
    """All the database holds, as text (every table, every row)."""
    url = DatabaseUrl.parse(app.config["DATABASE_URL"])
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        if url.engine == "sqlite":
            tables = db.select("SELECT name FROM sqlite_master WHERE type = 'table' "
                               "AND name NOT LIKE 'sqlite_%'")
            return "\n".join(repr(row) for table in tables
                             for row in db.select(f'SELECT * FROM "{table}"'))
        tables = db.select("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return "\n".join(text for table in tables
                         for text in db.select(f'SELECT r::text FROM "{table}" AS r'))


def test_pseudonymizing_a_former_user_keeps_the_audit_trail(app, client, world, runner):
    _leave_traces(app, client, world)
    admin = world.headers["admin"]
    url = f"/api/v1/users/{world.office_a}/pseudonymize"
    active = client.post(url, headers={**admin, "Accept-Language": "da"})
    assert active.status_code == 409
    assert active.json["message"] == "Deaktivér kontoen, før den pseudonymiseres."
    assert client.post(url, headers=world.headers["office_b"]).status_code == 403

    with app.app_context():
        assert runner.invoke(args=["users", "deactivate", EMAIL]).exit_code == 0
    assert NAME in _every_value(app) and EMAIL in _every_value(app)
    before = _audit_rows(app)
    acted = [row for row in before if row[1] == world.office_a]
    assert acted  # the trail records what Office A did, by id

    response = client.post(url, headers=admin)
    assert response.status_code == 200, response.json
    stand_in = f"Former user {world.office_a}"
    assert response.json["name"] == stand_in
    assert response.json["replaced"] == {"follow_ups": 1, "commitment_events": 2,
                                         "participants": 1}

    everything = _every_value(app)
    assert NAME not in everything and EMAIL not in everything
    after = _audit_rows(app)
    assert after[:len(before)] == before  # not one entry changed or went missing
    assert [row[2] for row in after[len(before):]].count("pseudonymize") == 1
    assert [row for row in after if row[1] == world.office_a] == acted

    history = client.get(f"/api/v1/commitments/{world.c_a1}/history",
                         headers=admin).json["items"]
    assert stand_in in {event["actor"] for event in history}
    assert client.post(url, headers=admin).status_code == 409  # once is enough
    assert client.get("/api/v1/me", headers=world.headers["office_a"]).status_code == 401


def test_history_and_audit_stay_append_only_after_the_change(app, world):
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        event = db.CommitmentEvent.select().first()
        entry = db.AuditEntry.select().first()
        event_id, entry_id = event.id, entry.id
    for sql in (f"UPDATE commitment_event SET reason = 'rewritten' WHERE id = {event_id}",
                f"UPDATE commitment_event SET actor = 'x', kind = 'y' WHERE id = {event_id}",
                f"DELETE FROM commitment_event WHERE id = {event_id}",
                f"UPDATE audit_entry SET summary = 'rewritten' WHERE id = {entry_id}",
                f"DELETE FROM audit_entry WHERE id = {entry_id}"):
        with pytest.raises(Exception, match="append-only"), \
                app.app_context(), db_session:
            app.extensions["nordialog.db"].execute(sql)


def test_the_command_line_pseudonymizes_too(app, runner, world):
    with app.app_context():
        refused = runner.invoke(args=["users", "pseudonymize", "board_a1@example.test"])
        assert refused.exit_code == 1 and "Deactivate the account" in refused.output
        assert runner.invoke(args=["users", "deactivate", "board_a1@example.test"]).exit_code == 0
        result = runner.invoke(args=["users", "pseudonymize", "board_a1@example.test"])
    assert result.exit_code == 0, result.output
    assert f"Former user {world.board_a1}" in result.output
    assert "Board A1" not in _every_value(app)

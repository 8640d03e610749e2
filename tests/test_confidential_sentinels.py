"""Planted confidential values never reach a reader without access, a log, or the audit trail."""

import json
import logging

import pytest
from pony.orm import db_session

from tests.authz_matrix import ENTRIES, SIDE
from tests.world import SENTINEL_TITLE, SENTINEL_VALUE

SENTINELS = (SENTINEL_TITLE, "SENTINEL-ACTIONS-7f3a", str(SENTINEL_VALUE).replace(".", ","),
             str(SENTINEL_VALUE))
GETS = [entry for entry in ENTRIES if entry.method == "GET" and entry.channel == "api"]


def every_readable_body(client, world, role):
    for entry in GETS:
        for side in ("A", "B", "S"):
            ids = {kind: world.ids[name] for kind, name in SIDE[side].items()}
            ids.update(open_=world.ids["open_"], token=world.ids["token_admin"])
            path = entry.path(ids) if entry.path else entry.rule
            for query in ("", "?per_page=200", "?format=xlsx"):
                with client.get(path + query, headers=world.headers[role]) as response:
                    yield path + query, response.get_data()


@pytest.mark.parametrize("role", ["board_a1", "office_b", "officer", "nobody", "anonymous"])
def test_no_sentinel_reaches_a_role_without_access(client, world, role):
    leaks = [path for path, body in every_readable_body(client, world, role)
             for sentinel in SENTINELS if sentinel.encode() in body]
    assert leaks == []


def test_the_sentinels_are_there_for_those_allowed(client, world):
    # The positive control: the same search finds them for the school's leader.
    found = {sentinel for _path, body in every_readable_body(client, world, "leader_a1")
             for sentinel in SENTINELS if sentinel.encode() in body}
    assert SENTINEL_TITLE in found and str(SENTINEL_VALUE) in found


def test_confidential_changes_stay_out_of_logs_and_audit(app, client, world, caplog):
    caplog.set_level(logging.DEBUG)
    path = f"/api/v1/commitments/{world.c_a1_conf}"
    etag = client.get(path, headers=world.headers["office_a"]).headers["ETag"]
    changed = client.patch(path, headers={**world.headers["office_a"], "If-Match": etag},
                           json={"title": SENTINEL_TITLE + "-v2", "actions": "SENTINEL-ACTIONS-2"})
    assert changed.status_code == 200
    refused = client.get(path, headers=world.headers["board_a1"])
    assert refused.status_code == 404
    assert "SENTINEL" not in caplog.text
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        entries = json.dumps([e.changes for e in db.AuditEntry.select()], default=str)
        update = db.AuditEntry.select(lambda e: e.entity == "Commitment" and e.action == "update"
                                      and e.entity_id == world.c_a1_conf).first()
    assert "SENTINEL" not in entries
    assert update.changes["title"] == {"before": "[confidential]", "after": "[confidential]"}

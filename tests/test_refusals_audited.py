"""Every refused request (401, 403, 404 for another organisation's record), on the web and the
API, leaves an audit entry saying who asked for what, when and by which route."""

from datetime import timedelta

import pytest
from pony.orm import db_session

from app.common.model import utcnow
from tests.sessions import sign_in


def refusals_since(app, mark: int) -> list:
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        return [(e.action, e.actor.id if e.actor else None, e.channel, e.entity, e.entity_id,
                 e.summary, e.occurred_at)
                for e in db.AuditEntry.select(lambda e: e.id > mark).order_by(lambda e: e.id)
                if e.action == "access_refused"]


def last_id(app) -> int:
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        return max((e.id for e in db.AuditEntry.select()), default=0)


def test_api_refusals_are_recorded(app, client, world):
    cases = [
        # (who, method, path, expected status, actor recorded, entity recorded)
        ("anonymous", "GET", f"/api/v1/commitments/{world.c_a1}", 401, None, None),
        ("board_a1", "PATCH", f"/api/v1/commitments/{world.c_a1}", 403, "board_a1",
         ("Commitment", world.c_a1)),
        ("office_b", "GET", f"/api/v1/commitments/{world.c_a1}", 404, "office_b",
         ("Commitment", world.c_a1)),
        ("office_a", "GET", "/api/v1/audit", 403, "office_a", ("AuditEntry", None)),
    ]
    for who, method, path, status, actor, entity in cases:
        mark = last_id(app)
        before = utcnow()
        # A change carries a precondition (otherwise 428 comes first, for every caller).
        headers = {**world.headers[who], **({"If-Match": '"1"'} if method == "PATCH" else {})}
        response = client.open(path, method=method, headers=headers,
                               json={"actions": "x"} if method == "PATCH" else None)
        assert response.status_code == status, (who, path)
        [(action, actor_id, channel, ent, ent_id, summary, when)] = refusals_since(app, mark)
        assert actor_id == (world.ids[actor] if actor else None)
        assert channel == "api"
        assert (ent, ent_id) == (entity or (None, None))
        assert summary.startswith(f"{method} {path} (/api/v1/")
        assert before - timedelta(seconds=1) <= when <= utcnow() + timedelta(seconds=1)


@pytest.mark.parametrize("who, path, status", [
    ("anonymous", "/meetings/{m_a1}", 302),      # sent to sign in
    ("office_b", "/meetings/{m_a1}", 404),       # another organisation's meeting
    ("office_b", "/commitments/{c_a1}", 404),
])
def test_web_refusals_are_recorded(app, client, world, who, path, status):
    path = path.format(**world.ids)
    if who != "anonymous":
        sign_in(client, world.ids[who])
    mark = last_id(app)
    response = client.get(path)
    assert response.status_code == status
    if status == 302:
        assert "/sign-in" in response.headers["Location"]
    [(action, actor_id, channel, *_rest, summary, _when)] = refusals_since(app, mark)
    assert actor_id == (world.ids[who] if who != "anonymous" else None)
    assert channel == "web"
    assert summary.startswith(f"GET {path} (")


def test_a_web_form_refused_for_a_reader_is_recorded(app, client, world):
    """A board member may read the commitment but not change its status: 403, recorded."""
    import re

    sign_in(client, world.ids["board_a1"])
    page = client.get(f"/commitments/{world.c_a1}")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    mark = last_id(app)
    response = client.post(f"/commitments/{world.c_a1}/status",
                           data={"csrf_token": token, "status": "at_risk"})
    assert response.status_code == 403
    [(action, actor_id, channel, entity, entity_id, summary, _when)] = refusals_since(app, mark)
    assert (actor_id, channel, entity, entity_id) == (world.ids["board_a1"], "web",
                                                       "Commitment", world.c_a1)
    assert summary.startswith(f"POST /commitments/{world.c_a1}/status (")

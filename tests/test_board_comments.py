"""The school board's comments on a meeting (web and API), and each meeting's history."""

import re

from pony.orm import db_session

from tests.sessions import sign_in
from tests.world import SENTINEL_TITLE


def csrf(client, path: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text).group(1)


def audit_of(app, entity: str, ident: int) -> list:
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        return [(e.action, e.actor.id if e.actor else None, e.channel, e.changes)
                for e in db.AuditEntry.select(lambda e: e.entity == entity
                                              and e.entity_id == ident)]


def test_a_board_member_comments_through_the_api(app, client, world):
    url = f"/api/v1/meetings/{world.m_a1}/board-comments"
    response = client.post(url, json={"body": "  The board backs the reading plan.  "},
                           headers=world.headers["board_a1"])
    assert response.status_code == 201, response.json
    comment = response.json
    assert comment["body"] == "The board backs the reading plan."
    assert comment["author"] == {"id": world.board_a1, "name": "Board A1"}
    listed = client.get(url, headers=world.headers["leader_a1"])
    assert [c["id"] for c in listed.json["items"]] == [comment["id"]]
    # Audited: who, through which channel, the text after.
    [(action, actor, channel, changes)] = audit_of(app, "BoardComment", comment["id"])
    assert (action, actor, channel) == ("create", world.board_a1, "api")
    assert changes["body"]["after"] == "The board backs the reading plan."


def test_only_the_board_comments_and_outsiders_see_nothing(app, client, world):
    url = f"/api/v1/meetings/{world.m_a1}/board-comments"
    body = {"body": "Not ours to say"}
    assert client.post(url, json=body, headers=world.headers["leader_a1"]).status_code == 403
    assert client.post(url, json=body, headers=world.headers["office_a"]).status_code == 403
    other = f"/api/v1/meetings/{world.m_b1}/board-comments"
    assert client.post(other, json=body, headers=world.headers["board_a1"]).status_code == 404
    assert client.get(other, headers=world.headers["board_a1"]).status_code == 404
    # A board member does not read a confidential meeting, so cannot comment on it either.
    secret = f"/api/v1/meetings/{world.m_a1_conf}/board-comments"
    assert client.post(secret, json=body, headers=world.headers["board_a1"]).status_code == 404
    assert client.get(url, headers=world.headers["leader_a1"]).json["items"] == []


def test_bad_comments_are_refused_and_write_nothing(app, client, world):
    url = f"/api/v1/meetings/{world.m_a1}/board-comments"
    for body in ({"body": ""}, {"body": "x" * 4001}, {}, {"body": "ok", "extra": 1}):
        response = client.post(url, json=body, headers=world.headers["board_a1"])
        assert response.status_code == 422, body
        assert "body" in response.json.get("errors", {}) or "extra" in response.json["errors"]
    blank = client.post(url, json={"body": "   "}, headers=world.headers["board_a1"])
    assert blank.status_code == 422
    assert blank.json["errors"]["body"]  # blank after trimming: said beside the field
    assert client.get(url, headers=world.headers["board_a1"]).json["items"] == []


def test_a_board_member_comments_on_the_meeting_page(app, client, world):
    sign_in(client, world.board_a1)
    page = f"/meetings/{world.m_a1}"
    assert "The board has not commented yet." in client.get(page).text
    token = csrf(client, page)
    empty = client.post(f"{page}/board-comments", data={"csrf_token": token, "body": ""})
    assert empty.status_code == 422
    assert "Write the board&#39;s comment." in empty.text
    saved = client.post(f"{page}/board-comments",
                        data={"csrf_token": token, "body": "Parents <welcome> this."})
    assert saved.status_code == 302
    shown = client.get(page).text
    assert "Parents &lt;welcome&gt; this." in shown
    assert "Board A1" in shown
    # The school leader reads it but gets no form to add one.
    leader = app.test_client()
    sign_in(leader, world.leader_a1)
    text = leader.get(page).text
    assert "Parents &lt;welcome&gt; this." in text
    section = text.split('id="board-comments"')[1].split("</section>")[0]
    assert "<form" not in section


def test_the_minutes_report_carries_the_boards_comments(app, client, world):
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        meeting = db.Meeting[world.m_a1]
        db.MinutesSection(programme=meeting.engagement.programme, key="board", position=1,
                          labels={"en": "The board's view", "da": "Bestyrelsens kommentarer",
                                  "nb": "Styrets kommentarer", "sv": "Skolrådets synpunkter"},
                          kind="board_comments")
    response = client.post(f"/api/v1/meetings/{world.m_a1}/board-comments",
                           json={"body": "We ask for a follow-up in spring."},
                           headers=world.headers["board_a1"])
    assert response.status_code == 201
    sign_in(client, world.office_a)
    report = client.get(f"/reports/minutes/{world.m_a1}?format=html")
    assert report.status_code == 200
    section = report.text.split("The board&#39;s view")[1].split("</section>")[0]
    assert "We ask for a follow-up in spring." in section
    assert "Board A1" in section


def test_a_meeting_shows_its_history_with_before_and_after(app, client, world):
    headers = world.headers["office_a"]
    meeting = client.get(f"/api/v1/meetings/{world.m_a1}", headers=headers)
    changed = client.patch(f"/api/v1/meetings/{world.m_a1}", json={"place": "Aulaen"},
                           headers={**headers, "If-Match": meeting.headers["ETag"]})
    assert changed.status_code == 200, changed.json
    client.post(f"/api/v1/meetings/{world.m_a1}/board-comments", json={"body": "Noted."},
                headers=world.headers["board_a1"])
    history = client.get(f"/api/v1/meetings/{world.m_a1}/history",
                         headers=world.headers["board_a1"])
    assert history.status_code == 200
    entries = history.json["items"]
    assert entries[0]["entity"] == "Meeting" and entries[0]["action"] == "create"
    place = [e for e in entries if e["entity"] == "Meeting" and e["action"] == "update"]
    assert place[-1]["changes"]["place"] == {"before": "Skolens mødelokale",
                                              "after": "Aulaen"}
    assert place[-1]["actor"] == "Office A"
    assert any(e["entity"] == "BoardComment" and e["actor"] == "Board A1" for e in entries)
    assert {e["entity"] for e in entries} >= {"Meeting", "AgendaItem", "Participant"}
    assert all(e["action"] != "access_refused" for e in entries)
    # The same history on the meeting page, with the values before and after.
    sign_in(client, world.board_a1)
    page = client.get(f"/meetings/{world.m_a1}").text
    history_html = page.split('id="meeting-history"')[1]
    assert "Place: Skolens mødelokale → Aulaen" in " ".join(history_html.split())
    # Outsiders get nothing.
    assert client.get(f"/api/v1/meetings/{world.m_a1}/history",
                      headers=world.headers["office_b"]).status_code == 404


def test_a_confidential_meetings_history_keeps_its_values_out(app, client, world):
    headers = world.headers["office_a"]
    meeting = client.get(f"/api/v1/meetings/{world.m_a1_conf}", headers=headers)
    client.patch(f"/api/v1/meetings/{world.m_a1_conf}", json={"place": SENTINEL_TITLE},
                 headers={**headers, "If-Match": meeting.headers["ETag"]})
    history = client.get(f"/api/v1/meetings/{world.m_a1_conf}/history", headers=headers)
    assert history.status_code == 200
    assert SENTINEL_TITLE not in history.text
    assert "[confidential]" in history.text

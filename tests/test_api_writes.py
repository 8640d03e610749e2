"""Writing through the API: no update silently lost, no duplicate from a retried request."""

import json
import re
from datetime import date, datetime

import pytest
from pony.orm import db_session


def get(client, world, path, who="office_a"):
    response = client.get(path, headers=world.headers[who])
    assert response.status_code == 200, response.json
    return response


def test_every_resource_carries_its_version_as_etag(client, world):
    response = get(client, world, f"/api/v1/commitments/{world.c_a1}")
    assert response.headers["ETag"] == f'"commitment-{world.c_a1}-v{response.json["version"]}"'


def test_a_change_without_if_match_is_refused_with_428(client, world):
    response = client.patch(f"/api/v1/commitments/{world.c_a1}", headers=world.headers[
        "office_a"], json={"title": "Blind write"})
    assert response.status_code == 428
    assert get(client, world, f"/api/v1/commitments/{world.c_a1}").json["title"] != "Blind write"


def test_a_stale_if_match_gets_412_with_the_current_version(client, world):
    path = f"/api/v1/commitments/{world.c_a1}"
    first = get(client, world, path)
    etag = first.headers["ETag"]
    mine = client.patch(path, headers={**world.headers["office_a"], "If-Match": etag},
                        json={"title": "Mine"})
    assert mine.status_code == 200
    assert mine.json["version"] == first.json["version"] + 1
    assert mine.headers["ETag"] != etag
    theirs = client.patch(path, headers={**world.headers["admin"], "If-Match": etag},
                          json={"title": "Theirs, from an old read"})
    assert theirs.status_code == 412
    assert theirs.json["current_version"] == mine.json["version"]
    assert theirs.headers["ETag"] == mine.headers["ETag"]
    assert get(client, world, path).json["title"] == "Mine"


def test_delete_also_needs_if_match(client, world):
    issued = client.post("/api/v1/me/tokens", headers=world.headers["office_a"],
                         json={"name": "Warehouse"})
    assert issued.status_code == 201
    secret = issued.json["token"]
    path = f"/api/v1/me/tokens/{issued.json['id']}"
    assert client.delete(path, headers=world.headers["office_a"]).status_code == 428
    revoked = client.delete(path, headers={**world.headers["office_a"],
                                           "If-Match": issued.headers["ETag"]})
    assert revoked.status_code == 204
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}
                      ).status_code == 401


def test_lifecycle_actions_honour_a_stale_if_match(client, world):
    meeting = get(client, world, f"/api/v1/meetings/{world.m_a1}")
    held = client.post(f"/api/v1/meetings/{world.m_a1}/hold", headers=world.headers["office_a"],
                       json={"held_at": "2026-04-20T09:00:00+02:00"})
    assert held.status_code == 200 and held.json["status"] == "held"
    stale = client.post(f"/api/v1/meetings/{world.m_a1}/cancel",
                        headers={**world.headers["office_a"], "If-Match": meeting.headers["ETag"]})
    assert stale.status_code == 412


COMMITMENT = {"title": "Daily reading band", "due_date": "2026-06-30", "status": "agreed"}


def test_a_retried_create_returns_the_first_result(client, app, world):
    headers = {**world.headers["office_a"], "Idempotency-Key": "warehouse-import-42"}
    body = {**COMMITMENT, "engagement_id": world.e_a1}
    first = client.post("/api/v1/commitments", headers=headers, json=body)
    again = client.post("/api/v1/commitments", headers=headers, json=body)
    assert first.status_code == again.status_code == 201
    assert again.json == first.json
    # The address of what was created (it was "/api/v1/commitments/None" before the id was
    # written), and the same again on the replay, with the same version.
    assert first.headers["Location"] == f"/api/v1/commitments/{first.json['id']}"
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Idempotent-Replayed"] == "true"
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        assert db.Commitment.select(lambda c: c.title == "Daily reading band").count() == 1


def test_a_replay_gives_the_first_version_even_after_a_change(client, world):
    """The first response's ETag comes back with the replay (and no Location where the first
    had none), so a client that lost the answer can still change what it created; after a
    change the replay still says what the first answer said."""
    headers = {**world.headers["board_a1"], "Idempotency-Key": "board-note-1"}
    path = f"/api/v1/meetings/{world.m_a1}/board-comments"
    first = client.post(path, headers=headers, json={"body": "Noted."})
    again = client.post(path, headers=headers, json={"body": "Noted."})
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["ETag"] == first.headers["ETag"] and again.json == first.json
    assert "Location" not in first.headers and "Location" not in again.headers

    created = {**COMMITMENT, "engagement_id": world.e_a1}
    keyed = {**world.headers["office_a"], "Idempotency-Key": "reading-band-2"}
    made = client.post("/api/v1/commitments", headers=keyed, json=created)
    assert made.status_code == 201, made.json
    changed = client.patch(made.headers["Location"], json={"title": "Reading band, daily"},
                           headers={**world.headers["office_a"], "If-Match": made.headers["ETag"]})
    assert changed.status_code == 200, changed.json
    replayed = client.post("/api/v1/commitments", headers=keyed, json=created)
    assert replayed.status_code == 201 and replayed.json == made.json
    assert replayed.headers["ETag"] == made.headers["ETag"] != changed.headers["ETag"]
    assert replayed.headers["Location"] == made.headers["Location"]


def test_the_same_key_with_another_request_is_refused(client, world):
    headers = {**world.headers["office_a"], "Idempotency-Key": "k-1"}
    body = {**COMMITMENT, "engagement_id": world.e_a1}
    assert client.post("/api/v1/commitments", headers=headers, json=body).status_code == 201
    other = client.post("/api/v1/commitments", headers=headers,
                        json={**body, "title": "Something else"})
    assert other.status_code == 422
    assert "Idempotency-Key" in other.json["errors"]


def test_keys_belong_to_their_user_and_failures_are_not_remembered(client, world):
    body = {**COMMITMENT, "engagement_id": world.e_a1}
    bad = client.post("/api/v1/commitments", json={**body, "title": ""},
                      headers={**world.headers["office_a"], "Idempotency-Key": "k-2"})
    assert bad.status_code == 422
    good = client.post("/api/v1/commitments", json=body,
                       headers={**world.headers["office_a"], "Idempotency-Key": "k-2"})
    assert good.status_code == 201  # the failed attempt did not keep the key
    admin = client.post("/api/v1/commitments", json=body,
                        headers={**world.headers["admin"], "Idempotency-Key": "k-2"})
    assert admin.status_code == 201 and admin.json["id"] != good.json["id"]


def test_without_a_key_two_posts_make_two_records(client, world):
    body = {**COMMITMENT, "engagement_id": world.e_a1}
    first = client.post("/api/v1/commitments", headers=world.headers["office_a"], json=body)
    second = client.post("/api/v1/commitments", headers=world.headers["office_a"], json=body)
    assert first.json["id"] != second.json["id"]


@pytest.mark.parametrize("who,status", [("leader_a1", 403), ("board_a1", 403),
                                        ("office_b", 404), ("officer", 404)])
def test_only_those_who_manage_may_change(client, world, who, status):
    path = f"/api/v1/commitments/{world.c_a1}"
    etag = get(client, world, path, "admin").headers["ETag"]
    response = client.patch(path, headers={**world.headers[who], "If-Match": etag},
                            json={"title": "Not mine to change"})
    assert response.status_code == status


#: A real record of the world for each path parameter, so the request reaches its view.
PATH_RECORDS = {"organisation_id": "a1", "commitment_id": "c_a1", "meeting_id": "m_a1",
                "participant_id": "p_a1", "item_id": "ai_a1", "step_id": "ys_a1",
                "engagement_id": "e_a1", "token_id": "token_admin", "user_id": "office_a"}


def _record(world, parameter: str) -> str:
    if parameter == "key":
        return "test_well_being"  # an indicator of the world
    return str(world.ids.get(PATH_RECORDS.get(parameter), 1))


def _changing_operations(client):
    spec = client.get("/api/openapi.json").json
    return [(method.upper(), path, op["operationId"], "get" in item)
            for path, item in spec["paths"].items()
            for method, op in item.items() if method in ("put", "patch", "delete")]


def test_every_change_in_the_spec_needs_if_match(client, world):
    """Walks the published document, so a new PUT, PATCH or DELETE cannot skip the rule."""
    operations = _changing_operations(client)
    assert {op for _m, _p, op, _g in operations} >= {
        "update_commitment", "record_evaluation_note", "put_indicator", "revoke_token",
        "remove_participant", "update_me"}
    for method, template, operation, readable in operations:
        path = re.sub(r"\{(\w+)\}", lambda m: _record(world, m.group(1)), template)
        before = client.get(path, headers=world.headers["admin"]) if readable else None
        response = client.open(path, method=method, json={} if method != "DELETE" else None,
                               headers={**world.headers["admin"], "Accept-Language": "sv"})
        assert response.status_code == 428, (operation, path, response.status_code)
        assert response.json["code"] == 428 and response.json["message"].startswith(
            "Skicka If-Match"), operation
        if readable:
            after = client.get(path, headers=world.headers["admin"])
            assert (after.status_code, after.get_data()) == (before.status_code,
                                                              before.get_data()), operation


def test_an_anonymous_change_is_told_to_authenticate_first(client, world):
    response = client.patch(f"/api/v1/commitments/{world.c_a1}", json={"title": "x"})
    assert response.status_code == 401


@pytest.fixture
def next_cycle(app, world):
    """A meeting held in A1's next cycle, whose evaluation item lists last cycle's commitments."""
    from app.meetings.services import mark_held
    from tests.factories import make_engagement, make_meeting

    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        last = db.Engagement[world.e_a1]
        current = make_engagement(last.programme, last.organisation, period="2026/27",
                                  starts_on=date(2026, 8, 1))
        assert current.previous == last
        meeting = make_meeting(current, starts_at=datetime(2026, 9, 14, 7, 0))
        mark_held(meeting, held_at=meeting.starts_at)
        return meeting.id


def test_evaluation_notes_need_the_evaluation_items_version(client, world, next_cycle):
    headers = world.headers["office_a"]
    read = client.get(f"/api/v1/meetings/{next_cycle}/evaluation", headers=headers)
    assert read.status_code == 200 and read.headers["ETag"].startswith('"agendaitem-')
    path = f"/api/v1/meetings/{next_cycle}/evaluation/{world.c_a1}"
    assert client.put(path, headers=headers, json={"note": "Blind"}).status_code == 428
    mine = client.put(path, headers={**headers, "If-Match": read.headers["ETag"]},
                      json={"note": "Met in every class"})
    assert mine.status_code == 200 and mine.json["note"] == "Met in every class"
    assert mine.headers["ETag"] != read.headers["ETag"]
    theirs = client.put(path, headers={**world.headers["admin"],
                                       "If-Match": read.headers["ETag"]},
                        json={"note": "Written from an old read"})
    assert theirs.status_code == 412 and theirs.headers["ETag"] == mine.headers["ETag"]
    notes = client.get(f"/api/v1/meetings/{next_cycle}/evaluation",
                       headers=headers).json["items"]
    assert [e["note"] for e in notes if e["commitment_id"] == world.c_a1] == [
        "Met in every class"]


@pytest.mark.parametrize("path,secret", [("/api/v1/me/tokens", "token"),
                                         ("/api/v1/me/calendar-feeds", "url")])
def test_a_retried_secret_is_given_again_but_never_stored_in_clear(client, app, world, path,
                                                                   secret):
    key = "warehouse-setup-7"
    headers = {**world.headers["office_a"], "Idempotency-Key": key}
    body = {"name": "Warehouse"} if secret == "token" else None
    first = client.post(path, headers=headers, json=body)
    again = client.post(path, headers=headers, json=body)
    assert first.status_code == again.status_code == 201
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    shown = first.json[secret].rsplit("/", 1)[-1].removesuffix(".ics")
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        stored = [(r.key, json.dumps(r.body)) for r in db.IdempotencyRecord.select()]
    assert len(stored) == 1
    assert key not in stored[0][0] and shown not in stored[0][1]
    # Another person's key of the same name is theirs: it neither replays nor unseals this.
    other = client.post(path, headers={**world.headers["admin"], "Idempotency-Key": key},
                        json=body)
    assert other.status_code == 201 and other.json["id"] != first.json["id"]


@pytest.mark.parametrize("moment", ["0001-01-01T00:01:00+01:00", "9999-12-31T23:30:00-05:00",
                                    "1999-12-31T23:59:59+00:00", "2101-01-01T00:00:00+00:00"])
def test_a_meeting_time_outside_2000_to_2100_is_a_field_error(client, world, moment):
    """Found by the release run's fuzzing: year 1 at +01:00 has no UTC equivalent, and turning
    it into UTC for the database was a server error. Now the field says why, in Danish."""
    answer = client.post("/api/v1/meetings", json={
        "engagement_id": world.e_a1, "meeting_type": "talk", "starts_at": moment},
        headers={**world.headers["office_a"], "Accept-Language": "da"})
    assert answer.status_code == 422, answer.get_data(as_text=True)
    assert answer.json["errors"]["starts_at"] == ["Skal være mellem 2000-01-01 og 2100-12-31."]
    with client.application.app_context(), db_session:
        from app.db import db

        assert not db.Meeting.select(lambda m: m.starts_at.year < 2000
                                     or m.starts_at.year > 2100).exists()


def test_a_blank_key_names_no_record(client, world):
    """Keys of only spaces or control characters are answered as unknown, not as a server
    error (Pony refuses a blank lookup of a required text attribute)."""
    from app.common.model import by_key

    with client.application.app_context(), db_session:
        from app.db import db

        assert by_key(db.Programme, " \x0c\t") is None
        assert by_key(db.Indicator, "") is None and by_key(db.Theme, None) is None
        programme = db.Programme.select().first()
        assert by_key(db.Programme, programme.key) == programme

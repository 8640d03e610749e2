"""A client that knows only /api/openapi.json runs a whole dialogue cycle."""

from pathlib import Path

import pytest
from pony.orm import commit, db_session

from app.accounts.services import assign_role, create_user, issue_token
from app.organisations.services import create_organisation
from app.seeding.programmes import load_programmes

SEED = Path(__file__).resolve().parent.parent / "seed"


class SpecClient:
    """Calls operations by their operationId, reading method and path from the spec alone."""

    def __init__(self, client, token: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}", "Accept-Language": "da"}
        spec = client.get("/api/openapi.json").json
        self.operations = {op["operationId"]: (method, path)
                           for path, item in spec["paths"].items()
                           for method, op in item.items() if method != "parameters"}

    def __call__(self, operation: str, *, params=None, json=None, etag=None, query=None,
                 expect=(200, 201)):
        method, template = self.operations[operation]
        path = template.format(**(params or {}))
        headers = dict(self.headers)
        if etag:
            headers["If-Match"] = etag
        response = self.client.open(path, method=method.upper(), json=json,
                                    query_string=query, headers=headers)
        assert response.status_code in expect, (operation, response.status_code, response.json)
        return response.json


@pytest.fixture
def consultant(app):
    """A Danish school office, one of its schools with its leader, and the programmes loaded."""
    with app.app_context(), db_session:
        load_programmes(SEED)
        owner = create_organisation(name="Stevns Kommune", kind="school_owner", country="DK",
                                    official_code="336")
        school = create_organisation(name="Hårlev Skole", kind="school", country="DK",
                                     parent=owner)
        tokens = []
        for email, role, where in (("konsulent@stevns.dk", "school_office", owner),
                                   ("skoleleder@harlev.dk", "school_leader", school)):
            user = create_user(email=email, name=email.split("@")[0], password="x" * 12,
                               language="da")
            assign_role(user, role, where)
            tokens.append(issue_token(user, "cycle").secret)
        commit()
        return tokens[0], tokens[1], owner.id, school.id


def test_a_whole_danish_cycle_through_the_api(client, consultant):
    token, leader_token, owner_id, school_id = consultant
    api, leader = SpecClient(client, token), SpecClient(client, leader_token)

    other = api("create_organisation", json={"name": "Store Heddinge Skole", "kind": "school",
                                             "country": "DK", "parent_id": owner_id})
    assert other["parent_id"] == owner_id
    school = api("get_organisation", params={"organisation_id": school_id})
    programmes = api("list_programmes", query={"country": "DK"})["items"]
    programme = next(p for p in programmes if p["key"] == "dk_skoleudviklingssamtale")
    detail = api("get_programme", params={"programme_id": programme["id"]})
    talk = detail["meeting_types"][0]

    # An engagement for 2024/25, in the programme's first phase.
    first = api("start_engagement", json={"programme_id": programme["id"],
                                          "organisation_id": school["id"],
                                          "period": "2024/25", "starts_on": "2024-08-01"})
    assert first["current_phase"]["key"] == detail["phases"][0]["key"]
    api("record_transition", params={"engagement_id": first["id"]},
        json={"phase": talk["phase"] or detail["phases"][1]["key"],
              "occurred_on": "2025-04-01"})

    # The talk, planned with the programme's agenda.
    meeting = api("plan_meeting", json={"engagement_id": first["id"],
                                        "meeting_type": talk["key"],
                                        "starts_at": "2025-04-22T09:00:00+02:00",
                                        "place": "Hårlev Skole"})
    assert [i["duration_minutes"] for i in meeting["agenda"]] == [
        item["duration_minutes"] for item in talk["agenda"]]
    api("add_participant", params={"meeting_id": meeting["id"]},
        json={"name": "Mette Løvgren", "role": "school_leader"})
    api("hold_meeting", params={"meeting_id": meeting["id"]},
        json={"held_at": "2025-04-22T11:00:00+02:00"})
    for item in meeting["agenda"]:
        api("update_agenda_item", params={"item_id": item["id"]}, etag=item["etag"],
            json={"minutes": f"Drøftet: {item['title']}"})

    # Three commitments, recorded from the talk.
    made = [api("record_commitment", json={
        "engagement_id": first["id"], "meeting_id": meeting["id"], "title": title,
        "due_date": "2025-06-30", "follow_up_interval_days": 30})
        for title in ("Læsebånd i indskolingen", "Matematikvejleder i teamene",
                      "Tidlig opfølgning på fravær")]
    api("approve_minutes", params={"meeting_id": meeting["id"]})
    published = api("publish_minutes", params={"meeting_id": meeting["id"]})
    assert published["status"] == "published"
    publications = api("list_publications", params={"meeting_id": meeting["id"]})["items"]
    assert [c["title"] for c in publications[0]["content"]["commitments"]] == [
        c["title"] for c in made]

    # Follow-ups by the school; one commitment met, and the office acknowledges it.
    leader("add_follow_up", params={"commitment_id": made[0]["id"]},
           json={"occurred_on": "2025-05-20", "narrative": "I gang", "status_to": "in_progress"})
    reported = leader("report_completion", params={"commitment_id": made[0]["id"]},
                      json={"comment": "Læsebåndet kører i alle klasser."})
    assert api("get_commitment", params={"commitment_id": made[0]["id"]})["status"] == \
        "in_progress"  # not achieved until the other party agrees
    waiting = api("my_work_now")["to_acknowledge"]
    assert [item["id"] for item in waiting] == [reported["id"]]
    api("acknowledge_proposal", params={"proposal_id": reported["id"]}, json={})
    assert api("get_commitment", params={"commitment_id": made[0]["id"]})["status"] == "achieved"
    leader("add_follow_up", params={"commitment_id": made[1]["id"]},
           json={"occurred_on": "2025-06-01", "narrative": "Halvvejs",
                 "status_to": "in_progress", "progress": 50})

    # Next year's cycle; the open commitment is carried into it with its history.
    second = api("start_engagement", json={"programme_id": programme["id"],
                                           "organisation_id": school["id"],
                                           "period": "2025/26", "starts_on": "2025-08-01"})
    assert second["previous_id"] == first["id"]
    successor = api("carry_over", params={"commitment_id": made[1]["id"]},
                    json={"engagement_id": second["id"], "due_date": "2026-03-31"})
    assert successor["carried_over_from_id"] == made[1]["id"]
    assert (successor["engagement_id"], successor["progress"]) == (second["id"], 50)
    original = api("get_commitment", params={"commitment_id": made[1]["id"]})
    assert (original["status"], original["carried_over_to_id"]) == ("carried_over",
                                                                    successor["id"])
    history = api("commitment_history", params={"commitment_id": made[1]["id"]})["items"]
    assert [event["kind"] for event in history] == [
        "created", "status_changed", "follow_up", "carried_over"]
    open_in_second = api("list_commitments", query={"engagement": second["id"]})
    assert [c["title"] for c in open_in_second["items"]] == ["Matematikvejleder i teamene"]

"""Only the other party of an agreement makes a reported completion (or a new due date) count."""

from datetime import date, datetime

import pytest

from app.accounts.access import AccessRefused, NotVisible
from app.commitments import acknowledgement as ack
from app.commitments import services
from app.errors import Conflict, InvalidInput, NotFound
from tests.parties import build_parties

NOW = datetime(2026, 3, 2, 10, 0)


@pytest.fixture
def parties(tx):
    return build_parties()


def kinds(commitment) -> list[str]:
    return [event.kind for event in services.history(commitment)]


def test_the_school_reports_and_the_school_office_acknowledges(parties):
    commitment = parties.commitment(title="Reading band", follow_up_interval_days=30)
    services.change_status(commitment, "in_progress")
    proposal = ack.report_completion(parties.principal("leader"), commitment,
                                     comment="Every class reads 20 minutes a day", now=NOW)
    # Reporting is not achieving.
    assert (commitment.status, proposal.state, proposal.kind) == (
        "in_progress", "pending", "completion")
    assert proposal.proposed_by.id == parties.users["leader"].id

    ack.acknowledge(parties.principal("office"), proposal, comment="Seen at the visit", now=NOW)

    assert (commitment.status, commitment.progress) == ("achieved", 100)
    assert commitment.next_follow_up_on is None
    assert (proposal.state, proposal.decided_by.id, proposal.decided_at) == (
        "acknowledged", parties.users["office"].id, NOW)
    assert proposal.decision_comment == "Seen at the visit"
    assert kinds(commitment)[-3:] == ["completion_reported", "completion_acknowledged",
                                      "status_changed"]
    assert services.history(commitment)[-3].actor == "Leader"


def test_a_returned_completion_stays_open_with_the_comment(parties):
    commitment = parties.commitment()
    proposal = ack.report_completion(parties.principal("leader"), commitment, now=NOW)
    with pytest.raises(InvalidInput) as refused:
        ack.return_proposal(parties.principal("office"), proposal, comment="  ")
    assert set(refused.value.errors) == {"comment"}
    assert proposal.state == "pending"

    ack.return_proposal(parties.principal("office"), proposal,
                        comment="The plan covers only the youngest grades", now=NOW)
    assert (commitment.status, proposal.state) == ("agreed", "returned")
    assert services.history(commitment)[-1].reason == "The plan covers only the youngest grades"
    # The school can report again once it has done more.
    again = ack.report_completion(parties.principal("leader"), commitment, now=NOW)
    assert [p.id for p in ack.pending(commitment)] == [again.id]
    assert [p.state for p in ack.proposals(commitment)] == ["returned", "pending"]
    assert ack.get_proposal(again.id) is again
    with pytest.raises(NotFound):
        ack.get_proposal(again.id + 1000)


@pytest.mark.parametrize("person,refusal", [
    ("office", AccessRefused), ("board", AccessRefused),
    ("leader2", NotVisible),  # another school's leader does not see it at all
])
def test_only_the_responsible_school_reports_its_commitment(parties, person, refusal):
    commitment = parties.commitment()
    with pytest.raises(refusal):
        ack.report_completion(parties.principal(person), commitment)
    assert ack.pending(commitment) == []


@pytest.mark.parametrize("person", ["leader", "board"])
def test_the_school_cannot_acknowledge_its_own_report(parties, person):
    commitment = parties.commitment()
    proposal = ack.report_completion(parties.principal("leader"), commitment)
    with pytest.raises(AccessRefused):
        ack.acknowledge(parties.principal(person), proposal)
    assert (commitment.status, proposal.state) == ("agreed", "pending")


def test_central_commitments_go_the_other_way(parties):
    commitment = parties.commitment(title="A reading consultant for the school",
                                    responsible_organisation=parties.orgs["owner"],
                                    scope="central")
    with pytest.raises(AccessRefused):
        ack.report_completion(parties.principal("leader"), commitment)
    proposal = ack.report_completion(parties.principal("office"), commitment)
    # A colleague in the same office is the same party.
    with pytest.raises(AccessRefused):
        ack.acknowledge(parties.principal("office2"), proposal)
    ack.acknowledge(parties.principal("leader"), proposal)
    assert commitment.status == "achieved"


def test_in_an_agency_programme_the_agency_and_the_owner_acknowledge_each_other(parties):
    owners = parties.commitment("se", title="Nulägesanalys klar")
    agencys = parties.commitment("se", title="Processtöd utsett",
                                 responsible_organisation=parties.orgs["agency"])
    reported = ack.report_completion(parties.principal("se_office"), owners)
    with pytest.raises(AccessRefused):
        ack.report_completion(parties.principal("officer"), owners)
    ack.acknowledge(parties.principal("officer"), reported)
    assert owners.status == "achieved"

    with pytest.raises(AccessRefused):
        ack.report_completion(parties.principal("se_office"), agencys)
    reported = ack.report_completion(parties.principal("officer"), agencys)
    with pytest.raises(AccessRefused):
        ack.acknowledge(parties.principal("officer"), reported)
    ack.acknowledge(parties.principal("se_office"), reported)
    assert agencys.status == "achieved"


def test_nobody_acknowledges_their_own_proposal_not_even_an_administrator(parties):
    commitment = parties.commitment()
    proposal = ack.report_completion(parties.principal("admin"), commitment)
    with pytest.raises(AccessRefused) as refused:
        ack.acknowledge(parties.principal("admin"), proposal)
    assert str(refused.value) == "You cannot decide on your own proposal."
    ack.acknowledge(parties.principal("office"), proposal)
    assert commitment.status == "achieved"


def test_outsiders_do_not_even_see_it(parties):
    commitment = parties.commitment(confidential=True)
    proposal = ack.report_completion(parties.principal("leader"), commitment)
    for person in ("office_b", "officer"):
        with pytest.raises(NotVisible):
            ack.acknowledge(parties.principal(person), proposal)
    with pytest.raises(NotVisible):
        ack.report_completion(parties.principal("board"), commitment)


def test_only_a_pending_proposal_can_be_decided(parties):
    commitment = parties.commitment()
    proposal = ack.report_completion(parties.principal("leader"), commitment)
    ack.acknowledge(parties.principal("office"), proposal)
    events = len(services.history(commitment))
    for decide in (lambda: ack.acknowledge(parties.principal("office2"), proposal),
                   lambda: ack.return_proposal(parties.principal("office2"), proposal,
                                               comment="Too late")):
        with pytest.raises(Conflict) as refused:
            decide()
        assert "state" in refused.value.errors
    assert (proposal.state, proposal.decided_by.id) == ("acknowledged",
                                                        parties.users["office"].id)
    assert len(services.history(commitment)) == events


def test_one_completion_waits_at_a_time_and_closed_commitments_take_none(parties):
    commitment = parties.commitment()
    ack.report_completion(parties.principal("leader"), commitment)
    with pytest.raises(Conflict):
        ack.report_completion(parties.principal("leader"), commitment)
    proposed = parties.commitment(status="proposed")
    with pytest.raises(Conflict) as refused:
        ack.report_completion(parties.principal("leader"), proposed)
    assert "status" in refused.value.errors
    cancelled = parties.commitment()
    services.change_status(cancelled, "cancelled")
    with pytest.raises(Conflict):
        ack.report_completion(parties.principal("leader"), cancelled)


def test_closing_a_commitment_lapses_what_waits_on_it(parties):
    commitment = parties.commitment()
    completion = ack.report_completion(parties.principal("leader"), commitment)
    moved = ack.propose_due_date(parties.principal("leader"), commitment,
                                 due_date=date(2026, 9, 30), comment="Staff changes", now=NOW)
    services.change_status(commitment, "not_achieved", reason="Decided at the talk")
    assert (completion.state, moved.state) == ("lapsed", "lapsed")
    with pytest.raises(Conflict):
        ack.acknowledge(parties.principal("office"), completion)


def test_the_reporter_can_withdraw_before_anyone_decides(parties):
    commitment = parties.commitment()
    proposal = ack.report_completion(parties.principal("leader"), commitment)
    with pytest.raises(AccessRefused):
        ack.withdraw(parties.principal("office"), proposal)
    ack.withdraw(parties.principal("leader"), proposal, comment="Reported too early")
    assert proposal.state == "withdrawn"
    assert kinds(commitment)[-1] == "proposal_withdrawn"
    with pytest.raises(Conflict):
        ack.acknowledge(parties.principal("office"), proposal)


# --- new due dates ----------------------------------------------------------------------------

def test_a_new_due_date_counts_once_acknowledged(parties):
    commitment = parties.commitment(due_date=date(2026, 6, 30))
    proposal = ack.propose_due_date(parties.principal("leader"), commitment,
                                    due_date=date(2026, 12, 18),
                                    comment="The new reading material arrives in August",
                                    now=NOW)
    assert (commitment.due_date, proposal.proposed_due_date) == (date(2026, 6, 30),
                                                                 date(2026, 12, 18))
    ack.acknowledge(parties.principal("office"), proposal, now=NOW)
    assert commitment.due_date == date(2026, 12, 18)
    assert commitment.status == "agreed"
    updated = services.history(commitment)[-1]
    assert (updated.kind, updated.changes) == (
        "updated", {"due_date": {"before": "2026-06-30", "after": "2026-12-18"}})


@pytest.mark.parametrize("due_date,comment,fields", [
    (date(2026, 3, 1), "Late", {"due_date"}),        # the responsible school's yesterday
    (date(2025, 8, 31), "Early", {"due_date"}),      # before the talk that agreed it
    (date(2026, 6, 30), "Same", {"due_date"}),       # unchanged
    (date(2026, 9, 30), "  ", {"comment"}),
    (None, "", {"due_date", "comment"}),
])
def test_a_new_due_date_must_make_sense(parties, due_date, comment, fields):
    commitment = parties.commitment(due_date=date(2026, 6, 30))
    with pytest.raises(InvalidInput) as refused:
        ack.propose_due_date(parties.principal("leader"), commitment, due_date=due_date,
                             comment=comment, now=NOW)
    assert set(refused.value.errors) == fields
    assert ack.pending(commitment) == []
    assert kinds(commitment) == ["created"]


def test_the_agreement_date_is_the_talk_in_the_schools_time_zone(parties):
    commitment = parties.commitment()
    assert ack.agreed_on(commitment) == date(2025, 9, 1)
    # The day of the talk itself is a possible (if odd) due date.
    early = datetime(2025, 9, 1, 6, 0)
    proposal = ack.propose_due_date(parties.principal("leader"), commitment,
                                    due_date=date(2025, 9, 1), comment="Done the same day",
                                    now=early)
    assert proposal.state == "pending"


def test_a_proposed_date_that_has_passed_is_returned_not_acknowledged(parties):
    commitment = parties.commitment()
    proposal = ack.propose_due_date(parties.principal("leader"), commitment,
                                    due_date=date(2026, 3, 10), comment="A week more",
                                    now=NOW)
    with pytest.raises(Conflict) as refused:
        ack.acknowledge(parties.principal("office"), proposal, now=datetime(2026, 3, 11, 9, 0))
    assert "due_date" in refused.value.errors
    assert (proposal.state, commitment.due_date) == ("pending", date(2026, 6, 30))


def test_proposals_are_listed_only_to_those_who_may_read_the_commitment(parties, tx):
    from app.accounts.access import can, visible_proposals

    open_ = ack.report_completion(parties.principal("leader"), parties.commitment())
    secret = ack.report_completion(parties.principal("leader"),
                                   parties.commitment(confidential=True))
    seen = {name: {p.id for p in visible_proposals(parties.principal(name))}
            for name in ("office", "leader", "board", "office_b", "officer")}
    assert seen == {"office": {open_.id, secret.id}, "leader": {open_.id, secret.id},
                    "board": {open_.id}, "office_b": set(), "officer": set()}
    assert not can(parties.principal("board"), "read", secret)
    assert can(parties.principal("board"), "read", open_)


# --- no path around the other party: forms, API and bulk import -------------------------------

def test_a_direct_change_never_bypasses_the_other_party(parties):
    school = parties.commitment(title="Reading band")
    central = parties.commitment(title="A reading consultant", scope="central",
                                 responsible_organisation=parties.orgs["owner"])
    office, admin = parties.principal("office"), parties.principal("admin")
    # Not even the acknowledging side or an administrator sets "achieved" directly.
    for who in (office, admin):
        with pytest.raises(Conflict) as refused:
            ack.change_status(who, school, "achieved", reason="Seen at the visit")
        assert set(refused.value.errors) == {"status"}
    # The school office is the responsible party of a central commitment: it proposes.
    with pytest.raises(Conflict) as refused:
        ack.update(office, central, {"due_date": date(2026, 12, 18), "title": "Consultant"})
    assert set(refused.value.errors) == {"due_date"}
    assert (central.due_date, central.title) == (date(2026, 6, 30), "A reading consultant")
    # The acknowledging side may move a date it would acknowledge anyway; so may an
    # administrator, and anyone while the commitment is only proposed.
    ack.update(office, school, {"due_date": date(2026, 12, 18)})
    ack.update(admin, central, {"due_date": date(2026, 11, 30)})
    draft = parties.commitment(status="proposed", scope="central",
                               responsible_organisation=parties.orgs["owner"])
    ack.update(office, draft, {"due_date": date(2026, 10, 1)})
    assert (school.due_date, central.due_date, draft.due_date) == (
        date(2026, 12, 18), date(2026, 11, 30), date(2026, 10, 1))
    # Other changes of status go on as before.
    ack.change_status(office, school, "in_progress")
    assert [s.status for s in (school, central)] == ["in_progress", "agreed"]


@pytest.fixture
def paths(app):
    """The parties committed, with a central commitment of the school office (which reports
    on it; the school acknowledges) and a school commitment; API tokens per person."""
    from pony.orm import commit, db_session

    from app.accounts.services import issue_token

    with app.app_context(), db_session:
        built = build_parties()
        central = built.commitment(title="A reading consultant", scope="central",
                                   responsible_organisation=built.orgs["owner"])
        school = built.commitment(title="Reading band")
        headers = {name: {"Authorization": f"Bearer {issue_token(built.users[name], 't').secret}"}
                   for name in ("office", "leader")}
        commit()
        return {"ids": built.ids(), "central": central.id, "school": school.id,
                "headers": headers}


def _state(app, commitment_id):
    from pony.orm import db_session

    with app.app_context(), db_session:
        found = app.extensions["nordialog.db"].Commitment[commitment_id]
        return found.status, found.due_date, len(found.events)


def test_the_web_forms_do_not_bypass_the_other_party(app, paths):
    import re

    from tests.sessions import sign_in

    client = app.test_client()
    sign_in(client, paths["ids"]["users"]["office"])
    before = {key: _state(app, paths[key]) for key in ("central", "school")}
    page = client.get(f"/commitments/{paths['central']}")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    moved = client.post(f"/commitments/{paths['central']}", data={
        "csrf_token": token, "version": "1", "title": "A reading consultant",
        "due_date": "2026-12-18"})
    assert moved.status_code == 422
    assert "Propose the new due date instead" in moved.text
    achieved = client.post(f"/commitments/{paths['school']}/status", data={
        "csrf_token": token, "version": "1", "status": "achieved"})
    assert achieved.status_code == 422
    assert "Report the commitment achieved instead" in achieved.text
    assert {key: _state(app, paths[key]) for key in ("central", "school")} == before


def test_the_api_does_not_bypass_the_other_party(app, paths):
    client = app.test_client()
    office = paths["headers"]["office"]
    before = {key: _state(app, paths[key]) for key in ("central", "school")}
    path = f"/api/v1/commitments/{paths['central']}"
    etag = client.get(path, headers=office).headers["ETag"]
    moved = client.patch(path, headers={**office, "If-Match": etag},
                         json={"due_date": "2026-12-18"})
    assert moved.status_code == 409
    assert set(moved.json["errors"]) == {"due_date"}
    achieved = client.post(f"/api/v1/commitments/{paths['school']}/status", headers=office,
                           json={"status": "achieved"})
    assert achieved.status_code == 409 and set(achieved.json["errors"]) == {"status"}
    assert {key: _state(app, paths[key]) for key in ("central", "school")} == before
    # The way that counts: the responsible party proposes, the other party acknowledges.
    proposed = client.post(f"{path}/due-date-proposals", headers=office,
                           json={"due_date": "2026-12-18", "comment": "The budget moves"})
    assert proposed.status_code == 201, proposed.json
    assert _state(app, paths["central"])[1] == date(2026, 6, 30)
    decided = client.post(f"/api/v1/proposals/{proposed.json['id']}/acknowledge",
                          headers=paths["headers"]["leader"], json={})
    assert decided.status_code == 200, decided.json
    assert _state(app, paths["central"])[1] == date(2026, 12, 18)


def test_a_bulk_import_does_not_bypass_the_other_party(app, paths):
    import csv
    import io

    from app.commitments.bulk import COMMITMENT_COLUMNS

    client = app.test_client()
    office = paths["headers"]["office"]
    exported = client.get("/api/v1/commitments/export?format=csv", headers=office)
    rows = {int(r["id"]): r for r in csv.DictReader(io.StringIO(
        exported.data.decode("utf-8-sig")))}
    central, school = rows[paths["central"]], rows[paths["school"]]
    central["due_date"] = "2026-12-18"
    school["status"] = "achieved"
    new = dict(school, id="", version="", title="Imported as achieved", status="achieved")
    before = {key: _state(app, paths[key]) for key in ("central", "school")}

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COMMITMENT_COLUMNS)
    writer.writeheader()
    writer.writerows([central, school, new])
    response = client.post("/api/v1/commitments/import", headers=office,
                           content_type="multipart/form-data",
                           data={"file": (io.BytesIO(buffer.getvalue().encode()), "c.csv")})
    assert response.status_code == 422
    errors = response.json["errors"]["rows"]
    assert {number: set(fields) for number, fields in errors.items()} == {
        "2": {"due_date"}, "3": {"status"}, "4": {"status"}}
    assert {key: _state(app, paths[key]) for key in ("central", "school")} == before

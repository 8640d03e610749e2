"""A small world for access tests: who may see what is checked against it.

Two Danish owners (A with schools A1 and A2, B with school B1); a Swedish owner S (school S1)
taking part in a programme run by a national agency and, separately, S1 in a local programme;
confidential items planted with sentinel values that must never reach the wrong reader.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from pony.orm import flush

from app.accounts.services import assign_role, create_user
from app.commitments.services import add_follow_up
from app.common.model import utcnow
from app.db import db
from app.meetings.services import (
    add_participant,
    approve_minutes,
    mark_held,
    publish_minutes,
    write_minutes,
)
from app.organisations.services import create_organisation
from tests.factories import (
    labels,
    make_commitment,
    make_engagement,
    make_meeting,
    make_owner,
    make_programme,
    make_school,
)

SENTINEL_TITLE = "SENTINEL-CONFIDENTIAL-7f3a"
SENTINEL_VALUE = 987.654
PASSWORD = "correct horse battery"


@dataclass
class World:
    ids: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.ids[name]
        except KeyError:
            raise AttributeError(name) from None


def build_world() -> World:
    """Create the world (inside a db_session) and return the ids of everything in it."""
    agency = create_organisation(name="Test agency", kind="national_agency", country="SE",
                                 official_code="test-agency")
    owner_a, owner_b = make_owner("Kommune A"), make_owner("Kommune B")
    a1, a2, b1 = make_school(owner_a), make_school(owner_a), make_school(owner_b)
    owner_s = make_owner("Kommun S", country="SE")
    s1 = make_school(owner_s)

    danish = make_programme()
    agency_programme = make_programme(country="SE", participant_kinds=("school_owner",))
    agency_programme.run_by = agency
    local_se = make_programme(country="SE")

    e_a1 = make_engagement(danish, a1)
    e_b1 = make_engagement(danish, b1)
    e_s = make_engagement(agency_programme, owner_s)
    e_s_local = make_engagement(local_se, s1)

    m_a1 = make_meeting(e_a1)
    m_a1_conf = make_meeting(e_a1, meeting_type="leadership_talk",
                             starts_at=datetime(2026, 5, 1, 7, 0))
    c_a1 = make_commitment(e_a1, title="Reading band")
    c_a1_conf = make_commitment(e_a1, title=SENTINEL_TITLE, confidential=True,
                                actions="SENTINEL-ACTIONS-7f3a")
    c_b1 = make_commitment(e_b1, title="Maths in B")
    c_s = make_commitment(e_s, title="Systematiskt kvalitetsarbete")
    c_s_local = make_commitment(e_s_local, title="Local Swedish commitment")

    # One of everything per reachable side, for the authorization matrix.
    m_b1 = make_meeting(e_b1)
    m_s = make_meeting(e_s)
    for meeting in (m_a1, m_b1, m_s):
        add_participant(meeting, name="Deltager", role="school_leader")
    f_a1, f_b1, f_s = (add_follow_up(c, occurred_on=date(2025, 10, 1), narrative="I gang")
                       for c in (c_a1, c_b1, c_s))
    flush()
    p_a1, p_b1, p_s = (min(m.participants, key=lambda p: p.id) for m in (m_a1, m_b1, m_s))
    ai_a1, ai_b1, ai_s = (min(m.agenda_items, key=lambda i: i.id) for m in (m_a1, m_b1, m_s))
    ys_a1, ys_b1, ys_s = (min(e.year_wheel, key=lambda s: s.id) for e in (e_a1, e_b1, e_s))
    # Published minutes, for the public pages.
    m_pub = make_meeting(e_a1, starts_at=datetime(2026, 3, 2, 8, 0))
    mark_held(m_pub, held_at=m_pub.starts_at)
    flush()
    write_minutes(min(m_pub.agenda_items, key=lambda i: i.id), "Offentligt referat")
    approve_minutes(m_pub)
    publish_minutes(m_pub)
    # A completion waiting for the other party on each side.
    prop_a1, prop_b1, prop_s = (
        db.CommitmentProposal(commitment=c, kind="completion", proposed_at=utcnow(),
                              comment="Done")
        for c in (c_a1, c_b1, c_s))

    secret = db.Indicator(key="test_national_test", labels=labels("National test"),
                          unit="percent", direction="higher_is_better", source="Test",
                          confidential=True, min_group_size=5)
    open_ = db.Indicator(key="test_well_being", labels=labels("Well-being"), unit="percent",
                         direction="higher_is_better", source="Test")
    obs_a1_conf = db.Observation(organisation=a1, indicator=secret, period="2025/26",
                                 value=SENTINEL_VALUE, group_size=40)
    obs_a1 = db.Observation(organisation=a1, indicator=open_, period="2025/26", value=71.0)
    obs_b1 = db.Observation(organisation=b1, indicator=open_, period="2025/26", value=64.0)
    obs_s1 = db.Observation(organisation=s1, indicator=open_, period="2025/26", value=55.0)

    people = {}
    for name, role, organisation in [
        ("admin", "administrator", None), ("office_a", "school_office", owner_a),
        ("leader_a1", "school_leader", a1), ("board_a1", "board_member", a1),
        ("officer", "agency_officer", agency), ("office_b", "school_office", owner_b),
        ("nobody", None, None),
    ]:
        user = create_user(email=f"{name}@example.test", name=name.replace("_", " ").title(),
                           password=PASSWORD, language="en")
        if role:
            assign_role(user, role, organisation)
        people[name] = user

    flush()
    world = World()
    for name, value in {**locals(), **people}.items():
        if hasattr(value, "_pkval_"):
            world.ids[name] = value.id
    world.ids["today"] = date.today()
    return world


def issue_tokens(world: World) -> dict[str, dict]:
    """An Authorization header per person of the world (inside a db_session)."""
    from app.accounts.services import issue_token

    headers = {}
    for name in ("admin", "office_a", "leader_a1", "board_a1", "officer", "office_b", "nobody"):
        issued = issue_token(db.User[world.ids[name]], "tests")
        headers[name] = {"Authorization": f"Bearer {issued.secret}"}
        flush()
        world.ids[f"token_{name}"] = issued.token.id
    headers["anonymous"] = {}
    return headers

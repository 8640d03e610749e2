"""The people around two agreements: a Danish owner and its schools, and Skoldialogen.

Owner O (Copenhagen) runs the talk with schools S and S2; owner B runs its own school B1. The
agency G runs a programme with the Swedish owner SE. Each person holds one role.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from app.accounts.access import principal_for
from app.accounts.services import assign_role, create_user
from app.organisations.services import create_organisation
from tests.factories import (
    make_commitment,
    make_engagement,
    make_meeting,
    make_owner,
    make_programme,
    make_school,
)

#: The day the talks were held, and the commitments agreed.
TALK = datetime(2025, 9, 1, 8, 0)

PEOPLE = [
    ("leader", "school_leader", "school"), ("leader2", "school_leader", "school2"),
    ("office", "school_office", "owner"), ("office2", "school_office", "owner"),
    ("board", "board_member", "school"), ("office_b", "school_office", "owner_b"),
    ("officer", "agency_officer", "agency"), ("se_office", "school_office", "se_owner"),
    ("admin", "administrator", None),
]


@dataclass
class Parties:
    orgs: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    engagements: dict = field(default_factory=dict)
    meetings: dict = field(default_factory=dict)

    def ids(self) -> dict:
        """The ids of everyone and everything, to find them again in another db_session."""
        return {kind: {name: value.id for name, value in getattr(self, kind).items()}
                for kind in ("orgs", "users", "engagements", "meetings")}

    @classmethod
    def load(cls, db, ids: dict) -> Parties:
        entities = {"orgs": db.Organisation, "users": db.User, "engagements": db.Engagement,
                    "meetings": db.Meeting}
        return cls(**{kind: {name: entities[kind][value] for name, value in found.items()}
                      for kind, found in ids.items()})

    def principal(self, name: str):
        return principal_for(self.users[name])

    def commitment(self, where: str = "school", **fields):
        """A commitment agreed at the talk of ``where`` (``school``, ``school2`` or ``se``)."""
        fields.setdefault("due_date", date(2026, 6, 30))
        return make_commitment(self.engagements[where], meeting=self.meetings[where],
                               **fields)


def build_parties() -> Parties:
    parties = Parties()
    owner, owner_b = make_owner("Kommune O"), make_owner("Kommune B")
    agency = create_organisation(name="Skolverket (test)", kind="national_agency",
                                 country="SE", official_code="test-skolverket")
    se_owner = make_owner("Ekby kommun", country="SE")
    parties.orgs.update(owner=owner, owner_b=owner_b, agency=agency, se_owner=se_owner,
                        school=make_school(owner), school2=make_school(owner),
                        school_b=make_school(owner_b))
    danish = make_programme()
    skoldialogen = make_programme(country="SE", participant_kinds=("school_owner",))
    skoldialogen.run_by = agency
    for name, programme, organisation in [
        ("school", danish, parties.orgs["school"]), ("school2", danish, parties.orgs["school2"]),
        ("school_b", danish, parties.orgs["school_b"]), ("se", skoldialogen, se_owner),
    ]:
        engagement = make_engagement(programme, organisation, period="2025/26",
                                     starts_on=date(2025, 8, 1))
        parties.engagements[name] = engagement
        parties.meetings[name] = make_meeting(engagement, starts_at=TALK)
    for name, role, where in PEOPLE:
        user = create_user(email=f"{name}@parties.test", name=name.replace("_", " ").title(),
                           password="correct horse battery", language="en")
        assign_role(user, role, parties.orgs[where] if where else None)
        parties.users[name] = user
    return parties

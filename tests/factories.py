"""Factories for tests: small, valid domain objects built through the services.

Call them inside a db_session (the ``tx`` fixture). Defaults make a Danish owner with a school
and a three-phase annual programme; pass arguments to vary what a test is about.
"""

from __future__ import annotations

from datetime import date, datetime
from itertools import count

from app.commitments import services as commitments
from app.db import db
from app.engagements import services as engagements
from app.meetings import services as meetings
from app.organisations.services import create_organisation

_numbers = count(1)


def labels(text: str) -> dict:
    return {"en": text, "da": f"{text} (da)", "nb": f"{text} (nb)", "sv": f"{text} (sv)"}


def make_owner(name: str = "Testby Kommune", country: str = "DK"):
    return create_organisation(name=f"{name} {next(_numbers)}", kind="school_owner",
                               country=country)


def make_school(owner=None, name: str = "Testskolen", kind: str = "school"):
    owner = owner or make_owner()
    return create_organisation(name=f"{name} {next(_numbers)}", kind=kind,
                               country=owner.country, parent=owner)


def make_programme(key: str | None = None, country: str = "DK",
                   phases=("preparation", "talk", "follow_up"),
                   participant_kinds=("school",), confidential_type: bool = False):
    """An annual programme with a talk whose agenda has evaluation, theme and agreements."""
    programme = db.Programme(
        key=key or f"test_programme_{next(_numbers)}", country=country,
        labels=labels("Test programme"), cadence="annual", duration_months=12,
        participant_kinds=list(participant_kinds),
    )
    for position, phase in enumerate(phases, start=1):
        db.ProgrammePhase(programme=programme, key=phase, position=position, labels=labels(phase))
    talk = db.MeetingType(programme=programme, key="talk", position=1, labels=labels("Talk"))
    for position, (key, kind, party, minutes) in enumerate([
        ("evaluation", "evaluation", "joint", 15),
        ("school_theme", "theme", "school", 45),
        ("agreements", "agreements", "joint", 15),
    ], start=1):
        db.AgendaTemplateItem(meeting_type=talk, key=key, position=position, labels=labels(key),
                              duration_minutes=minutes, party=party, kind=kind)
    leadership = db.MeetingType(programme=programme, key="leadership_talk", position=2,
                                labels=labels("Leadership talk"), confidential=True)
    db.AgendaTemplateItem(meeting_type=leadership, key="leadership", position=1,
                          labels=labels("leadership"), duration_minutes=60, party="joint",
                          kind="other")
    for position, (key, month) in enumerate([("startup", 11), ("talks", 4)], start=1):
        db.YearWheelTemplateStep(programme=programme, key=key, position=position, month=month,
                                 labels=labels(key), responsible=labels("School office"))
    return programme


def make_engagement(programme=None, organisation=None, period: str = "2025/26",
                    starts_on: date = date(2025, 8, 1)):
    programme = programme or make_programme()
    organisation = organisation or make_school()
    return engagements.start_engagement(programme, organisation, period=period,
                                        starts_on=starts_on)


def make_meeting(engagement=None, meeting_type: str = "talk",
                 starts_at: datetime = datetime(2026, 4, 20, 7, 0)):
    engagement = engagement or make_engagement()
    return meetings.plan_meeting(engagement, meeting_type=meeting_type, starts_at=starts_at,
                                 place="Skolens mødelokale")


def make_commitment(engagement=None, *, title: str = "Daily reading time", status: str = "agreed",
                    due_date: date = date(2026, 6, 30), progress: int = 0, **fields):
    """A commitment; ``progress`` stands for what earlier follow-ups reported."""
    engagement = engagement or make_engagement()
    commitment = commitments.record_commitment(
        engagement, title=title, due_date=due_date, status=status,
        responsible_organisation=fields.pop("responsible_organisation", engagement.organisation),
        agreed_on=fields.pop("agreed_on", date(2025, 9, 1)), **fields,
    )
    commitment.progress = progress
    return commitment

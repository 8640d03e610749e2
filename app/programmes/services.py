"""Reading programmes: their phases, meeting types and templates, in order."""

from __future__ import annotations

from app.common.model import by_key
from app.db import db
from app.errors import NotFound
from app.i18n import _


def get_programme(key_or_id: str | int):
    if isinstance(key_or_id, int):
        programme = db.Programme.get(id=key_or_id)
    else:
        programme = by_key(db.Programme, key_or_id)
    if programme is None:
        raise NotFound(_("No programme %(programme)s.", programme=key_or_id))
    return programme


def ordered_phases(programme) -> list:
    return sorted(programme.phases, key=lambda phase: phase.position)


def get_phase(programme, key: str):
    phase = db.ProgrammePhase.get(programme=programme, key=key)
    if phase is None:
        raise NotFound(_("The programme has no phase %(phase)s.", phase=key))
    return phase


def get_meeting_type(programme, key: str):
    meeting_type = db.MeetingType.get(programme=programme, key=key)
    if meeting_type is None:
        raise NotFound(_("The programme has no meeting type %(type)s.", type=key))
    return meeting_type


def agenda_template(meeting_type) -> list:
    return sorted(meeting_type.agenda_items, key=lambda item: item.position)


def year_wheel_template(programme) -> list:
    return sorted(programme.year_wheel, key=lambda step: (step.position, step.month))

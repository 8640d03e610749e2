"""Engagements: one organisation's cycle in a programme, its phase history and year wheel."""

from __future__ import annotations

from datetime import date

from pony.orm import Json, LongStr, Optional, PrimaryKey, Required, Set, composite_key

from app.common.model import AppendOnly, Stamped, stamp_columns
from app.i18n import _l

STATUSES = {
    "active": _l("Active"),
    "completed": _l("Completed"),
    "withdrawn": _l("Withdrawn"),
}


def define(db):
    class Engagement(Stamped, db.Entity):
        _table_ = "engagement"
        id = PrimaryKey(int, auto=True)
        programme = Required("Programme")
        organisation = Required("Organisation")
        # "2024/25" for a school year; "2025-2027" for a multi-year cooperation.
        period = Required(str, 32)
        starts_on = Required(date)
        ends_on = Optional(date)
        status = Required(str, 16, default="active")
        # Kept equal to the latest transition by the service that records transitions, so
        # lists can filter by phase without reading the history.
        current_phase = Optional("ProgrammePhase")
        previous = Optional("Engagement", reverse="following")
        following = Optional("Engagement", reverse="previous")
        locals().update(stamp_columns())
        composite_key(programme, organisation, period)

        transitions = Set("PhaseTransition", cascade_delete=False)
        year_wheel = Set("YearWheelStep")
        meetings = Set("Meeting", cascade_delete=False)
        commitments = Set("Commitment", cascade_delete=False)

    class PhaseTransition(AppendOnly, db.Entity):
        """A dated move of an engagement into a phase; the history is never rewritten."""

        _table_ = "phase_transition"
        id = PrimaryKey(int, auto=True)
        engagement = Required(Engagement)
        phase = Required("ProgrammePhase")
        occurred_on = Required(date)
        note = Optional(str, 2000)
        locals().update(stamp_columns())

    class YearWheelStep(Stamped, db.Entity):
        _table_ = "year_wheel_step"
        id = PrimaryKey(int, auto=True)
        engagement = Required(Engagement)
        template_step = Optional("YearWheelTemplateStep")
        position = Required(int)
        month = Required(int)
        # Copied from the programme's template (every language) or written by the user.
        labels = Optional(Json, nullable=True)
        title = Optional(str, 200, nullable=True)
        responsible = Optional(str, 200)
        # The school office's own notes; the programme's notes stay on the template step.
        notes = Optional(LongStr, lazy=False)
        done = Required(bool, default=False)
        done_on = Optional(date)
        locals().update(stamp_columns())

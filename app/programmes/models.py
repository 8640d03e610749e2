"""Programmes: each dialogue practice as data (phases, meeting types, templates, indicators).

Labels that come from seed files are held as ``{language: text}`` JSON so every programme
speaks da, nb, sv and en without code changes; see ``app.i18n.localized``.
"""

from __future__ import annotations

from pony.orm import Json, Optional, PrimaryKey, Required, Set, composite_key

from app.common.model import Stamped, stamp_columns
from app.i18n import _l

CADENCES = {
    "annual": _l("Annual"),
    "several_per_year": _l("Several times a year"),
    "half_yearly": _l("Half-yearly"),
    "multi_year": _l("Over several years"),
}

#: Who owns an agenda item or chose a theme.
PARTIES = {
    "school": _l("School"),
    "school_board": _l("School board"),
    "political_committee": _l("Political committee"),
    "administration": _l("Administration"),
    "ministry": _l("Ministry"),
    "national_agency": _l("National agency"),
    "school_owner": _l("School owner"),
    "joint": _l("Joint"),
}

#: What an agenda item is for; "evaluation" is filled with the last cycle's commitments.
AGENDA_ITEM_KINDS = {
    "opening": _l("Opening"),
    "evaluation": _l("Evaluation of earlier agreements"),
    "data": _l("Data and results"),
    "theme": _l("Theme"),
    "agreements": _l("Agreements"),
    "other": _l("Other"),
}

MINUTES_SECTION_KINDS = {
    "text": _l("Text"),
    "participants": _l("Participants"),
    "agenda": _l("Agenda"),
    "evaluation": _l("Evaluation of earlier agreements"),
    "themes": _l("Themes"),
    "commitments": _l("Agreements"),
    "board_comments": _l("School board's comments"),
}


def define(db):
    class Programme(Stamped, db.Entity):
        _table_ = "programme"
        id = PrimaryKey(int, auto=True)
        key = Required(str, 64, unique=True)
        country = Required(str, 2)
        labels = Required(Json)
        descriptions = Optional(Json, nullable=True)
        # The programme's own word for a commitment ("överenskommelse", "forpliktende avtale").
        commitment_terms = Optional(Json, nullable=True)
        cadence = Required(str, 32)
        duration_months = Required(int)
        # Organisation kinds that take part (a school; Norddjurs also daycare units; an owner).
        participant_kinds = Required(Json)
        # Reports the programme produces and what each must contain (see seed/README.md).
        reports = Optional(Json, nullable=True)
        # A national agency running the programme (Skolverket); None when an owner runs it.
        run_by = Optional("Organisation")
        # Checks before a meeting closes or a report is signed off (app/checks).
        checks = Optional(Json, nullable=True)
        # The rule that flags weak results over time (app/selection).
        weak_results = Optional(Json, nullable=True)
        locals().update(stamp_columns())

        phases = Set("ProgrammePhase")
        meeting_types = Set("MeetingType")
        minutes_sections = Set("MinutesSection")
        required_themes = Set("ProgrammeTheme")
        indicators = Set("ProgrammeIndicator")
        year_wheel = Set("YearWheelTemplateStep")
        engagements = Set("Engagement", cascade_delete=False)

    class ProgrammePhase(Stamped, db.Entity):
        _table_ = "programme_phase"
        id = PrimaryKey(int, auto=True)
        programme = Required(Programme)
        key = Required(str, 64)
        position = Required(int)
        labels = Required(Json)
        descriptions = Optional(Json, nullable=True)
        locals().update(stamp_columns())
        composite_key(programme, key)

        transitions = Set("PhaseTransition", cascade_delete=False)
        engagements_in_phase = Set("Engagement")
        meeting_types = Set("MeetingType")
        year_wheel_steps = Set("YearWheelTemplateStep")

    class MeetingType(Stamped, db.Entity):
        _table_ = "meeting_type"
        id = PrimaryKey(int, auto=True)
        programme = Required(Programme)
        key = Required(str, 64)
        position = Required(int)
        labels = Required(Json)
        # How many a year the programme expects (Ringsted: six development talks).
        per_year = Optional(int)
        # A confidential talk (Ringsted's leadership talk): never published.
        confidential = Required(bool, default=False)
        # The phase in which meetings of this type are held, when the programme says so.
        phase = Optional("ProgrammePhase")
        locals().update(stamp_columns())
        composite_key(programme, key)

        agenda_items = Set("AgendaTemplateItem")
        meetings = Set("Meeting", cascade_delete=False)

    class AgendaTemplateItem(Stamped, db.Entity):
        _table_ = "agenda_template_item"
        id = PrimaryKey(int, auto=True)
        meeting_type = Required(MeetingType)
        key = Required(str, 64)
        position = Required(int)
        labels = Required(Json)
        duration_minutes = Required(int)
        party = Required(str, 32)
        kind = Required(str, 32)
        locals().update(stamp_columns())
        composite_key(meeting_type, key)

        agenda_items = Set("AgendaItem")

    class MinutesSection(Stamped, db.Entity):
        _table_ = "minutes_section"
        id = PrimaryKey(int, auto=True)
        programme = Required(Programme)
        key = Required(str, 64)
        position = Required(int)
        labels = Required(Json)
        kind = Required(str, 32)
        locals().update(stamp_columns())
        composite_key(programme, key)

    class ProgrammeTheme(Stamped, db.Entity):
        """A theme the programme requires, and the party that puts it on the agenda."""

        _table_ = "programme_theme"
        id = PrimaryKey(int, auto=True)
        programme = Required(Programme)
        theme = Required("Theme")
        party = Required(str, 32)
        position = Required(int)
        locals().update(stamp_columns())
        composite_key(programme, theme)

    class ProgrammeIndicator(Stamped, db.Entity):
        """An indicator in the programme's data package."""

        _table_ = "programme_indicator"
        id = PrimaryKey(int, auto=True)
        programme = Required(Programme)
        indicator = Required("Indicator")
        position = Required(int)
        locals().update(stamp_columns())
        composite_key(programme, indicator)

    class YearWheelTemplateStep(Stamped, db.Entity):
        _table_ = "year_wheel_template_step"
        id = PrimaryKey(int, auto=True)
        programme = Required(Programme)
        key = Required(str, 64)
        position = Required(int)
        month = Required(int)
        labels = Required(Json)
        responsible = Required(Json)
        notes = Optional(Json, nullable=True)
        phase = Optional("ProgrammePhase")
        locals().update(stamp_columns())
        composite_key(programme, key)

        steps = Set("YearWheelStep")

"""Meetings: the dialogue sessions of an engagement, with agenda, minutes and participants."""

from __future__ import annotations

from datetime import datetime

from pony.orm import Json, LongStr, Optional, PrimaryKey, Required, Set, composite_key

from app.common.model import AppendOnly, Stamped, stamp_columns
from app.i18n import _l

ATTENDANCE = {
    "unknown": _l("Not recorded"),
    "present": _l("Present"),
    "absent": _l("Absent"),
}

PARTICIPANT_ROLES = {
    "school_leader": _l("School leader"),
    "deputy_leader": _l("Deputy school leader"),
    "school_chief": _l("School chief"),
    "consultant": _l("Consultant"),
    "director": _l("Director"),
    "board_parent_representative": _l("School board parent representative"),
    "board_member": _l("School board member"),
    "staff_representative": _l("Staff representative"),
    "psychologist": _l("Educational psychologist"),
    "agency_officer": _l("Agency officer"),
    "owner_representative": _l("School owner representative"),
    "other": _l("Other"),
}


def define(db):
    class Meeting(Stamped, db.Entity):
        _table_ = "meeting"
        id = PrimaryKey(int, auto=True)
        engagement = Required("Engagement")
        meeting_type = Required("MeetingType")
        title = Optional(str, 200)
        starts_at = Required(datetime)  # UTC
        ends_at = Optional(datetime)
        place = Optional(str, 200)
        status = Required(str, 32, default="planned")
        confidential = Required(bool, default=False)
        # The minutes being drafted; after publication a change starts revision n + 1.
        minutes_revision = Required(int, default=1)
        held_at = Optional(datetime)
        approved_at = Optional(datetime)
        published_at = Optional(datetime)
        locals().update(stamp_columns())

        participants = Set("Participant")
        agenda_items = Set("AgendaItem")
        attachments = Set("Attachment")
        themes = Set("MeetingTheme")
        publications = Set("MinutesPublication", cascade_delete=False)
        commitments = Set("Commitment")
        board_comments = Set("BoardComment")

        def _audit_confidential_(self) -> bool:
            return self.confidential

    class Participant(Stamped, db.Entity):
        _table_ = "participant"
        _audit_redact_ = frozenset({"name", "email"})  # personal data
        id = PrimaryKey(int, auto=True)
        meeting = Required(Meeting)
        name = Required(str, 200)
        role = Required(str, 64)
        organisation = Optional("Organisation")
        email = Optional(str, 254)
        invited = Required(bool, default=True)
        attendance = Required(str, 16, default="unknown")
        locals().update(stamp_columns())

    class AgendaItem(Stamped, db.Entity):
        _table_ = "agenda_item"
        id = PrimaryKey(int, auto=True)
        meeting = Required(Meeting)
        template_item = Optional("AgendaTemplateItem")
        position = Required(int)
        # From the template (labels in every language) or written for this meeting (title).
        labels = Optional(Json, nullable=True)
        title = Optional(str, 200, nullable=True)
        duration_minutes = Optional(int)
        party = Required(str, 32)
        kind = Required(str, 32)
        theme = Optional("Theme")
        minutes = Optional(LongStr, lazy=False)
        locals().update(stamp_columns())

        evaluation_lines = Set("AgendaEvaluationLine")

        def _audit_confidential_(self) -> bool:
            return self.meeting.confidential

    class AgendaEvaluationLine(Stamped, db.Entity):
        """One of the last cycle's commitments on a meeting's evaluation item, with what the
        minutes say about it (see app/meetings/evaluation.py)."""

        _table_ = "agenda_evaluation_line"
        id = PrimaryKey(int, auto=True)
        agenda_item = Required(AgendaItem)
        commitment = Required("Commitment")
        position = Required(int)
        note = Optional(LongStr, lazy=False)
        locals().update(stamp_columns())
        composite_key(agenda_item, commitment)

        def _audit_confidential_(self) -> bool:
            return self.agenda_item.meeting.confidential or self.commitment.confidential

    class Attachment(Stamped, db.Entity):
        """Metadata of a document attached to a meeting (the data package, a presentation)."""

        _table_ = "attachment"
        id = PrimaryKey(int, auto=True)
        meeting = Required(Meeting)
        filename = Required(str, 255)
        content_type = Required(str, 128)
        size_bytes = Required(int, size=64)
        sha256 = Required(str, 64)
        confidential = Required(bool, default=False)
        locals().update(stamp_columns())

        def _audit_confidential_(self) -> bool:
            return self.confidential or self.meeting.confidential

    class MeetingTheme(Stamped, db.Entity):
        """A theme on a meeting's agenda and the party that chose it."""

        _table_ = "meeting_theme"
        id = PrimaryKey(int, auto=True)
        meeting = Required(Meeting)
        theme = Required("Theme")
        party = Required(str, 32)
        background = Optional(LongStr, lazy=False)
        locals().update(stamp_columns())
        composite_key(meeting, theme)

        def _audit_confidential_(self) -> bool:
            return self.meeting.confidential

    class BoardComment(Stamped, db.Entity):
        """The school board's comment on a meeting, written by one of its members."""

        _table_ = "board_comment"
        id = PrimaryKey(int, auto=True)
        meeting = Required(Meeting)
        author = Required("User")
        body = Required(LongStr, lazy=False)
        locals().update(stamp_columns())

        def _audit_confidential_(self) -> bool:
            return self.meeting.confidential

    class MinutesPublication(AppendOnly, db.Entity):
        """A published revision of a meeting's minutes, frozen as it was approved."""

        _table_ = "minutes_publication"
        id = PrimaryKey(int, auto=True)
        meeting = Required(Meeting)
        revision = Required(int)
        published_at = Required(datetime)
        content = Required(Json)
        locals().update(stamp_columns())
        composite_key(meeting, revision)

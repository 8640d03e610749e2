"""The evaluation item: the last cycle's commitments on the next meeting's agenda.

Danish law requires each development talk to follow up the earlier ones, and every programme's
agenda has an item of kind "evaluation" for it. When a meeting is planned in an engagement that
continues an earlier cycle (``engagement.previous``), that item gets one line per commitment of
the earlier cycle, open ones first; during the minutes each line records what the meeting said
about it. The lines link to the commitments, so the agenda always shows their current status,
and the published minutes freeze it.
"""

from __future__ import annotations

from dataclasses import dataclass

from pony.orm import flush

from app.commitments.status import OPEN, STATUSES
from app.commitments.tracking import Tracking, track_many
from app.common.fields import unstorable
from app.common.model import utcnow
from app.db import db
from app.errors import Conflict, InvalidInput
from app.i18n import _
from app.meetings.lifecycle import MINUTES_EDITABLE
from app.organisations.today import When

_STATUS_ORDER = {status: index for index, status in enumerate(STATUSES)}


def evaluation_item(meeting):
    """The meeting's first agenda item of kind "evaluation", if its agenda has one."""
    items = sorted((i for i in meeting.agenda_items if i.kind == "evaluation"),
                   key=lambda i: (i.position, i.id or 0))
    return items[0] if items else None


def _in_order(commitments) -> list:
    """Open first (soonest due first), then closed ones by status and due date."""
    def key(c):
        closed = c.status not in OPEN
        return (closed, _STATUS_ORDER[c.status] if closed else 0, c.due_date, c.id or 0)

    return sorted(commitments, key=key)


def fill_evaluation(meeting) -> list:
    """Put each of the last cycle's commitments on the evaluation item (safe to repeat: lines
    already there keep their notes; commitments added since are appended)."""
    item = evaluation_item(meeting)
    previous = meeting.engagement.previous
    if item is None or previous is None:
        return []
    flush()
    lines = sorted(item.evaluation_lines, key=lambda line: line.position)
    present = {line.commitment.id for line in lines}
    position = lines[-1].position if lines else 0
    for commitment in _in_order(previous.commitments):
        if commitment.id not in present:
            position += 1
            lines.append(db.AgendaEvaluationLine(agenda_item=item, commitment=commitment,
                                                 position=position))
    return lines


@dataclass(frozen=True)
class EvaluationEntry:
    """One of the last cycle's commitments as the evaluation item shows it."""

    commitment: object
    tracking: Tracking
    note: str
    line: object | None
    #: Where it lives on when it was carried over into the current cycle.
    successor: object | None

    @property
    def status(self) -> str:
        return self.commitment.status


def evaluation_of_last_cycle(meeting, *, principal=None,
                             today: When = None) -> list[EvaluationEntry]:
    """The last cycle's commitments with their status, derived flags and evaluation notes.

    Open ones come first. With ``principal``, only the commitments they may see (confidential
    ones stay with those who may read them). A constant number of queries.
    """
    previous = meeting.engagement.previous
    if previous is None:
        return []
    flush()
    previous_id = previous.id
    commitments = list(db.Commitment.select(lambda c: c.engagement.id == previous_id)
                       .prefetch(db.Commitment.responsible_organisation))
    if principal is not None:
        from app.accounts.access import visible_commitments

        visible = set(visible_commitments(principal).filter(
            lambda c: c.engagement.id == previous_id))
        commitments = [c for c in commitments if c in visible]
    item = evaluation_item(meeting)
    lines = {line.commitment.id: line for line in item.evaluation_lines} if item else {}
    successors = {s.carried_over_from.id: s for s in db.Commitment.select(
        lambda s: s.carried_over_from.engagement.id == previous_id)}
    tracking = track_many(commitments, today)
    return [
        EvaluationEntry(commitment=c, tracking=tracking[c.id],
                        note=lines[c.id].note if c.id in lines else "",
                        line=lines.get(c.id), successor=successors.get(c.id))
        for c in _in_order(commitments)
    ]


def record_evaluation(meeting, commitment, note: str):
    """Write the minutes' evaluation of one of the last cycle's commitments.

    Like other minutes, only after the meeting is held and before approval; writing makes the
    minutes a draft.
    """
    previous = meeting.engagement.previous
    if previous is None or commitment.engagement.id != previous.id:
        raise InvalidInput(_("The evaluation could not be saved."),
                           {"commitment": [_("Not one of the last cycle's commitments.")]})
    item = evaluation_item(meeting)
    if item is None:
        raise Conflict(_("The meeting's agenda has no item for evaluating earlier agreements."))
    if meeting.status not in MINUTES_EDITABLE:
        raise Conflict(
            _("Minutes can only be written after the meeting is held and before approval."),
            {"note": [_("Not editable now.")]},
        )
    if unstorable(note or ""):
        raise InvalidInput(_("The evaluation could not be saved."),
                           {"note": [unstorable(note)]})
    line = db.AgendaEvaluationLine.get(agenda_item=item, commitment=commitment)
    if line is None:
        position = max((other.position for other in item.evaluation_lines), default=0) + 1
        line = db.AgendaEvaluationLine(agenda_item=item, commitment=commitment,
                                       position=position)
    line.note = (note or "").strip()
    # The item's version moves with its lines: its ETag is what a writer of one of the notes
    # names (If-Match), so two people writing the same evaluation cannot overwrite each other.
    item.updated_at = utcnow()
    if meeting.status == "held":
        meeting.status = "minutes_drafted"
    return line


def evaluation_snapshot(meeting) -> list[dict]:
    """The evaluation as the published minutes keep it (confidential commitments left out)."""
    item = evaluation_item(meeting)
    if item is None:
        return []
    return [
        {"title": line.commitment.title, "status": line.commitment.status,
         "due_date": line.commitment.due_date.isoformat(), "note": line.note}
        for line in sorted(item.evaluation_lines, key=lambda line: line.position)
        if not line.commitment.confidential
    ]

"""Meetings: planning from the programme's agenda template, minutes, approval, publication."""

from __future__ import annotations

from datetime import datetime

from pony.orm import flush

from app.common.fields import unstorable
from app.common.model import utcnow
from app.db import db
from app.errors import Conflict, InvalidInput, NotFound, chosen
from app.i18n import _
from app.meetings.evaluation import evaluation_snapshot, fill_evaluation
from app.meetings.lifecycle import MINUTES_EDITABLE, STATUSES, may_follow
from app.meetings.models import ATTENDANCE, PARTICIPANT_ROLES
from app.programmes.services import agenda_template, get_meeting_type


def get_meeting(meeting_id: int):
    meeting = db.Meeting.get(id=meeting_id)
    if meeting is None:
        raise NotFound(_("No meeting with id %(id)s.", id=meeting_id))
    return meeting


def plan_meeting(engagement, *, meeting_type: str, starts_at: datetime,
                 ends_at: datetime | None = None, place: str = "", title: str = ""):
    """Plan a meeting with the agenda from the programme's template for its type.

    When the engagement continues an earlier cycle, the agenda's evaluation item lists that
    cycle's commitments (see ``evaluation.py``).
    """
    if engagement.status != "active":
        raise Conflict(_("Meetings can only be planned in an active engagement."))
    kind = chosen("meeting_type", get_meeting_type, engagement.programme, meeting_type)
    if ends_at is not None and ends_at <= starts_at:
        raise InvalidInput(_("The meeting could not be planned."),
                           {"ends_at": [_("The end must be after the start.")]})
    meeting = db.Meeting(
        engagement=engagement, meeting_type=kind, starts_at=starts_at, ends_at=ends_at,
        place=place.strip(), title=title.strip(), confidential=kind.confidential,
    )
    for item in agenda_template(kind):
        db.AgendaItem(
            meeting=meeting, template_item=item, position=item.position,
            labels=dict(item.labels), duration_minutes=item.duration_minutes,
            party=item.party, kind=item.kind,
        )
    fill_evaluation(meeting)
    return meeting


def agenda(meeting) -> list:
    flush()  # new items have no id to order ties by until they are written
    return sorted(meeting.agenda_items, key=lambda item: (item.position, item.id))


def add_participant(meeting, *, name: str, role: str, organisation=None, email: str = "",
                    invited: bool = True):
    errors: dict[str, list] = {}
    if not name or not name.strip():
        errors["name"] = [_("A name is required.")]
    if role not in PARTICIPANT_ROLES:
        errors["role"] = [_("Unknown role %(role)s.", role=role)]
    if errors:
        raise InvalidInput(_("The participant could not be added."), errors)
    return db.Participant(meeting=meeting, name=name.strip(), role=role,
                          organisation=organisation, email=email.strip(), invited=invited)


def record_attendance(participant, attendance: str) -> None:
    if attendance not in ATTENDANCE:
        raise InvalidInput(_("Unknown attendance."), {"attendance": [_("Not allowed.")]})
    participant.attendance = attendance


def _move(meeting, new_status: str) -> None:
    if not may_follow(meeting.status, new_status):
        raise Conflict(
            _("A meeting that is %(current)s cannot become %(new)s.",
              current=STATUSES[meeting.status], new=STATUSES[new_status]),
            {"status": [_("Not allowed from the current status.")]},
        )
    meeting.status = new_status


def mark_held(meeting, *, held_at: datetime | None = None) -> None:
    held_at = held_at or utcnow()
    if held_at < meeting.starts_at:
        raise InvalidInput(_("A meeting cannot be held before it starts."),
                           {"held_at": [_("Before the planned start.")]})
    _move(meeting, "held")
    meeting.held_at = held_at


def cancel(meeting) -> None:
    _move(meeting, "cancelled")


def write_minutes(agenda_item, text: str) -> None:
    """Record the minutes of one agenda item; the meeting's minutes become a draft."""
    meeting = agenda_item.meeting
    if meeting.status not in MINUTES_EDITABLE:
        raise Conflict(
            _("Minutes can only be written after the meeting is held and before approval."),
            {"minutes": [_("Not editable now.")]},
        )
    if unstorable(text):
        raise InvalidInput(_("The minutes could not be saved."), {"minutes": [unstorable(text)]})
    agenda_item.minutes = text
    if meeting.status == "held":
        meeting.status = "minutes_drafted"


def approve_minutes(meeting) -> None:
    _move(meeting, "minutes_approved")
    meeting.approved_at = utcnow()


def return_to_draft(meeting) -> None:
    """Send approved (unpublished) minutes back for changes."""
    if meeting.status != "minutes_approved":
        raise Conflict(_("Only approved, unpublished minutes can go back to draft."))
    _move(meeting, "minutes_drafted")
    meeting.approved_at = None


def publish_minutes(meeting):
    """Freeze the approved minutes as a publication; confidential talks are never published."""
    if meeting.confidential:
        raise Conflict(_("The minutes of a confidential meeting are never published."))
    _move(meeting, "published")
    meeting.published_at = utcnow()
    return db.MinutesPublication(
        meeting=meeting, revision=meeting.minutes_revision,
        published_at=meeting.published_at, content=public_snapshot(meeting),
    )


def revise_published_minutes(meeting) -> None:
    """Open the next revision's draft; the published revision stays as it was."""
    if meeting.status != "published":
        raise Conflict(_("Only published minutes are revised this way."))
    _move(meeting, "minutes_drafted")
    meeting.minutes_revision += 1
    meeting.approved_at = None


def latest_publication(meeting):
    publications = sorted(meeting.publications, key=lambda p: p.revision)
    return publications[-1] if publications else None


def public_snapshot(meeting) -> dict:
    """What the public may read: the agenda and minutes, and non-confidential commitments."""
    flush()
    return {
        "meeting_type": dict(meeting.meeting_type.labels),
        "title": meeting.title,
        "starts_at": meeting.starts_at.isoformat(),
        "place": meeting.place,
        "organisation": meeting.engagement.organisation.name,
        "participants": [
            {"name": p.name, "role": p.role, "attendance": p.attendance}
            for p in sorted(meeting.participants, key=lambda p: p.id)
        ],
        "agenda": [
            {"labels": item.labels or {}, "title": item.title, "party": item.party,
             "kind": item.kind, "duration_minutes": item.duration_minutes,
             "minutes": item.minutes}
            for item in agenda(meeting)
        ],
        "evaluation": evaluation_snapshot(meeting),
        # The themes with their background, and each agreement's theme: the minutes report
        # shows a theme's situation and actions together (a vocabulary theme's labels are kept
        # so that the report names it in any language).
        "themes": [
            {"id": t.theme.id, "labels": dict(t.theme.labels or {}) if t.theme.key else {},
             "title": t.theme.title, "party": t.party, "background": t.background}
            for t in sorted(meeting.themes, key=lambda t: t.id)
        ],
        "commitments": [
            {"title": c.title, "actions": c.actions, "due_date": c.due_date.isoformat(),
             "status": c.status, "responsible": c.responsible_organisation.name,
             "theme": c.theme.id if c.theme else None}
            for c in sorted(meeting.commitments, key=lambda c: c.id) if not c.confidential
        ],
    }


def reschedule(meeting, changes: dict) -> None:
    """Change when, where or under what title a planned meeting is held."""
    if meeting.status != "planned":
        raise Conflict(_("Only a planned meeting can be moved or renamed."))
    starts_at = changes.get("starts_at", meeting.starts_at)
    ends_at = changes.get("ends_at", meeting.ends_at)
    if ends_at is not None and ends_at <= starts_at:
        raise InvalidInput(_("The meeting could not be planned."),
                           {"ends_at": [_("The end must be after the start.")]})
    for name in ("starts_at", "ends_at", "place", "title"):
        if name in changes:
            setattr(meeting, name, changes[name])


def add_agenda_item(meeting, *, title: str, party: str, kind: str = "other",
                    duration_minutes: int | None = None):
    """An item of the meeting's own, after the programme's items."""
    if meeting.status not in ("planned", "held", "minutes_drafted"):
        raise Conflict(_("The agenda cannot change after the minutes are approved."))
    position = max((item.position for item in meeting.agenda_items), default=0) + 1
    return db.AgendaItem(meeting=meeting, position=position, title=title.strip(), party=party,
                         kind=kind, duration_minutes=duration_minutes)


def update_agenda_item(item, changes: dict) -> None:
    if "minutes" in changes:
        write_minutes(item, changes["minutes"])
    if ("title" in changes or "duration_minutes" in changes) and \
            item.meeting.status not in ("planned", "held", "minutes_drafted"):
        raise Conflict(_("The agenda cannot change after the minutes are approved."))
    if "title" in changes:
        item.title = changes["title"]
    if "duration_minutes" in changes:
        item.duration_minutes = changes["duration_minutes"]


def update_participant(participant, changes: dict) -> None:
    if "attendance" in changes:
        record_attendance(participant, changes.pop("attendance"))
    if "role" in changes and changes["role"] not in PARTICIPANT_ROLES:
        raise InvalidInput(_("The participant could not be added."),
                           {"role": [_("Unknown role %(role)s.", role=changes["role"])]})
    for name, value in changes.items():
        setattr(participant, name, value)


def remove_participant(participant) -> None:
    if participant.meeting.status not in ("planned", "held"):
        raise Conflict(_("Participants are fixed once the minutes are being written."))
    participant.delete()


def add_attachment(meeting, *, filename: str, content_type: str, size_bytes: int,
                   sha256: str, confidential: bool = False):
    """Record that a document belongs to the meeting (the file itself is kept elsewhere)."""
    if not all(c in "0123456789abcdef" for c in sha256.lower()):
        raise InvalidInput(_("The attachment could not be saved."),
                           {"sha256": [_("Not a SHA-256 checksum.")]})
    return db.Attachment(meeting=meeting, filename=filename, content_type=content_type,
                         size_bytes=size_bytes, sha256=sha256.lower(),
                         confidential=confidential)

"""/api/v1/meetings: planning from the template, minutes, approval and publication."""

from __future__ import annotations

from datetime import UTC, datetime, time

from flask import g
from pony.orm import flush

from app.accounts.access import visible_meetings
from app.api.support import (
    ApiBlueprint,
    PageQuery,
    fetch,
    idempotent,
    page_of,
    principal,
    require_if_match,
    signed_in,
    with_etag,
)
from app.commitments.services import get_commitment
from app.common.model import etag
from app.common.refs import page_schema
from app.db import db
from app.engagements.services import get_engagement
from app.errors import InvalidInput, NotFound
from app.i18n import _
from app.meetings import board, schemas, services
from app.meetings.evaluation import (
    evaluation_item,
    evaluation_of_last_cycle,
    record_evaluation,
)
from app.organisations.services import get_organisation
from app.themes import services as themes

blp = ApiBlueprint("Meetings", __name__, url_prefix="/api/v1",
                   description="Dialogue meetings: agenda, participants, minutes, lifecycle.")


def utc(moment: datetime | None) -> datetime | None:
    """Aware input to the naive UTC the database keeps."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment else None


class MeetingListQuery(schemas.MeetingQuery, PageQuery):
    pass


@blp.get("/meetings")
@blp.arguments(MeetingListQuery, location="query", as_kwargs=True)
@blp.response(200, page_schema(schemas.MeetingOut))
def list_meetings(page=1, per_page=50, **filters):
    query = visible_meetings(signed_in())
    if filters.get("engagement"):
        engagement = filters["engagement"]
        query = query.filter(lambda m: m.engagement.id == engagement)
    if filters.get("within"):
        prefix = fetch(get_organisation, filters["within"]).path
        query = query.filter(lambda m: m.engagement.organisation.path.startswith(prefix))
    if filters.get("status"):
        status = filters["status"]
        query = query.filter(lambda m: m.status == status)
    if filters.get("meeting_type"):
        kind = filters["meeting_type"]
        query = query.filter(lambda m: m.meeting_type.key == kind)
    if filters.get("starts_after"):
        after = datetime.combine(filters["starts_after"], time())
        query = query.filter(lambda m: m.starts_at >= after)
    if filters.get("starts_before"):
        before = datetime.combine(filters["starts_before"], time())
        query = query.filter(lambda m: m.starts_at < before)
    query = query.order_by(lambda m: (m.starts_at, m.id)).prefetch(
        db.Meeting.engagement, db.Engagement.organisation, db.Meeting.meeting_type)
    return page_of(query, {"page": page, "per_page": per_page})


@blp.get("/meetings/<id:meeting_id>")
@blp.response(200, schemas.MeetingDetailOut)
def get_meeting(meeting_id):
    signed_in()
    return with_etag(fetch(services.get_meeting, meeting_id))


@blp.post("/meetings")
@idempotent
@blp.arguments(schemas.MeetingCreate)
@blp.response(201, schemas.MeetingDetailOut)
def plan_meeting(data):
    """Plan a meeting; its agenda comes from the programme's template for the type."""
    signed_in()
    engagement = fetch(get_engagement, data.pop("engagement_id"), "manage")
    meeting = services.plan_meeting(engagement, meeting_type=data["meeting_type"],
                                    starts_at=utc(data["starts_at"]),
                                    ends_at=utc(data["ends_at"]), place=data["place"],
                                    title=data["title"])
    return with_etag(meeting, 201, location="/api/v1/meetings/{id}")


@blp.patch("/meetings/<id:meeting_id>")
@blp.arguments(schemas.MeetingUpdate)
@blp.response(200, schemas.MeetingDetailOut)
def update_meeting(changes, meeting_id):
    meeting = fetch(services.get_meeting, meeting_id, "manage")
    require_if_match(meeting)
    for name in ("starts_at", "ends_at"):
        if name in changes:
            changes[name] = utc(changes[name])
    services.reschedule(meeting, changes)
    return with_etag(meeting)


def _lifecycle(meeting_id: int, action, capability: str = "manage"):
    meeting = fetch(services.get_meeting, meeting_id, capability)
    require_if_match(meeting, required=False)
    action(meeting)
    return with_etag(meeting)


@blp.post("/meetings/<id:meeting_id>/hold")
@blp.arguments(schemas.HeldIn)
@blp.response(200, schemas.MeetingDetailOut)
def hold_meeting(data, meeting_id):
    """The meeting took place; minutes can now be written."""
    return _lifecycle(meeting_id, lambda m: services.mark_held(m, held_at=utc(data["held_at"])))


@blp.post("/meetings/<id:meeting_id>/approve")
@blp.response(200, schemas.MeetingDetailOut)
def approve_minutes(meeting_id):
    """Approve the minutes. The programme's checks are evaluated: the ones not met are named
    in the ``Nordialog-Check-Warnings`` header (details at ``/meetings/{id}/checks``)."""
    from app.checks.rules import meeting_checks

    body, status, headers = _lifecycle(meeting_id, services.approve_minutes)
    failed = [r.key for r in meeting_checks(services.get_meeting(meeting_id)) if not r.passed]
    if failed:
        headers = {**headers, "Nordialog-Check-Warnings": ", ".join(failed)}
    return body, status, headers


@blp.post("/meetings/<id:meeting_id>/publish")
@blp.response(200, schemas.MeetingDetailOut)
def publish_minutes(meeting_id):
    """Freeze the approved minutes as a publication (never for confidential meetings)."""
    return _lifecycle(meeting_id, services.publish_minutes)


@blp.post("/meetings/<id:meeting_id>/return-to-draft")
@blp.response(200, schemas.MeetingDetailOut)
def return_to_draft(meeting_id):
    return _lifecycle(meeting_id, services.return_to_draft)


@blp.post("/meetings/<id:meeting_id>/revise")
@blp.response(200, schemas.MeetingDetailOut)
def revise_minutes(meeting_id):
    """Open the next revision of published minutes; the published one stays as it is."""
    return _lifecycle(meeting_id, services.revise_published_minutes)


@blp.post("/meetings/<id:meeting_id>/cancel")
@blp.response(200, schemas.MeetingDetailOut)
def cancel_meeting(meeting_id):
    return _lifecycle(meeting_id, services.cancel)


@blp.get("/meetings/<id:meeting_id>/publications")
@blp.arguments(PageQuery, location="query", as_kwargs=True)
@blp.response(200, page_schema(schemas.PublicationOut))
def list_publications(meeting_id, page=1, per_page=50):
    signed_in()
    meeting = fetch(services.get_meeting, meeting_id)
    return page_of(sorted(meeting.publications, key=lambda p: p.revision),
                   {"page": page, "per_page": per_page})


@blp.post("/meetings/<id:meeting_id>/participants")
@idempotent
@blp.arguments(schemas.ParticipantIn)
@blp.response(201, schemas.ParticipantOut)
def add_participant(data, meeting_id):
    meeting = fetch(services.get_meeting, meeting_id, "manage")
    organisation_id = data.pop("organisation_id")
    organisation = fetch(get_organisation, organisation_id) if organisation_id else None
    participant = services.add_participant(meeting, organisation=organisation, **data)
    return with_etag(participant, 201)


def _participant(participant_id: int):
    found = db.Participant.get(id=participant_id)
    if found is None:
        raise NotFound(_("Nothing was found at this address."))
    return found


@blp.patch("/participants/<id:participant_id>")
@blp.arguments(schemas.ParticipantUpdate)
@blp.response(200, schemas.ParticipantOut)
def update_participant(changes, participant_id):
    """Correct a participant or record whether they were present."""
    participant = fetch(_participant, participant_id, "manage")
    require_if_match(participant)
    services.update_participant(participant, changes)
    return with_etag(participant)


@blp.delete("/participants/<id:participant_id>")
@blp.response(204)
def remove_participant(participant_id):
    participant = fetch(_participant, participant_id, "manage")
    require_if_match(participant)
    services.remove_participant(participant)


@blp.post("/meetings/<id:meeting_id>/agenda-items")
@idempotent
@blp.arguments(schemas.AgendaItemIn)
@blp.response(201, schemas.AgendaItemOut)
def add_agenda_item(data, meeting_id):
    meeting = fetch(services.get_meeting, meeting_id, "manage")
    return with_etag(services.add_agenda_item(meeting, **data), 201)


def _agenda_item(item_id: int):
    found = db.AgendaItem.get(id=item_id)
    if found is None:
        raise NotFound(_("Nothing was found at this address."))
    return found


@blp.patch("/agenda-items/<id:item_id>")
@blp.arguments(schemas.AgendaItemUpdate)
@blp.response(200, schemas.AgendaItemOut)
def update_agenda_item(changes, item_id):
    """Write the minutes of an item (or retitle it while the agenda may change)."""
    item = fetch(_agenda_item, item_id, "manage")
    require_if_match(item)
    services.update_agenda_item(item, changes)
    return with_etag(item)


@blp.post("/meetings/<id:meeting_id>/themes")
@idempotent
@blp.arguments(schemas.MeetingThemeIn)
@blp.response(201, schemas.MeetingThemeOut)
def choose_theme(data, meeting_id):
    """Put a theme on the meeting as chosen by a party: a vocabulary theme or a free one."""
    meeting = fetch(services.get_meeting, meeting_id, "propose_theme")
    if (data["theme_id"] is None) == (data["title"] is None):
        raise InvalidInput(_("The theme could not be saved."), {
            "theme_id": [_("Give either a theme from the vocabulary or a title of your own.")]})
    if data["theme_id"] is not None:
        theme = db.Theme.get(id=data["theme_id"])
        if theme is None:
            raise InvalidInput(_("The theme could not be saved."),
                               {"theme_id": [_("No such theme.")]})
    else:
        theme = themes.free_theme(data["title"])
    return with_etag(themes.choose_theme(meeting, theme, party=data["party"],
                                         background=data["background"]), 201)


@blp.get("/meetings/<id:meeting_id>/board-comments")
@blp.arguments(PageQuery, location="query", as_kwargs=True)
@blp.response(200, page_schema(schemas.BoardCommentOut))
def list_board_comments(meeting_id, page=1, per_page=50):
    """The school board's comments on the meeting, oldest first."""
    return page_of(board.board_comments(fetch(services.get_meeting, meeting_id)),
                   {"page": page, "per_page": per_page})


@blp.post("/meetings/<id:meeting_id>/board-comments")
@idempotent
@blp.arguments(schemas.BoardCommentIn)
@blp.response(201, schemas.BoardCommentOut)
def add_board_comment(data, meeting_id):
    """Add the school board's comment (board members of the meeting's school)."""
    meeting = fetch(services.get_meeting, meeting_id, "board_comment")
    return with_etag(board.add_board_comment(meeting, g.user, data["body"]), 201)


@blp.get("/meetings/<id:meeting_id>/history")
@blp.arguments(PageQuery, location="query", as_kwargs=True)
@blp.response(200, page_schema(schemas.HistoryEntryOut))
def meeting_history(meeting_id, page=1, per_page=50):
    """What happened to the meeting and its parts, oldest first, with each changed field's
    value before and after (personal and confidential values redacted)."""
    return page_of(board.history(fetch(services.get_meeting, meeting_id)),
                   {"page": page, "per_page": per_page})


@blp.post("/meetings/<id:meeting_id>/attachments")
@idempotent
@blp.arguments(schemas.AttachmentIn)
@blp.response(201, schemas.AttachmentOut)
def add_attachment(data, meeting_id):
    """Record a document's metadata on the meeting (the data package, a presentation)."""
    meeting = fetch(services.get_meeting, meeting_id, "manage")
    return with_etag(services.add_attachment(meeting, **data), 201)


@blp.get("/meetings/<id:meeting_id>/evaluation")
@blp.arguments(PageQuery, location="query", as_kwargs=True)
@blp.response(200, page_schema(schemas.EvaluationOut))
def evaluation(meeting_id, page=1, per_page=50):
    """The last cycle's commitments, open ones first, with what this meeting said of each.

    The ETag is the evaluation agenda item's: send it as If-Match when writing a note."""
    meeting = fetch(services.get_meeting, meeting_id)
    body, headers = page_of(evaluation_of_last_cycle(meeting, principal=principal()),
                            {"page": page, "per_page": per_page})
    return body, 200, {**headers, **_evaluation_etag(meeting)}


def _evaluation_etag(meeting) -> dict:
    item = evaluation_item(meeting)
    flush()
    return {"ETag": f'"{etag(item)}"'} if item is not None else {}


@blp.put("/meetings/<id:meeting_id>/evaluation/<id:commitment_id>")
@blp.arguments(schemas.EvaluationNoteIn)
@blp.response(200, schemas.EvaluationOut)
def record_evaluation_note(data, meeting_id, commitment_id):
    """Write the minutes' evaluation of one of the last cycle's commitments.

    The notes belong to the meeting's evaluation agenda item: send its ETag (from the
    evaluation or the meeting's agenda) as If-Match.
    """
    meeting = fetch(services.get_meeting, meeting_id, "manage")
    commitment = fetch(get_commitment, commitment_id)
    item = evaluation_item(meeting)
    if item is not None:
        require_if_match(item)
    record_evaluation(meeting, commitment, data["note"])
    headers = _evaluation_etag(meeting)
    entry = next(entry for entry in evaluation_of_last_cycle(meeting, principal=principal())
                 if entry.commitment.id == commitment.id)
    return entry, 200, headers

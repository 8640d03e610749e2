"""The school board's comments on a meeting, and a meeting's history from the audit log."""

from __future__ import annotations

from pony.orm import flush

from app.accounts import audit
from app.common.fields import unstorable
from app.db import db
from app.errors import Conflict, InvalidInput
from app.i18n import _

MAX_COMMENT = 4000


def add_board_comment(meeting, author, body: str):
    """A comment from the school board (a board member writes it). Who may is decided by the
    caller (``require(..., "board_comment", meeting)``); here only what the comment must be."""
    text = (body or "").strip()
    if not text:
        raise InvalidInput(_("The comment could not be saved."),
                           {"body": [_("Write the board's comment.")]})
    if unstorable(text):
        raise InvalidInput(_("The comment could not be saved."), {"body": [unstorable(text)]})
    if len(text) > MAX_COMMENT:
        raise InvalidInput(_("The comment could not be saved."), {
            "body": [_("At most %(count)s characters.", count=MAX_COMMENT)]})
    if meeting.status == "cancelled":
        raise Conflict(_("A cancelled meeting takes no more comments."))
    return db.BoardComment(meeting=meeting, author=author, body=text)


def board_comments(meeting) -> list:
    flush()  # a comment just added has no id to order ties by until it is written
    return sorted(meeting.board_comments, key=lambda c: (c.created_at, c.id))


def history(meeting) -> list:
    """What happened to the meeting and its parts (agenda, participants, themes, attachments,
    the board's comments, publications), oldest first, from the audit log: each entry with
    who, when, what and the fields before and after (personal and confidential values as the
    log keeps them: redacted)."""
    flush()
    parts = {
        "Meeting": [meeting.id],
        "AgendaItem": [i.id for i in meeting.agenda_items],
        "Participant": [p.id for p in meeting.participants],
        "MeetingTheme": [t.id for t in meeting.themes],
        "Attachment": [a.id for a in meeting.attachments],
        "BoardComment": [c.id for c in meeting.board_comments],
        "MinutesPublication": [p.id for p in meeting.publications],
    }
    return audit.entries_for(db, parts)

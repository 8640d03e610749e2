"""Text no database can store: a NUL character (PostgreSQL refuses it outright, SQLite would
keep it and hand it back to every reader) or a lone surrogate (no UTF-8 for it). The API's
schemas refuse it by field (tests/test_api_basics.py); the services below take text from web
forms without a schema, so each refuses it itself, by field, and changes nothing."""

from datetime import date

import pytest

from app.accounts.services import create_user
from app.db import db
from app.errors import InvalidInput
from app.meetings import board
from app.meetings import services as meetings
from app.meetings.evaluation import record_evaluation
from tests.factories import (
    make_commitment,
    make_engagement,
    make_meeting,
    make_programme,
    make_school,
)

UNSTORABLE = {"a\x00b": "Text may not contain NUL characters.",
              "\x00": "Text may not contain NUL characters.",
              "a\ud800b": "Not valid UTF-8 text."}


@pytest.fixture
def held(tx):
    """A held talk in a school's second cycle, with one commitment from the first."""
    programme, school = make_programme(), make_school()
    last = make_engagement(programme, school, period="2024/25", starts_on=date(2024, 8, 1))
    current = make_engagement(programme, school, period="2025/26", starts_on=date(2025, 8, 1))
    earlier = make_commitment(last, title="Reading band", due_date=date(2025, 5, 1))
    meeting = make_meeting(current)
    meetings.mark_held(meeting, held_at=meeting.starts_at)
    return meeting, earlier


@pytest.mark.parametrize("text", UNSTORABLE)
def test_minutes(held, text):
    meeting, _ = held
    item = meetings.agenda(meeting)[0]
    with pytest.raises(InvalidInput) as refused:
        meetings.write_minutes(item, text)
    assert refused.value.errors == {"minutes": [UNSTORABLE[text]]}
    assert (item.minutes or "", meeting.status) == ("", "held")


@pytest.mark.parametrize("text", UNSTORABLE)
def test_board_comment(held, text):
    meeting, _ = held
    member = create_user(email="board@example.test", name="Board", password="x" * 12)
    with pytest.raises(InvalidInput) as refused:
        board.add_board_comment(meeting, member, text)
    assert refused.value.errors == {"body": [UNSTORABLE[text]]}
    assert meeting.board_comments.count() == 0


@pytest.mark.parametrize("text", UNSTORABLE)
def test_evaluation_note(held, text):
    meeting, earlier = held
    with pytest.raises(InvalidInput) as refused:
        record_evaluation(meeting, earlier, text)
    assert refused.value.errors == {"note": [UNSTORABLE[text]]}
    assert not db.AgendaEvaluationLine.select(
        lambda line: line.commitment == earlier and line.note != "").exists()

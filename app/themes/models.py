"""Themes: a controlled, translated vocabulary plus free themes written by a party."""

from __future__ import annotations

from pony.orm import Json, Optional, PrimaryKey, Set

from app.common.model import Stamped, stamp_columns


def define(db):
    class Theme(Stamped, db.Entity):
        _table_ = "theme"
        id = PrimaryKey(int, auto=True)
        # Vocabulary themes have a key and labels in every language; free themes have neither
        # and keep the title as written.
        key = Optional(str, 64, unique=True, nullable=True)
        labels = Optional(Json, nullable=True)
        title = Optional(str, 200, nullable=True)
        locals().update(stamp_columns())

        programmes = Set("ProgrammeTheme", cascade_delete=False)
        meeting_themes = Set("MeetingTheme", cascade_delete=False)
        agenda_items = Set("AgendaItem")
        commitments = Set("Commitment")

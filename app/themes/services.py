"""Themes: the controlled vocabulary, free themes, and the themes a party puts on a meeting."""

from __future__ import annotations

from app.db import db
from app.errors import Conflict, InvalidInput
from app.i18n import _, localized
from app.programmes.models import PARTIES


def vocabulary() -> list:
    """The controlled themes, in the reader's alphabetical order."""
    themes = list(db.Theme.select(lambda t: t.key is not None))
    return sorted(themes, key=lambda t: localized(t.labels).casefold())


def free_theme(title: str):
    """A theme written by a party in its own words; the same title is reused, not duplicated."""
    title = (title or "").strip()
    if not title:
        raise InvalidInput(_("The theme could not be saved."),
                           {"title": [_("A title is required.")]})
    existing = db.Theme.get(key=None, title=title)
    return existing or db.Theme(title=title)


def theme_name(theme) -> str:
    return localized(theme.labels) if theme.key else (theme.title or "")


def choose_theme(meeting, theme, *, party: str, background: str = ""):
    """Put a theme on a meeting's agenda as chosen by ``party`` (school, committee, ...)."""
    if party not in PARTIES:
        raise InvalidInput(_("The theme could not be saved."), {"party": [_("Not allowed.")]})
    if db.MeetingTheme.get(meeting=meeting, theme=theme) is not None:
        raise Conflict(_("This theme is already on the meeting."), {"theme": [_("Already taken.")]})
    return db.MeetingTheme(meeting=meeting, theme=theme, party=party, background=background)

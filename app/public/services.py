"""What a visitor may find without signing in: the organisations with published minutes."""

from __future__ import annotations

from pony.orm import count, select
from pony.orm import max as latest

from app.db import db


def published_organisations(name: str | None = None, country: str | None = None):
    """Each organisation that has published minutes of a meeting that is not confidential,
    with how many and when the latest was published, ordered by country and name; ``name``
    narrows to names containing it (any case), ``country`` to one country."""
    # Lowered as the database lowers names (Python's rule on SQLite); empty matches every name.
    needle = (name or "").lower()
    return select(
        (o, count(m), latest(m.published_at))
        for o in db.Organisation for m in db.Meeting
        if m.engagement.organisation == o and m.published_at is not None and not m.confidential
        and (country is None or o.country == country)
        and needle in o.name.lower()
    ).sort_by(lambda o, _published, _latest: (o.country, o.name, o.id))

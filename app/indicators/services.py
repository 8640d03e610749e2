"""Indicators and their observations."""

from __future__ import annotations

import re

from app.common.model import by_key
from app.db import db
from app.errors import Conflict, InvalidInput, NotFound
from app.i18n import _

#: A period is a school year (2024/25), a calendar year (2024) or a half-year (2024H1).
PERIOD_PATTERN = r"^(\d{4}/\d{2}|\d{4}|\d{4}H[12])$"


def get_indicator(key_or_id: str | int):
    found = (db.Indicator.get(id=key_or_id) if isinstance(key_or_id, int)
             else by_key(db.Indicator, key_or_id))
    if found is None:
        raise NotFound(_("No indicator %(indicator)s.", indicator=key_or_id))
    return found


def get_observation(observation_id: int):
    found = db.Observation.get(id=observation_id)
    if found is None:
        raise NotFound(_("No observation with id %(id)s.", id=observation_id))
    return found


def record_observation(organisation, indicator, *, period: str, value: float,
                       group_size: int | None = None, confidential: bool = False):
    """Set an organisation's value for a period (insert or update); returns the observation."""
    if indicator.country and indicator.country != organisation.country:
        raise InvalidInput(_("The observation could not be saved."), {
            "indicator": [_("This indicator is reported in another country.")]})
    found = db.Observation.get(organisation=organisation, indicator=indicator, period=period)
    values = {"value": float(value), "group_size": group_size, "confidential": confidential}
    if found is None:
        return db.Observation(organisation=organisation, indicator=indicator, period=period,
                              **values)
    for name, new in values.items():
        if getattr(found, name) != new:
            setattr(found, name, new)
    return found


_SCHOOL_YEAR = re.compile(r"^(\d{4})(?:[/-](\d{2}|\d{4}))$")
_YEAR = re.compile(r"^(\d{4})$")
_HALF = re.compile(r"^(\d{4})-?H([12])$")


def next_period(period: str) -> str | None:
    """The period right after a stored one, in the same form: 2024/25 -> 2025/26,
    2024 -> 2025, 2024H1 -> 2024H2 -> 2025H1; None for anything else."""
    if re.fullmatch(r"\d{4}/\d{2}", period):
        start = int(period[:4]) + 1
        return f"{start}/{(start + 1) % 100:02d}"
    if re.fullmatch(r"\d{4}", period):
        return str(int(period) + 1)
    if re.fullmatch(r"\d{4}H[12]", period):
        year = int(period[:4])
        return f"{year}H2" if period.endswith("H1") else f"{year + 1}H1"
    return None


def normalize_period(raw) -> str | None:
    """A period in its stored form (``2024/25``, ``2024``, ``2024H1``), or None if ``raw`` is
    not one. Accepts the spellings statistics exports use: ``2024/2025``, ``2024-25``,
    ``2024–25``, ``2024 H1``, and a year as a number."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, int):
        raw = str(raw)
    if not isinstance(raw, str):
        return None
    text = "".join(raw.split()).replace("\u2013", "-").replace("\u2212", "-").upper()
    match = _SCHOOL_YEAR.match(text)
    if match:
        first, second = int(match.group(1)), match.group(2)
        if int(second[-2:]) != (first + 1) % 100 or (len(second) == 4
                                                      and int(second) != first + 1):
            return None
        period = f"{first}/{(first + 1) % 100:02d}"
    elif _YEAR.match(text):
        first, period = int(text), text
    elif _HALF.match(text):
        first = int(text[:4])
        period = f"{first}H{text[-1]}"
    else:
        return None
    return period if 1990 <= first <= 2100 else None


KEY_PATTERN = re.compile(r"^[a-z0-9_]{1,64}$")


def define_indicator(key: str, values: dict):
    """Create or change an indicator definition; returns ``(indicator, created)``.

    Its country cannot move away from the countries its observations were reported in.
    """
    if not KEY_PATTERN.match(key):
        raise InvalidInput(_("The indicator could not be saved."), {
            "key": [_("Keys use a-z, 0-9 and _ only (at most 64 characters).")]})
    found = db.Indicator.get(key=key)
    if found is None:
        return db.Indicator(key=key, **values), True
    country = values.get("country")
    if country and found.observations.select(
            lambda o: o.organisation.country != country).exists():
        raise Conflict(_("This indicator has values from other countries than %(country)s.",
                         country=country))
    for name, value in values.items():
        if getattr(found, name) != value:
            setattr(found, name, value)
    return found, False

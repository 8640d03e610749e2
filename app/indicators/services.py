"""Indicators and their observations."""

from __future__ import annotations

from app.db import db
from app.errors import InvalidInput, NotFound
from app.i18n import _

#: A period is a school year (2024/25), a calendar year (2024) or a half-year (2024H1).
PERIOD_PATTERN = r"^(\d{4}/\d{2}|\d{4}|\d{4}H[12])$"


def get_indicator(key_or_id: str | int):
    found = (db.Indicator.get(id=key_or_id) if isinstance(key_or_id, int)
             else db.Indicator.get(key=key_or_id))
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

"""Indicators (definitions) and observations (an organisation's value for a period)."""

from __future__ import annotations

from pony.orm import Json, Optional, PrimaryKey, Required, Set, composite_key

from app.common.model import Stamped, stamp_columns
from app.i18n import _l

DIRECTIONS = {
    "higher_is_better": _l("Higher is better"),
    "lower_is_better": _l("Lower is better"),
    "neutral": _l("Neither higher nor lower is better"),
}

UNITS = {
    "percent": _l("Percent"),
    "score": _l("Score"),
    "grade": _l("Grade"),
    "days": _l("Days"),
    "count": _l("Count"),
    "index": _l("Index"),
}


def define(db):
    class Indicator(Stamped, db.Entity):
        _table_ = "indicator"
        id = PrimaryKey(int, auto=True)
        key = Required(str, 64, unique=True)
        labels = Required(Json)
        unit = Required(str, 32)
        direction = Required(str, 32)
        # None: an indicator every country reports (e.g. absence).
        country = Optional(str, 2, nullable=True)
        source = Required(str, 200)
        # Danish national test results are confidential by law: never published.
        confidential = Required(bool, default=False)
        # Values from fewer than this many pupils/answers are suppressed wherever published.
        min_group_size = Required(int, default=0)
        decimals = Required(int, default=1)
        locals().update(stamp_columns())

        observations = Set("Observation", cascade_delete=False)
        programmes = Set("ProgrammeIndicator", cascade_delete=False)
        commitment_targets = Set("Commitment")

    class Observation(Stamped, db.Entity):
        _table_ = "observation"
        id = PrimaryKey(int, auto=True)
        organisation = Required("Organisation")
        indicator = Required(Indicator)
        # A school year "2024/25", a calendar year "2024" or a half-year "2024H1".
        period = Required(str, 16)
        value = Required(float)
        group_size = Optional(int)
        confidential = Required(bool, default=False)
        locals().update(stamp_columns())
        composite_key(organisation, indicator, period)

        def _audit_confidential_(self) -> bool:
            return self.confidential or self.indicator.confidential

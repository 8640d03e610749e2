"""Dates, times and numbers as the reader's language writes them (CLDR, through Babel), and
times in the organisation's own time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel import dates, numbers
from flask import Flask

from app.common.rich_text import plain_text, rich_text
from app.i18n import current_language
from app.organisations.today import zone_info


def _locale() -> str:
    return current_language()


def format_date(value: date | str | None, format: str = "medium") -> str:  # noqa: A002
    """A date in the reader's language; also an ISO date kept as text (published minutes keep
    their content as it was published, dates included)."""
    if isinstance(value, str) and value:
        value = date.fromisoformat(value[:10])
    return dates.format_date(value, format=format, locale=_locale()) if value else ""


def local_datetime(value: datetime | None, organisation=None, format: str = "medium") -> str:  # noqa: A002
    """A naive-UTC moment shown in the organisation's time zone (``organisation`` is the
    organisation or its zone's name; UTC when none is known)."""
    if value is None:
        return ""
    if organisation is None:
        zone = ZoneInfo("UTC")
    else:
        zone = zone_info(organisation if isinstance(organisation, str)
                         else organisation.time_zone)
    moment = value.replace(tzinfo=UTC).astimezone(zone)
    return dates.format_datetime(moment, format=format, tzinfo=zone, locale=_locale())


def local_input(value: datetime | None, organisation) -> str:
    """For a datetime-local input: the organisation's local time, to the minute."""
    if value is None:
        return ""
    moment = value.replace(tzinfo=UTC).astimezone(zone_info(organisation.time_zone))
    return moment.strftime("%Y-%m-%dT%H:%M")


def month_name(month: int) -> str:
    """The month's name in the reader's language ("november", "novembre", ...)."""
    return dates.get_month_names("wide", context="stand-alone", locale=_locale())[month]


def format_number(value, digits: int | None = None) -> str:
    if value is None:
        return ""
    if digits is None:
        return numbers.format_decimal(value, locale=_locale())
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return numbers.format_decimal(value, format=pattern, locale=_locale())


def format_percent(value, decimals: int | None = None) -> str:
    """``value`` per cent in the reader's language; with ``decimals``, to at most that many
    (71,5 %) rather than the language's default of none (72 %)."""
    if value is None:
        return ""
    if decimals is None:
        return numbers.format_percent(value / 100, locale=_locale())
    share = Decimal(str(round(value, decimals))) / 100  # no binary noise (73.40000000000001)
    return numbers.format_percent(share, locale=_locale(), decimal_quantization=False)


def init_formatting(app: Flask) -> None:
    for function in (format_date, local_datetime, local_input, format_number, format_percent):
        app.add_template_filter(function)
    app.add_template_global(month_name)
    # Minutes and other long free text: a sanitized subset of HTML (app/common/rich_text.py).
    app.add_template_filter(rich_text)
    app.add_template_filter(plain_text)  # one line of it, escaped as any text

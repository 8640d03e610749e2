"""Checking one row of an import file: where each field is, and whether each cell is valid.

``Columns`` maps a file's header onto a preset's fields once; ``RowChecker`` turns a row into
observations (as compact ids) or into messages by column. References (organisations,
indicators) are looked up once per distinct code and remembered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from pony.orm import select

from app.accounts.access import Principal, can
from app.common.model import by_key
from app.db import db
from app.i18n import _
from app.indicators.personal_data import cell_reason, header_reason, identity_number_kind
from app.indicators.presets import Preset, header_key, name_key
from app.indicators.services import normalize_period
from app.organisations.models import COUNTRIES

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_SCREENED = frozenset("=+-@\t\r \u00a0")
_PLAIN_NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?$")
_THOUSANDS = {".": re.compile(r"^-?\d{1,3}(?:\.\d{3})+(?:,\d+)?$"),
              ",": re.compile(r"^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")}
_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009")
_TRUE = {"true", "yes", "1", "ja", "sand", "sant", "x"}
_FALSE = {"false", "no", "0", "nej", "nei", "falsk", ""}
CACHE_LIMIT = 100_000
#: Value cells whose number ``parse_number`` would read the same as ``float`` (after a comma
#: becomes a point), by the preset's decimal separator: the fast path of ``RowChecker.check``.
_SIMPLE_NUMBER = {"auto": re.compile(r"-?\d+(?:[.,]\d+)?\Z"),
                  ".": re.compile(r"-?\d+(?:\.\d+)?\Z"),
                  ",": re.compile(r"-?\d+(?:,\d+)?\Z")}
_MISS = object()


class FileRefused(Exception):
    """The whole file is refused (its layout, or personal data in it)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Columns:
    """Where each field is in the file (index into a row), and the period columns."""

    header: list[str]
    fields: dict            # field -> index
    periods: list           # (index, period) for a wide file

    @classmethod
    def map(cls, header: list[str], preset: Preset, delimiter: str | None) -> Columns:
        for text in header:
            reason = header_reason(text)
            if reason:
                raise FileRefused(reason)
        keys = [header_key(text) for text in header]
        fields = {}
        for name, accepted in preset.columns.items():
            for index, key in enumerate(keys):
                if key and key in accepted and index not in fields.values():
                    fields[name] = index
                    break
        periods = []
        if preset.layout == "wide":
            used = set(fields.values())
            periods = [(i, normalize_period(text)) for i, text in enumerate(header)
                       if i not in used and normalize_period(text)]
        missing = [name for name in preset.required() if name not in fields]
        if missing or (preset.layout == "wide" and not periods):
            raise FileRefused(cls._missing_message(header, preset, missing, delimiter))
        return cls(header, fields, periods)

    @staticmethod
    def _missing_message(header, preset, missing, delimiter) -> str:
        wanted = ", ".join(preset.columns[name][0] if preset.columns.get(name) else name
                           for name in missing) or _("one column per period (e.g. 2024/25)")
        message = _("The columns %(columns)s were not found in the first row.", columns=wanted)
        if len(header) == 1 and delimiter:
            others = [d for d in (";", ",", "\t", "|") if d != delimiter and d in header[0]]
            if others:
                message += " " + _("The columns seem to be separated by “%(found)s”, not by "
                                   "“%(expected)s”: choose the matching preset or save the "
                                   "file again.", found=others[0].replace("\t", "tab"),
                                   expected=delimiter.replace("\t", "tab"))
        return message


class RowChecker:
    """Turns rows into ``(column, (organisation_id, indicator_id, period, value, group_size,
    confidential))`` observations, or into ``(column, message)`` errors."""

    def __init__(self, principal: Principal | None, preset: Preset, columns: Columns) -> None:
        self.principal = principal
        self.preset = preset
        self.columns = columns
        self.organisations: dict = {}
        self.indicators: dict = {}
        self.missing = preset.missing
        # The fast path (long files): cells already seen, as they stand in the file, and what
        # the full checks made of them. Only what passed is remembered: anything else (and
        # anything not seen yet) takes the full checks, which say what is wrong.
        self._clean: set = set()      # cells the screen passed (no formula, no identity number)
        self._pairs: dict = {}        # (organisation, country, indicator) cells -> ids
        self._periods: dict = {}      # period cell -> period
        self._groups: dict = {}       # group size cell -> group size
        self._flags: dict = {}        # confidential cell -> flag
        fields = columns.fields
        self._at = tuple(fields.get(name) for name in ("organisation", "country", "indicator",
                                                         "period", "value", "group_size",
                                                         "confidential"))
        self._width = max(fields.values(), default=0) + 1
        self._simple_number = _SIMPLE_NUMBER[preset.decimal].match
        self._fast = preset.layout == "long" and fields.get("value") is not None
        self._value_column = self.column("value")

    # --- cells ------------------------------------------------------------------------------

    def screen(self, cells) -> list[tuple[str, str]]:
        """Formulas anywhere in the row (errors), and personal data (refuses the file)."""
        problems = []
        header = self.columns.header
        for index, cell in enumerate(cells):
            if cell.__class__ is str and cell and cell[0] not in _SCREENED \
                    and not 10 <= len(cell) <= 13 and not cell[-1].isspace():
                continue  # the common case, quickly: plain text, not a formula or a number
            if cell is None or isinstance(cell, (float, bool, date, datetime)):
                continue
            if isinstance(cell, int):
                if cell >= 100_000_000:
                    self._personal(str(cell), index)
                continue
            if not isinstance(cell, str):  # an array or data-table formula object
                problems.append((self._name(index), _formula_message()))
                continue
            text = cell.strip()
            if not text:
                continue
            if text.startswith(FORMULA_STARTS) and text not in self.missing \
                    and not _PLAIN_NUMBER.match(text.translate(_SPACES)):
                problems.append((header[index] if index < len(header) else str(index + 1),
                                 _formula_message()))
            elif 10 <= len(text) <= 13:
                self._personal(text, index)
        if not problems and len(self._clean) < CACHE_LIMIT:
            # Text only: a number from a workbook may equal one of another type (1e9 == 1e9.0).
            self._clean.update(c for c in cells if c.__class__ is str)
        return problems

    def _personal(self, text: str, index: int) -> None:
        kind = identity_number_kind(text)
        if kind:
            raise FileRefused(cell_reason(kind, self._name(index)))

    def _name(self, index: int) -> str:
        header = self.columns.header
        return header[index] if index < len(header) and header[index] else str(index + 1)

    def cell(self, cells, name: str):
        index = self.columns.fields.get(name)
        if index is None:
            return self.preset.fixed.get(name)
        if index >= len(cells):
            return None
        value = cells[index]
        return value.strip() if value.__class__ is str else value

    def column(self, name: str) -> str:
        index = self.columns.fields.get(name)
        return self.columns.header[index] if index is not None else name

    # --- the row ----------------------------------------------------------------------------

    def check(self, cells) -> tuple[list, list, int]:
        """``(observations, errors, skipped)`` for one data row."""
        if self._fast:
            found = self._known(cells)
            if found is not None:
                return [found], [], 0
        errors = self.screen(cells)
        if errors:
            return [], errors, 0
        organisation = self._organisation(self.cell(cells, "organisation"),
                                          self.cell(cells, "country"), errors)
        indicator = self._indicator(self.cell(cells, "indicator"), errors)
        if organisation and indicator and indicator[1] and indicator[1] != organisation[1]:
            errors.append((self.column("indicator"),
                           _("This indicator is reported in another country than this "
                             "organisation's.")))
        if self.preset.layout == "wide":
            values = [(self.columns.header[i], period, cells[i] if i < len(cells) else None)
                      for i, period in self.columns.periods]
        else:
            period = normalize_period(self.cell(cells, "period"))
            if period is None:
                errors.append((self.column("period"), _period_message()))
            values = [(self.column("value"), period, self.cell(cells, "value"))]
        group_size = self._group_size(self.cell(cells, "group_size"), errors)
        confidential = self._confidential(self.cell(cells, "confidential"), errors)
        observations, skipped = [], 0
        unit = indicator[2] if indicator else None
        for column, period, raw in values:
            if isinstance(raw, str):
                raw = raw.strip()
            if raw is None or raw in self.missing:
                if raw in (None, "") and self.preset.layout == "long" \
                        and "" not in self.missing:
                    errors.append((column, _("A value is required.")))
                skipped += 1
                continue
            value = self._number(raw, column, errors)
            if value is not None and unit == "percent" and not 0 <= value <= 100:
                errors.append((column, _("A percentage must be between 0 and 100.")))
            elif value is not None:
                observations.append((column, period, value))
        if errors:
            return [], errors, 0
        return [(column, (organisation[0], indicator[0], period, value, group_size,
                          confidential)) for column, period, value in observations], [], skipped

    def _known(self, cells):
        """The row's observation when it is a long row of a common kind, made of cells the
        full checks already passed and a plain number: the same result as the full checks,
        without running them again cell by cell. None: let the full checks decide."""
        if len(cells) < self._width:
            return None
        at_org, at_country, at_indicator, at_period, at_value, at_group, at_conf = self._at
        raw = cells[at_value]
        clean = self._clean
        try:
            screened = clean.issuperset(cells)
        except TypeError:
            return None
        if not screened and any(c not in clean for i, c in enumerate(cells) if i != at_value):
            return None
        if raw.__class__ is not str or raw in self.missing \
                or not self._simple_number(raw) or 10 <= len(raw) <= 13:
            return None  # anything but a plain number, or what could be an identity number
        value = float(raw.replace(",", ".")) if "," in raw else float(raw)
        if abs(value) > 1e12:
            return None
        key = (None if at_org is None else cells[at_org],
               None if at_country is None else cells[at_country],
               None if at_indicator is None else cells[at_indicator])
        pair = self._pairs.get(key)
        if pair is None:
            pair = self._remember(self._pairs, key, lambda errors: self._pair(cells, errors))
            if pair is None:
                return None
        organisation, indicator, percent = pair
        if percent and not 0 <= value <= 100:
            return None
        key = None if at_period is None else cells[at_period]
        period = self._periods.get(key)
        if period is None:
            period = self._remember(self._periods, key, lambda errors: normalize_period(
                self.cell(cells, "period")))
            if period is None:
                return None
        key = None if at_group is None else cells[at_group]
        group_size = self._groups.get(key, _MISS)
        if group_size is _MISS:
            group_size = self._remember(self._groups, key, lambda errors: self._group_size(
                self.cell(cells, "group_size"), errors), _MISS)
            if group_size is _MISS:
                return None
        confidential = None
        if at_conf is not None:
            key = cells[at_conf]
            confidential = self._flags.get(key, _MISS)
            if confidential is _MISS:
                confidential = self._remember(self._flags, key, lambda errors: (
                    self._confidential(self.cell(cells, "confidential"), errors)), _MISS)
                if confidential is _MISS:
                    return None
        return (self._value_column, (organisation, indicator, period, value, group_size,
                                     confidential))

    def _pair(self, cells, errors):
        """(organisation id, indicator id, whether a percentage) when both are valid together."""
        organisation = self._organisation(self.cell(cells, "organisation"),
                                          self.cell(cells, "country"), errors)
        indicator = self._indicator(self.cell(cells, "indicator"), errors)
        if errors or (indicator[1] and indicator[1] != organisation[1]):
            return None
        return organisation[0], indicator[0], indicator[2] == "percent"

    @staticmethod
    def _remember(known: dict, key, check, failed=None):
        """``check(errors)`` for cells not seen yet; kept by the cells when they passed."""
        errors: list = []
        result = check(errors)
        if errors or (failed is None and result is None):
            return failed
        if len(known) < CACHE_LIMIT:
            known[key] = result
        return result

    def _organisation(self, code, country, errors):
        if code in (None, ""):
            errors.append((self.column("organisation"), _("The organisation's code is "
                                                          "missing.")))
            return None
        if isinstance(code, float) and code.is_integer():
            code = int(code)
        code = str(code).strip()
        country = str(country).strip().upper() if country else None
        if country is None and ":" in code and code.split(":", 1)[0].upper() in COUNTRIES:
            country, code = code.split(":", 1)[0].upper(), code.split(":", 1)[1]
        key = (country, code)
        if key not in self.organisations:
            found = self._find_organisation(code, country)
            if len(self.organisations) < CACHE_LIMIT:
                self.organisations[key] = found
        else:
            found = self.organisations[key]
        if isinstance(found, str):
            errors.append((self.column("organisation"), found))
            return None
        return found

    def _find_organisation(self, code: str, country: str | None):
        if country is not None and country not in COUNTRIES:
            return _("Unknown country: use DK, NO or SE.")
        query = select(o for o in db.Organisation if o.official_code == code)
        if country:
            query = query.filter(lambda o: o.country == country)
        found = list(query[:2])
        allowed = [o for o in found if self.principal is None
                   or can(self.principal, "manage_indicators", o)]
        if len(allowed) > 1:
            return _("Several organisations have this code: add a country column or write "
                     "the code as COUNTRY:code (e.g. DK:%(code)s).", code=code)
        if not allowed:
            return _("No school or organisation you may import figures for has this code.")
        return allowed[0].id, allowed[0].country

    def _indicator(self, name, errors):
        if name in (None, ""):
            errors.append((self.column("indicator"), _("The indicator is missing.")))
            return None
        name = str(name).strip()
        if name not in self.indicators:
            key = self.preset.indicator_names.get(name_key(name), name)
            found = by_key(db.Indicator, key)
            result = (found.id, found.country, found.unit) if found else None
            if len(self.indicators) < CACHE_LIMIT:
                self.indicators[name] = result
        else:
            result = self.indicators[name]
        if result is None:
            errors.append((self.column("indicator"), _("No indicator has this key.")))
        return result

    def _number(self, raw, column: str, errors) -> float | None:
        if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
            errors.append((column, _number_message()))
            return None
        if isinstance(raw, (int, float)):
            value = float(raw)
        else:
            value = parse_number(raw, self.preset.decimal)
            if value is None:
                errors.append((column, _number_message()))
                return None
        if value != value or value in (float("inf"), float("-inf")) or abs(value) > 1e12:
            errors.append((column, _number_message()))
            return None
        return value

    def _group_size(self, raw, errors) -> int | None:
        if raw in (None, "") or raw in self.missing:
            return None
        if isinstance(raw, str):
            raw = raw.translate(_SPACES)
            raw = int(raw) if raw.isdigit() else None
        elif isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        if not isinstance(raw, int) or isinstance(raw, bool) or not 0 <= raw <= 10_000_000:
            errors.append((self.column("group_size"),
                           _("The group size must be a whole number of 0 or more.")))
            return None
        return raw

    def _confidential(self, raw, errors) -> bool | None:
        if "confidential" not in self.columns.fields:
            return None
        text = str(raw).strip().casefold() if raw is not None else ""
        if isinstance(raw, bool):
            return raw
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        errors.append((self.column("confidential"), _("Write true or false.")))
        return None


def parse_number(text: str, decimal: str = "auto") -> float | None:
    """A number as statistics exports write it: ``12.5``, ``12,5``, ``1 234,5``, ``12,5 %``."""
    text = text.translate(_SPACES)
    if text.endswith("%"):
        text = text[:-1]
    if decimal == "," or (decimal == "auto" and "," in text):
        if _THOUSANDS["."].match(text):
            text = text.replace(".", "")
        text = text.replace(",", ".") if text.count(",") == 1 else text
    elif _THOUSANDS[","].match(text):
        text = text.replace(",", "")
    if not _PLAIN_NUMBER.match(text) or "," in text:
        return None
    return float(text)


def _formula_message() -> str:
    return _("Formulas are not imported: the cell starts with =, +, - or @. Save the value "
             "itself, not the formula.")


def _number_message() -> str:
    return _("Not a number. Write a number such as 12.5 or 12,5.")


def _period_message() -> str:
    return _("Not a period: write a school year (2024/25), a year (2024) or a half-year "
             "(2024H1).")

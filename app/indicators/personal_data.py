"""Recognising pupil-level personal data in an import file, so such a file is refused.

Observations are figures for whole schools and groups. A file with a column named like a
personal identity number, or cells that look like one (Danish CPR, Norwegian fødselsnummer or
D-nummer, Swedish personnummer or samordningsnummer), is not what the import is for and must
not be stored anywhere, not even in an error report.
"""

from __future__ import annotations

import re
from datetime import date

from app.i18n import _

_HEADER_WORDS = ("cpr", "personnummer", "personnr", "fødselsnummer", "fodselsnummer",
                 "foedselsnummer", "fødselsnr", "samordningsnummer", "dnummer", "socialsecurity",
                 "personalidentity", "nationalid", "elevnavn", "elevnamn", "pupilname",
                 "studentname")
_HEADER_NAMES = {"fnr", "pnr", "ssn", "personid", "personalid", "elevid", "pupilid", "cprnr"}

_TEN = re.compile(r"^(\d{6})[-+ ]?(\d{4})$")            # DDMMYY-NNNN or YYMMDD-NNNN
_TWELVE = re.compile(r"^(?:19|20)(\d{6})[-+ ]?(\d{4})$")  # YYYYMMDD-NNNN
_ELEVEN = re.compile(r"^\d{11}$")                       # DDMMYYNNNCC


def header_reason(header: str) -> str | None:
    """Why a column's name says it holds personal identity numbers or pupils' names."""
    key = re.sub(r"[\W_]+", "", header.casefold())
    if key in _HEADER_NAMES or any(word in key for word in _HEADER_WORDS):
        return _("The column “%(column)s” holds personal identity numbers or pupils' names.",
                 column=header)
    return None


def _valid_date(day: int, month: int, year: int) -> bool:
    try:
        date(2000 + year if year < 100 else year, month, day)
    except ValueError:
        return False
    return True


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(digits):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return total % 10 == 0


def _fodselsnummer(digits: str) -> bool:
    day, month = int(digits[0:2]), int(digits[2:4])
    if day > 40:  # D-nummer
        day -= 40
    if not _valid_date(day, month, int(digits[4:6])):
        return False
    numbers = [int(c) for c in digits]
    k1 = 11 - sum(w * n for w, n in zip((3, 7, 6, 1, 8, 9, 4, 5, 2), numbers, strict=False)) % 11
    k2 = 11 - sum(w * n for w, n in zip((5, 4, 3, 2, 7, 6, 5, 4, 3, 2), numbers,
                                        strict=False)) % 11
    k1, k2 = (0 if k == 11 else k for k in (k1, k2))
    return k1 == numbers[9] and k2 == numbers[10]


def _personnummer(date_part: str, rest: str) -> bool:
    year, month, day = int(date_part[0:2]), int(date_part[2:4]), int(date_part[4:6])
    if day > 60:  # samordningsnummer
        day -= 60
    return _valid_date(day, month, year) and _luhn(date_part + rest)


def identity_number_kind(text: str) -> str | None:
    """Which kind of personal identity number ``text`` looks like, or None."""
    if not 10 <= len(text) <= 13:
        return None
    match = _TEN.match(text)
    if match:
        first, rest = match.groups()
        if _valid_date(int(first[0:2]), int(first[2:4]), int(first[4:6])):
            return "cpr"
        if _personnummer(first, rest):
            return "personnummer"
        return None
    match = _TWELVE.match(text)
    if match and _personnummer(*match.groups()):
        return "personnummer"
    if _ELEVEN.match(text) and _fodselsnummer(text):
        return "fodselsnummer"
    return None


#: Candidates inside free text: digits not part of a longer number. Only "-" or "+" may separate
#: the date from the rest here (a date and a time, "150325 1400", is not a CPR number).
_EMBEDDED = re.compile(r"(?<![\d])((?:19|20)?\d{6}[-+]?\d{4}|\d{11})(?![\d])")


def identity_number_in(text: str) -> str | None:
    """Which kind of personal identity number appears anywhere in ``text``, or None."""
    for match in _EMBEDDED.finditer(text):
        kind = identity_number_kind(match.group(1))
        if kind:
            return kind
    return None


def kind_name(kind: str) -> str:
    names = {"cpr": _("Danish CPR numbers"), "fodselsnummer": _("Norwegian national identity "
             "numbers (fødselsnummer)"), "personnummer": _("Swedish personal identity numbers "
             "(personnummer)")}
    return names[kind]


def cell_reason(kind: str, column: str) -> str:
    return _("The column “%(column)s” holds what look like %(kind)s.", column=column,
             kind=kind_name(kind))

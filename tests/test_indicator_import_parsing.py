"""The small readers behind the import: periods, numbers, identity numbers, presets."""

from __future__ import annotations

import pytest

from app.indicators.checking import parse_number
from app.indicators.personal_data import header_reason, identity_number_kind
from app.indicators.presets import header_key, presets
from app.indicators.reading import detect_delimiter
from app.indicators.services import normalize_period


@pytest.mark.parametrize("raw,period", [
    ("2024/25", "2024/25"), ("2024/2025", "2024/25"), ("2024-25", "2024/25"),
    ("2024–25", "2024/25"), (" 2099/00 ", "2099/00"), ("2024", "2024"), (2024, "2024"),
    (2024.0, "2024"), ("2024H1", "2024H1"), ("2024 h2", "2024H2"), ("2024-H1", "2024H1"),
    ("2024/26", None), ("2024/2026", None), ("24/25", None), ("1850", None), ("2024H3", None),
    ("spring 2024", None), ("", None), (None, None), (True, None), (2024.5, None),
])
def test_periods_are_read_in_the_spellings_exports_use(raw, period):
    assert normalize_period(raw) == period


@pytest.mark.parametrize("text,decimal,number", [
    ("12.5", "auto", 12.5), ("12,5", "auto", 12.5), ("-0,4", "auto", -0.4),
    ("1 234,5", "auto", 1234.5), ("1.234,5", ",", 1234.5), ("12,5 %", ",", 12.5),
    ("1,234.5", ".", 1234.5), ("12.5", ",", 12.5), ("7", ".", 7.0),
    ("seventy", "auto", None), ("1e5", "auto", None), ("1_000", "auto", None),
    ("nan", "auto", None), ("inf", "auto", None), ("12,5,1", "auto", None), ("", "auto", None),
])
def test_numbers_are_read_as_statistics_exports_write_them(text, decimal, number):
    assert parse_number(text, decimal) == number


@pytest.mark.parametrize("text,kind", [
    ("010190-1234", "cpr"), ("0101901234", "cpr"), ("311299 1234", "cpr"),
    ("19811218-9876", "personnummer"), ("811218-9876", "personnummer"),
    ("198112189876", "personnummer"), ("15076500565", "fodselsnummer"),
    ("55076500565", None),  # day 15+40 is a D-nummer but the control digits no longer fit
    ("01010112345", None), ("212000-0142", None),  # a Swedish municipality's org. number
    ("280017", None), ("DEMO-DK-336-01", None), ("12.5", None), ("2024/25", None),
])
def test_identity_numbers_are_recognised_and_codes_are_not(text, kind):
    assert identity_number_kind(text) == kind


@pytest.mark.parametrize("header,refused", [
    ("CPR", True), ("cpr_nr", True), ("Elevens CPR-nummer", True), ("Personnummer", True),
    ("Fødselsnummer", True), ("fnr", True), ("Elevnavn", True),
    ("organisation", False), ("Antal elever", False), ("Skolenhetskod", False),
])
def test_columns_named_for_personal_data_are_recognised(header, refused):
    assert bool(header_reason(header)) is refused


def test_every_preset_is_complete_and_named_in_every_language():
    found = presets()
    assert list(found)[0] == "long"
    assert {"long", "wide", "dk_statistics", "no_skoleporten", "se_skolverket"} <= set(found)
    for preset in found.values():
        assert set(preset.labels) == {"en", "da", "nb", "sv"}, preset.key
        assert set(preset.required()) <= set(preset.columns), preset.key
    assert header_key("Antal elever") == header_key("antal_elever") == "antalelever"


@pytest.mark.parametrize("line,delimiter", [
    ("organisation,indicator,period,value", ","), ("a;b;c", ";"), ("a\tb\tc", "\t"),
    ('"a;b",c,d', ","), ("a|b|c", "|"), ("single", ","),
])
def test_the_delimiter_is_found_from_the_first_row(line, delimiter):
    assert detect_delimiter(line) == delimiter

"""Indicator definitions: every seed indicator complete in four languages; the API lists them
in the reader's language and lets administrators define them, validated."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from pony.orm import db_session

from app.indicators.models import DIRECTIONS, UNITS
from app.seeding.schemas import IndicatorsFile

SEED = Path(__file__).resolve().parent.parent / "seed" / "indicators.toml"
LABELS = {"en": "Reading", "da": "Læsning", "nb": "Lesing", "sv": "Läsning"}
#: A new definition names no version: it asks for the key to be free (If-None-Match: *).
NEW = {"If-None-Match": "*"}
DEFINITION = {"labels": LABELS, "unit": "score", "direction": "higher_is_better",
              "country": "DK", "source": "Test", "confidential": True, "min_group_size": 5,
              "decimals": 0}


def test_every_seed_indicator_is_complete():
    indicators = IndicatorsFile().load(tomllib.loads(SEED.read_text()))["indicators"]
    assert len(indicators) >= 15
    for indicator in indicators:
        assert set(indicator["labels"]) == {"en", "da", "nb", "sv"}, indicator["key"]
        assert all(text.strip() for text in indicator["labels"].values()), indicator["key"]
        assert indicator["unit"] in UNITS and indicator["direction"] in DIRECTIONS
        assert indicator["source"].strip()
        assert indicator["min_group_size"] >= 5, indicator["key"]
    by_key = {i["key"]: i for i in indicators}
    # Danish national test results are confidential by law.
    assert by_key["dk_national_test_reading"]["confidential"]
    assert by_key["dk_national_test_mathematics"]["confidential"]
    assert {i["country"] for i in indicators} == {None, "DK", "NO", "SE"}


def test_definitions_are_listed_in_the_readers_language(client, app):
    with app.app_context(), db_session:
        from app.seeding.programmes import load_programmes

        load_programmes(SEED.parent)
    danish = client.get("/api/v1/indicators?country=DK&lang=da&per_page=200").json
    absence = next(i for i in danish["items"] if i["key"] == "absence")
    assert absence["name"] == "Elevfravær i procent af skoledagene"
    assert set(absence["labels"]) == {"en", "da", "nb", "sv"}
    assert {i["country"] for i in danish["items"]} == {None, "DK"}
    reading = next(i for i in danish["items"] if i["key"] == "dk_national_test_reading")
    assert (reading["confidential"], reading["min_group_size"], reading["unit"]) == \
        (True, 5, "percent")


@pytest.mark.parametrize("query", ["country=FI", "unit=metres", "direction=up", "colour=red"])
def test_bad_filters_are_refused(client, app, query):
    response = client.get(f"/api/v1/indicators?{query}")
    assert response.status_code == 422
    assert response.json["errors"]


def test_an_administrator_defines_and_redefines_an_indicator(client, world):
    admin = world.headers["admin"]
    created = client.put("/api/v1/indicators/test_reading", json=DEFINITION,
                         headers={**admin, **NEW})
    assert created.status_code == 201, created.json
    assert created.json["labels"] == LABELS and created.json["confidential"] is True
    again = client.put("/api/v1/indicators/test_reading", json=DEFINITION | {
        "min_group_size": 10}, headers={**admin, "If-Match": created.headers["ETag"]})
    assert again.status_code == 200 and again.json["min_group_size"] == 10
    stale = client.put("/api/v1/indicators/test_reading", json=DEFINITION,
                       headers={**admin, "If-Match": created.headers["ETag"]})
    assert stale.status_code == 412
    assert stale.json["current_version"] == again.json["version"]
    # Neither a blind redefinition nor a second "new" one overwrites it.
    blind = client.put("/api/v1/indicators/test_reading", json=DEFINITION, headers=admin)
    assert blind.status_code == 428
    twice = client.put("/api/v1/indicators/test_reading", json=DEFINITION,
                       headers={**admin, **NEW})
    assert twice.status_code == 412 and twice.headers["ETag"] == again.headers["ETag"]
    # A version named for a key not defined yet matches nothing.
    missing = client.put("/api/v1/indicators/test_unknown", json=DEFINITION,
                         headers={**admin, "If-Match": created.headers["ETag"]})
    assert missing.status_code == 412
    assert client.get(f"/api/v1/indicators/{created.json['id']}").json["min_group_size"] == 10


@pytest.mark.parametrize("change,field", [
    ({"labels": {"en": "Reading", "da": "Læsning", "nb": "Lesing"}}, "labels"),
    ({"labels": LABELS | {"sv": ""}}, "labels"),
    ({"unit": "metres"}, "unit"),
    ({"direction": "up"}, "direction"),
    ({"country": "FI"}, "country"),
    ({"source": ""}, "source"),
    ({"min_group_size": -1}, "min_group_size"),
    ({"decimals": 9}, "decimals"),
    ({"colour": "red"}, "colour"),
])
def test_a_definition_is_validated_field_by_field(client, world, change, field):
    response = client.put("/api/v1/indicators/test_reading", json=DEFINITION | change,
                          headers={**world.headers["admin"], **NEW})
    assert response.status_code == 422
    assert field in response.json["errors"]


def test_a_bad_key_and_a_country_against_existing_values_are_refused(client, world):
    admin = world.headers["admin"]
    bad = client.put("/api/v1/indicators/Bad-Key", json=DEFINITION, headers={**admin, **NEW})
    assert bad.status_code == 422 and "key" in bad.json["errors"]
    # test_well_being has values from Danish and Swedish schools in the world.
    moved = client.put("/api/v1/indicators/test_well_being", json=DEFINITION | {
        "confidential": False}, headers={**admin, "If-Match": "*"})
    assert moved.status_code == 409


@pytest.mark.parametrize("who,status", [("office_a", 403), ("leader_a1", 403),
                                        ("anonymous", 401)])
def test_only_administrators_define_indicators(client, world, who, status):
    response = client.put("/api/v1/indicators/test_reading", json=DEFINITION,
                          headers={**world.headers[who], **NEW})
    assert response.status_code == status

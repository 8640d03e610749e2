"""Choosing the reader's language: explicit choice, then the browser, then English."""

import pytest

from app.i18n import localized, negotiate, normalize_language


@pytest.mark.parametrize("tag,expected", [
    ("da", "da"), ("da-DK", "da"), ("DA", "da"), ("sv-SE", "sv"), ("sv_FI", "sv"),
    ("no", "nb"), ("no-NO", "nb"), ("nb-NO", "nb"), ("nb", "nb"), ("nn", "nb"), ("nn-NO", "nb"),
    ("en-GB", "en"), ("xx", None), ("", None), (None, None), ("de-DE", None),
])
def test_language_tags_reach_our_catalogs(tag, expected):
    assert normalize_language(tag) == expected


def test_negotiation_takes_the_first_language_we_speak():
    assert negotiate(["de-DE", "no-NO", "no", "en"]) == "nb"
    assert negotiate(["fr", "de"]) is None


def test_labels_fall_back_to_english_then_to_anything():
    labels = {"en": "Reading", "da": "Læsning", "nb": "", "sv": "Läsning"}
    assert localized(labels, "da") == "Læsning"
    assert localized(labels, "nb") == "Reading"
    assert localized({"sv": "Läsning"}, "da") == "Läsning"
    assert localized(None, "da") == ""


@pytest.fixture
def lang_app():
    """An app without database needs: the locale rules are about the request alone."""
    from flask import Flask
    from flask_babel import Babel

    from app.i18n import current_language, select_locale

    app = Flask(__name__)
    Babel(app, locale_selector=select_locale)

    @app.get("/which")
    def which():
        return current_language()

    return app


@pytest.mark.parametrize("query,header,expected", [
    ("", "", "en"),
    ("", "sv-SE,sv;q=0.9,en;q=0.5", "sv"),
    ("", "no-NO,no;q=0.9", "nb"),
    ("", "nn-NO", "nb"),
    ("", "de-DE,da;q=0.5", "da"),
    ("?lang=nb", "sv", "nb"),
    ("?lang=no-NO", "", "nb"),
    ("?lang=xx", "da", "da"),
    ("?lang=xx", "", "en"),
    ("?lang=%00%ff", "", "en"),
])
def test_explicit_choice_then_browser_then_english(lang_app, query, header, expected):
    response = lang_app.test_client().get(f"/which{query}", headers={"Accept-Language": header})
    assert response.status_code == 200
    assert response.text == expected


def test_error_messages_are_in_the_readers_language(client):
    danish = client.get("/api/v1/no-such-thing", headers={"Accept-Language": "da"})
    assert danish.status_code == 404
    assert danish.json["message"] == "Der blev ikke fundet noget på denne adresse."
    norwegian = client.get("/api/v1/no-such-thing?lang=no")
    assert norwegian.json["message"] == "Det ble ikke funnet noe på denne adressen."
    assert client.get("/api/v1/no-such-thing?lang=sv").json == {
        "code": 404, "status": "Not Found", "message": "Inget hittades på den här adressen."}


@pytest.mark.parametrize("asked,kept", [("no", "nb"), ("nn", "nb"), ("nb-NO", "nb"),
                                        ("DA", "da"), ("sv_SE", "sv")])
def test_api_language_fields_take_every_code_a_client_may_send(client, world, asked, kept):
    """Not only the catalog's own code: a Norwegian client's ``no`` reaches the nb catalog."""
    headers = world.headers["leader_a1"]
    me = client.get("/api/v1/me", headers=headers)
    changed = client.patch("/api/v1/me", json={"language": asked},
                           headers={**headers, "If-Match": me.headers["ETag"]})
    assert changed.status_code == 200 and changed.json["language"] == kept
    report = client.get(f"/api/v1/reports/minutes/{world.m_a1}?format=html&language={asked}",
                        headers=headers)
    assert report.status_code == 200 and report.headers["Content-Language"] == kept


def test_an_unknown_language_is_a_field_error_not_a_guess(client, world):
    answer = client.get(f"/api/v1/reports/minutes/{world.m_a1}?language=xx",
                        headers={**world.headers["leader_a1"], "Accept-Language": "da"})
    assert answer.status_code == 422
    assert answer.json["errors"]["language"] == ["Skal være en af: en, da, nb, sv."]

"""The import page in Chromium: a Danish consultant uploads a file (with the upload progress
script), sees the result, then a file with errors shown beside its rows; axe-core finds no
serious or critical violation on either."""

from __future__ import annotations

from pathlib import Path

import pytest
from pony.orm import commit, db_session

from app.seeding.demo import load_demo
from app.seeding.programmes import load_programmes
from tests.browser import axe_violations, screenshot, sign_in

SEED = Path(__file__).resolve().parent.parent / "seed"


@pytest.fixture
def demo(app):
    with app.app_context(), db_session:
        load_programmes(SEED)
        load_demo(SEED)
        commit()


def test_a_consultant_imports_values_and_sees_errors_beside_the_rows(demo, new_page, engine,
                                                                      tmp_path, app):
    good = tmp_path / "fravaer.csv"
    good.write_text("Institutionsnummer;Indikator;Skoleår;Værdi;Antal elever\r\n"
                    "DEMO-DK-336-01;Elevfravær;2031/2032;6,2;210\r\n"
                    "DEMO-DK-336-02;Elevfravær;2031/2032;..;190\r\n", encoding="utf-8")
    bad = tmp_path / "fejl.csv"
    bad.write_text("Institutionsnummer;Indikator;Skoleår;Værdi\r\n"
                   "DEMO-DK-336-01;Elevfravær;2031/2033;6,2\r\n"
                   "DEMO-DK-479-01;Elevfravær;2031/2032;=A1\r\n", encoding="utf-8")
    page = new_page("da-DK")
    script_errors = []
    page.on("pageerror", lambda error: script_errors.append(error))
    sign_in(page, "konsulent@stevns.demo")
    page.click("nav.main-nav >> text=Import")
    page.wait_for_url("**/indicators/import")
    problems = {"form": axe_violations(page)}

    page.set_input_files("#file", str(good))
    page.select_option("#preset", "dk_statistics")
    with page.expect_response("**/indicators/import") as answer:
        page.click("main button[type=submit]")
    # Sent by the upload-progress script, which shows the progress of the upload.
    assert answer.value.request.resource_type == "xhr"
    page.wait_for_selector("text=Filen blev importeret.")
    assert page.locator("dl.facts").inner_text().count("1") >= 1
    problems["result"] = axe_violations(page)
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        school = db.Organisation.get(official_code="DEMO-DK-336-01")
        stored = db.Observation.get(organisation=school, period="2031/32")
        assert (stored.value, stored.group_size) == (6.2, 210)

    page.set_input_files("#file", str(bad))
    page.select_option("#preset", "dk_statistics")
    page.click("main button[type=submit]")
    page.wait_for_selector("table.import-errors")
    rows = page.locator("table.import-errors tbody tr")
    assert rows.count() == 2
    assert "2031/2033" in rows.nth(0).inner_text()
    assert page.locator("td.cell--invalid").count() == 2
    problems["errors"] = axe_violations(page)
    if engine == "sqlite":
        screenshot(page, "page-indicator-import-errors")
    assert {name: found for name, found in problems.items() if found} == {}
    assert script_errors == []

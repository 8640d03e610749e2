# ruff: noqa: F811 - the `coded` fixture is imported from the API tests and used by name
"""The import from the command line (progress bar, summary, refusals) and the import page
(file and preset, the result, errors beside the rows as they are in the file)."""

from __future__ import annotations

import io
import re

from pony.orm import db_session

from tests.sessions import sign_in
from tests.test_indicator_import import LONG, coded, observations  # noqa: F401 - fixture

GOOD = LONG + "A1,test_well_being,2024/25,70.5,40\r\nA2,test_well_being,2024/25,61,38\r\n"
BAD = LONG + "A1,test_well_being,2024/25,70.5,40\r\nA2,test_well_being,2024/27,6l,38\r\n"


def test_cli_imports_with_a_summary_and_again_changes_nothing(app, runner, coded, tmp_path):
    path = tmp_path / "values.csv"
    path.write_text(GOOD, encoding="utf-8")
    first = runner.invoke(args=["indicators", "import", str(path)])
    assert first.exit_code == 0, first.output
    assert "2 rows read: 2 created, 0 updated, 0 unchanged" in first.output
    second = runner.invoke(args=["indicators", "import", str(path)])
    assert "0 created, 0 updated, 2 unchanged" in second.output
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        entries = list(db.AuditEntry.select(lambda e: e.action == "import"))
        assert [(e.channel, e.actor) for e in entries] == [("cli", None), ("cli", None)]


def test_cli_dry_run_and_refusal_write_nothing(app, runner, coded, tmp_path):
    before = observations(app)
    path = tmp_path / "values.csv"
    path.write_text(GOOD, encoding="utf-8")
    dry = runner.invoke(args=["indicators", "import", str(path), "--dry-run"])
    assert dry.exit_code == 0 and "Dry run, nothing written." in dry.output
    path.write_text(BAD, encoding="utf-8")
    refused = runner.invoke(args=["indicators", "import", str(path)])
    assert refused.exit_code == 1
    assert "row 3 [period]" in refused.output and "row 3 [value]" in refused.output
    assert "Nothing was imported." in refused.output
    assert observations(app) == before


def test_cli_takes_a_preset_and_a_persons_reach(app, runner, coded, tmp_path):
    path = tmp_path / "values.csv"
    path.write_text("organisation;indicator;period;value\r\nB1;test_well_being;2020;5,5\r\n",
                    encoding="utf-8")
    limited = runner.invoke(args=["indicators", "import", str(path), "--as",
                                  "office_a@example.test"])
    assert limited.exit_code == 1 and "row 2 [organisation]" in limited.output
    unknown = runner.invoke(args=["indicators", "import", str(path), "--preset", "nope"])
    assert unknown.exit_code == 2
    done = runner.invoke(args=["indicators", "import", str(path), "--preset", "long"])
    assert done.exit_code == 0, done.output
    assert observations(app)[("B1", "test_well_being", "2020")][0] == 5.5


def _signed_in(app, world, who="office_a"):
    client = app.test_client()
    sign_in(client, world.ids[who])
    return client


def _post(client, content: str, **fields):
    page = client.get("/indicators/import")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    data = {"csrf_token": token, "preset": "long", **fields}
    if content is not None:
        data["file"] = (io.BytesIO(content.encode()), "values.csv")
    return client.post("/indicators/import", data=data, content_type="multipart/form-data")


def test_the_import_page_offers_file_preset_and_a_check_only(app, coded):
    page = _signed_in(app, coded).get("/indicators/import")
    assert page.status_code == 200
    assert 'type="file"' in page.text and 'enctype="multipart/form-data"' in page.text
    assert 'value="dk_statistics"' in page.text and 'name="dry_run"' in page.text
    assert "<script>" not in page.text  # the progress script is a file (CSP)
    assert "js/upload-progress.js" in page.text
    assert 'href="/indicators/import"' in page.text  # offered in the navigation


def test_the_page_imports_and_shows_the_counts(app, coded):
    response = _post(_signed_in(app, coded), GOOD)
    assert response.status_code == 200
    text = re.sub(r"\s+", " ", response.text)
    assert "The file was imported." in text
    assert "<dt>Created</dt><dd>2</dd>" in text.replace("> <", "><")
    assert observations(app)[("A2", "test_well_being", "2024/25")][0] == 61.0


def test_the_page_shows_errors_beside_the_rows_and_imports_nothing(app, coded):
    before = observations(app)
    response = _post(_signed_in(app, coded), BAD)
    assert response.status_code == 422
    text = response.text
    assert "Nothing was imported: correct the rows listed and try again." in text
    row = re.search(r'<th scope="row">3</th>(.*?)</tr>', text, re.S).group(1)
    assert '<td class="cell--invalid">2024/27</td>' in row
    assert '<td class="cell--invalid">6l</td>' in row
    assert "Not a period" in row and "Not a number" in row
    assert observations(app) == before


def test_the_page_asks_for_a_file_and_speaks_the_readers_language(app, coded):
    client = _signed_in(app, coded)
    missing = _post(client, None)
    assert missing.status_code == 422 and "Choose a CSV or XLSX file." in missing.text
    client.post("/language", data={"language": "da", "csrf_token": re.search(
        r'name="csrf_token" value="([^"]+)"', client.get("/indicators/import").text).group(1)})
    danish = client.get("/indicators/import")
    assert 'lang="da"' in danish.text and "Import indicator values" not in danish.text


def test_the_page_is_refused_to_those_who_may_not_import(app, coded):
    assert _signed_in(app, coded, "leader_a1").get("/indicators/import").status_code == 403
    assert 'href="/indicators/import"' not in _signed_in(app, coded, "leader_a1").get("/").text
    anonymous = app.test_client().get("/indicators/import")
    assert anonymous.status_code == 302 and "/sign-in" in anonymous.headers["Location"]

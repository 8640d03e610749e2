"""Bulk files: export in the columns the import accepts; an import is all or nothing."""

import csv
import io

from openpyxl import Workbook, load_workbook
from pony.orm import db_session

from app.commitments.bulk import COMMITMENT_COLUMNS, FOLLOW_UP_COLUMNS


def export(client, world, path="/api/v1/commitments/export", who="office_a", **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    response = client.get(f"{path}?{query}", headers=world.headers[who])
    assert response.status_code == 200, response.text
    return response


def csv_rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def upload(client, world, rows, columns, path="/api/v1/commitments/import", who="office_a",
           name="commitments.csv"):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return client.post(path, headers=world.headers[who], content_type="multipart/form-data",
                       data={"file": (io.BytesIO(buffer.getvalue().encode()), name)})


def versions(app) -> dict:
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        return {c.id: c.version for c in db.Commitment.select()}


def test_export_has_the_import_columns_and_only_what_the_reader_may_see(client, world):
    rows = csv_rows(export(client, world).data)
    assert list(rows[0]) == COMMITMENT_COLUMNS
    assert {int(r["id"]) for r in rows} == {world.c_a1, world.c_a1_conf}
    board = csv_rows(export(client, world, who="board_a1").data)
    assert {int(r["id"]) for r in board} == {world.c_a1}  # no confidential row
    xlsx = export(client, world, format="xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert [cell.value for cell in next(sheet.iter_rows())] == COMMITMENT_COLUMNS


def test_reimporting_an_unchanged_export_changes_nothing(client, app, world):
    rows = csv_rows(export(client, world).data)
    before = versions(app)
    response = upload(client, world, rows, COMMITMENT_COLUMNS)
    assert response.status_code == 200, response.json
    assert response.json == {"created": 0, "updated": 0, "unchanged": 2}
    assert versions(app) == before


def test_an_import_updates_and_creates(client, app, world):
    rows = csv_rows(export(client, world).data)
    rows[0]["title"] = "Læsebånd hver dag – revideret"
    new = dict(rows[0], id="", version="", title="Ny aftale fra regnearket", status="proposed")
    response = upload(client, world, rows + [new], COMMITMENT_COLUMNS)
    assert response.json == {"created": 1, "updated": 1, "unchanged": 1}
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        assert db.Commitment[int(rows[0]["id"])].title == "Læsebånd hver dag – revideret"
        assert db.Commitment.get(title="Ny aftale fra regnearket").status == "proposed"


def test_one_bad_row_and_nothing_is_written(client, app, world):
    rows = csv_rows(export(client, world).data)
    rows[0]["title"] = "Would have changed"
    bad = dict(rows[1], id="", version="", due_date="31.06.2026", progress="lots")
    foreign = dict(rows[1], id="", version="", engagement_id=str(world.e_b1))
    before = versions(app)
    response = upload(client, world, rows + [bad, foreign], COMMITMENT_COLUMNS)
    assert response.status_code == 422
    errors = response.json["errors"]["rows"]
    assert set(errors) == {"4", "5"}  # file rows: header is 1
    assert set(errors["4"]) == {"due_date", "progress"}
    assert "engagement_id" in errors["5"]
    assert versions(app) == before


def test_a_row_changed_by_someone_else_since_export_is_refused(client, app, world):
    rows = csv_rows(export(client, world).data)
    path = f"/api/v1/commitments/{rows[0]['id']}"
    etag = client.get(path, headers=world.headers["admin"]).headers["ETag"]
    client.patch(path, headers={**world.headers["admin"], "If-Match": etag},
                 json={"title": "Changed meanwhile"})
    rows[0]["title"] = "From the old export"
    response = upload(client, world, rows, COMMITMENT_COLUMNS)
    assert response.status_code == 422
    assert "version" in response.json["errors"]["rows"]["2"]


def test_spreadsheet_formulas_are_never_exported_as_formulas(client, app, world):
    path = f"/api/v1/commitments/{world.c_a1}"
    etag = client.get(path, headers=world.headers["admin"]).headers["ETag"]
    client.patch(path, headers={**world.headers["admin"], "If-Match": etag},
                 json={"title": "=HYPERLINK(\"http://evil\")", "actions": "@SUM(A1)"})
    row = next(r for r in csv_rows(export(client, world).data) if r["id"] == str(world.c_a1))
    assert row["title"].startswith("'=") and row["actions"].startswith("'@")
    sheet = load_workbook(io.BytesIO(export(client, world, format="xlsx").data)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row
              if isinstance(cell.value, str)]
    assert not any(v.startswith(("=", "+", "-", "@")) for v in values)
    # And the round trip gives back the text as written.
    rows = csv_rows(export(client, world).data)
    assert upload(client, world, rows, COMMITMENT_COLUMNS).json["unchanged"] == 2
    with app.app_context(), db_session:
        assert app.extensions["nordialog.db"].Commitment[world.c_a1].title.startswith("=HYPER")


def test_xlsx_imports_too(client, world):
    rows = csv_rows(export(client, world).data)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(COMMITMENT_COLUMNS)
    for row in rows:
        sheet.append([row[c] for c in COMMITMENT_COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    response = client.post("/api/v1/commitments/import", headers=world.headers["office_a"],
                           content_type="multipart/form-data",
                           data={"file": (buffer, "commitments.xlsx")})
    assert response.status_code == 200, response.json
    assert response.json["unchanged"] == 2


def test_follow_ups_round_trip(client, app, world):
    new = {"id": "", "commitment_id": str(world.c_a1), "occurred_on": "2025-10-01",
           "author": "Mette", "status_to": "in_progress", "progress": "30",
           "narrative": "Læsebåndet er i gang i alle klasser.", "next_follow_up_on": ""}
    response = upload(client, world, [new], FOLLOW_UP_COLUMNS, path="/api/v1/follow-ups/import",
                      who="leader_a1")
    assert response.status_code == 200, response.json
    assert response.json["created"] == 1
    exported = csv_rows(export(client, world, path="/api/v1/follow-ups/export").data)
    assert list(exported[0]) == FOLLOW_UP_COLUMNS
    assert [row["narrative"] for row in exported] == ["I gang",  # the world's own
                                                      "Læsebåndet er i gang i alle klasser."]
    again = upload(client, world, exported, FOLLOW_UP_COLUMNS, path="/api/v1/follow-ups/import",
                   who="leader_a1")
    assert again.json == {"created": 0, "updated": 0, "unchanged": 2}


def test_unreadable_files_get_a_clear_error(client, world):
    response = client.post("/api/v1/commitments/import", headers=world.headers["office_a"],
                           content_type="multipart/form-data",
                           data={"file": (io.BytesIO("ø".encode("cp1252")), "x.csv")})
    assert response.status_code == 422
    assert "UTF-8" in response.json["errors"]["file"][0]


#: Valid-looking numbers (dates and check digits right), nobody's that we know of.
CPR, FODSELSNUMMER, PERSONNUMMER = "010203-1234", "15031210140", "19121212-0008"


def test_rows_carrying_personal_identity_numbers_are_refused_without_repeating_them(
        client, app, world):
    rows = csv_rows(export(client, world).data)
    rows[0]["title"] = "Would have changed"
    danish = dict(rows[1], id="", version="", title=f"Samtale med elev {CPR} om fravær")
    swedish = dict(rows[1], id="", version="", responsible_person=f"Elev {PERSONNUMMER}")
    before = versions(app)
    response = upload(client, world, rows + [danish, swedish], COMMITMENT_COLUMNS)
    assert response.status_code == 422
    errors = response.json["errors"]["rows"]
    assert set(errors) == {"4", "5"}
    assert set(errors["4"]) == {"title"} and "CPR" in errors["4"]["title"][0]
    assert set(errors["5"]) == {"responsible_person"}
    assert "personnummer" in errors["5"]["responsible_person"][0]
    assert CPR not in response.text and PERSONNUMMER not in response.text
    assert versions(app) == before


def test_follow_ups_with_a_fodselsnummer_are_refused_in_the_readers_language(client, app,
                                                                            world):
    row = {"id": "", "commitment_id": str(world.c_a1), "occurred_on": "2025-10-01",
           "author": "Mette", "status_to": "", "progress": "",
           "narrative": f"Eleven ({FODSELSNUMMER}) har fått tett oppfølging.",
           "next_follow_up_on": ""}
    with app.app_context(), db_session:
        count = app.extensions["nordialog.db"].FollowUp.select().count()
    response = client.post("/api/v1/follow-ups/import?lang=nb",
                           headers=world.headers["leader_a1"],
                           content_type="multipart/form-data",
                           data={"file": (io.BytesIO(_csv([row], FOLLOW_UP_COLUMNS)), "f.csv")})
    assert response.status_code == 422
    message = response.json["errors"]["rows"]["2"]["narrative"][0]
    assert "fødselsnummer" in message and "personnummer" not in message
    assert FODSELSNUMMER not in response.text
    with app.app_context(), db_session:
        assert app.extensions["nordialog.db"].FollowUp.select().count() == count
    # A date and a time, an 8-digit phone number and a school code are not identity numbers.
    row["narrative"] = "Møte 150325 1400, tlf 22334455, skolekode 280149."
    ok = client.post("/api/v1/follow-ups/import", headers=world.headers["leader_a1"],
                     content_type="multipart/form-data",
                     data={"file": (io.BytesIO(_csv([row], FOLLOW_UP_COLUMNS)), "f.csv")})
    assert ok.status_code == 200, ok.json


def _csv(rows, columns) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def test_the_web_list_exports_what_it_shows_with_its_filters(app, world):
    """The list's export links work with the signed-in session (no API token) and keep the
    list's filters."""
    import re

    from app.commitments import services
    from tests.sessions import sign_in

    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        services.change_status(db.Commitment[world.c_a1], "in_progress")
    client = app.test_client()
    sign_in(client, world.ids["office_a"])
    page = client.get("/commitments?status=in_progress")
    links = dict(re.findall(r'href="(/commitments/export\.(csv|xlsx)[^"]*)"', page.text))
    links = {fmt: href.replace("&amp;", "&") for href, fmt in links.items()}
    assert set(links) == {"csv", "xlsx"} and "status=in_progress" in links["csv"]
    filtered = client.get(links["csv"])
    assert filtered.status_code == 200 and filtered.mimetype == "text/csv"
    assert [int(r["id"]) for r in csv_rows(filtered.data)] == [world.c_a1]
    everything = csv_rows(client.get("/commitments/export.csv").data)
    assert {int(r["id"]) for r in everything} == {world.c_a1, world.c_a1_conf}
    sheet = load_workbook(io.BytesIO(client.get(links["xlsx"]).data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == COMMITMENT_COLUMNS and [int(r[0]) for r in rows[1:]] == [world.c_a1]
    # What the reader may not see is not in the file; a bad filter is shown, not exported.
    board = app.test_client()
    sign_in(board, world.ids["board_a1"])
    assert {int(r["id"]) for r in csv_rows(board.get("/commitments/export.csv").data)} == {
        world.c_a1}
    bad = client.get("/commitments/export.csv?due_before=31.06.2026")
    assert bad.status_code == 422 and bad.mimetype == "text/html"

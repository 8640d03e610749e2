"""Importing observations: round trips, presets, idempotence, every kind of bad input
refused with nothing written, access by organisation, confidentiality, the audit summary."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from pony.orm import db_session

LONG = "organisation,indicator,period,value,group_size\r\n"


@pytest.fixture
def coded(app, world):
    """The world with official codes on its schools and a Danish-only indicator."""
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        for name, code in (("a1", "A1"), ("a2", "A2"), ("b1", "B1"), ("s1", "S1")):
            db.Organisation[world.ids[name]].official_code = code
        db.Indicator(key="test_dk_reading", labels={"en": "Reading", "da": "Læsning",
                                                     "nb": "Lesing", "sv": "Läsning"},
                     unit="score", direction="higher_is_better", source="Test", country="DK")
        db.Indicator(key="test_se_safety", labels={"en": "Safety", "da": "Tryghed",
                                                    "nb": "Trygghet", "sv": "Trygghet"},
                     unit="percent", direction="higher_is_better", source="Test", country="SE")
    return world


def send(client, world, content, name="values.csv", who="office_a", **form):
    data = {"file": (io.BytesIO(content if isinstance(content, bytes) else content.encode()),
                     name), **{k: str(v).lower() for k, v in form.items()}}
    return client.post("/api/v1/observations/import", headers=world.headers[who],
                       content_type="multipart/form-data", data=data)


def observations(app) -> dict:
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        return {(o.organisation.official_code, o.indicator.key, o.period):
                (o.value, o.group_size, o.confidential, o.version)
                for o in db.Observation.select()}


def xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- round trips ------------------------------------------------------------------------------

def test_a_long_csv_is_imported_and_importing_it_again_changes_nothing(client, app, coded):
    before = observations(app)
    content = (LONG + "A1,test_well_being,2024/25,70.5,40\r\n"
               "A2,test_well_being,2024/25,61,38\r\n"
               "DK:A1,test_dk_reading,2024,301,40\r\n")
    first = send(client, coded, content)
    assert first.status_code == 200, first.json
    assert first.json | {} == {"filename": "values.csv", "preset": "long", "dry_run": False,
                               "rows": 3, "values": 3, "skipped": 0, "created": 3,
                               "updated": 0, "unchanged": 0}
    after = observations(app)
    assert after[("A1", "test_well_being", "2024/25")] == (70.5, 40, False, 1)
    assert after[("A1", "test_dk_reading", "2024")][:2] == (301.0, 40)
    assert len(after) == len(before) + 3

    again = send(client, coded, content)
    assert (again.json["created"], again.json["updated"], again.json["unchanged"]) == (0, 0, 3)
    assert observations(app) == after

    changed = send(client, coded, content.replace("70.5", "72.0"))
    assert (changed.json["created"], changed.json["updated"], changed.json["unchanged"]) == \
        (0, 1, 2)
    assert observations(app)[("A1", "test_well_being", "2024/25")] == (72.0, 40, False, 2)


def test_an_existing_value_is_updated_in_place(client, app, coded):
    content = LONG + "A1,test_well_being,2025/26,75,30\r\n"  # the world has 71.0 for A1
    response = send(client, coded, content)
    assert (response.json["created"], response.json["updated"]) == (0, 1)
    assert observations(app)[("A1", "test_well_being", "2025/26")] == (75.0, 30, False, 2)


def test_utf8_with_a_bom_and_semicolons_and_decimal_commas_are_read(client, app, coded):
    content = "\ufefforganisation;indicator;period;value\r\nA1;test_well_being;2023/2024;66,5\r\n"
    response = send(client, coded, content.encode("utf-8"))
    assert response.status_code == 200, response.json
    assert observations(app)[("A1", "test_well_being", "2023/24")][0] == 66.5


def test_an_xlsx_round_trip_with_numbers_and_text(client, app, coded):
    content = xlsx([["organisation", "indicator", "period", "value", "group_size"],
                    ["A1", "test_well_being", 2022, 64.25, 41],
                    ["A2", "test_well_being", "2022/23", "63,5", None]])
    response = send(client, coded, content, name="values.xlsx")
    assert response.status_code == 200, response.json
    assert response.json["created"] == 2
    stored = observations(app)
    assert stored[("A1", "test_well_being", "2022")][:2] == (64.25, 41)
    assert stored[("A2", "test_well_being", "2022/23")][:2] == (63.5, None)
    assert send(client, coded, content, name="values.xlsx").json["unchanged"] == 2


def test_the_danish_statistics_preset_reads_its_own_headers_and_names(client, app, coded):
    content = ("Institutionsnummer;Indikator;Skoleår;Værdi;Antal elever\r\n"
               "A1;Elevfravær;2023/2024;6,1;212\r\n"
               "A2;Elevfravær;2023/2024;..;190\r\n").encode()
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        db.Indicator(key="absence", labels={"en": "Absence", "da": "Fravær", "nb": "Fravær",
                                            "sv": "Frånvaro"}, unit="percent",
                     direction="lower_is_better", source="Test")
    response = send(client, coded, content, preset="dk_statistics")
    assert response.status_code == 200, response.json
    assert (response.json["created"], response.json["skipped"]) == (1, 1)
    assert observations(app)[("A1", "absence", "2023/24")][:2] == (6.1, 212)


def test_the_wide_preset_takes_one_column_per_school_year(client, app, coded):
    content = ("Organisasjonsnummer;Skole;Indikator;2021-22;2022-23;2023-24\r\n"
               "A1;Skole A1;test_well_being;71,2;*;73,0\r\n")
    response = send(client, coded, content, preset="no_skoleporten", who="admin")
    # The Norwegian preset fixes the country: the Danish school A1 is not found there.
    assert response.status_code == 422
    content = content.replace("Organisasjonsnummer", "Organisation").replace(
        "Indikator", "Indicator").replace(";", ",").replace("71,2", "71.2").replace(
        "73,0", "73.0").replace("*", "")
    response = send(client, coded, content, preset="wide")
    assert response.status_code == 200, response.json
    assert (response.json["created"], response.json["skipped"]) == (2, 1)
    stored = observations(app)
    assert stored[("A1", "test_well_being", "2021/22")][0] == 71.2
    assert stored[("A1", "test_well_being", "2023/24")][0] == 73.0


def test_a_dry_run_checks_everything_and_writes_nothing(client, app, coded):
    before = observations(app)
    response = send(client, coded, LONG + "A1,test_well_being,2020,50,10\r\n", dry_run=True)
    assert response.status_code == 200
    assert response.json["dry_run"] is True and response.json["values"] == 1
    assert observations(app) == before


# --- bad input: a report by row and column, nothing written ---------------------------------

BAD_ROWS = [
    ("unknown school", "ZZ9,test_well_being,2024/25,70,30", "organisation"),
    ("unknown indicator", "A1,no_such_indicator,2024/25,70,30", "indicator"),
    ("indicator of another country", "A1,test_se_safety,2024,80,30", "indicator"),
    ("wrong period", "A1,test_well_being,2024/26,70,30", "period"),
    ("period in words", "A1,test_well_being,spring,70,30", "period"),
    ("text in the value", "A1,test_well_being,2024/25,seventy,30", "value"),
    ("percentage above 100", "A1,test_well_being,2024/25,170,30", "value"),
    ("text in the group size", "A1,test_well_being,2024/25,70,many", "group_size"),
    ("missing value", "A1,test_well_being,2024/25,,30", "value"),
    ("formula with =", "A1,test_well_being,2024/25,=1+69,30", "value"),
    ("formula with +", "A1,test_well_being,2024/25,+SUM(A1),30", "value"),
    ("formula with -", "A1,test_well_being,2024/25,-A1,30", "value"),
    ("formula with @", "@SUM(1),test_well_being,2024/25,70,30", "organisation"),
]


@pytest.mark.parametrize("line,column", [(line, column) for _n, line, column in BAD_ROWS],
                         ids=[name for name, _l, _c in BAD_ROWS])
def test_a_bad_row_is_reported_by_row_and_column_and_nothing_is_written(
        client, app, coded, line, column):
    before = observations(app)
    content = LONG + "A2,test_well_being,2019,50,10\r\n" + line + "\r\n"
    response = send(client, coded, content)
    assert response.status_code == 422, response.json
    body = response.json
    assert body["message"] == "Nothing was imported: correct the rows listed and try again."
    assert list(body["errors"]["rows"]) == ["3"]
    assert list(body["errors"]["rows"]["3"]) == [column]
    assert observations(app) == before


def test_row_errors_come_in_the_readers_language(client, coded):
    content = LONG + "A1,test_well_being,2024/25,syv,30\r\n"
    headers = {**coded.headers["office_a"], "Accept-Language": "da"}
    response = client.post("/api/v1/observations/import?lang=da", headers=headers,
                           content_type="multipart/form-data",
                           data={"file": (io.BytesIO(content.encode()), "v.csv")})
    message = response.json["errors"]["rows"]["2"]["value"][0]
    assert message != "Not a number. Write a number such as 12.5 or 12,5."
    assert "tal" in message


def test_duplicate_rows_in_the_file_are_errors(client, app, coded):
    before = observations(app)
    content = (LONG + "A1,test_well_being,2024/25,70,30\r\n"
               "A2,test_well_being,2024/25,70,30\r\n"
               "A1,test_well_being,2024/2025,71,30\r\n")
    response = send(client, coded, content)
    assert response.status_code == 422
    assert response.json["errors"]["rows"] == {"4": {"": [
        "The same organisation, indicator and period as row 2."]}}
    assert observations(app) == before


@pytest.mark.parametrize("content,expected", [
    ("organisation,indicator,period,value\r\nA1,test_well_being,2024,5\xe6\r\n"
     .encode("cp1252"), "Windows-1252"),
    ("organisation,indicator,period,value\r\nA1,test_well_being,2024,5\r\n"
     .encode("utf-16"), "UTF-16"),
    (b"", "empty"),
    (b"PK\x03\x04 not really a workbook", "not an XLSX"),
], ids=["windows-1252", "utf-16", "empty", "broken-xlsx"])
def test_files_in_another_encoding_or_broken_are_refused_with_the_reason(
        client, app, coded, content, expected):
    before = observations(app)
    response = send(client, coded, content)
    assert response.status_code == 422
    assert expected in response.json["errors"]["file"][0]
    assert observations(app) == before


def test_a_wrong_delimiter_is_named(client, coded):
    content = "organisation,indicator,period,value\r\nA1,test_well_being,2024,5\r\n"
    response = send(client, coded, content, preset="dk_statistics")
    assert response.status_code == 422
    assert "separated by “,”, not by “;”" in response.json["errors"]["file"][0]


def test_a_formula_in_an_xlsx_cell_is_refused(client, app, coded):
    before = observations(app)
    content = xlsx([["organisation", "indicator", "period", "value"],
                    ["A1", "test_well_being", "2024/25", "=40+30"]])
    response = send(client, coded, content, name="values.xlsx")
    assert response.status_code == 422
    assert "Formulas" in response.json["errors"]["rows"]["2"]["value"][0]
    assert observations(app) == before


@pytest.mark.parametrize("header,cell,what", [
    ("value", "010190-1234", "Danish CPR"),
    ("note", "19811218-9876", "personnummer"),
    ("note", "811218-9876", "personnummer"),  # not a CPR date, but a valid personnummer
    ("note", "01010112345", None),  # not a valid fødselsnummer (control digits)
    ("note", "15076500565", "fødselsnummer"),
    ("CPR-nr", "x", "CPR-nr"),
    ("Personnummer", "x", "Personnummer"),
    ("Fødselsnummer", "x", "Fødselsnummer"),
], ids=["cpr", "personnummer-12", "ten-digits", "eleven-digits-invalid", "fodselsnummer",
        "cpr-column", "personnummer-column", "fodselsnummer-column"])
def test_files_with_pupil_level_personal_data_are_refused(client, app, coded, header, cell,
                                                          what):
    before = observations(app)
    columns = "organisation,indicator,period,value" + ("" if header == "value" else f",{header}")
    row = f"A1,test_well_being,2024/25,{cell if header == 'value' else '70'}" + (
        "" if header == "value" else f",{cell}")
    response = send(client, coded, f"{columns}\r\n{row}\r\n")
    if what is None:
        assert response.status_code == 200, response.json
        return
    assert response.status_code == 422
    reason = response.json["errors"]["file"][0]
    assert what in reason
    assert cell not in response.text  # never echoed back
    assert observations(app) == before


# --- access and confidentiality ---------------------------------------------------------------

def test_rows_beyond_the_importers_reach_are_row_errors(client, app, coded):
    before = observations(app)
    content = LONG + "A1,test_well_being,2024/25,70,30\r\nB1,test_well_being,2024/25,70,30\r\n"
    response = send(client, coded, content)
    assert response.status_code == 422
    assert response.json["errors"]["rows"] == {"3": {"organisation": [
        "No school or organisation you may import figures for has this code."]}}
    assert observations(app) == before
    assert send(client, coded, content, who="admin").status_code == 200


@pytest.mark.parametrize("who,status", [("leader_a1", 403), ("board_a1", 403),
                                        ("officer", 403), ("nobody", 403), ("anonymous", 401)])
def test_only_those_who_manage_indicators_may_import(client, app, coded, who, status):
    before = observations(app)
    response = send(client, coded, LONG + "A1,test_well_being,2024/25,70,30\r\n", who=who)
    assert response.status_code == status
    assert observations(app) == before


def test_confidential_values_are_imported_and_stay_out_of_reach(client, app, coded):
    content = ("organisation,indicator,period,value,confidential\r\n"
               "A1,test_well_being,2024/25,12.5,true\r\n"
               "A1,test_national_test,2024/25,44.5,false\r\n")
    assert send(client, coded, content).status_code == 200
    stored = observations(app)
    assert stored[("A1", "test_well_being", "2024/25")][2] is True
    board = client.get("/api/v1/observations?period=2024/25",
                       headers=coded.headers["board_a1"]).json
    assert board["items"] == []  # one confidential row, one of a confidential indicator
    office = client.get("/api/v1/observations?period=2024/25",
                        headers=coded.headers["office_a"]).json
    assert {item["value"] for item in office["items"]} == {12.5, 44.5}
    # Without the column, re-importing keeps the value's confidentiality as it was.
    again = send(client, coded, LONG + "A1,test_well_being,2024/25,12.5,\r\n")
    assert again.json["unchanged"] == 1
    assert observations(app)[("A1", "test_well_being", "2024/25")][2] is True


def test_an_import_is_one_audit_entry_not_one_per_row(client, app, coded):
    rows = "".join(f"A1,test_well_being,{year},{50 + year % 10},30\r\n"
                   for year in range(2000, 2020))
    assert send(client, coded, LONG + rows).json["created"] == 20
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        entries = list(db.AuditEntry.select(lambda e: e.entity == "Observation"
                                            and e.action != "create"))
        created = db.AuditEntry.select(lambda e: e.entity == "Observation"
                                       and e.action == "create" and e.channel == "api").count()
    assert created == 0
    assert [(e.action, e.channel, e.actor.id) for e in entries] == [
        ("import", "api", coded.office_a)]
    assert entries[0].changes["import"]["created"] == 20
    assert "values.csv" in entries[0].summary


def test_an_xlsx_with_years_as_columns_and_the_presets_list(client, app, coded):
    content = xlsx([["Organisation", "School", "Indicator", "2021/22", "2022/23", 2024],
                    ["A1", "Skole A1", "test_well_being", 70, "..", 71.5],
                    ["A2", "Skole A2", "test_well_being", None, 60.25, 62]])
    response = send(client, coded, content, name="wide.xlsx", preset="wide")
    assert response.status_code == 200, response.json
    assert (response.json["rows"], response.json["created"], response.json["skipped"]) == \
        (2, 4, 2)
    assert observations(app)[("A1", "test_well_being", "2024")][0] == 71.5
    assert send(client, coded, content, name="wide.xlsx", preset="wide").json[
        "unchanged"] == 4
    listed = client.get("/api/v1/observations/import/presets?lang=sv").json
    assert listed[0]["key"] == "long"
    assert listed[0]["name"] == "Nordialogs långa format (ett värde per rad)"


def test_every_repeat_of_a_row_names_the_first(client, app, coded):
    content = LONG + "".join(f"A1,test_well_being,2024/25,{70 + n},30\r\n" for n in range(4))
    response = send(client, coded, content)
    assert response.status_code == 422
    assert response.json["errors_total"] == 3
    assert response.json["errors"]["rows"] == {
        str(row): {"": ["The same organisation, indicator and period as row 2."]}
        for row in (3, 4, 5)}


def test_a_row_of_cells_already_checked_is_still_checked_whole(client, app, coded):
    """The importer remembers the cells that passed (codes, keys, periods) to check long files
    quickly; a later row that reuses them in a wrong combination is still an error."""
    before = observations(app)
    content = (LONG + "A1,test_well_being,2023,50,10\r\n"
               "A1,test_dk_reading,2023,300,10\r\n"
               "A1,test_well_being,2024,150,10\r\n"      # row 4: a percentage over 100
               "A1,test_se_safety,2024,50,10\r\n"        # row 5: another country's indicator
               "A1,test_dk_reading,2024,=1+2,10\r\n"     # row 6: a formula
               "A1,test_dk_reading,2025/26,300,x\r\n"    # row 7: no group size
               "A1,test_dk_reading,2026/28,300,10\r\n")  # row 8: no period
    response = send(client, coded, content)
    assert response.status_code == 422, response.json
    rows = response.json["errors"]["rows"]
    assert {row: list(columns) for row, columns in rows.items()} == {
        "4": ["value"], "5": ["indicator"], "6": ["value"], "7": ["group_size"],
        "8": ["period"]}
    assert observations(app) == before
    refused = send(client, coded, LONG + "A1,test_dk_reading,2023,300,10\r\n"
                   "A1,test_dk_reading,2024,0101901234,10\r\n")
    assert refused.status_code == 422
    assert "CPR" in refused.json["errors"]["file"][0]

"""Benchmark of the observation import: rows per second and peak memory.

    .venv/bin/python bench/import_bench.py [--rows 1000000] [--xlsx-rows 100000]

Builds a throwaway database (SQLite in a temporary directory; PostgreSQL too when
NORDIALOG_BENCH_POSTGRES_URL names a server whose role may create databases: a database
``nordialog_bench`` is created next to it and dropped afterwards), loads the seed indicators and
500 Danish schools, writes a long-format CSV of N rows (and an XLSX of fewer), and imports each
file twice: the first run creates every observation, the second finds them all unchanged.
Prints rows per second and the process's peak memory (resident set, from getrusage) before and
after each run. Target: at least 20,000 rows per second within bounded memory.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCHOOLS = 500
INDICATORS = ("absence", "dk_national_test_reading", "dk_national_test_mathematics",
              "dk_well_being_social", "dk_lofteevne", "dk_exam_grade_average",
              "dk_transition_youth_education", "dk_daycare_language_assessment")


def periods():
    for year in range(1990, 2100):
        yield str(year)
        yield f"{year}/{(year + 1) % 100:02d}"
        yield f"{year}H1"
        yield f"{year}H2"


def rows(count: int, skip: int = 0):
    """Long-format rows: every school, indicator and period, as many as asked for (after the
    first ``skip``, so the XLSX file holds other observations than the CSV)."""
    def all_rows():
        for period in periods():
            for indicator in INDICATORS:
                for school in range(1, SCHOOLS + 1):
                    value = (school * 7 + len(period) * 3 + len(indicator)) % 97 + 0.5
                    yield (f"BENCH-{school:04d}", indicator, period, value, 20 + school % 30)
    return islice(all_rows(), skip, skip + count)


def write_csv(path: Path, count: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["organisation", "indicator", "period", "value", "group_size"])
        writer.writerows(rows(count))


def write_xlsx(path: Path, count: int, skip: int) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("values")
    sheet.append(["organisation", "indicator", "period", "value", "group_size"])
    for row in rows(count, skip):
        sheet.append(list(row))
    workbook.save(path)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def prepare(url: str):
    from pony.orm import commit, db_session

    from app import create_app
    from app.db import DatabaseUrl
    from app.migrate import upgrade
    from app.seeding.programmes import load_programmes

    upgrade(DatabaseUrl.parse(url), ROOT / "migrations")
    app = create_app({"NORDIALOG_ENV": "test", "SECRET_KEY": "bench", "DATABASE_URL": url})
    database = app.extensions["nordialog.db"]
    with app.app_context(), db_session:
        load_programmes(ROOT / "seed")
        owner = database.Organisation(path="/", kind="school_owner", country="DK",
                                      name="Benchmark Kommune", time_zone="Europe/Copenhagen")
        commit()
        owner.path = f"/{owner.id}/"
        schools = [database.Organisation(parent=owner, path=owner.path, kind="school",
                                         country="DK", name=f"Skole {n}",
                                         official_code=f"BENCH-{n:04d}",
                                         time_zone="Europe/Copenhagen")
                   for n in range(1, SCHOOLS + 1)]
        commit()
        for school in schools:
            school.path = f"{owner.path}{school.id}/"
        commit()
    return app


def run(app, path: Path, label: str) -> None:
    from pony.orm import db_session

    from app.accounts.audit import audit_context
    from app.indicators.importing import import_observations
    from app.indicators.presets import get_preset
    from app.indicators.reading import Table

    with app.app_context(), app.test_request_context(), audit_context(None, "cli"), \
            db_session:
        before = peak_mb()
        table = Table(lambda: path.open("rb"), path.name)
        started, cpu = time.perf_counter(), time.process_time()
        report = import_observations(None, table, get_preset("long"))
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    # Wall-clock rate, and the rate per CPU second of this process (the database server's
    # work not counted), which a busy shared machine disturbs less.
    print(f"  {label:<26} {report.rows:>9} rows in {elapsed:6.1f} s = "
          f"{report.rows / elapsed:>8,.0f} rows/s ({report.rows / cpu:>8,.0f} per CPU s); "
          f"created {report.created}, unchanged {report.unchanged}; peak RSS "
          f"{peak_mb():.0f} MB (before {before:.0f} MB)")


def bench_engine(name: str, url: str, csv_path: Path, xlsx_path: Path) -> None:
    print(f"{name}:")
    app = prepare(url)
    for path, kind in ((csv_path, "CSV"), (xlsx_path, "XLSX")):
        run(app, path, f"{kind}, first import")
        run(app, path, f"{kind}, same file again")
    app.extensions["nordialog.db"].disconnect()


def postgres_database(admin_url: str, create: bool) -> str:
    import psycopg2

    connection = psycopg2.connect(admin_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute('DROP DATABASE IF EXISTS "nordialog_bench" WITH (FORCE)')
        if create:
            cursor.execute('CREATE DATABASE "nordialog_bench"')
    connection.close()
    return admin_url.rpartition("/")[0] + "/nordialog_bench"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="CSV rows")
    parser.add_argument("--xlsx-rows", type=int, default=100_000, help="XLSX rows")
    args = parser.parse_args()
    print(f"Load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        tmp_dir = Path(tmp)
        csv_path, xlsx_path = tmp_dir / "observations.csv", tmp_dir / "observations.xlsx"
        write_csv(csv_path, args.rows)
        write_xlsx(xlsx_path, args.xlsx_rows, args.rows)
        print(f"Files: CSV {args.rows} rows ({csv_path.stat().st_size / 1e6:.0f} MB), "
              f"XLSX {args.xlsx_rows} rows ({xlsx_path.stat().st_size / 1e6:.1f} MB); "
              f"peak RSS after writing them {peak_mb():.0f} MB")
        bench_engine("SQLite", f"sqlite:///{tmp_dir / 'bench.sqlite3'}", csv_path, xlsx_path)
        admin = os.environ.get("NORDIALOG_BENCH_POSTGRES_URL")
        if admin:
            try:
                bench_engine("PostgreSQL", postgres_database(admin, True), csv_path, xlsx_path)
            finally:
                postgres_database(admin, False)
        else:
            print("PostgreSQL: skipped (set NORDIALOG_BENCH_POSTGRES_URL to include it)")


if __name__ == "__main__":
    main()

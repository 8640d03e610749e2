"""Benchmark: an owner's summary for 50 schools (HTML and PDF) and a cached and an uncached chart.

Builds a synthetic Danish owner with 50 schools in a temporary SQLite database (one talk per
school with themes, three commitments and follow-ups each, five school years of the
programme's indicators), then prints medians. Targets (issue 6): summary HTML within 2 s,
PDF within 4 s, a cached chart within 20 ms.

    .venv/bin/python bench/reports_bench.py [--schools 50] [--runs 5]
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pony.orm import commit, db_session  # noqa: E402

from app import create_app  # noqa: E402
from app.db import DatabaseUrl  # noqa: E402
from app.migrate import upgrade  # noqa: E402

TARGETS = {"summary HTML": 2.0, "summary PDF": 4.0, "cached chart": 0.020}


def build(app, schools: int) -> tuple[int, int]:
    from app.accounts.services import assign_role, create_user
    from app.commitments.services import add_follow_up, record_commitment
    from app.engagements.services import start_engagement
    from app.meetings.services import mark_held, plan_meeting, write_minutes
    from app.organisations.services import create_organisation
    from app.seeding.programmes import load_programmes

    rng = random.Random(6)
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        load_programmes(ROOT / "seed")
        programme = db.Programme.get(key="dk_skoleudviklingssamtale")
        themes = list(db.Theme.select(lambda t: t.key is not None))[:8]
        indicators = [link.indicator for link in programme.indicators]
        owner = create_organisation(name="Benchby Kommune", kind="school_owner", country="DK")
        periods = ["2021/22", "2022/23", "2023/24", "2024/25", "2025/26"]
        for number in range(1, schools + 1):
            school = create_organisation(name=f"Benchby Skole {number:02d}", kind="school",
                                         country="DK", parent=owner)
            engagement = start_engagement(programme, school, period="2025/26",
                                          starts_on=date(2025, 8, 1))
            meeting = plan_meeting(engagement, meeting_type="development_talk",
                                   starts_at=datetime(2026, 4, 1, 7) + timedelta(days=number))
            mark_held(meeting, held_at=meeting.starts_at)
            for item in meeting.agenda_items:
                write_minutes(item, f"Referat for punkt {item.position} på skole {number}.")
            for theme in rng.sample(themes, 2):
                db.MeetingTheme(meeting=meeting, theme=theme, party="school")
            for index in range(3):
                commitment = record_commitment(
                    engagement, meeting=meeting, title=f"Aftale {index + 1} for skole {number}",
                    theme=rng.choice(themes), responsible_organisation=school,
                    due_date=date(2026, 6, 30) + timedelta(days=rng.randint(-200, 200)),
                    follow_up_interval_days=60, agreed_on=date(2025, 9, 1))
                for month in range(rng.randint(0, 3)):
                    add_follow_up(commitment, occurred_on=date(2025, 10 + month, 1),
                                  narrative="Indsatsen er i gang.")
            for indicator in indicators:
                base = rng.uniform(40, 80)
                for step, period in enumerate(periods):
                    db.Observation(organisation=school, indicator=indicator, period=period,
                                   value=base + step * rng.uniform(-2, 2),
                                   group_size=rng.choice([4, 30, 40, 60]))
        admin = create_user(email="bench@example.test", name="Bench", password="x" * 12,
                            language="da")
        assign_role(admin, "administrator", None)
        commit()
        return owner.id, admin.id


def timed(function, runs: int) -> tuple[float, float, list[float]]:
    """Median wall-clock and median CPU time of this process (the machine may be shared: the
    CPU time says what the work costs when the process has a core to itself)."""
    times, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        function()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(times), statistics.median(cpu), times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite3"
        upgrade(DatabaseUrl.parse(url), ROOT / "migrations")
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TESTING": True})
        logging.getLogger().setLevel(logging.WARNING)
        started = time.perf_counter()
        owner_id, admin_id = build(app, args.schools)
        print(f"built {args.schools} schools in {time.perf_counter() - started:.1f} s")
        run(app, owner_id, admin_id, args.runs)


def run(app, owner_id: int, admin_id: int, runs: int) -> None:
    from flask import g

    from app.accounts.access import principal_for
    from app.charts.service import cache, draw
    from app.reports.owner_summary import owner_summary
    from app.reports.render import produce

    results = {}
    with app.test_request_context("/"), db_session:
        db = app.extensions["nordialog.db"]
        g.principal = principal_for(db.User[admin_id])
        owner = db.Organisation[owner_id]

        def summary(fmt):
            return lambda: produce(lambda: owner_summary(g.principal, owner), fmt, "da")

        first = time.perf_counter()
        html = summary("html")()
        print(f"first summary HTML (every chart drawn): {time.perf_counter() - first:.2f} s, "
              f"{len(html.content) // 1024} KiB")
        results["summary HTML"] = timed(summary("html"), runs)
        results["summary PDF"] = timed(summary("pdf"), max(3, runs // 2))
        pdf = summary("pdf")()
        print(f"summary PDF: {len(pdf.content) // 1024} KiB")
        spec = {"title": "Læsning", "periods": ["2022/23", "2023/24", "2024/25"],
                "series": [{"label": "Skole", "values": [70.5, 71.25, 73.0]},
                           {"label": "Kommune", "values": [68.0, 69.0, 70.0]},
                           {"label": "Danmark", "values": [66.0, 66.5, 67.0]}],
                "ylabel": "Procent", "percent": True, "decimals": 1}
        counter = iter(range(10**6))

        def uncached():
            draw("trend", {**spec, "title": f"Læsning {next(counter)}"}, "svg", "da")

        results["uncached chart"] = timed(uncached, runs)
        draw("trend", spec, "svg", "da")
        results["cached chart"] = timed(lambda: draw("trend", spec, "svg", "da"), runs * 20)
        print(f"chart cache: {cache().hits} hits, {cache().misses} misses")
    print()
    print(f"{'measure':<18} {'median':>10} {'CPU':>10} {'target':>8}  runs")
    for name, (median, cpu, times) in results.items():
        target = TARGETS.get(name)
        verdict = "" if target is None else ("ok" if median <= target else "OVER")
        limit = "" if target is None else (f"{target * 1000:.0f} ms" if target < 1
                                           else f"{target:.0f} s")
        print(f"{name:<18} {_shown(median):>10} {_shown(cpu):>10} {limit:>8}  {len(times)}"
              f" {verdict}")
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} CPUs")


def _shown(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms" if seconds < 1 else f"{seconds:.2f} s"


if __name__ == "__main__":
    main()

"""The benchmark suite, one command per engine:

    python bench/run.py --engine sqlite --scale full
    python bench/run.py --engine postgresql --scale full --postgres-url postgresql://u:p@host/db

It builds the datasets it needs once (bench/datasets.py), then measures: the hot read paths
against their hand-written SQL floor and the pages, at the scale asked for and at a tenth of
it (flat growth); follow-up writes through gunicorn with 16 concurrent clients; a worker's
memory serving full-size lists and exports; the main pages on the demo data. It prints the
figures and writes them into bench/RESULTS.md (one section per engine, replaced on each run).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import datasets, reads, report, subjects, writes  # noqa: E402

TENTH = {"full": "tenth"}


def app_for(dataset):
    from app import create_app

    return create_app({"DATABASE_URL": dataset.url, "SECRET_KEY": "bench",
                       "WTF_CSRF_ENABLED": False, "NORDIALOG_ENV": "production"})


def measure_reads(dataset, runs: int, peer_of: int | None = None) -> dict:
    """The paths at ``dataset``; with ``peer_of`` (a number of schools) also the owner's paths
    for the owner of about that size, so growth compares owners of the same size."""
    app = app_for(dataset)
    who = subjects.prepare(app)
    print(f"Reads on {dataset.engine}, {dataset.label} ({runs} runs each; the owner has "
          f"{who.owner_schools} schools):", flush=True)
    results = reads.run(app, dataset, who, runs, subjects.PASSWORD)
    found = {"dataset": dataset, "results": results, "subjects": who}
    if peer_of is not None:
        peer = subjects.prepare(app, owner_schools=peer_of)
        print(f"  ... and for an owner of the smaller dataset's size ({peer.owner_schools} "
              "schools):", flush=True)
        found["peer"] = reads.run(app, dataset, peer, runs, subjects.PASSWORD, reader="owner")
        found["peer_subjects"] = peer
    app.extensions["nordialog.db"].disconnect()
    return found


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), required=True)
    parser.add_argument("--scale", default="full",
                        help="full, tenth, demo or a number of schools (default: full)")
    parser.add_argument("--runs", type=int, default=30, help="timed runs per path")
    parser.add_argument("--postgres-url", default=os.environ.get(
        "NORDIALOG_BENCH_POSTGRES_URL", os.environ.get("NORDIALOG_TEST_POSTGRES_URL")),
        help="a PostgreSQL URL whose role may create databases")
    parser.add_argument("--parts", default="reads,writes,memory,pages",
                        help="which parts to run (comma-separated)")
    parser.add_argument("--write-seconds", type=float, default=20.0)
    parser.add_argument("--worker-class", default="gthread", choices=("sync", "gthread"),
                        help="gunicorn worker class for writes and memory (gthread: 4 threads)")
    parser.add_argument("--rebuild", action="store_true", help="build the datasets again")
    parser.add_argument("--no-results", action="store_true", help="do not touch RESULTS.md")
    args = parser.parse_args(argv)
    parts = set(args.parts.split(","))
    os.environ.setdefault("NORDIALOG_ENV", "production")
    os.environ.setdefault("SECRET_KEY", "bench")

    figures: dict = {"engine": args.engine, "scale": args.scale, "runs": args.runs,
                     "started": datetime.now(UTC), "machine": machine(), "builds": {},
                     "load_start": os.getloadavg()}
    # The pages alone need only the demo: the large dataset is built for the other parts.
    main_set = None
    if parts & {"reads", "writes", "memory"}:
        main_set = datasets.prepare(args.engine, args.scale, args.postgres_url, args.rebuild)
        figures["builds"][args.scale] = main_set.build_seconds
    if "reads" in parts:
        # The smaller dataset first: its owner's size picks the peer owner at full size.
        smaller = TENTH.get(args.scale)
        peer_of = None
        if smaller:
            small_set = datasets.prepare(args.engine, smaller, args.postgres_url, args.rebuild)
            figures["builds"][smaller] = small_set.build_seconds
            figures["reads_small"] = measure_reads(small_set, args.runs)
            peer_of = figures["reads_small"]["subjects"].owner_schools
        figures["reads"] = measure_reads(main_set, args.runs, peer_of)
    if "writes" in parts or "memory" in parts:
        app = app_for(main_set)
        who = subjects.prepare(app)
        app.extensions["nordialog.db"].disconnect()
        figures["server"] = writes.run(main_set, who, seconds=args.write_seconds,
                                       do_writes="writes" in parts,
                                       do_memory="memory" in parts,
                                       worker_class=args.worker_class)
    if "pages" in parts:
        demo = datasets.prepare(args.engine, "demo", args.postgres_url, args.rebuild)
        figures["builds"]["demo"] = demo.build_seconds
        figures["pages"] = reads.demo_pages(app_for(demo), args.runs)
    figures["dataset"] = main_set
    figures["load"] = (figures["load_start"], os.getloadavg())
    text = report.render(figures)
    print(text)
    if not args.no_results:
        if main_set is None:  # a pages-only run replaces only its engine's page table
            report.write_pages(args.engine, figures)
        else:
            report.write(args.engine, text)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (f"{platform.node()}: {os.cpu_count()} CPU ({cpu}){memory}, "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}")


if __name__ == "__main__":
    main()

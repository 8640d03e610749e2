"""The benchmark's databases: built once per engine and scale, then reused.

Scales: ``demo`` (the demo owners, as ``flask demo`` loads them), ``tenth`` (815 schools),
``full`` (8,150 schools), or a number of schools; synthetic scales have 10 school years and
seed 1. SQLite files live in ``bench/data/`` (or ``$NORDIALOG_BENCH_DIR``); PostgreSQL
databases are ``nordialog_bench_<scale>`` beside the admin URL's database.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("NORDIALOG_BENCH_DIR", ROOT / "bench" / "data"))
SCALES = {"demo": 0, "tenth": 815, "full": 8150}
YEARS = 10
SEED = 1


@dataclass
class Dataset:
    engine: str
    scale: str
    url: str
    schools: int
    build_seconds: float | None = None  # when built by this run

    @property
    def label(self) -> str:
        if self.scale == "demo":
            return "demo data (flask demo)"
        return f"{self.scale}: {self.schools} schools x {YEARS} school years, seed {SEED}"


def _schools(scale: str) -> int:
    return SCALES[scale] if scale in SCALES else int(scale)


def _flask(url: str, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "FLASK_APP": "app.wsgi"}
    subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=env, check=True)


def _postgres_url(admin_url: str, name: str, fresh: bool) -> str:
    import psycopg2

    connection = psycopg2.connect(admin_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        exists = cursor.fetchone() is not None
        if fresh or not exists:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    base = admin_url.rpartition("/")[0]
    return f"{base}/{name}", (fresh or not exists)


def prepare(engine: str, scale: str, admin_url: str | None, rebuild: bool = False) -> Dataset:
    """The dataset's database, built (migrated, seeded) if it is not there yet."""
    schools = _schools(scale)
    # Checkouts sharing one PostgreSQL server (worktrees side by side) must not build into,
    # or migrate, each other's datasets: the name carries a short hash of the checkout's path.
    name = f"nordialog_bench_{scale}"
    if engine == "postgresql":
        name += "_" + hashlib.sha1(str(ROOT).encode()).hexdigest()[:6]
    if engine == "sqlite":
        DATA.mkdir(parents=True, exist_ok=True)
        path = DATA / f"{name}.sqlite3"
        build = rebuild or not path.exists()
        if build:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        if not admin_url:
            raise SystemExit("PostgreSQL needs --postgres-url (or NORDIALOG_BENCH_POSTGRES_URL)")
        url, build = _postgres_url(admin_url, name, rebuild)
    dataset = Dataset(engine, scale, url, schools)
    if not build:
        _flask(url, "db", "upgrade")  # a kept dataset gets the migrations added since
    if build:
        started = time.perf_counter()
        _flask(url, "db", "upgrade")
        if scale == "demo":
            _flask(url, "seed", "demo")
        else:
            _flask(url, "seed", "synthetic", "--schools", str(schools), "--years", str(YEARS),
                   "--seed", str(SEED))
        dataset.build_seconds = time.perf_counter() - started
    return dataset

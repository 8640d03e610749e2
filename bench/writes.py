"""Through a real server: gunicorn with 2 workers on loopback.

Writes: 16 concurrent clients add follow-ups (POST /api/v1/commitments/<id>/follow-ups) for a
fixed time; every answer is counted by status, every acknowledged follow-up is looked up in
the database afterwards, and the server's log is searched for "database is locked".

Memory: the workers' resident memory (peak, from /proc) after serving the largest lists and
exports the dataset has, as the agency (all its programme's commitments) and the owner.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 16
WORKERS = 2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, url: str, workers: int = WORKERS, worker_class: str = "sync") -> None:
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile("w+", suffix=".log", delete=False)
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench",
               "NORDIALOG_ENV": "production"}
        threads = ["--threads", "4"] if worker_class == "gthread" else []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(workers), "-k", worker_class, *threads,
             "-b", f"127.0.0.1:{self.port}", "--timeout", "120", "app.wsgi:application"],
            cwd=ROOT, env=env, stdout=self.log, stderr=self.log)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                status, _body = request(self.port, "GET", "/healthz")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not start: " + Path(self.log.name).read_text()[-2000:])

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def memory(self) -> dict[int, tuple[int, int]]:
        """Per worker: (current, peak) resident memory in MB."""
        found = {}
        for pid in self.worker_pids():
            fields = dict(line.split(":", 1) for line in
                          Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
            found[pid] = (int(fields["VmRSS"].split()[0]) // 1024,
                          int(fields["VmHWM"].split()[0]) // 1024)
        return found

    def stop(self) -> str:
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.flush()
        return Path(self.log.name).read_text()


def request(port: int, method: str, path: str, body: dict | None = None,
            headers: dict | None = None, timeout: float = 120) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        data = json.dumps(body).encode() if body is not None else None
        connection.request(method, path, body=data, headers={
            **(headers or {}), **({"Content-Type": "application/json"} if data else {})})
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def write_load(server: Server, headers: dict, commitments: list[int], seconds: float) -> dict:
    statuses: Counter = Counter()
    acknowledged: list[int] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds
    today = date.today().isoformat()

    def client(number: int) -> None:
        mine = commitments[number::CLIENTS] or commitments
        sent = 0
        while time.perf_counter() < stop_at:
            commitment = mine[sent % len(mine)]
            sent += 1
            try:
                status, body = request(server.port, "POST",
                                       f"/api/v1/commitments/{commitment}/follow-ups",
                                       {"occurred_on": today, "narrative":
                                        f"Benchmark follow-up {number}-{sent}",
                                        "progress": sent % 90}, headers)
            except OSError as err:
                with lock:
                    errors.append(repr(err))
                continue
            with lock:
                statuses[status] += 1
                if status == 201:
                    acknowledged.append(json.loads(body)["id"])
                elif len(errors) < 5:
                    errors.append(body[:300].decode(errors="replace"))

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {"statuses": dict(statuses), "acknowledged": acknowledged, "errors": errors,
            "seconds": elapsed, "per_second": len(acknowledged) / elapsed}


def present(url: str, ids: list[int]) -> int:
    """How many of these follow-ups the database holds."""
    if not ids:
        return 0
    if url.startswith("sqlite"):
        import sqlite3

        connection = sqlite3.connect(url[len("sqlite:///"):])
        cursor = connection.cursor()
        cursor.execute("CREATE TEMP TABLE wanted (id INTEGER)")
        cursor.executemany("INSERT INTO wanted VALUES (?)", [(i,) for i in ids])
        cursor.execute("SELECT COUNT(*) FROM follow_up WHERE id IN (SELECT id FROM wanted)")
    else:
        import psycopg2

        connection = psycopg2.connect(url)
        cursor = connection.cursor()
        cursor.execute("SELECT COUNT(*) FROM follow_up WHERE id = ANY(%s)", (ids,))
    found = cursor.fetchone()[0]
    connection.close()
    return found


def memory_load(server: Server, s) -> list[dict]:
    """The largest answers: full pages of the lists, deep pages, and whole exports (the
    agency's: every commitment of its programme); the peak is the highest of both workers."""
    paths = [
        ("agency", "/api/v1/commitments?per_page=200"),
        ("agency", "/api/v1/commitments?per_page=200&page=1000"),
        ("agency", "/api/v1/follow-ups?per_page=200"),
        ("agency", "/api/v1/engagements?per_page=200"),
        ("admin", "/api/v1/commitments?per_page=200&sort=-updated_at"),
        ("admin", "/api/v1/observations?per_page=200"),
        ("owner", "/api/v1/commitments/export?format=csv"),
        ("owner", "/api/v1/commitments/export?format=xlsx"),
        ("owner", "/api/v1/follow-ups/export?format=csv"),
        ("agency", "/api/v1/commitments/export?format=csv"),
    ]
    measured = []
    for who, path in paths:
        started = time.perf_counter()
        status, body = request(server.port, "GET", path, headers=s.headers[who], timeout=900)
        seconds = time.perf_counter() - started
        memory = server.memory()
        peak = max(p for _c, p in memory.values())
        measured.append({"who": who, "path": path, "status": status, "bytes": len(body),
                         "seconds": seconds, "peak_mb": peak})
        print(f"  {who:6} {path:55} {status} {len(body) / 1e6:7.1f} MB answer "
              f"{seconds:6.2f} s  worker peak RSS {peak} MB", flush=True)
    return measured


def run(dataset, s, seconds: float, do_writes: bool, do_memory: bool,
        worker_class: str = "sync") -> dict:
    server = Server(dataset.url, worker_class=worker_class)
    found: dict = {"workers": WORKERS, "clients": CLIENTS, "worker_class": worker_class}
    try:
        found["memory_idle"] = server.memory()
        if do_memory:
            print(f"Memory on {dataset.engine}, {dataset.label}:", flush=True)
            found["memory"] = memory_load(server, s)
        if do_writes:
            print(f"Writes on {dataset.engine}: {CLIENTS} clients, {WORKERS} gunicorn workers"
                  f" ({worker_class}), {seconds:.0f} s", flush=True)
            load = write_load(server, s.headers["owner"], s.open_commitments, seconds)
            load["present"] = present(dataset.url, load["acknowledged"])
            load["acknowledged"] = len(load["acknowledged"])
            found["writes"] = load
            print(f"  {load['per_second']:.0f} follow-ups/s; statuses {load['statuses']};"
                  f" acknowledged {load['acknowledged']}, present {load['present']}",
                  flush=True)
    finally:
        log = server.stop()
    found["locked"] = log.count("database is locked")
    found["tracebacks"] = log.count("Traceback")
    if found["locked"] or found["tracebacks"]:
        print(f"  server log: {found['locked']} 'database is locked',"
              f" {found['tracebacks']} tracebacks", flush=True)
    return found

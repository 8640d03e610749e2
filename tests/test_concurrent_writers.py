"""No lost updates: 50 writers at once on one commitment, over real HTTP, with If-Match.

The app is served by a real threaded HTTP server on loopback (the same one the browser tests
use) over a file database, on SQLite and on PostgreSQL. Each writer sends a change against the
version it read; the server must let exactly one change through per version and answer every
other with 412, and what is stored at the end must be the last change it acknowledged.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import requests
from pony.orm import db_session

WRITERS = 50


def _patch(base: str, headers: dict, commitment_id: int, etag: str, title: str):
    response = requests.patch(f"{base}/api/v1/commitments/{commitment_id}",
                              json={"title": title},
                              headers={**headers, "If-Match": etag}, timeout=120)
    return response.status_code, response.headers.get("ETag"), response.json()


def _stored(app, commitment_id: int):
    with app.app_context(), db_session:
        commitment = app.extensions["nordialog.db"].Commitment[commitment_id]
        return commitment.title, commitment.version


def test_fifty_writers_on_one_version_exactly_one_wins(app, world, live_server):
    headers = world.headers["admin"]
    url = f"{live_server}/api/v1/commitments/{world.c_a1}"
    read = requests.get(url, headers=headers, timeout=30)
    etag, version = read.headers["ETag"], read.json()["version"]
    start = threading.Barrier(WRITERS)

    def write(n: int):
        start.wait()
        return n, *_patch(live_server, headers, world.c_a1, etag, f"Writer {n}")

    with ThreadPoolExecutor(WRITERS) as pool:
        results = list(pool.map(write, range(WRITERS)))

    statuses = sorted(status for _n, status, _etag, _body in results)
    assert statuses == [200] + [412] * (WRITERS - 1)
    (winner,) = [(n, new_etag) for n, status, new_etag, _body in results if status == 200]
    for _n, status, current, body in results:
        if status == 412:
            assert current == winner[1]  # the loser is told the version to reload
            assert body["current_version"] == version + 1
    assert _stored(app, world.c_a1) == (f"Writer {winner[0]}", version + 1)
    print(f"\n{WRITERS} writers on version {version}: {statuses.count(200)} x 200, "
          f"{statuses.count(412)} x 412; stored: writer {winner[0]}, version {version + 1}")


def test_writers_that_reload_and_retry_lose_nothing(app, world, live_server):
    """Each writer reads, writes against what it read, and on 412 reads again, until its own
    change is in: every version is acknowledged once, and the last acknowledged write stays."""
    headers = world.headers["admin"]
    url = f"{live_server}/api/v1/commitments/{world.c_a1}"
    first = requests.get(url, headers=headers, timeout=30).json()["version"]
    start = threading.Barrier(WRITERS)
    acknowledged: list[tuple[int, str, str]] = []  # (version written against, title, new etag)
    refused: list[int] = []
    lock = threading.Lock()

    def write(n: int):
        session = requests.Session()
        session.headers.update(headers)
        start.wait()
        for _attempt in range(500):
            read = session.get(url, timeout=120)
            assert read.status_code == 200, (read.status_code, read.text)
            etag = read.headers["ETag"]
            title = f"Writer {n}"
            response = session.patch(url, json={"title": title},
                                     headers={"If-Match": etag}, timeout=120)
            with lock:
                if response.status_code == 200:
                    acknowledged.append((read.json()["version"], title,
                                         response.headers["ETag"]))
                    return
                refused.append(response.status_code)
        raise AssertionError(f"writer {n} never got its change in")

    with ThreadPoolExecutor(WRITERS) as pool:
        list(pool.map(write, range(WRITERS)))

    versions = [version for version, _title, _etag in acknowledged]
    # One success per version, each version in turn.
    assert sorted(versions) == list(range(first, first + WRITERS))
    assert set(refused) <= {412}
    last = max(acknowledged)
    assert _stored(app, world.c_a1) == (last[1], first + WRITERS)
    assert last[2].endswith(f'-v{first + WRITERS}"')
    print(f"\n{WRITERS} writers reloading on 412: {len(acknowledged)} acknowledged writes "
          f"(versions {first}..{first + WRITERS - 1}, one each), {len(refused)} x 412 on the way; "
          f"stored: {last[1]!r}, version {first + WRITERS} = the last acknowledged write")

"""``GET /healthz``: is the service up, which engine, which schema version, a few counts.

Meant for load balancers and operators: it never reveals the database URL, credentials or any
record's content.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from pony.orm import count

from app.db import db

bp = Blueprint("health", __name__)


def _schema_version() -> str | None:
    # yoyo records each applied migration with its time; the newest is the schema version.
    rows = db.select(
        'SELECT "migration_id" FROM "_yoyo_migration" ORDER BY "applied_at_utc" DESC, '
        '"migration_id" DESC LIMIT 1'
    )
    return rows[0] if rows else None


@bp.get("/healthz")
def healthz():
    url = current_app.extensions["nordialog.database_url"]
    try:
        counts = {
            "organisations": count(o for o in db.Organisation),
            "programmes": count(p for p in db.Programme),
            "engagements": count(e for e in db.Engagement),
            "meetings": count(m for m in db.Meeting),
            "commitments": count(c for c in db.Commitment),
        }
        version = _schema_version()
    except Exception:  # noqa: BLE001 - any failure to read means the database is not healthy
        current_app.logger.exception("health check could not read the database")
        body = {"status": "error", "database": {"engine": url.engine, "reachable": False}}
        return jsonify(body), 503
    return jsonify({
        "status": "ok",
        "database": {"engine": url.engine, "reachable": True, "schema_version": version},
        "counts": counts,
    })

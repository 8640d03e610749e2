"""Nordialog: school-development dialogues and the commitments that come out of them."""

from __future__ import annotations

import logging
from pathlib import Path

import click
from flask import Flask

from app.errors import StartupError

__all__ = ["create_app", "StartupError"]


def create_app(config_override: dict | None = None) -> Flask:
    """Build the app: config -> extensions -> database -> blueprints -> errors -> cli.

    Raises StartupError with a message an operator can act on when the configuration or the
    database is not usable. Under the ``flask`` command that message is printed without a
    traceback.
    """
    try:
        return _build(config_override)
    except StartupError as err:
        if click.get_current_context(silent=True) is not None:
            raise click.ClickException(err.for_operator()) from err
        raise


def _build(config_override: dict | None) -> Flask:
    from app import cli, health
    from app.accounts import views as accounts_views
    from app.accounts.auth import init_auth
    from app.api import init_api
    from app.charts.service import init_charts
    from app.config import PROJECT_ROOT, load_config
    from app.db import DatabaseUrl, init_db, open_database
    from app.errors import register_error_handlers
    from app.i18n import init_i18n
    from app.programmes.terms import init_terms
    from app.security import init_security_headers
    from app.web.formatting import init_formatting
    from app.web.history import init_history

    app = Flask(__name__, instance_path=str(PROJECT_ROOT / "instance"))
    app.config.update(load_config(Path(app.instance_path), config_override))
    logging.basicConfig(level=logging.INFO)
    logging.getLogger("yoyo").setLevel(logging.WARNING)  # one line per SQL statement otherwise

    if app.config["PROXY_FIX"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Trust exactly the configured number of proxies in front: the client's address (for
        # throttling and the audit log) and HTTPS (for Secure cookies) come from their headers.
        hops = app.config["PROXY_FIX"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    init_i18n(app)
    url = DatabaseUrl.parse(app.config["DATABASE_URL"])
    _require_current_schema(url, app.config["MIGRATIONS_DIR"])
    init_db(app, open_database(url), url)
    init_auth(app)
    init_api(app)

    app.register_blueprint(health.bp)
    app.register_blueprint(accounts_views.bp)
    init_formatting(app)
    init_history(app)
    init_terms(app)
    init_charts(app)
    for blueprint in _web_blueprints():
        app.register_blueprint(blueprint)
    register_error_handlers(app)
    init_security_headers(app)
    cli.register(app)
    return app


def _web_blueprints() -> list:
    from app import web
    from app.charts import views as charts
    from app.checks import views as checks
    from app.commitments import views as commitments
    from app.engagements import views as engagements
    from app.indicators import views as indicators
    from app.meetings import views as meetings
    from app.notify import views as notify
    from app.organisations import views as organisations
    from app.programmes import views as programmes
    from app.public import views as public
    from app.reports import views as reports
    from app.selection import views as selection

    return [web.bp, organisations.bp, programmes.bp, engagements.bp, meetings.bp,
            commitments.bp, indicators.bp, public.bp, notify.bp, checks.bp,
            selection.bp, charts.bp, reports.bp]


def _require_current_schema(url, migrations_dir: str) -> None:
    """Refuse to serve on a schema older than the code (the check also proves we can connect)."""
    from app.i18n import _l
    from app.migrate import status

    state = status(url, migrations_dir)
    if state["pending"]:
        raise StartupError(_l(
            "The database at %(database)s is at schema version %(version)s; pending "
            "migrations: %(names)s. Run `flask db upgrade` first.", database=url.redacted,
            version=state["version"] or _l("(empty)"), names=", ".join(state["pending"])))

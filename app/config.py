"""Configuration: defaults, then the environment, then an explicit override.

Only what an operator may need to change is read from the environment; everything else is a
default here. Nothing in this module touches the database.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from app.errors import StartupError
from app.i18n import _l

#: The checkout's root: migrations/, locales/ and seed/ live beside the app package.
PROJECT_ROOT = Path(__file__).resolve().parent.parent

ENVIRONMENTS = ("development", "production", "test")
SMTP_TLS_MODES = ("none", "starttls", "ssl")


def load_config(instance_path: Path, override: dict | None = None) -> dict:
    """Build the app's configuration as a plain dict.

    ``DATABASE_URL`` defaults to a SQLite file under ``instance/``. ``SECRET_KEY`` must come
    from the environment in production; elsewhere one is generated once and kept under
    ``instance/`` so sessions survive restarts.
    """
    override = dict(override or {})
    env = override.get("NORDIALOG_ENV") or os.environ.get("NORDIALOG_ENV", "development")
    if env not in ENVIRONMENTS:
        raise StartupError(_l("NORDIALOG_ENV must be one of %(choices)s, not %(value)s.",
                              choices=", ".join(ENVIRONMENTS), value=repr(env)))
    config: dict = {
        "NORDIALOG_ENV": env,
        "DATABASE_URL": os.environ.get("DATABASE_URL")
        or f"sqlite:///{instance_path / 'nordialog.sqlite3'}",
        # A request body larger than this gets 413 before any view runs.
        "MAX_CONTENT_LENGTH": int(os.environ.get("NORDIALOG_MAX_CONTENT_LENGTH", 32 * 1024 * 1024)),
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "locales"),
        "MIGRATIONS_DIR": str(PROJECT_ROOT / "migrations"),
        "SEED_DIR": str(PROJECT_ROOT / "seed"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env == "production",
        # A signed-in session ends after this long without a request (idle) and, however
        # busy, this long after signing in (absolute): ASVS 3.3.2. Checked on the server.
        "SESSION_IDLE_MINUTES": _positive("NORDIALOG_SESSION_IDLE_MINUTES", 30),
        "SESSION_MAX_HOURS": _positive("NORDIALOG_SESSION_MAX_HOURS", 12),
        # Behind a reverse proxy: how many proxies in front set X-Forwarded-For/-Proto/-Host
        # (0: none; the client's address and HTTPS are taken from the connection itself).
        "PROXY_FIX": _count("NORDIALOG_PROXY_FIX", 0),
        "JSON_SORT_KEYS": False,
        # Werkzeug's scrypt (N=2^15, r=8, p=1): salted and memory-hard. Tests lower the cost.
        "PASSWORD_HASH_METHOD": "scrypt",
        # Outgoing e-mail (app/notify/mailer.py); without a host nothing is sent.
        "SMTP_HOST": os.environ.get("NORDIALOG_SMTP_HOST", ""),
        "SMTP_PORT": _port(os.environ.get("NORDIALOG_SMTP_PORT", "25") or "25"),
        "SMTP_TLS": os.environ.get("NORDIALOG_SMTP_TLS", "none"),
        "SMTP_USER": os.environ.get("NORDIALOG_SMTP_USER", ""),
        "SMTP_PASSWORD": os.environ.get("NORDIALOG_SMTP_PASSWORD", ""),
        "MAIL_FROM": os.environ.get("NORDIALOG_MAIL_FROM", "nordialog@localhost"),
        # The address links in e-mails and calendar feeds start with.
        "PUBLIC_URL": os.environ.get("NORDIALOG_PUBLIC_URL", "http://127.0.0.1:5000"),
    }
    config.update(override)
    if config["SMTP_TLS"] not in SMTP_TLS_MODES:
        raise StartupError(_l("NORDIALOG_SMTP_TLS must be one of %(choices)s, not %(value)s.",
                              choices=", ".join(SMTP_TLS_MODES), value=repr(config["SMTP_TLS"])))
    if "@" not in str(config["MAIL_FROM"]).strip("@"):
        raise StartupError(_l("NORDIALOG_MAIL_FROM must be an e-mail address, not %(value)s.",
                              value=repr(config["MAIL_FROM"])))
    if "SECRET_KEY" not in override:
        config["SECRET_KEY"] = _secret_key(env, instance_path)
    return config


def _positive(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip() or str(default)
    if not value.isdigit() or int(value) < 1:
        raise StartupError(_l("%(name)s must be a whole number of at least 1, not %(value)s.",
                              name=name, value=repr(value)))
    return int(value)


def _count(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip() or str(default)
    if not value.isdigit() or int(value) > 5:
        raise StartupError(_l("%(name)s must be the number of proxies in front (0 to 5), not "
                              "%(value)s.", name=name, value=repr(value)))
    return int(value)


def _port(value: str) -> int:
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise StartupError(_l("NORDIALOG_SMTP_PORT must be a port number, not %(value)s.",
                              value=repr(value)))
    return int(value)


def _secret_key(env: str, instance_path: Path) -> str:
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    if env == "production":
        raise StartupError(
            _l("SECRET_KEY must be set in the environment when NORDIALOG_ENV=production.")
        )
    # Local use: generate once and keep it, so signed-in sessions survive a restart.
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key

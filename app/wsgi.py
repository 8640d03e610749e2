"""WSGI entry point for gunicorn: ``gunicorn 'app.wsgi:application'``.

A configuration or database problem stops the process with the message alone (no traceback),
so an operator reads what to fix.
"""

import sys

from app import StartupError, create_app

try:
    application = create_app()
except StartupError as err:
    sys.exit(f"nordialog: {err}")

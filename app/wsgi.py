"""WSGI entry point for gunicorn: ``gunicorn 'app.wsgi:application'``.

A configuration or database problem stops the process with the message alone (no traceback),
so an operator reads what to fix. The exit status is gunicorn's "application failed to load"
(4): gunicorn then stops altogether instead of starting new workers that fail the same way
every few seconds.
"""

import sys

from app import StartupError, create_app

APP_LOAD_ERROR = 4  # gunicorn.arbiter.Arbiter.APP_LOAD_ERROR: halts the master

try:
    application = create_app()
except StartupError as err:
    print(f"nordialog: {err.for_operator()}", file=sys.stderr, flush=True)
    sys.exit(APP_LOAD_ERROR)

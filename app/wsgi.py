"""WSGI entry point for gunicorn: ``gunicorn 'app.wsgi:application'``.

A configuration or database problem stops the process with the message alone (no traceback),
so an operator reads what to fix. The exit status is gunicorn's "application failed to load"
(4): gunicorn then stops altogether instead of starting new workers that fail the same way
every few seconds (one worker of a master reports it: see app.worker_halt).
"""

import os
import sys

from app import StartupError, create_app
from app.worker_halt import APP_LOAD_ERROR, exit_status_for_startup_failure

try:
    application = create_app()
except StartupError as err:
    print(f"nordialog: {err.for_operator()}", file=sys.stderr, flush=True)
    under_gunicorn = "gunicorn.arbiter" in sys.modules  # a worker forked by its master
    sys.exit(exit_status_for_startup_failure(os.getppid()) if under_gunicorn else APP_LOAD_ERROR)

"""Which failing gunicorn worker halts the master.

Gunicorn halts on the first worker that exits with "application failed to load" (4), and while
halting it reaps the others; a second worker exiting with 4 then raises again inside the halt,
and the operator reads a traceback instead of the message (seen in CI with two workers failing
at the same instant). So the failing workers hold an election: the first to create a marker
file named after its master exits with 4, the others with 0, which gunicorn merely logs (the
master is about to halt anyway).
"""

import os
import tempfile
from pathlib import Path

APP_LOAD_ERROR = 4  # gunicorn.arbiter.Arbiter.APP_LOAD_ERROR: halts the master
MARKER_PREFIX = "nordialog-halting-"


def _master_identity(pid: int) -> str:
    """The master's pid and, where /proc tells it, its start time: a pid reused by a later
    master is then a different name, so an old marker never silences a new server."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        started = stat.rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        started = "0"
    return f"{pid}-{started}"


def _forget_markers_of_gone_masters(folder: Path) -> None:
    for marker in folder.glob(MARKER_PREFIX + "*"):
        try:
            pid = int(marker.name[len(MARKER_PREFIX):].split("-")[0])
            os.kill(pid, 0)
        except ProcessLookupError:
            marker.unlink(missing_ok=True)
        except (ValueError, OSError):
            continue


def exit_status_for_startup_failure(master_pid: int, folder: Path | None = None) -> int:
    """APP_LOAD_ERROR for the first failing worker of this master, 0 for the rest."""
    folder = folder or Path(tempfile.gettempdir())
    _forget_markers_of_gone_masters(folder)
    marker = folder / f"{MARKER_PREFIX}{_master_identity(master_pid)}"
    try:
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        return 0
    except OSError:
        pass  # no election possible: the status that halts is what matters
    return APP_LOAD_ERROR

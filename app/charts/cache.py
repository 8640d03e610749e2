"""Charts cached by content: the same data, language and format give the same bytes.

The key is a SHA-256 over the chart's specification (its data and its already translated
labels), the language and the format, so nothing needs invalidating: changed data is a new key.
An in-process LRU answers repeats in microseconds; an optional directory (under instance/)
keeps charts across restarts and between workers.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

#: Part of every key: raised when the drawing changes for the same data (2: SVG without
#: inline CSS; 3: PNG without alpha channel), so charts kept on disk by an earlier release are
#: not served again.
DRAWING_VERSION = 3


def chart_key(kind: str, spec: dict, language: str, fmt: str) -> str:
    payload = json.dumps([DRAWING_VERSION, kind, spec, language, fmt], sort_keys=True, default=str,
                         separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


class ChartCache:
    """A thread-safe LRU of rendered charts, optionally backed by a directory."""

    def __init__(self, max_items: int = 512, directory: Path | None = None) -> None:
        self.max_items = max_items
        self.directory = Path(directory) if directory else None
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get_or_render(self, key: str, render: Callable[[], bytes]) -> bytes:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                self.hits += 1
                return found
        found = self._from_disk(key)
        if found is None:
            self.misses += 1
            found = render()
            self._to_disk(key, found)
        else:
            self.hits += 1
        with self._lock:
            self._items[key] = found
            self._items.move_to_end(key)
            while len(self._items) > self.max_items:
                self._items.popitem(last=False)
        return found

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.hits = self.misses = 0

    def _path(self, key: str) -> Path | None:
        return self.directory / key[:2] / key if self.directory else None

    def _from_disk(self, key: str) -> bytes | None:
        path = self._path(key)
        if path is None or not path.exists():
            return None
        try:
            return path.read_bytes()
        except OSError:
            return None

    def _to_disk(self, key: str, content: bytes) -> None:
        path = self._path(key)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}")
            partial.write_bytes(content)
            os.replace(partial, path)  # readers never see half a chart
        except OSError:
            pass  # the disk cache is an optimisation; the chart was still drawn

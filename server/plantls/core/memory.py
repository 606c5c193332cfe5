"""Garbage-collector settings for a process that holds many long-lived objects.

plantls keeps syntax trees, file models and indexes alive for a whole run or editor session.
Python's cyclic collector walks every tracked object on a full collection and holds the
interpreter lock meanwhile: with the default thresholds that happens often, and in the
server it pauses the handling of a keystroke for tens to hundreds of milliseconds. Most of
plantls's garbage is freed by reference counting anyway, so:

- young collections run less often (they are cheap, and the CLI gains ~40 % of a check);
- in the server, full collections run rarely on their own: the server runs one when the
  user pauses typing (:func:`collect_now`), where it costs nobody a keystroke.
"""

from __future__ import annotations

import gc
import sys

YOUNG_THRESHOLD = 20_000
"""Allocations (minus deallocations) before a young collection (Python's default is 700)."""
SERVER_THRESHOLDS = (YOUNG_THRESHOLD, 20, 100)
"""Young collections before a middle one, and middle ones before a full one (Python's: 10,
10): a full collection on its own every ~40 million allocations; the server runs them at
pauses as well."""
SWITCH_INTERVAL_S = 0.001
"""How long a thread may hold the interpreter lock while another waits for it (Python's
default is 5 ms): a keystroke's check waits less for a background check."""


def tune_for_server() -> None:
    """Collect less often and switch threads sooner (once, at start)."""
    gc.set_threshold(*SERVER_THRESHOLDS)
    sys.setswitchinterval(SWITCH_INTERVAL_S)


def collect_now() -> int:
    """A full collection (for a quiet moment); the number of objects freed."""
    return gc.collect()

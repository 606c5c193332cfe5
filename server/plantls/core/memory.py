"""Garbage-collector settings for a process that holds many long-lived objects.

plantls keeps syntax trees, file models and indexes alive for a whole run or editor session.
Python's cyclic collector walks every tracked object on a full collection and holds the
interpreter lock meanwhile: with the default thresholds that happens often and pauses the
server for tens of milliseconds, in the middle of a keystroke's check. Most of plantls's
garbage is freed by reference counting anyway, so collecting less often costs little memory.
"""

from __future__ import annotations

import gc
import sys

GC_THRESHOLDS = (20_000, 20, 50)
"""Allocations before a young collection, and young/middle collections before the next
generation's (Python's defaults are 700, 10, 10)."""


SWITCH_INTERVAL_S = 0.001
"""How long a thread may hold the interpreter lock while another waits for it (Python's
default is 5 ms): a keystroke's check waits less for a background check."""


def tune_for_server() -> None:
    """Raise the collector's thresholds and shorten thread switches (once, at start)."""
    gc.set_threshold(*GC_THRESHOLDS)
    sys.setswitchinterval(SWITCH_INTERVAL_S)


"""`paused_gc`: no cyclic garbage collection while a process imports its modules and builds its app.

Importing Hippo's modules and their libraries (NumPy, Litestar, asyncpg, dependency-injector) allocates
hundreds of thousands of long-lived objects, and the collector ran about 150 collections over them
during `hippo serve`'s start-up, about 0.1 s of its imports (measured with `gc.callbacks`, 2 cores,
loaded machine). Nothing imported then is garbage, so the collections found nothing worth their cost.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc(*, freeze: bool = False) -> Iterator[None]:
    """Disable the cyclic collector inside the block (as it was found afterwards).

    Args:
        freeze: at the end, move every object alive to the permanent generation (`gc.freeze`), so later
            collections never walk them: a server does this before it forks workers, which then also
            keep sharing those pages with the parent instead of copying them when a collection
            touches them.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if enabled:
            gc.enable()

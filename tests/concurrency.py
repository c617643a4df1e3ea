"""Calls released at the same moment from several threads, each with its own database
connection (the services, the mail worker and the webhook sender under real concurrency)."""

import threading
from collections.abc import Callable

from django.db import connection

JOIN_TIMEOUT = 120  # seconds; SQLite's busy timeout is 20 s per statement


def run_together(count: int, work: Callable[[int], object]) -> list[tuple[str, object]]:
    """Run ``work(0..count-1)`` in ``count`` threads released at once. Returns, per call,
    ("ok", result) or ("error", exception). Each thread closes its own connection."""
    barrier = threading.Barrier(count)
    results: list[tuple[str, object] | None] = [None] * count

    def target(index: int) -> None:
        try:
            barrier.wait(timeout=JOIN_TIMEOUT)
            results[index] = ("ok", work(index))
        except BaseException as exc:  # every outcome is reported to the test
            results[index] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    assert [thread.name for thread in threads if thread.is_alive()] == []
    return results


def errors(results) -> list[str]:
    return [repr(value) for kind, value in results if kind != "ok"]

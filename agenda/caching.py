"""The program's version of cached pages and remembered reads (gotc.pagecache).

Pages and values that show the program (conferences, rooms, forums, talks, speakers) depend
on ``PROGRAM``; any save of those models moves it (agenda.signals).
"""

from gotc import pagecache

PROGRAM = "program"


def program_changed() -> None:
    """What shows the program goes stale once the current transaction commits."""
    pagecache.bump(PROGRAM)

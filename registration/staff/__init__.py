"""The staff side of registration at /staff/: ``views`` and ``forms`` of the pages, ``queries``
(what they read), ``exports`` (attendee lists as header, rows and a log entry), ``downloads``
(an export as a CSV or Excel response), ``cells`` (formula-safe cells), ``charts``."""

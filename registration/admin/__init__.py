"""Admin for organizers and the desk: registrations, picks, forum fill, export and admin logs.

Every write that touches seats goes through registration.services (actions, capacity raise).
Importing the package registers every admin (Django's autodiscover imports it).
"""

from registration.admin import (
    forums,
    hosts,
    mailings,
    notices,
    outbox,
    questions,
    records,
    registrations,
)

__all__ = [
    "forums",
    "hosts",
    "mailings",
    "notices",
    "outbox",
    "questions",
    "records",
    "registrations",
]

"""The one way a service locks rows before it consumes or frees capacity.

Rows are locked in ascending id order, per model, in a fixed order of models (conference,
registration, forums), inside the caller's transaction: two services that lock the same
rows never wait for each other in a cycle. PostgreSQL takes ``SELECT ... FOR NO KEY UPDATE``
(it serialises the services without blocking inserts that merely reference the row, such as
picks and outbox rows); SQLite ignores row locks and serialises writers itself
(``transaction_mode=IMMEDIATE``).
"""

from collections.abc import Iterable, Sequence

from django.db import models, transaction


class NotInTransaction(RuntimeError):
    """A lock outside a transaction would be released at once: a programming error."""


def lock(queryset: models.QuerySet, ids: Iterable[int], *, values: Sequence[str] = ()) -> dict:
    """Lock the rows of ``queryset`` with these ids until the transaction ends and return
    them by id (rows that no longer exist are absent). With ``values``, each row is only
    those columns (a single value, or a tuple): no model instance is built."""
    connection = transaction.get_connection(queryset.db)
    if not connection.in_atomic_block:
        raise NotInTransaction("lock() must run inside transaction.atomic()")
    ids = sorted(set(ids))
    if not ids:
        return {}
    # of=("self",): only this model's rows, never a row joined by select_related (locking that
    # one here would break the model order above).
    rows = queryset.select_for_update(no_key=True, of=("self",)).filter(pk__in=ids).order_by("pk")
    if values:
        single = len(values) == 1
        return {row[0]: row[1] if single else row[1:] for row in rows.values_list("pk", *values)}
    return {row.pk: row for row in rows}


def lock_one(queryset: models.QuerySet, pk: int) -> models.Model:
    """Lock one row (see ``lock``); raises the model's DoesNotExist when it is gone."""
    row = lock(queryset, [pk]).get(pk)
    if row is None:
        raise queryset.model.DoesNotExist(f"{queryset.model.__name__} {pk} no longer exists")
    return row

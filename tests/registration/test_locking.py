"""registration.services.locking: the one way services lock rows."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from agenda.models import Forum
from registration.services.locking import NotInTransaction, lock, lock_one
from tests.factories import ForumFactory

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)
def test_lock_outside_a_transaction_is_refused(conference):
    forum = ForumFactory(conference=conference)

    with pytest.raises(NotInTransaction):
        lock(Forum.objects.all(), [forum.pk])


def test_lock_returns_the_rows_by_id_and_skips_missing_ones(conference):
    first, second = ForumFactory(conference=conference), ForumFactory(conference=conference)

    with transaction.atomic():
        locked = lock(Forum.objects.all(), [second.pk, first.pk, second.pk, 987654])

    assert locked == {first.pk: first, second.pk: second}
    assert list(locked) == sorted([first.pk, second.pk])


def test_lock_with_values_returns_plain_values(conference):
    forum = ForumFactory(conference=conference, capacity=7)

    with transaction.atomic():
        single = lock(Forum.objects.all(), [forum.pk], values=["capacity"])
        pair = lock(Forum.objects.all(), [forum.pk], values=["capacity", "slug"])

    assert single == {forum.pk: 7}
    assert pair == {forum.pk: (7, forum.slug)}


def test_lock_of_no_ids_runs_no_query(django_assert_num_queries):
    with transaction.atomic(), django_assert_num_queries(0):
        assert lock(Forum.objects.all(), []) == {}


def test_lock_one_of_a_deleted_row_raises_does_not_exist(conference):
    forum = ForumFactory(conference=conference)
    pk = forum.pk
    forum.delete()

    with transaction.atomic(), pytest.raises(Forum.DoesNotExist):
        lock_one(Forum.objects.all(), pk)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
def test_lock_takes_no_key_update_locks_in_id_order_on_this_table_only(conference):
    forums = [ForumFactory(conference=conference) for _ in range(3)]

    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        lock(Forum.objects.select_related("conference"), [f.pk for f in reversed(forums)])

    (sql,) = [q["sql"] for q in queries.captured_queries]
    assert 'FOR NO KEY UPDATE OF "agenda_forum"' in sql
    assert sql.index("ORDER BY") < sql.index("FOR NO KEY UPDATE")

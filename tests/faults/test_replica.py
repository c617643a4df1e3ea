"""The replica takes the reads that may lag, never a rule, and its failure is never an error.

The replica here is a second connection to the test database (how Django tests a
primary/replica setup): what is measured is which connection each query runs on. A real
streaming replica is exercised by the local cluster (tests/scale/test_cluster_smoke.py).
"""

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connections, router
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gotc import replica
from gotc.pagecache import forget_versions
from registration.models import Registration
from tests.faults.conftest import registration_form

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


@pytest.fixture(scope="module", autouse=True)
def _replica_alias(django_db_setup, django_db_blocker):
    """A "replica" connection to the test database, there before each test's database setup
    (which lists the aliases a test may use)."""
    connections.settings[replica.REPLICA] = dict(connections["default"].settings_dict)
    yield
    with django_db_blocker.unblock():
        connections[replica.REPLICA].close()
    del connections[replica.REPLICA]
    del connections.settings[replica.REPLICA]


def _use_replica(**changes) -> None:
    connections[replica.REPLICA].close()
    del connections[replica.REPLICA]  # built again from its settings on next use
    connections.settings[replica.REPLICA] = {**connections["default"].settings_dict, **changes}
    router.routers = [replica.ReplicaRouter()]  # Django reads DATABASE_ROUTERS once
    replica.reset()
    forget_versions()


@pytest.fixture
def with_replica():
    _use_replica()
    yield connections[replica.REPLICA]
    router.__dict__.pop("routers", None)
    replica.reset()
    forget_versions()


@pytest.fixture
def dead_replica(tmp_path):
    # A replica that cannot be reached: connecting fails at once on either database.
    if connections["default"].vendor == "sqlite":
        _use_replica(NAME=str(tmp_path / "no-such-dir" / "replica.sqlite3"))
    else:
        _use_replica(HOST="127.0.0.1", PORT="1")
    yield
    _use_replica()
    router.__dict__.pop("routers", None)
    replica.reset()


def queries_on(connection, client, url, **kwargs):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **kwargs)
    return response, [query["sql"] for query in captured.captured_queries]


def test_program_pages_and_feeds_read_on_the_replica(client, with_replica, forum):
    for name in ("agenda:agenda", "agenda:agenda-ics", "agenda:agenda-json"):
        response, on_replica = queries_on(with_replica, client, reverse(name))

        assert response.status_code == 200
        assert any("agenda_forum" in sql for sql in on_replica), name


def test_registering_never_reads_on_the_replica(client, with_replica, forum):
    with CaptureQueriesContext(with_replica) as captured:
        response = client.post(reverse("registration:register"), registration_form(forum))

    assert response.status_code == 302
    assert captured.captured_queries == []
    assert Registration.objects.filter(email="li.wei@example.org").exists()


def test_staff_dashboard_reads_registrations_on_the_replica_but_the_login_on_the_primary(
    client, with_replica, forum
):
    user = User.objects.create_user("desk", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_registration"))
    client.force_login(user)

    response, on_replica = queries_on(with_replica, client, reverse("staff:dashboard"))

    assert response.status_code == 200
    assert on_replica, "the dashboard's counts should come from the replica"
    assert not any("auth_" in sql or "django_session" in sql for sql in on_replica)


def test_a_dead_replica_costs_one_retry_on_the_primary_and_is_then_skipped(
    client, dead_replica, forum, caplog
):
    response = client.get(reverse("agenda:agenda"))

    assert response.status_code == 200
    assert forum.title in response.content.decode()
    assert "Database replica failed" in caplog.text
    assert not replica.available()

    forget_versions()  # not from the page cache: rendered again, straight on the primary
    assert client.get(reverse("agenda:forum", args=[forum.slug])).status_code == 200


def test_a_page_rendered_from_the_replica_is_cached_for_seconds_only(
    client, with_replica, forum, monkeypatch
):
    url = reverse("agenda:agenda")
    assert client.get(url).status_code == 200
    _, on_replica = queries_on(with_replica, client, url)
    assert on_replica == [], "a second visit within the seconds comes from the page cache"

    monkeypatch.setattr(replica, "REPLICA_PAGE_SECONDS", -1)  # stored already expired
    url = reverse("agenda:forum", args=[forum.slug])
    assert client.get(url).status_code == 200
    _, on_replica = queries_on(with_replica, client, url)

    assert on_replica, "an expired copy is rendered again"

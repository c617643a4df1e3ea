"""The environment reader of the settings (gotc/environment.py)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from gotc.environment import (
    addresses,
    boolean,
    database_url,
    env,
    names,
    number,
    one_of,
    rate,
    time_zone,
)


@pytest.mark.parametrize("value", [None, "", "  "], ids=["unset", "empty", "blank"])
def test_env_unset_or_blank_gives_the_default(monkeypatch, value):
    if value is None:
        monkeypatch.delenv("GOTC_TEST_VALUE", raising=False)
    else:
        monkeypatch.setenv("GOTC_TEST_VALUE", value)

    assert env("GOTC_TEST_VALUE", 7, number(int, 0)) == 7


def test_env_text_is_kept_as_given(monkeypatch):
    monkeypatch.setenv("GOTC_TEST_VALUE", " secret with spaces ")

    assert env("GOTC_TEST_VALUE", "") == " secret with spaces "


def test_env_bad_value_names_the_variable_and_what_it_must_be(monkeypatch):
    monkeypatch.setenv("GOTC_TEST_VALUE", "abc")

    with pytest.raises(ImproperlyConfigured) as error:
        env("GOTC_TEST_VALUE", 5, number(int, 1))

    assert str(error.value) == "GOTC_TEST_VALUE must be a whole number, 1 or more."


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), (" Yes ", True), ("on", True), ("TRUE", True), ("0", False), ("off", False)],
    ids=["1", "yes", "on", "true", "0", "off"],
)
def test_boolean_reads_on_and_off_words(value, expected):
    assert boolean(value) is expected


@pytest.mark.parametrize("value", ["maybe", "2", "enabled"], ids=["maybe", "2", "enabled"])
def test_boolean_refuses_other_words(value):
    with pytest.raises(ValueError, match="on or off"):
        boolean(value)


def test_names_strip_spaces_and_drop_empty_items():
    assert names(" a.example.org, b.example.org,,") == ["a.example.org", "b.example.org"]


@pytest.mark.parametrize(
    ("parser", "value", "expected"),
    [
        (number(float, 0, 60), "0.25", 0.25),
        (number(float, 0, 60), "60", 60.0),
        (number(int, 0), " 5 ", 5),
        (one_of("immediate", "worker"), "worker", "worker"),
        (time_zone, "Europe/Paris", "Europe/Paris"),
        (rate, "30/h", "30/h"),
        (rate, "5/10m", "5/10m"),
    ],
    ids=["float", "float-high-end", "int-spaces", "choice", "zone", "rate", "rate-multiple"],
)
def test_parsers_accept_good_values(parser, value, expected):
    assert parser(value) == expected


@pytest.mark.parametrize(
    ("parser", "value", "message"),
    [
        (number(float, 0, 60), "nan", "a number from 0 to 60"),
        (number(float, 0, 60), "61", "a number from 0 to 60"),
        (number(int, 0), "1.5", "a whole number, 0 or more"),
        (one_of("immediate", "worker"), "later", "one of immediate, worker"),
        (time_zone, "Nowhere/City", "a known time zone, e.g. Asia/Shanghai"),
        (rate, "30 per hour", "a rate like 30/h (<count>/<s|m|h|d>)"),
    ],
    ids=["nan", "too-high", "fraction", "choice", "zone", "rate"],
)
def test_parsers_say_what_they_expected(parser, value, message):
    with pytest.raises(ValueError) as error:
        parser(value)

    assert str(error.value) == message


def test_database_url_reads_a_single_host_like_dj_database_url():
    config = database_url("postgres://gotc:pw@db1:5433/gotc", session_attrs="read-write")

    assert (config["HOST"], config["PORT"], config["NAME"], config["USER"]) == (
        "db1",
        5433,
        "gotc",
        "gotc",
    )
    assert "target_session_attrs" not in config.get("OPTIONS", {})


def test_database_url_with_several_hosts_passes_them_all_to_libpq():
    config = database_url(
        "postgres://gotc@db1:5433,db2,[::1]:5434/gotc?target_session_attrs=any",
        session_attrs="read-write",
    )

    assert (config["HOST"], config["PORT"]) == ("db1,db2,::1", "5433,5432,5434")
    assert config["OPTIONS"]["target_session_attrs"] == "any"  # the URL's own choice wins


def test_database_url_keeps_sqlite_paths():
    assert database_url("sqlite:////var/lib/gotc/db.sqlite3", session_attrs="x")["NAME"] == (
        "/var/lib/gotc/db.sqlite3"
    )


@pytest.mark.parametrize(
    "value",
    ["nonsense", "nosuchdb://host/name", "postgres://gotc@db1:5432,db2:port/gotc"],
)
def test_database_url_refuses_what_it_cannot_read(value):
    with pytest.raises(ValueError, match="a database URL"):
        database_url(value, session_attrs="read-write")


def test_addresses_read_host_port_pairs():
    assert addresses(" 10.0.0.5:26379, sentinel-2:26380 ,[::1]:1") == [
        ("10.0.0.5", 26379),
        ("sentinel-2", 26380),
        ("::1", 1),
    ]


@pytest.mark.parametrize("value", ["sentinel-1", ":26379", "host:0", "host:port", "host:70000"])
def test_addresses_refuse_items_without_a_port(value):
    with pytest.raises(ValueError, match="host:port"):
        addresses(value)

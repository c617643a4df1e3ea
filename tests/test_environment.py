"""The environment reader of the settings (gotc/environment.py)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from gotc.environment import boolean, env, names, number, one_of, rate, time_zone


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

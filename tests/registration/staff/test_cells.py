"""registration.staff.cells: what a spreadsheet would run becomes text, and only that."""

import pytest

from registration.staff.cells import neutralise, neutralise_column, neutralise_text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+86 138", "'+86 138"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("\x07=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("ACME\x1b Corp\x08", "ACME Corp"),
        ("O'Reilly = Media", "O'Reilly = Media"),
        ("张伟", "张伟"),
        ("", ""),
        (3, 3),
        (None, None),
    ],
    ids=[
        "equals",
        "plus",
        "minus",
        "at",
        "tab",
        "carriage-return",
        "control-then-formula",
        "control-characters",
        "equals-inside",
        "chinese",
        "empty",
        "number",
        "none",
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


@pytest.mark.parametrize(
    "value", ["=1+1", "ACME\x1b", "plain", "\t"], ids=["formula", "control", "plain", "tab"]
)
def test_neutralise_text_agrees_with_neutralise(value):
    assert neutralise_text(value) == neutralise(value)


def test_neutralise_column_returns_a_clean_column_itself():
    column = ("Ann", "O'Reilly = Media", "张伟", "")

    assert neutralise_column(column) is column


def test_neutralise_column_changes_only_the_cells_that_need_it():
    column = ("Ann", "=1+1", "ACME\x1b", "Bob")

    assert neutralise_column(column) == ["Ann", "'=1+1", "ACME", "Bob"]

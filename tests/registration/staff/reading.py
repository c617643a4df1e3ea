"""Reading what staff see: downloads parsed back, admin lists, forms as a browser posts them."""

import csv
import io
from xml.etree.ElementTree import Element

from openpyxl import load_workbook

from tests.pages import parse, text, with_class

BOM = b"\xef\xbb\xbf"


def download(response) -> bytes:
    """The whole body of a streamed (or plain) download; consuming it closes the response."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def csv_rows(response) -> list[list[str]]:
    """The CSV as rows (header first), decoded the way Excel does (UTF-8 with BOM)."""
    return csv_rows_of(download(response))


def csv_rows_of(raw: bytes) -> list[list[str]]:
    """csv_rows() of a body already downloaded."""
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def xlsx_rows(response) -> list[list]:
    """The first sheet's rows (header first), empty cells as ""."""
    workbook = load_workbook(io.BytesIO(download(response)), read_only=True)
    try:
        sheet = workbook.worksheets[0]
        return [
            ["" if value is None else value for value in row]
            for row in sheet.iter_rows(values_only=True)
        ]
    finally:
        workbook.close()


def changelist_column(response, field: str) -> list[str]:
    """The visible text of one column of the admin changelist, top to bottom."""
    table = parse(response).find(".//table[@id='result_list']")
    if table is None:
        return []
    return [
        text(cell)
        for row in table.find("tbody").iter("tr")
        for cell in row
        if f"field-{field}" in (cell.get("class") or "").split()
    ]


def changelist_rows(response, *fields: str) -> list[tuple[str, ...]]:
    """Rows of the admin changelist as tuples of the given columns' text."""
    columns = [changelist_column(response, field) for field in fields]
    return list(zip(*columns, strict=True))


def action_choices(response) -> list[str]:
    """The actions the changelist offers (the "Action" select), without the blank choice."""
    select = parse(response).find(".//select[@name='action']")
    if select is None:
        return []
    return [option.get("value") for option in select.iter("option") if option.get("value")]


def admin_messages(response) -> list[str]:
    """Messages the admin shows at the top of the page."""
    root = parse(response)
    return [text(li) for ul in with_class(root, "ul", "messagelist") for li in ul.iter("li")]


def site_messages(response) -> list[str]:
    """Messages the public/staff pages show at the top of <main>."""
    main = parse(response).find(".//main")
    first = main.find("div")
    if first is None or first.get("class") != "container mt-3":
        return []
    return [text(div) for div in with_class(first, "div", "alert")]


def field_errors(response, name: str) -> list[str]:
    """Error texts crispy renders next to the field ``name``."""
    root = parse(response)
    wrapper = root.find(f".//div[@id='div_id_{name}']")
    if wrapper is None:
        return []
    return [text(el) for el in with_class(wrapper, "div", "invalid-feedback")] + [
        text(el) for el in with_class(wrapper, "span", "invalid-feedback")
    ]


def checked_values(response, name: str) -> list[str]:
    """Values of the checked checkboxes called ``name``."""
    return [
        el.get("value")
        for el in parse(response).iter("input")
        if el.get("name") == name and el.get("checked") is not None
    ]


def _form_fields(form: Element) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for el in form.iter():
        name = el.get("name")
        if not name or el.get("disabled") is not None:
            continue
        if el.tag == "input":
            kind = (el.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "file", "reset"}:
                continue
            if kind in {"checkbox", "radio"}:
                if el.get("checked") is not None:
                    data.setdefault(name, []).append(el.get("value") or "on")
                continue
            data.setdefault(name, []).append(el.get("value") or "")
        elif el.tag == "select":
            chosen = [
                o.get("value") or text(o)
                for o in el.iter("option")
                if o.get("selected") is not None
            ]
            data.setdefault(name, []).extend(chosen)
        elif el.tag == "textarea":
            data.setdefault(name, []).append("".join(el.itertext()).lstrip("\n"))
    return data


def form_data(response, form_id: str) -> dict[str, list[str]]:
    """What the browser would post from the form ``form_id`` as it was rendered."""
    form = parse(response).find(f".//form[@id='{form_id}']")
    assert form is not None, f"no form #{form_id}"
    return _form_fields(form)

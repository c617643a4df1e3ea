"""Reading rendered pages the way a visitor reads them: headings, links, visible text."""

from xml.etree.ElementTree import Element

import html5lib


def parse(response) -> Element:
    """The response's HTML as an element tree (no namespaces, so ``.//a`` works)."""
    return html5lib.parse(response.content.decode(), namespaceHTMLElements=False)


def text(element: Element) -> str:
    """Visible text of an element, whitespace collapsed."""
    return " ".join("".join(element.itertext()).split())


def with_class(root: Element, tag: str, class_name: str) -> list[Element]:
    """Every ``tag`` below ``root`` whose class list contains ``class_name``."""
    return [el for el in root.iter(tag) if class_name in (el.get("class") or "").split()]


def main_text(response) -> str:
    """Visible text of the page's <main>."""
    return text(parse(response).find(".//main"))


def field_errors(page: Element, field: str) -> list[str]:
    """Error messages a form shows next to ``field`` (inside the field's own container; the
    forum picks have one box for the whole group)."""
    if field == "forums":
        box = page.find(".//fieldset/div[@id='forums-errors']")
        return [text(p) for p in box.iter("p")] if box is not None else []
    error = page.find(f".//div[@id='div_id_{field}']//div[@id='id_{field}_error']")
    return [text(span) for span in error.iter("span")] if error is not None else []


def fields_with_errors(page: Element) -> set[str]:
    """The names of every field that shows an error."""
    names = {
        el.get("id")[len("id_") : -len("_error")]
        for el in page.iter("div")
        if (el.get("id") or "").endswith("_error")
    }
    if page.find(".//div[@id='forums-errors']") is not None:
        names.add("forums")
    return names

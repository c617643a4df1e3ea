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

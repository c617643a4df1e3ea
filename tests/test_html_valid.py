"""Every public page, in English and in Chinese, is valid HTML5 for html5lib's strict parser
(which raises on the first parse error: stray end tags, misnested elements, duplicate
attributes, a missing doctype...)."""

import html5lib
import pytest
from html5lib.html5parser import ParseError

from tests.e2e.program import build_program, register_attendee

LANGUAGES = {"en": "", "zh-hans": "/zh-hans"}

# page name -> path ({token}: an attendee's private link); "register-errors" and "done" post.
PAGES = {
    "home": "/",
    "agenda": "/agenda/",
    "agenda-filtered": "/agenda/?kind=workshop",
    "forum": "/agenda/forums/cloud-native/",
    "talk": "/agenda/talks/cloud-native-1/",
    "speakers": "/agenda/speakers/",
    "speaker": "/agenda/speakers/speaker-0/",
    "register": "/register/",
    "register-errors": "/register/",
    "done": "/register/",
    "manage": "/r/{token}/",
    "cancel-confirm": "/r/{token}/cancel/",
    "delete-confirm": "/r/{token}/delete/",
    "still-coming": "/r/{token}/still-coming/",
    "privacy": "/privacy/",
    "contact": "/contact/",
    "new-link": "/register/new-link/",
    "404": "/no-such-page/",
}
EXPECTED_STATUS = {"404": 404}


def registration_post(program) -> dict:
    return {
        "full_name": "张伟",
        "email": "zhang.wei@example.org",
        "organization": "开放原子开源基金会（OpenAtom）",
        "job_title": "Maintainer",
        "language": "zh-hans",
        "forums": [program.cloud.pk, program.workshop.pk],
        "consent": "on",
        "website": "",
    }


def fetch(client, program, name: str, prefix: str, token: str):
    path = prefix + PAGES[name].format(token=token)
    if name == "register-errors":
        return client.post(path, {"full_name": "", "forums": ["nope"]})
    if name == "done":
        return client.post(path, registration_post(program), follow=True)
    return client.get(path)


def strict_parse_error(html: str) -> str | None:
    """None when the page parses cleanly; else the first error with its line."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    try:
        parser.parse(html)
    except ParseError as error:
        line, column = parser.errors[-1][0] if parser.errors else ("?", "?")
        lines = html.splitlines()
        context = lines[line - 1].strip()[:200] if isinstance(line, int) else ""
        return f"{error} at line {line}, column {column}: {context}"
    return None


@pytest.mark.parametrize("language", list(LANGUAGES))
@pytest.mark.parametrize("name", list(PAGES))
def test_public_page_is_valid_html5(client, db, name, language):
    program = build_program()
    token = register_attendee(program).manage_token

    response = fetch(client, program, name, LANGUAGES[language], token)

    assert response.status_code == EXPECTED_STATUS.get(name, 200)
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert strict_parse_error(html) is None


def test_strict_parse_reports_the_first_error_with_its_line():
    html = "<!doctype html>\n<html lang=en><title>x</title>\n<p>one</div>\n</html>"

    error = strict_parse_error(html)

    assert error is not None
    assert "line 3" in error
    assert "<p>one</div>" in error

"""Name badges: the staff page, the PDF of a print (every layout), one person's badge.

The PDFs are read back with poppler's ``pdftotext`` and ``pdfinfo``. Rendering needs
WeasyPrint and a Chinese font (Debian's fonts-noto-cjk), reading needs poppler-utils: without
them those tests are skipped, saying what is missing, except on CI (CI=true), where they fail.
"""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.urls import reverse

from registration.staff import badges
from tests.factories import RegistrationFactory
from tests.registration.staff.roles import make_more_user

pytestmark = pytest.mark.django_db

PAGE = reverse("staff:badges")
PDF = reverse("staff:badges-pdf")


def person_url(registration_id) -> str:
    return reverse("staff:badge-person", args=[registration_id])


# --- what rendering and reading need ----------------------------------------------------------


def _require(missing: str | None) -> None:
    if missing is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{missing}: on CI (CI=true) the badge tests must run; .ci/run installs it")
    pytest.skip(missing)


def require_rendering() -> None:
    problems = badges.missing()
    _require(
        "badges cannot be rendered here: " + "; ".join(f"{p.what} ({p.install})" for p in problems)
        if problems
        else None
    )


def require_poppler() -> None:
    _require(
        None
        if shutil.which("pdftotext") and shutil.which("pdfinfo")
        else "pdftotext/pdfinfo not installed (apt-get install -y poppler-utils)"
    )


def _poppler(tool: str, pdf: bytes, *args: str) -> str:
    require_poppler()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "badges.pdf"
        path.write_bytes(pdf)
        done = subprocess.run(  # noqa: S603 (a fixed tool on our own file)
            [tool, *args, str(path), "-"] if tool == "pdftotext" else [tool, str(path)],
            capture_output=True,
            check=True,
            timeout=60,
        )
    return done.stdout.decode("utf-8")


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF, as pdftotext reads it (UTF-8)."""
    return _poppler("pdftotext", pdf, "-enc", "UTF-8")


def pdf_pages(pdf: bytes) -> int:
    for line in _poppler("pdfinfo", pdf).splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    raise AssertionError("pdfinfo printed no page count")


@pytest.fixture
def rendering():
    require_rendering()
    require_poppler()


def download(client, url: str, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:2000]
    assert response["Content-Type"] == "application/pdf"
    disposition = "inline" if url.startswith("/staff/badges/") and url != PDF else "attachment"
    assert response["Content-Disposition"].startswith(f"{disposition}; filename=")
    pdf = response.content
    assert pdf.startswith(b"%PDF-")
    return pdf


# --- the PDFs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("layout", "pages"), [("a6", 5), ("label-4x3", 5), ("a4-8up", 1)])
def test_each_layout_prints_everyone_active(desk_client, attendees, rendering, layout, pages):
    pdf = download(desk_client, PDF, layout=layout, scope="all")

    text = pdf_text(pdf)
    for name in ["张伟", "Zoë O'Brien", "Hannah Link", "Wang Fang", "Li Na"]:
        assert name in text
    assert "Carl Cancelled" not in text
    assert pdf_pages(pdf) == pages


def test_badge_of_zhang_wei_has_chinese_text_code_and_seated_forums(
    desk_client, attendees, rendering
):
    zhang = attendees.zhang
    pdf = download(desk_client, person_url(zhang.pk))

    text = pdf_text(pdf)
    assert "张伟" in text
    assert "开放原子开源基金会" in text
    assert "工程师" in text
    assert zhang.ticket_display in text
    assert "Cloud Native" in text
    assert "Open Source Governance" in text
    assert pdf_pages(pdf) == 1


def test_badge_lists_only_seats_not_waiting_picks(desk_client, attendees, rendering):
    # Wang Fang waits for Cloud Native and sits in Governance.
    text = pdf_text(download(desk_client, person_url(attendees.wang.pk), layout="label-4x3"))

    assert "Open Source Governance" in text
    assert "Cloud Native" not in text


@pytest.mark.parametrize(
    ("layout", "pages"), [("a6", 13), ("label-4x3", 13), ("a4-8up", 2)], ids=str
)
def test_page_count_per_layout(desk_client, conference, rendering, layout, pages):
    for number in range(13):
        RegistrationFactory(conference=conference, full_name=f"李{number} Person")

    pdf = download(desk_client, PDF, layout=layout, scope="all")

    assert pdf_pages(pdf) == pages


def test_forum_scope_prints_only_its_seated_attendees(
    desk_client, attendees, cloud, governance, rendering
):
    pdf = download(desk_client, PDF, layout="a6", scope="forum", forum=governance.pk)

    text = pdf_text(pdf)
    assert "张伟" in text
    assert "Wang Fang" in text
    # Zoë sits in Cloud Native only, Hannah waits, Li Na picked nothing, Carl cancelled.
    for name in ["Zoë O'Brien", "Hannah Link", "Li Na", "Carl Cancelled"]:
        assert name not in text
    assert pdf_pages(pdf) == 2


def test_person_scope_by_ticket_code(desk_client, attendees, rendering):
    code = attendees.zoe.ticket_display.lower()

    pdf = download(desk_client, PDF, layout="a4-8up", scope="person", code=code)

    text = pdf_text(pdf)
    assert "Zoë O'Brien" in text
    assert "张伟" not in text


def test_a_long_print_comes_in_files(desk_client, attendees, rendering, monkeypatch):
    monkeypatch.setattr(badges, "BADGES_PER_FILE", 2)

    page = desk_client.get(PAGE, {"layout": "a6", "scope": "all"})

    assert page.status_code == 200
    html = page.content.decode()
    for first, last in [(1, 2), (3, 4), (5, 5)]:
        assert f"Download badges {first}–{last} (PDF)" in html
    third = download(desk_client, PDF, layout="a6", scope="all", part=3)
    assert pdf_pages(third) == 1
    # By name: 张伟 sorts after the Latin names.
    assert "张伟" in pdf_text(third)
    missing_part = desk_client.get(PDF, {"layout": "a6", "scope": "all", "part": 4})
    assert missing_part.status_code == 404
    assert "There is no file 4: this print has 3." in missing_part.content.decode()


def test_rendering_reads_a_fixed_number_of_queries(
    conference, cloud, make_pick, rendering, django_assert_max_num_queries
):
    people = [RegistrationFactory(conference=conference) for _ in range(20)]
    for person in people:
        make_pick(person, cloud)

    with django_assert_max_num_queries(3):
        registrations = badges.part_of(badges.people(conference), badges.Part(1, 1, 20))
        pdf, pages = badges.render(registrations, badges.LAYOUTS["a4-8up"], conference=conference)

    assert pages == 3
    assert pdf_pages(pdf) == 3


# --- the page ---------------------------------------------------------------------------------


def test_page_offers_layouts_and_forums(desk_client, attendees, cloud):
    response = desk_client.get(PAGE)

    assert response.status_code == 200
    html = response.content.decode()
    for layout in badges.LAYOUTS.values():
        assert str(layout.label) in html
    assert "Cloud Native" in html
    assert 'href="/staff/badges/"' in html  # the staff navigation


def test_page_counts_the_choice(desk_client, attendees, governance, rendering):
    response = desk_client.get(PAGE, {"layout": "a4-8up", "scope": "forum", "forum": governance.pk})

    assert response.status_code == 200
    html = response.content.decode()
    assert "2 badges" in html
    assert "Download badges 1–2 (PDF)" in html
    assert "1 page" in html


# --- who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["page", "pdf", "person"])
def test_anonymous_goes_to_the_login(client, attendees, url):
    target = {"page": PAGE, "pdf": PDF, "person": person_url(attendees.zhang.pk)}[url]

    response = client.get(target)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("url", ["page", "pdf", "person"])
def test_staff_without_the_permission_gets_403(client, attendees, django_user_model, url):
    viewer = make_more_user(django_user_model, "viewer", password="pw")
    client.force_login(viewer)
    target = {"page": PAGE, "pdf": PDF, "person": person_url(attendees.zhang.pk)}[url]

    response = client.get(target, {"layout": "a6", "scope": "all"})

    assert response.status_code == 403


def test_desk_sees_the_badges_tab(desk_client, conference):
    response = desk_client.get(reverse("staff:dashboard"))

    assert f'href="{PAGE}"' in response.content.decode()


def test_post_is_refused(desk_client, attendees):
    assert desk_client.post(PDF, {"layout": "a6", "scope": "all"}).status_code == 405


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"layout": "poster", "scope": "all"}, "Unknown badge size"),
        ({"layout": "a6" * 500, "scope": "all"}, "Unknown badge size"),
        ({"layout": "a6", "scope": "everyone"}, "Choose everyone, one forum or one person."),
        ({"layout": "a6", "scope": "forum"}, "Choose the forum"),
        ({"layout": "a6", "scope": "forum", "forum": "999999"}, "Unknown forum"),
        ({"layout": "a6", "scope": "forum", "forum": "abc"}, "Unknown forum"),
        ({"layout": "a6", "scope": "forum", "forum": "1 OR 1=1"}, "Unknown forum"),
        ({"layout": "a6", "scope": "person", "code": ""}, "Type the ticket code"),
        ({"layout": "a6", "scope": "person", "code": "ZZZZ-ZZZZ"}, "No ticket with the code"),
        ({"layout": "a6", "scope": "person", "code": "张" * 1000}, "at most 32 characters"),
        ({"layout": "a6", "scope": "all", "part": "abc"}, "whole number, 1 or more"),
        ({"layout": "a6", "scope": "all", "part": "0"}, "whole number, 1 or more"),
    ],
)
@pytest.mark.parametrize("url", [PAGE, PDF])
def test_bad_input_is_explained(desk_client, attendees, url, params, message):
    response = desk_client.get(url, params)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert message in response.content.decode()


def test_another_editions_forum_is_unknown(desk_client, attendees, foreign_forum):
    response = desk_client.get(PDF, {"layout": "a6", "scope": "forum", "forum": foreign_forum.pk})

    assert response.status_code == 400
    assert "Unknown forum" in response.content.decode()


def test_another_editions_ticket_code_is_explained(desk_client, attendees, other_conference):
    other = RegistrationFactory(conference=other_conference, full_name="Old Timer")

    response = desk_client.get(PDF, {"layout": "a6", "scope": "person", "code": other.ticket_code})

    assert response.status_code == 400
    assert f"The ticket {other.ticket_display} is for" in response.content.decode()


def test_a_cancelled_person_gets_no_badge(desk_client, attendees):
    carl = attendees.carl

    by_code = desk_client.get(PDF, {"layout": "a6", "scope": "person", "code": carl.ticket_code})
    by_id = desk_client.get(person_url(carl.pk))

    assert by_code.status_code == 400
    assert "Carl Cancelled’s registration is cancelled: no badge." in by_code.content.decode()
    assert by_id.status_code == 404


def test_person_of_another_edition_is_404(desk_client, attendees, other_conference):
    other = RegistrationFactory(conference=other_conference)

    assert desk_client.get(person_url(other.pk)).status_code == 404
    assert desk_client.get(person_url(999_999)).status_code == 404


@pytest.mark.parametrize("path", ["abc", "-1", "1.5", "%E5%BC%A0"])
def test_non_numeric_person_id_is_404(desk_client, attendees, path):
    assert desk_client.get(f"/staff/badges/{path}/pdf/").status_code == 404


def test_person_badge_with_unknown_layout_is_404(desk_client, attendees):
    response = desk_client.get(person_url(attendees.zhang.pk), {"layout": "poster"})

    assert response.status_code == 404


def test_unknown_conference_slug_is_404(desk_client, attendees):
    assert desk_client.get(PAGE, {"conference": "../etc"}).status_code == 404
    assert desk_client.get(PAGE, {"conference": "no-such-year"}).status_code == 404


def test_a_forum_without_seated_people_says_nobody(desk_client, attendees, make_pick):
    from tests.factories import ForumFactory

    empty = ForumFactory(conference=attendees.zhang.conference, title="Empty", slug="empty")

    page = desk_client.get(PAGE, {"layout": "a6", "scope": "forum", "forum": empty.pk})
    pdf = desk_client.get(PDF, {"layout": "a6", "scope": "forum", "forum": empty.pk})

    assert "Nobody to print" in page.content.decode()
    assert pdf.status_code == 404
    assert "Nobody to print" in pdf.content.decode()


# --- a missing font ---------------------------------------------------------------------------


@pytest.fixture
def no_chinese_font(monkeypatch):
    monkeypatch.setattr(badges, "chinese_font_family", lambda: None)


def test_without_a_chinese_font_the_page_says_what_to_install(
    desk_client, attendees, no_chinese_font
):
    response = desk_client.get(PAGE)

    assert response.status_code == 200
    html = response.content.decode()
    assert "No font with Chinese characters is installed" in html
    assert "apt-get install -y fonts-noto-cjk" in html


@pytest.mark.parametrize("url", ["pdf", "person"])
def test_without_a_chinese_font_no_pdf_is_made(desk_client, attendees, no_chinese_font, url):
    target = PDF if url == "pdf" else person_url(attendees.zhang.pk)

    response = desk_client.get(target, {"layout": "a6", "scope": "all"})

    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert "apt-get install -y fonts-noto-cjk" in response.content.decode()


def test_render_refuses_without_a_chinese_font(attendees, no_chinese_font):
    with pytest.raises(badges.BadgesUnavailable, match="fonts-noto-cjk"):
        badges.render(
            [attendees.zhang], badges.LAYOUTS["a6"], conference=attendees.zhang.conference
        )


def test_without_weasyprint_the_page_says_so(desk_client, attendees, monkeypatch):
    monkeypatch.setattr(
        badges,
        "_weasyprint_problem",
        lambda: badges.Missing(
            what="The Python package WeasyPrint is not installed.", install="pip"
        ),
    )

    response = desk_client.get(PDF, {"layout": "a6", "scope": "all"})

    assert response.status_code == 503
    assert "WeasyPrint is not installed" in response.content.decode()


# --- pieces -----------------------------------------------------------------------------------


def test_parts_cover_every_badge_once():
    assert badges.parts(0) == []
    assert [(p.first, p.last) for p in badges.parts(1001, per_file=500)] == [
        (1, 500),
        (501, 1000),
        (1001, 1001),
    ]


@pytest.mark.parametrize(
    ("name", "size"),
    [("张伟", "xl"), ("欧阳娜娜", "xl"), ("Alexandra Papadopoulou", "m"), ("王" * 20, "s")],
)
def test_long_names_get_smaller(name, size):
    assert badges.name_size(name) == size


def test_sheets_hold_a_layouts_number_of_badges():
    items = [badges.Badge("n", "o", "j", "C", "q", [], 0, "xl") for _ in range(9)]

    assert [len(page) for page in badges.sheets(items, badges.LAYOUTS["a4-8up"])] == [8, 1]
    assert [len(page) for page in badges.sheets(items, badges.LAYOUTS["a6"])] == [1] * 9

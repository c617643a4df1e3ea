"""PDF name badges for the registration desk: layouts, the people a print covers, rendering.

**Why WeasyPrint, not ReportLab.** A badge is mostly text in two scripts: Chinese names,
Latin names with accents, organizations and forum titles of any length. WeasyPrint lays out
HTML/CSS with Pango, so it shapes and wraps both scripts, falls back from font to font per
character, and finds fonts through fontconfig: Debian's ``fonts-noto-cjk`` (OpenType/CFF in
a ``.ttc`` collection) works as installed, and only the glyphs used are embedded (HarfBuzz's
subsetter, ``libharfbuzz-subset0``: about 2 KB a badge). ReportLab, what pretix
uses, embeds TrueType outlines only: Noto CJK's CFF collection cannot be used, so it would
need another font file shipped or downloaded, and its own line breaking for CJK text. The
badge is also a template like every other page of the site (``badges_pdf.html``), so it is
translated and escaped the usual way.

**Big runs.** WeasyPrint lays out about 50 badges per CPU second here, and a request is
answered by one gunicorn sync worker that is killed after 30 s: a request renders at most
``BADGES_PER_FILE`` badges (about 5 s of CPU), and a larger print is offered as numbered files
("badges 1-200, 201-400, ..."). docs/badges.md has the figures. (Laying the badges out in
chunks of a hundred and joining the pages was measured too: no faster.)

**Fonts.** Rendering refuses to run (``missing()`` says what to install) without a font that
covers Chinese: never a PDF of empty boxes.
"""

import ctypes
import ctypes.util
import logging
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import segno
from django.db.models import Prefetch, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agenda.models import Conference, Forum
from registration.enums import PickStatus
from registration.models import ForumPick, Registration
from registration.tickets import format_ticket_code

# WeasyPrint logs seven INFO lines per document it renders ("Step 1 - Fetching ..."):
# nothing an operator needs, and thousands of lines on a big print.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

BADGES_PER_FILE = 200

# Preferred families, best first; any other family that covers Chinese is used after them.
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
)
FONT_PACKAGE = "fonts-noto-cjk"
MAX_FORUMS = {"tall": 6, "wide": 3}


@dataclass(frozen=True)
class Layout:
    key: str
    label: Promise
    width_mm: float  # of the page
    height_mm: float
    columns: int = 1
    rows: int = 1
    style: str = "tall"  # "tall": A6 portrait; "wide": landscape label or sheet cell
    cut_lines: bool = False

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    @property
    def badge_width_mm(self) -> float:
        return self.width_mm / self.columns

    @property
    def badge_height_mm(self) -> float:
        return self.height_mm / self.rows

    @property
    def forums_width_mm(self) -> float:
        """Width of the forum list beside the QR code (wide badges)."""
        return round(self.badge_width_mm - 36, 3)

    def pages_for(self, count: int) -> int:
        return math.ceil(count / self.per_page)


LAYOUTS: dict[str, Layout] = {
    layout.key: layout
    for layout in (
        Layout("a6", gettext_lazy("A6 (105 × 148 mm), one badge per page"), 105, 148),
        Layout(
            "label-4x3",
            gettext_lazy("4″ × 3″ label stock, one badge per label (landscape)"),
            101.6,
            76.2,
            style="wide",
        ),
        Layout(
            "a4-8up",
            gettext_lazy("A4 sheet of 8 badges (105 × 74 mm) with cut lines"),
            210,
            297,
            columns=2,
            rows=4,
            style="wide",
            cut_lines=True,
        ),
    )
}
DEFAULT_LAYOUT = "a6"


# --- what is missing --------------------------------------------------------------------------


@dataclass(frozen=True)
class Missing:
    """Something badges cannot be made without: what it is and the command that installs it."""

    what: str
    install: str


_found_family: str | None = None


def _fontconfig_families(pattern: bytes) -> list[str]:
    """Families fontconfig lists for ``pattern`` (e.g. ``b":lang=zh-cn"``), in its order."""

    class FontSet(ctypes.Structure):
        _fields_ = [
            ("nfont", ctypes.c_int),
            ("sfont", ctypes.c_int),
            ("fonts", ctypes.POINTER(ctypes.c_void_p)),
        ]

    lib = ctypes.CDLL(ctypes.util.find_library("fontconfig") or "libfontconfig.so.1")
    lib.FcNameParse.restype = ctypes.c_void_p
    lib.FcNameParse.argtypes = [ctypes.c_char_p]
    lib.FcObjectSetBuild.restype = ctypes.c_void_p
    lib.FcFontList.restype = ctypes.POINTER(FontSet)
    lib.FcFontList.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    lib.FcPatternGetString.argtypes = [
        ctypes.c_void_p,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.POINTER(ctypes.c_char_p),
    ]
    lib.FcPatternDestroy.argtypes = [ctypes.c_void_p]
    lib.FcObjectSetDestroy.argtypes = [ctypes.c_void_p]
    lib.FcFontSetDestroy.argtypes = [ctypes.POINTER(FontSet)]
    query = lib.FcNameParse(pattern)
    objects = lib.FcObjectSetBuild(b"family", None)
    fonts = lib.FcFontList(None, query, objects)
    families: list[str] = []
    try:
        if fonts:
            for index in range(fonts.contents.nfont):
                value = ctypes.c_char_p()
                number = 0
                while (
                    lib.FcPatternGetString(
                        fonts.contents.fonts[index], b"family", number, ctypes.byref(value)
                    )
                    == 0
                    and value.value
                ):
                    name = value.value.decode("utf-8", "replace")
                    if name not in families:
                        families.append(name)
                    number += 1
    finally:
        if fonts:
            lib.FcFontSetDestroy(fonts)
        lib.FcObjectSetDestroy(objects)
        lib.FcPatternDestroy(query)
    return families


def chinese_font_families() -> list[str]:
    """Installed font families that cover Simplified Chinese (fontconfig), [] when none or
    when fontconfig cannot be asked."""
    try:
        return _fontconfig_families(b":lang=zh-cn")
    except (OSError, AttributeError):
        return []


def chinese_font_family() -> str | None:
    """The family badges use for Chinese (a preferred one when installed), None when none.
    A found font is remembered; a missing one is looked for again on the next call."""
    global _found_family
    if _found_family is None:
        families = chinese_font_families()
        preferred = [name for name in CJK_FAMILIES if name in families]
        found = (preferred or families or [None])[0]
        # A family name goes into a CSS string: keep it plain.
        _found_family = re.sub(r'["\\<>;{}]', "", found) if found else None
    return _found_family


def _weasyprint_problem() -> Missing | None:
    try:
        import weasyprint  # noqa: F401
    except ImportError:
        return Missing(
            what=_("The Python package WeasyPrint is not installed."),
            install=".venv/bin/pip install 'weasyprint>=62'",
        )
    except OSError as exc:  # WeasyPrint loads Pango when imported
        return Missing(
            what=_("WeasyPrint cannot load the Pango library (%(error)s).") % {"error": exc},
            install="apt-get install -y libpango-1.0-0 libpangoft2-1.0-0",
        )
    return None


def missing() -> list[Missing]:
    """What must be installed before badges can be printed ([] when nothing is missing)."""
    problems = []
    library = _weasyprint_problem()
    if library:
        problems.append(library)
    if chinese_font_family() is None:
        problems.append(
            Missing(
                what=_(
                    "No font with Chinese characters is installed: Chinese names would print "
                    "as empty boxes. Badges need Noto Sans CJK (Debian package %(package)s). "
                    "Restart the site after installing it."
                )
                % {"package": FONT_PACKAGE},
                install=f"apt-get install -y {FONT_PACKAGE}",
            )
        )
    return problems


def slow_subsetting() -> Missing | None:
    """Without HarfBuzz's subsetter WeasyPrint subsets fonts with fontTools: seconds per file
    for a CJK font. Works, only slowly."""
    try:
        from weasyprint.text.ffi import harfbuzz_subset
    except (ImportError, OSError):
        return None
    if harfbuzz_subset is not None:
        return None
    return Missing(
        what=_(
            "Fonts are embedded slowly (several seconds per file): HarfBuzz’s subsetter is missing."
        ),
        install="apt-get install -y libharfbuzz-subset0",
    )


# --- who is printed ---------------------------------------------------------------------------


def with_seats(registrations: QuerySet) -> QuerySet:
    seats = ForumPick.objects.seated().select_related("forum").order_by("forum__starts_at", "forum")
    return registrations.prefetch_related(Prefetch("picks", queryset=seats, to_attr="badge_seats"))


def people(conference: Conference, forum: Forum | None = None) -> QuerySet:
    """Active registrations of ``conference`` (seated in ``forum`` when given), by name, with
    their seats loaded (two queries for any number of people)."""
    registrations = Registration.objects.filter(conference=conference).active()
    if forum is not None:
        registrations = registrations.filter(picks__forum=forum, picks__status=PickStatus.SEATED)
    return with_seats(registrations.order_by("full_name", "pk"))


def person(conference: Conference, registration_id: int) -> Registration | None:
    """One active registration of ``conference``, with its seats; None otherwise."""
    return with_seats(
        Registration.objects.filter(conference=conference, pk=registration_id).active()
    ).first()


@dataclass(frozen=True)
class Part:
    """One file of a print: badges ``first`` to ``last`` (1-based, inclusive)."""

    number: int
    first: int
    last: int

    @property
    def count(self) -> int:
        return self.last - self.first + 1


def parts(total: int, per_file: int | None = None) -> list[Part]:
    """The files a print of ``total`` badges comes in (BADGES_PER_FILE each)."""
    per_file = per_file or BADGES_PER_FILE
    return [
        Part(number=index + 1, first=start + 1, last=min(start + per_file, total))
        for index, start in enumerate(range(0, total, per_file))
    ]


def part_of(registrations: QuerySet, part: Part) -> list[Registration]:
    return list(registrations[part.first - 1 : part.last])


# --- what a badge shows -----------------------------------------------------------------------


def _display_width(text: str) -> int:
    """Columns the text takes: CJK characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def name_size(name: str) -> str:
    """A size class for the name: the longer, the smaller (then it wraps)."""
    width = _display_width(name)
    if width <= 12:
        return "xl"
    if width <= 20:
        return "l"
    if width <= 30:
        return "m"
    return "s"


@dataclass(frozen=True)
class Badge:
    name: str
    organization: str
    job_title: str
    code: str  # as printed: ABCD-EFGH
    qr: str  # SVG data URI of the raw ticket code, what the check-in scanner reads
    forums: list[Forum]
    more_forums: int
    name_size: str


def badge(registration: Registration, layout: Layout) -> Badge:
    seats = getattr(registration, "badge_seats", None)
    if seats is None:
        seats = list(
            registration.picks.seated().select_related("forum").order_by("forum__starts_at")
        )
    forums = [pick.forum for pick in seats]
    limit = MAX_FORUMS[layout.style]
    if len(forums) > limit:
        shown, more = forums[: limit - 1], len(forums) - limit + 1
    else:
        shown, more = forums, 0
    qr = segno.make(registration.ticket_code, error="m").svg_data_uri(
        scale=1, border=2, dark="#000"
    )
    return Badge(
        name=registration.full_name,
        organization=registration.organization,
        job_title=registration.job_title,
        code=format_ticket_code(registration.ticket_code),
        qr=qr,
        forums=shown,
        more_forums=more,
        name_size=name_size(registration.full_name),
    )


def sheets(badges: Sequence[Badge], layout: Layout) -> list[list[Badge]]:
    """The badges in pages of ``layout.per_page`` (they float left to right, top to bottom)."""
    return [
        list(badges[start : start + layout.per_page])
        for start in range(0, len(badges), layout.per_page)
    ]


# --- rendering --------------------------------------------------------------------------------


class BadgesUnavailable(Exception):
    """Raised instead of rendering when something in ``missing()`` is missing."""

    def __init__(self, problems: list[Missing]):
        super().__init__("; ".join(str(problem.what) for problem in problems))
        self.problems = problems


def html(
    badges: Sequence[Badge], layout: Layout, *, conference: Conference, font_family: str
) -> str:
    with timezone.override(conference.tzinfo):
        return render_to_string(
            "registration/staff/badges_pdf.html",
            {
                "conference": conference,
                "layout": layout,
                "sheets": sheets(badges, layout),
                "font_family": font_family,
            },
        )


def render(
    registrations: Iterable[Registration], layout: Layout, *, conference: Conference
) -> tuple[bytes, int]:
    """The PDF of ``registrations``' badges and its number of pages.

    Raises BadgesUnavailable when a library or the Chinese font is missing."""
    problems = missing()
    if problems:
        raise BadgesUnavailable(problems)
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    badges = [badge(registration, layout) for registration in registrations]
    source = html(badges, layout, conference=conference, font_family=chinese_font_family())
    document = HTML(string=source).render(font_config=FontConfiguration())
    return document.write_pdf(), len(document.pages)


def filename(conference: Conference, layout: Layout, scope: str, part: Part | None = None) -> str:
    """badges-gotc-2023-a6-all-1-500.pdf (ASCII only: a header value)."""
    pieces = ["badges", conference.slug, layout.key, scope]
    if part is not None:
        pieces.append(f"{part.first}-{part.last}")
    return "-".join(pieces) + ".pdf"

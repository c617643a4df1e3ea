"""Language of a first visit."""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme


class FirstVisitLanguage:
    """Send a first visit of an unprefixed (English) page to the browser's language.

    English pages have no prefix (/agenda/), Chinese ones do (/zh-hans/agenda/). A visitor
    who never chose a language (no language cookie) and whose browser prefers Chinese is
    redirected to the Chinese page; a visitor who chose Chinese in the switcher (language
    cookie) is too, and one who chose English stays. Only GET/HEAD of HTML pages: feeds,
    admin and static files are left alone.
    """

    SKIP = ("/admin/", "/i18n/", "/static/", "/media/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        redirect = self._redirect(request)
        return redirect or self.get_response(request)

    def _redirect(self, request):
        if request.method not in {"GET", "HEAD"}:
            return None
        path = request.path_info
        if path.startswith(self.SKIP) or path.endswith((".ics", ".json")):
            return None
        if translation.get_language_from_path(path):
            return None
        # The switcher's cookie wins; without one, the browser's Accept-Language.
        preferred = translation.get_language_from_request(request, check_path=False)
        if preferred == settings.LANGUAGE_CODE or preferred not in dict(settings.LANGUAGES):
            return None
        target = f"/{preferred}{request.get_full_path()}"
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            return None
        response = HttpResponseRedirect(target)
        response["Vary"] = "Accept-Language, Cookie"
        return response

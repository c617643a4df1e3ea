"""Language of a first visit."""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import translate_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme


class FirstVisitLanguage:
    """Send a first visit of an unprefixed (English) page to the browser's language.

    English pages have no prefix (/agenda/), Chinese ones do (/zh-hans/agenda/). A visitor
    who never chose a language (no language cookie) and whose browser prefers Chinese is
    redirected to the Chinese page; a visitor who chose Chinese in the switcher (language
    cookie) is too, and one who chose English stays. Only GET/HEAD of HTML pages: feeds and
    static files are left alone. The admin follows the same rule (/admin/ to /zh-hans/admin/),
    so an organizer in a Chinese browser gets the Chinese admin; its switcher
    (templates/admin/base_site.html) posts to Django's set_language, which sets the cookie.
    """

    # The API (/api/) reads ?lang= and Accept-Language itself and answers in place.
    SKIP = ("/i18n/", "/static/", "/media/", "/healthz", "/api/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        switch = self._switch(request)
        if switch is not None:
            return switch
        redirect = self._redirect(request)
        return redirect or self.get_response(request)

    def _switch(self, request):
        """The language switcher: ?lang=<code> remembers the choice (cookie) and sends the
        visitor to the same page in that language. Links, not a form: no CSRF token on the
        cached program pages, and it works without JavaScript."""
        code = request.GET.get("lang")
        if request.method not in {"GET", "HEAD"} or code is None:
            return None
        if request.path_info.startswith(self.SKIP) or code not in dict(settings.LANGUAGES):
            return None
        query = request.GET.copy()
        del query["lang"]
        # Resolve the path in its own language (the prefix only matches when it is active).
        with translation.override(translation.get_language_from_path(request.path_info)):
            path = translate_url(request.path, code)
        target = f"{path}?{query.urlencode()}" if query else path
        if not _same_site(request, target):
            # "//evil.example/?lang=en" is a path to Django but a host to a browser.
            target = translate_url("/", code)
        response = HttpResponseRedirect(target)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
        return response

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
        if not _same_site(request, target):
            return None
        response = HttpResponseRedirect(target)
        response["Vary"] = "Accept-Language, Cookie"
        return response


def _same_site(request, target: str) -> bool:
    """Whether redirecting to ``target`` keeps the visitor on this site: a path of ours, never
    a scheme-relative ``//host`` or a backslash a browser reads as one."""
    return (
        target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    )

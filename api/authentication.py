"""Staff tokens: ``Authorization: Bearer gotc_...`` (or ``Token gotc_...``).

A request without the header is anonymous (the public endpoints answer it; the staff ones
say 401 not_authenticated). A header that is there must name a live token: unknown,
expired and revoked tokens are each a 401 with their own code, never a silent anonymous
request."""

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from api.models import ApiToken, token_hash

KEYWORDS = ("bearer", "token")
# Longer than any token we issue (gotc_ + 43 characters): not even hashed.
MAX_TOKEN_LENGTH = 100


class TokenFailed(exceptions.AuthenticationFailed):
    def __init__(self, message: str, code: str):
        super().__init__(message, code=code)


class TokenUser:
    """The caller behind a token: authenticated, never staff (tokens act through scopes)."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False

    def __init__(self, token: ApiToken):
        self.token = token
        self.pk = None

    def get_username(self) -> str:
        return f"token:{self.token.name}"

    def __str__(self) -> str:
        return self.get_username()


class TokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header:
            return None
        if header[0].lower().decode(errors="replace") not in KEYWORDS:
            raise TokenFailed(_("Use “Authorization: Bearer <token>”."), "invalid_header")
        if len(header) != 2 or len(header[1]) > MAX_TOKEN_LENGTH:
            raise TokenFailed(_("Use “Authorization: Bearer <token>”."), "invalid_header")
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError as error:
            raise TokenFailed(_("This token is not valid."), "invalid_token") from error
        found = (
            ApiToken.objects.select_related("conference", "created_by")
            .filter(token_hash=token_hash(token))
            .first()
        )
        now = timezone.now()
        if found is None:
            raise TokenFailed(_("This token is not valid."), "invalid_token")
        if found.is_revoked:
            raise TokenFailed(_("This token was revoked."), "token_revoked")
        if found.is_expired(now):
            raise TokenFailed(_("This token has expired."), "token_expired")
        found.touch(now)
        return TokenUser(found), found

    def authenticate_header(self, request) -> str:
        # A 401 (not a 403) for a missing or bad token, with the scheme to use.
        return 'Bearer realm="api"'

"""Who may call a view: anyone (public program), or a token with the view's scopes."""

from django.utils.translation import gettext as _
from rest_framework import exceptions, permissions


class HasScopes(permissions.BasePermission):
    """``required_scopes`` on the view (empty: public). A token lacking one is a 403
    ``missing_scope`` naming it; no token at all is a 401."""

    def has_permission(self, request, view) -> bool:
        scopes = getattr(view, "required_scopes", ())
        if not scopes:
            return True
        token = request.auth
        if token is None:
            raise exceptions.NotAuthenticated()
        missing = [scope for scope in scopes if not token.has_scope(scope)]
        if missing:
            raise exceptions.PermissionDenied(
                _("This token lacks the scope %(scope)s.") % {"scope": missing[0]},
                code="missing_scope",
            )
        return True

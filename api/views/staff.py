"""What every staff endpoint shares: a token of the URL's conference, with the view's scopes."""

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.generics import GenericAPIView

from agenda.models import Conference, Forum
from registration.models import ForumPick, Registration


class StaffView(GenericAPIView):
    """A token's view of its own conference. Scopes are checked first (api.permissions: a
    403 names the one missing); a token of another conference then finds nothing: 404, as
    for a conference that does not exist."""

    required_scopes: tuple[str, ...] = ()
    # The site answers GET, HEAD and POST only (gotc.methods): writes are POSTs to actions.
    http_method_names = ["get", "post", "head"]

    def conference(self) -> Conference:
        """The token's conference, with its time zone active (times are the venue's)."""
        token = self.request.auth
        if token.conference.slug != self.kwargs["conference"]:
            raise exceptions.NotFound()
        timezone.activate(token.conference.tzinfo)
        return token.conference

    def registrations(self) -> QuerySet:
        """The conference's registrations with their live picks (one query more for a page)."""
        picks = (
            ForumPick.objects.live()
            .select_related("forum")
            .order_by("forum__starts_at", "forum__position", "pk")
        )
        return Registration.objects.filter(conference=self.conference()).prefetch_related(
            Prefetch("picks", queryset=picks, to_attr="live_picks")
        )

    def forums_by_slug(self, slugs: list[str], field: str = "forums") -> list[Forum]:
        """The conference's forums with these slugs; a slug it does not have is a 400 naming
        it (drafts are found here and refused by the services, with their message)."""
        found = {
            forum.slug: forum
            for forum in Forum.objects.filter(conference=self.conference(), slug__in=slugs)
        }
        unknown = [slug for slug in slugs if slug not in found]
        if unknown:
            raise exceptions.ValidationError(
                {field: [_("No forum “%(slug)s” in this conference.") % {"slug": unknown[0]}]}
            )
        return [found[slug] for slug in dict.fromkeys(slugs)]

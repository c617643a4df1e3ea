from django.utils import timezone


class ConferenceTimezoneMiddleware:
    """Resets the active time zone after each request.

    Program views activate their conference's time zone (see ``agenda.views.get_conference``)
    so that times render as the venue's wall clock; this keeps that choice from leaking into
    the next request served by the same thread.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

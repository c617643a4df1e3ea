"""Sessions in the shared cache (Redis), one round trip fewer for each new session.

Django's cache session store checks that a fresh random key is unused (EXISTS) and then
stores the session with ``add`` (SET NX), which already refuses a key in use and makes
``create()`` draw another. The check adds nothing but a round trip, and every registration
starts a session (the done page reads it).
"""

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.cache import SessionStore as CacheSessionStore
from django.utils.crypto import get_random_string


class SessionStore(CacheSessionStore):
    def _get_new_session_key(self) -> str:
        return get_random_string(32, VALID_KEY_CHARS)

"""The one place that decides a request's client address: for rate limits, login lockouts and
logs alike.

A forwarding header is believed only when the connection itself comes from a configured proxy
(``TRUSTED_PROXIES``): otherwise any client could name its own address in ``X-Real-IP`` or
``X-Forwarded-For`` and escape every limit, or name someone else's and lock them out. Behind
trusted proxies, ``X-Forwarded-For`` is read from the right (each proxy appends the address it
saw) and the first address that is not a trusted proxy is the client; without that header,
``X-Real-IP``. A header that does not hold an IP address is ignored.
"""

import ipaddress

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 203.0.113.9:443
        text = text.split(":")[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(address, proxies: tuple[Network, ...]) -> bool:
    return any(address in network for network in proxies)


def client_address(meta: dict, proxies: tuple[Network, ...] | None = None) -> str:
    """The client's address for a request's ``META``; the connection's own address unless it
    comes from a trusted proxy that forwarded a valid one."""
    if proxies is None:
        proxies = settings.TRUSTED_PROXIES
    peer = meta.get("REMOTE_ADDR", "")
    peer_address = _address(peer)
    if peer_address is None or not _trusted(peer_address, proxies):
        return peer
    forwarded = [hop for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(forwarded):
        address = _address(hop)
        if address is None:
            return peer  # a mangled chain: believe nothing in it
        if not _trusted(address, proxies):
            return str(address)
    real = _address(meta.get("HTTP_X_REAL_IP", ""))
    if real is not None and not forwarded:
        return str(real)
    # Every hop was a trusted proxy: the leftmost is as close to the client as we know.
    return str(_address(forwarded[0])) if forwarded else peer


class ClientAddress:
    """Put the client's address (``client_address``) into ``REMOTE_ADDR`` before anything
    reads it: django-ratelimit, django-axes and the logs all read that key. The connection's
    own address stays in ``META["gotc.peer_addr"]``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        peer = request.META.get("REMOTE_ADDR", "")
        request.META["gotc.peer_addr"] = peer
        request.META["REMOTE_ADDR"] = client_address(request.META)
        return self.get_response(request)

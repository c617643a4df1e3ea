"""gotc.clientaddress: which address a request comes from, for limits, lockouts and logs."""

import ipaddress

import pytest

from gotc.clientaddress import client_address

PROXY = "10.0.0.5"
PROXIES = (ipaddress.ip_network("10.0.0.0/24"), ipaddress.ip_network("fd00::/8"))


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ({"REMOTE_ADDR": "203.0.113.7"}, "203.0.113.7"),
        ({"REMOTE_ADDR": "203.0.113.7", "HTTP_X_REAL_IP": "198.51.100.1"}, "203.0.113.7"),
        ({"REMOTE_ADDR": "203.0.113.7", "HTTP_X_FORWARDED_FOR": "198.51.100.1"}, "203.0.113.7"),
        ({"REMOTE_ADDR": PROXY}, PROXY),
        ({"REMOTE_ADDR": PROXY, "HTTP_X_REAL_IP": "198.51.100.1"}, "198.51.100.1"),
        ({"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.1"}, "198.51.100.1"),
        # The client wrote its own X-Forwarded-For; the proxy appended what it saw.
        ({"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "1.2.3.4, 198.51.100.1"}, "198.51.100.1"),
        ({"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.1, 10.0.0.9"}, "198.51.100.1"),
        ({"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "10.0.0.8, 10.0.0.9"}, "10.0.0.8"),
        ({"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "not-an-address"}, PROXY),
        ({"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.1, evil"}, PROXY),
        ({"REMOTE_ADDR": PROXY, "HTTP_X_REAL_IP": "<script>"}, PROXY),
        ({"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.1:4711"}, "198.51.100.1"),
        ({"REMOTE_ADDR": "fd00::1", "HTTP_X_FORWARDED_FOR": "[2001:db8::7]:443"}, "2001:db8::7"),
        ({"REMOTE_ADDR": "fd00::1", "HTTP_X_FORWARDED_FOR": "2001:db8::7"}, "2001:db8::7"),
        ({"REMOTE_ADDR": ""}, ""),
    ],
    ids=[
        "direct",
        "direct-spoofed-real-ip",
        "direct-spoofed-forwarded-for",
        "proxy-without-header",
        "proxy-real-ip",
        "proxy-forwarded-for",
        "proxy-spoofed-leftmost",
        "two-proxies",
        "only-proxies",
        "garbage",
        "garbage-in-chain",
        "garbage-real-ip",
        "with-port",
        "ipv6-with-port",
        "ipv6",
        "unix-socket",
    ],
)
def test_client_address_believes_headers_only_from_trusted_proxies(meta, expected):
    assert client_address(meta, PROXIES) == expected


def test_client_address_without_trusted_proxies_is_the_connection(settings):
    settings.TRUSTED_PROXIES = ()

    meta = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_REAL_IP": "198.51.100.1"}

    assert client_address(meta) == "127.0.0.1"

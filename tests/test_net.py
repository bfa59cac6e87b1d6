"""newsroom.net: outbound HTTP to public addresses only, resolved once and pinned (no DNS rebinding)."""

import socket

import pytest

from newsroom import net
from tests.local_http import serving


def _answer(method, path):
    return (200 if path == "/ok" else 404), None


@pytest.fixture
def server():
    """A local server answering 200 at /ok and 404 elsewhere, recording (method, path, Host header)."""
    with serving(_answer) as s:
        yield s


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.1",
        "172.16.0.1",
        "192.168.1.1",
        "127.0.0.1",
        "127.1.2.3",
        "169.254.169.254",
        "::1",
        "fc00::1",
        "fd12:3456::1",
        "fe80::1",
        "fe80::1%eth0",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "0.0.0.0",  # noqa: S104 - an address to refuse, nothing binds to it
        "::",
        "224.0.0.1",
        "ff02::1",
        "255.255.255.255",
        "240.0.0.1",
        "100.64.0.1",
        "192.0.2.1",  # documentation
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
        "not-an-address",
    ],
)
def test_net_refuses_internal_addresses(address):
    assert net.is_public_ip(address) is False


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_net_allows_public_addresses(address):
    assert net.is_public_ip(address) is True


def test_allow_loopback_allows_loopback_only():
    assert net.is_public_ip("127.0.0.1", allow_loopback=True)
    assert net.is_public_ip("::1", allow_loopback=True)
    assert net.is_public_ip("::ffff:127.0.0.1", allow_loopback=True)
    for address in ("10.0.0.1", "169.254.169.254", "fe80::1", "0.0.0.0"):  # noqa: S104
        assert not net.is_public_ip(address, allow_loopback=True)


def fake_dns(monkeypatch, answers):
    calls = []

    def getaddrinfo(host, port, *args, **kwargs):
        calls.append(host)
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in answers[host]
        ]

    monkeypatch.setattr(net.socket, "getaddrinfo", getaddrinfo)
    return calls


def test_a_name_with_any_internal_address_is_refused(monkeypatch):
    fake_dns(monkeypatch, {"mixed.example": ["93.184.216.34", "10.1.2.3"], "fine.example": ["93.184.216.34"]})
    with pytest.raises(net.UnsafeAddress) as caught:
        net.resolve_public("mixed.example", 80)
    assert caught.value.address == "10.1.2.3"
    assert net.resolve_public("fine.example", 80)[0][4] == ("93.184.216.34", 80)


def test_the_request_goes_to_the_validated_address_and_resolves_once(server, monkeypatch):
    """DNS rebinding: the name is resolved once, checked, and that address is the one connected to; the name
    only travels in the Host header."""
    calls = fake_dns(monkeypatch, {"news.example": ["127.0.0.1"]})
    response = net.request("GET", f"http://news.example:{server.port}/ok", timeout=3, allow_loopback=True)
    assert response.status == 200
    assert calls == ["news.example"]
    assert server.requests == [("GET", "/ok", f"news.example:{server.port}")]


def test_an_internationalised_path_is_sent_percent_encoded(server, monkeypatch):
    fake_dns(monkeypatch, {"xn--e1afmkfd.xn--p1ai": ["127.0.0.1"]})
    net.request("HEAD", f"http://пример.рф:{server.port}/путь?q=сквер%20парк", timeout=3, allow_loopback=True)
    [(_method, path, host)] = server.requests
    assert host == f"xn--e1afmkfd.xn--p1ai:{server.port}"
    assert path == "/%D0%BF%D1%83%D1%82%D1%8C?q=%D1%81%D0%BA%D0%B2%D0%B5%D1%80%20%D0%BF%D0%B0%D1%80%D0%BA"


def test_a_target_carries_the_host_header_and_the_encoded_path():
    target = net.parse_target("https://пример.рф:8443/путь?q=1")
    assert (target.scheme, target.host, target.port) == ("https", "xn--e1afmkfd.xn--p1ai", 8443)
    assert target.host_header == "xn--e1afmkfd.xn--p1ai:8443"
    assert target.path == "/%D0%BF%D1%83%D1%82%D1%8C?q=1"
    assert net.parse_target("http://[2606:4700::1]/").host_header == "[2606:4700::1]"
    for url in ("ftp://example.org/", "javascript:alert(1)", "https:///nohost"):
        with pytest.raises(ValueError, match="not an http"):
            net.parse_target(url)

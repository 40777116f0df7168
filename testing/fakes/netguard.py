"""Network guard: tests may only talk to loopback (127.0.0.0/8, ::1, localhost) and
unix sockets. Any other connection or name lookup raises ``NetworkAccessDenied``
(an ``AssertionError``) naming the address, and is remembered in ``denials`` so a
library that swallows the error still fails the test (see tests/conftest.py).
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket

LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}
BIND_ANY = {None, "", b"", "0.0.0.0", "::"}  # lookups for binding a listening socket


class NetworkAccessDenied(AssertionError):
    pass


denials: list[str] = []
_originals: dict[str, object] = {}


def is_loopback(host) -> bool:
    if host is None:
        return False
    if isinstance(host, bytes):
        host = host.decode()
    host = str(host).split("%", 1)[0].strip("[]")
    if host.lower() in LOCAL_NAMES:
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def _deny(what: str) -> None:
    message = f"network access outside loopback refused in tests: {what}"
    denials.append(message)
    raise NetworkAccessDenied(message)


def _check_address(sock, address) -> None:
    family = getattr(sock, "family", None)
    if family is not None and family not in (socket.AF_INET, socket.AF_INET6):
        return  # AF_UNIX and friends
    if isinstance(address, tuple) and address and not is_loopback(address[0]):
        _deny(f"connect to {address[0]}:{address[1] if len(address) > 1 else '?'}")


def _guarded_connect(self, address):
    _check_address(self, address)
    return _originals["connect"](self, address)


def _guarded_connect_ex(self, address):
    _check_address(self, address)
    return _originals["connect_ex"](self, address)


def _guarded_create_connection(address, *args, **kwargs):
    if not is_loopback(address[0]):
        _deny(f"create_connection to {address[0]}:{address[1]}")
    return _originals["create_connection"](address, *args, **kwargs)


def _guarded_getaddrinfo(host, *args, **kwargs):
    if host not in BIND_ANY and not is_loopback(host):
        _deny(f"name lookup of {host!r}")
    return _originals["getaddrinfo"](host, *args, **kwargs)


def install() -> None:
    if _originals:
        return
    _originals.update(
        connect=socket.socket.connect,
        connect_ex=socket.socket.connect_ex,
        create_connection=socket.create_connection,
        getaddrinfo=socket.getaddrinfo,
    )
    socket.socket.connect = _guarded_connect
    socket.socket.connect_ex = _guarded_connect_ex
    socket.create_connection = _guarded_create_connection
    socket.getaddrinfo = _guarded_getaddrinfo


def uninstall() -> None:
    if not _originals:
        return
    socket.socket.connect = _originals.pop("connect")
    socket.socket.connect_ex = _originals.pop("connect_ex")
    socket.create_connection = _originals.pop("create_connection")
    socket.getaddrinfo = _originals.pop("getaddrinfo")


@contextlib.contextmanager
def denials_expected():
    """For tests that provoke a denial on purpose: yields the list of denials made inside
    the block and removes them from ``denials`` so the check after the test passes."""
    start = len(denials)
    caught: list[str] = []
    try:
        yield caught
    finally:
        caught.extend(denials[start:])
        del denials[start:]

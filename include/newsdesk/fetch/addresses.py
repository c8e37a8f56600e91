"""The address guard: newsdesk fetches only from hosts on the public internet.

Partner URLs come from a registry file and from redirects chosen by remote servers, so a
typo, a hijacked partner site or a hostile redirect could otherwise point the fetcher at the
machine itself, the office network or a cloud metadata service (169.254.169.254). The guard
checks every address a host *resolves to*, not the name, so a public-looking name that
resolves to 10.0.0.5 is refused, and :mod:`newsdesk.fetch.pinning` then connects to exactly
the addresses checked here.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable

from newsdesk.errors import BlockedAddressError, FetchError

Resolver = Callable[[str, int], list[str]]
"""``(host, port) -> IP address strings``; :func:`system_resolver` is the default."""

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# IPv6 ranges that carry an IPv4 address in their low 32 bits and that a gateway on the
# path may translate to it (NAT64, RFC 6052 and RFC 8215); the embedded address is checked.
_NAT64_PREFIXES = (
    ipaddress.IPv6Network("64:ff9b::/96"),
    ipaddress.IPv6Network("64:ff9b:1::/48"),
)


def system_resolver(host: str, port: int) -> list[str]:
    """Resolve ``host`` with the operating system (``getaddrinfo``), TCP addresses only."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def blocked_reason(address: IPAddress) -> str | None:
    """Say why ``address`` must not be fetched from, or ``None`` if it is public.

    ``is_global`` is the basis (it excludes private, loopback, link-local, reserved,
    documentation and CGNAT 100.64/10 ranges); multicast and IPv6 site-local are added
    because ``is_global`` lets them through, and IPv4 addresses embedded in IPv6 ones
    (IPv4-mapped, 6to4, NAT64) are checked as the IPv4 address they reach.
    """
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            reason = blocked_reason(embedded)
            return None if reason is None else f"embeds {embedded}, which is {reason}"
        if address.is_site_local:
            return "site-local"
    for reason, flag in (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
    ):
        if flag:
            return reason
    return None if address.is_global else "not globally routable"


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if any(address in prefix for prefix in _NAT64_PREFIXES):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def vet_host(
    url: str, host: str, port: int, resolver: Resolver, *, allow_private: bool
) -> list[str]:
    """Resolve ``host`` and return the addresses we may connect to, in resolver order.

    An IP-literal host is its own only address. Every resolved address must pass: one
    private answer among public ones refuses the host, because the connection could pick
    it. With ``allow_private`` (tests, intranet partners) nothing is refused, but the
    resolved addresses are still returned so connections are pinned to them.

    Raises BlockedAddressError naming the URL, host and address, or FetchError when the
    host does not resolve.
    """
    literal = _parse_ip(host)
    if literal is not None:
        addresses = [literal]
    else:
        try:
            answers = resolver(host, port)
        except OSError as exc:
            raise FetchError(f"{url}: cannot resolve host {host!r}: {exc}") from exc
        addresses = []
        for answer in answers:
            parsed = _parse_ip(answer)
            if parsed is None:
                raise FetchError(f"{url}: resolver gave {answer!r} for {host!r}, not an IP address")
            addresses.append(parsed)
        if not addresses:
            raise FetchError(f"{url}: host {host!r} resolves to no address")
    if not allow_private:
        for address in addresses:
            reason = blocked_reason(address)
            if reason is not None:
                raise BlockedAddressError(
                    f"{url}: host {host!r} resolves to {address}, which is {reason}; "
                    "newsdesk only fetches from public addresses (allow_private_hosts is off)"
                )
    return [str(address) for address in addresses]


def _parse_ip(text: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return None

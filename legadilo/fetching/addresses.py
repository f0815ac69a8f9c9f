"""The SSRF guard's rules: which IP addresses a fetch may connect to. Pure functions, no I/O.

An address is refused when it is not a public unicast address: loopback, private, link-local, multicast,
reserved, unspecified, the shared (carrier-grade NAT) range, or an IPv6 form that embeds one of those
(IPv4-mapped `::ffff:a.b.c.d`, 6to4 `2002::/16`, NAT64 `64:ff9b::/96`).
"""

from __future__ import annotations

import ipaddress

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

ALLOW_HINT = "set LEGADILO_ALLOW_PRIVATE_NETWORKS=1 to allow"

_NAT64_WELL_KNOWN = ipaddress.IPv6Network("64:ff9b::/96")
# Spelled out because `ipaddress`'s own flags vary between Python patch releases.
_NOT_PUBLIC: tuple[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, str], ...] = tuple(
    (ipaddress.ip_network(network), reason)
    for network, reason in (
        ("0.0.0.0/8", "reserved"),
        ("100.64.0.0/10", "in the shared (carrier-grade NAT) range"),
        ("192.0.0.0/24", "reserved"),
        ("192.0.2.0/24", "reserved"),
        ("198.18.0.0/15", "reserved"),
        ("198.51.100.0/24", "reserved"),
        ("203.0.113.0/24", "reserved"),
        ("240.0.0.0/4", "reserved"),
        ("64:ff9b:1::/48", "private"),
        ("100::/64", "reserved"),
        ("2001::/23", "reserved"),
        ("2001:db8::/32", "reserved"),
        ("3fff::/20", "reserved"),
        ("fc00::/7", "private"),
        ("fec0::/10", "private"),
    )
)


def parse_ip(host: str) -> IPAddress | None:
    """The IP address written in `host` (brackets and an IPv6 zone allowed), or None for a name."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def looks_like_ip(host: str) -> bool:
    """Whether an HTTP client would treat `host` as an IP literal rather than a name to resolve.

    Wider than `parse_ip`: `127.1` or `2130706433` look like addresses but are not canonical ones.
    """
    return ":" in host or host.replace(".", "").isdigit()


def blocked_reason(address: str | IPAddress) -> str | None:
    """Why `address` may not be fetched (a phrase that reads after "is"), or None when it is public."""
    ip = parse_ip(address) if isinstance(address, str) else address
    if ip is None:
        return "not a valid IP address"
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            form, v4 = embedded
            inner = _plain_reason(v4)
            return None if inner is None else f"an {form} form of {v4}, which is {inner}"
    return _plain_reason(ip)


def is_blocked_address(address: str | IPAddress) -> bool:
    """True when the SSRF guard refuses `address` (see `blocked_reason`)."""
    return blocked_reason(address) is not None


def blocked_message(address: str | IPAddress, *, host: str | None = None) -> str | None:
    """The one-line refusal for `address` (reached through `host`, when that is a name), or None."""
    reason = blocked_reason(address)
    if reason is None:
        return None
    where = f"{host} resolves to {address}, which" if host and host != str(address) else f"the address {address}"
    return f"{where} is {reason}: refused ({ALLOW_HINT})"


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> tuple[str, ipaddress.IPv4Address] | None:
    if ip.ipv4_mapped is not None:
        return "IPv4-mapped", ip.ipv4_mapped
    if ip.sixtofour is not None:
        return "6to4", ip.sixtofour
    if ip in _NAT64_WELL_KNOWN:
        return "NAT64", ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _plain_reason(ip: IPAddress) -> str | None:
    flags = (
        (ip.is_unspecified, "unspecified"),
        (ip.is_loopback, "loopback"),
        (ip.is_link_local, "link-local"),
        (ip.is_multicast, "multicast"),
    )
    for matched, reason in flags:
        if matched:
            return reason
    for network, reason in _NOT_PUBLIC:
        if ip.version == network.version and ip in network:
            return reason
    if ip.is_private:
        return "private"
    if ip.is_reserved:
        return "reserved"
    return None if ip.is_global else "not globally routable"

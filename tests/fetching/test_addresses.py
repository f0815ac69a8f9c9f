"""The SSRF guard's address rules, over a table of addresses."""

from __future__ import annotations

import pytest

from legadilo.fetching.addresses import blocked_message, blocked_reason, is_blocked_address, looks_like_ip, parse_ip

BLOCKED = [
    ("10.0.0.1", "private"),
    ("10.255.255.255", "private"),
    ("172.16.0.1", "private"),
    ("172.31.255.254", "private"),
    ("192.168.1.1", "private"),
    ("127.0.0.1", "loopback"),
    ("127.255.0.9", "loopback"),
    ("0.0.0.0", "unspecified"),
    ("169.254.169.254", "link-local"),
    ("224.0.0.1", "multicast"),
    ("239.255.255.250", "multicast"),
    ("100.64.0.1", "shared"),
    ("100.127.255.254", "shared"),
    ("0.1.2.3", "reserved"),
    ("192.0.0.8", "reserved"),
    ("192.0.2.1", "reserved"),
    ("198.18.0.1", "reserved"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "reserved"),
    ("::1", "loopback"),
    ("::", "unspecified"),
    ("fe80::1", "link-local"),
    ("fe80::1%eth0", "link-local"),
    ("fc00::1", "private"),
    ("fd12:3456::1", "private"),
    ("ff02::1", "multicast"),
    ("2001:db8::1", "reserved"),
    ("2001::1", "reserved"),  # Teredo
    ("64:ff9b:1::1", "private"),  # local-use NAT64
    ("fec0::1", "private"),
    ("::ffff:127.0.0.1", "IPv4-mapped form of 127.0.0.1, which is loopback"),
    ("::ffff:10.1.2.3", "IPv4-mapped form of 10.1.2.3, which is private"),
    ("::ffff:169.254.169.254", "which is link-local"),
    ("2002:7f00:1::", "6to4 form of 127.0.0.1, which is loopback"),
    ("2002:c0a8:101::1", "6to4 form of 192.168.1.1, which is private"),
    ("64:ff9b::a00:1", "NAT64 form of 10.0.0.1, which is private"),
    ("64:ff9b::7f00:1", "NAT64 form of 127.0.0.1, which is loopback"),
    ("::7f00:1", "reserved"),  # IPv4-compatible (deprecated)
    ("100::1", "reserved"),  # discard-only
]

ALLOWED = [
    "8.8.8.8",
    "1.1.1.1",
    "93.184.215.14",
    "172.32.0.1",  # just outside 172.16/12
    "100.128.0.1",  # just outside 100.64/10
    "2001:4860::",
    "2001:4860:4860::8888",
    "2606:4700::1111",
    "::ffff:8.8.8.8",
    "2002:808:808::1",  # 6to4 of 8.8.8.8
    "64:ff9b::808:808",  # NAT64 (DNS64 networks) of 8.8.8.8
]


@pytest.mark.parametrize(("address", "reason"), BLOCKED)
def test_blocked_addresses(address: str, reason: str) -> None:
    assert is_blocked_address(address)
    found = blocked_reason(address)
    assert found is not None
    assert reason in found


@pytest.mark.parametrize("address", ALLOWED)
def test_public_addresses_are_allowed(address: str) -> None:
    assert blocked_reason(address) is None
    assert not is_blocked_address(address)
    assert blocked_message(address) is None


def test_unparseable_address_is_blocked() -> None:
    assert blocked_reason("not-an-ip") == "not a valid IP address"


def test_blocked_message_for_a_literal_and_for_a_name() -> None:
    assert blocked_message("10.0.0.1") == (
        "the address 10.0.0.1 is private: refused (set LEGADILO_ALLOW_PRIVATE_NETWORKS=1 to allow)"
    )
    assert blocked_message("127.0.0.1", host="localhost") == (
        "localhost resolves to 127.0.0.1, which is loopback: refused (set LEGADILO_ALLOW_PRIVATE_NETWORKS=1 to allow)"
    )


@pytest.mark.parametrize(
    ("host", "looks", "parsed"),
    [
        ("127.0.0.1", True, "127.0.0.1"),
        ("[::1]", True, "::1"),
        ("::1", True, "::1"),
        ("127.1", True, None),  # legacy short form: an address to a client, not to us
        ("2130706433", True, None),
        ("example.com", False, None),
        ("0x7f000001", False, None),  # a name to aiohttp: the resolver checks what it resolves to
    ],
)
def test_ip_literal_detection(host: str, looks: bool, parsed: str | None) -> None:
    assert looks_like_ip(host) is looks
    address = parse_ip(host)
    assert (str(address) if address is not None else None) == parsed

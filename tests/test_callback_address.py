"""Where a callback may go (domain/callback_address.py): every spelling of an internal
address the hardening issue found accepted, and the public ones that must stay accepted."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from reelhouse.domain.callback_address import (
    AddressRefused,
    check_target,
    parse_callback_url,
)
from reelhouse.domain.shown_detail import shown_detail

PUBLIC_V4 = "93.184.215.14"


def fake_dns(table: dict[str, Sequence[str]]):  # type: ignore[no-untyped-def]
    def resolve(host: str, port: int, timeout_s: float) -> Sequence[str]:
        if host not in table:
            raise OSError(f"[Errno -2] {host} not known")
        return table[host]

    return resolve


DNS = fake_dns(
    {
        "wallet.example.com": [PUBLIC_V4, "2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
        "evil.example": ["127.0.0.1"],
        "localhost": ["127.0.0.1", "::1"],
        "wallet.localhost": ["127.0.0.1"],
        "half.example": [PUBLIC_V4, "10.0.0.7"],
        "metadata.example": ["::ffff:169.254.169.254"],
    }
)


def check(url: str, *, allow_private: bool = False) -> list[str]:
    return check_target(parse_callback_url(url), DNS, allow_private=allow_private, timeout_s=1)


# Spellings that are refused whatever the deployment allows: nobody needs them.
NON_CANONICAL = [
    "http://2130706433/",  # 127.0.0.1 as one decimal number
    "http://2852039166/",  # 169.254.169.254 as one decimal number
    "http://0x7f000001/",  # hex
    "http://0x7f.0.0.1/",
    "http://127.1/",  # short dotted
    "http://0177.0.0.1/",  # octal
    "http://0/",
    "http://01.02.03.04/",
    "http://1.2.3.256/",
    "http://example.123/",  # a numeric last label reads as IPv4 to WHATWG parsers
    "http://localhost./",  # trailing dot
    "http://wallet.example.com./cb",
    "http://user:pw@wallet.example.com/",
    "http://wallet.example.com\\@127.0.0.1/",
    "http://[::1%25eth0]/",
    "http://ex ample.com/",
    "http://xn--e1afmkfd.xn--p1ai%2F/",
    "http://\u0435\u0436.\u0440\u0444/",  # an IDN not in its xn-- form
    "ftp://wallet.example.com/",
    "http:///path-only",
    "http://wallet.example.com:0/",
    "http://wallet.example.com:65536/",
    "http://wallet.example.com:/",
    "http://[::1/",
]

# Addresses refused unless private callbacks are allowed.
PRIVATE = [
    "http://127.0.0.1:8000/cb",
    "http://[::1]/",
    "http://[::127.0.0.1]/",  # IPv4-compatible
    "http://[::ffff:127.0.0.1]/",  # IPv4-mapped
    "http://[::ffff:8.8.8.8]/",  # mapped, even of a public address
    "http://[64:ff9b::a9fe:a9fe]/",  # NAT64 of 169.254.169.254
    "http://[64:ff9b::7f00:1]/",  # NAT64 of 127.0.0.1
    "http://[64:ff9b:1::a00:1]/",  # local-use NAT64
    "http://[2002:7f00:1::1]/",  # 6to4 of 127.0.0.1
    "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",  # Teredo
    "http://169.254.169.254/latest/meta-data/",
    "http://100.64.0.1/",  # carrier-grade NAT
    "http://10.1.2.3/",
    "http://172.16.0.1/",
    "http://192.168.1.1/",
    "http://192.0.0.8/",
    "http://198.18.0.1/",
    "http://[fc00::1]/",
    "http://[fd12:3456::1]/",
    "http://[fe80::1]/",
    "http://[fec0::1]/",
    "http://[2001:db8::1]/",
    "http://localhost:8000/",
    "http://wallet.localhost/",
    "http://evil.example/",  # a name resolving to loopback
    "http://half.example/",  # one of its addresses is private
    "http://metadata.example/",
]

# Never callable, private callbacks or not.
NEVER = [
    "http://0.0.0.0/",
    "http://[::]/",
    "http://224.0.0.1/",
    "http://255.255.255.255/",
    "http://240.0.0.1/",
    "http://[ff02::1]/",
    "http://[100::1]/",
    "http://[4000::1]/",  # outside global unicast
]

PUBLIC = [
    f"https://{PUBLIC_V4}/cb",
    "https://8.8.8.8:8443/wallet?x=1",
    "https://[2606:4700:4700::1111]/cb",
    "http://[64:ff9b::808:808]/",  # NAT64 of a public address
    "https://wallet.example.com/callback",
    "https://Wallet.Example.COM:8443/callback",
    "https://wallet.example.com/",
]


@pytest.mark.parametrize("url", NON_CANONICAL)
@pytest.mark.parametrize("allow_private", [False, True])
def test_non_canonical_forms_are_refused(url: str, allow_private: bool) -> None:
    with pytest.raises(AddressRefused):
        check(url, allow_private=allow_private)


@pytest.mark.parametrize("url", PRIVATE + NEVER)
def test_internal_addresses_are_refused(url: str) -> None:
    with pytest.raises(AddressRefused):
        check(url)


@pytest.mark.parametrize("url", PRIVATE)
def test_private_callbacks_allow_the_private_ranges(url: str) -> None:
    assert check(url, allow_private=True)


@pytest.mark.parametrize("url", NEVER)
def test_unspecified_multicast_and_reserved_are_never_called(url: str) -> None:
    with pytest.raises(AddressRefused):
        check(url, allow_private=True)


@pytest.mark.parametrize("url", PUBLIC)
def test_public_addresses_pass(url: str) -> None:
    assert check(url)


def test_every_address_of_a_name_is_returned_in_order_and_names_are_lowercased() -> None:
    target = parse_callback_url("https://Wallet.Example.COM:8443/callback")
    assert (target.host, target.port, target.literal) == ("wallet.example.com", 8443, None)
    assert check("https://wallet.example.com/") == [
        PUBLIC_V4,
        "2606:2800:21f:cb07:6820:80da:af6b:8b2c",
    ]


def test_a_name_that_does_not_resolve_is_refused_with_the_reason() -> None:
    with pytest.raises(AddressRefused, match="does not resolve"):
        check("https://nowhere.example/")


def test_refusals_say_what_the_address_is() -> None:
    with pytest.raises(AddressRefused, match=r"evil\.example resolves to 127\.0\.0\.1, a loopback"):
        check("http://evil.example/")
    with pytest.raises(AddressRefused, match="wrapping a link-local"):
        check("http://[64:ff9b::a9fe:a9fe]/")


@pytest.mark.parametrize(
    ("detail", "shown"),
    [
        ("HTTP 500: 'root:x:0:0:root:/root:/bin/bash'", "HTTP 500"),
        ('malformed answer (Expecting value: line 1): "<html>secret"', "malformed answer"),
        ("malformed OK answer (answer is about trans_guid 'abc')", "malformed OK answer"),
        ("result 1001 to bet: '{\"result\": 1001}'", "result 1001 to bet"),
        ("result 1001", "result 1001"),
        ("transport: deadline: no complete answer within 2.0 s, ReadTimeout",
         "transport: deadline: no complete answer within 2.0 s, ReadTimeout"),
    ],
)  # fmt: skip
def test_a_detail_is_shown_without_the_wallets_bytes(detail: str, shown: str) -> None:
    assert shown_detail(detail) == shown

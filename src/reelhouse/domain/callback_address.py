"""Where a wallet callback may go: the URL's shape and every address its host stands for.

Reelhouse sends HTTP requests to URLs its operators type in, so a careless or hostile
operator could aim them at Reelhouse's own network (loopback, the cloud metadata service at
169.254.169.254, a database on 10.x). The rules, checked when a URL is saved and again for
every request (a name may resolve elsewhere by then):

- http or https, a host, no user:password part, an explicit port within 1-65535;
- a host is a DNS name in its plain form (letters, digits, hyphens; IDNs as `xn--`; no
  trailing dot), a dotted-quad IPv4 address written canonically, or a bracketed IPv6
  address. The other spellings of an IPv4 address that resolvers accept (`2130706433`,
  `0x7f000001`, `127.1`, `0177.0.0.1`, `0`) are refused outright: nobody types them except
  to slip past a filter;
- every address the host resolves to must be a public unicast address. With private
  callbacks allowed (demo, tests, a wallet on the same private network) loopback and
  private ranges pass; unspecified, multicast and reserved addresses never do.

Pure: resolution is a `Resolver` handed in (domain/name_resolver.py has the system one).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from reelhouse.domain.limits import CALLBACK_URL_MAX_CHARS

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

SCHEMES = {"http": 80, "https": 443}
HOST_MAX_CHARS = 253  # RFC 1035: a DNS name in text form
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
# A label a URL parser or resolver may read as a number: decimal, octal (leading 0) or hex.
_NUMERIC_LABEL = re.compile(r"(?:0x[0-9a-f]*|[0-9]+)")
_CANONICAL_OCTET = re.compile(r"0|[1-9][0-9]{0,2}")


class AddressRefused(ValueError):
    """A callback URL or one of its addresses Reelhouse will not call. The message says why
    in words fit for the person who typed the URL."""


class Resolver(Protocol):
    def __call__(self, host: str, port: int, timeout_s: float) -> Sequence[str]:
        """Every address `host` resolves to, as text; raises OSError (or a subclass) when the
        name does not resolve within `timeout_s` seconds."""
        ...


@dataclass(frozen=True)
class CallbackTarget:
    """A checked callback URL's host and port. `literal` is set when the host is an address
    (then no resolution is needed); otherwise `host` is a lowercase DNS name."""

    scheme: str
    host: str
    port: int
    literal: IPAddress | None


# --- Address classes -----------------------------------------------------------------------
# (network, what it is, whether private callbacks allow it). Our own table rather than
# ipaddress's is_private/is_global, whose answers have changed between Python patch releases;
# the first matching row wins, so narrower rows come first.
_NEVER = False
_PRIVATE = True
_V4_RANGES: tuple[tuple[ipaddress.IPv4Network, str, bool], ...] = tuple(
    (ipaddress.IPv4Network(net), what, ok)
    for net, what, ok in (
        ("0.0.0.0/8", "an unspecified (this-network) address", _NEVER),
        ("10.0.0.0/8", "a private address", _PRIVATE),
        ("100.64.0.0/10", "a carrier-grade NAT (shared) address", _PRIVATE),
        ("127.0.0.0/8", "a loopback address", _PRIVATE),
        ("169.254.0.0/16", "a link-local address, where cloud metadata services answer", _PRIVATE),
        ("172.16.0.0/12", "a private address", _PRIVATE),
        ("192.0.0.0/24", "an IETF protocol address", _PRIVATE),
        ("192.0.2.0/24", "a documentation address", _PRIVATE),
        ("192.88.99.0/24", "a 6to4 relay address", _PRIVATE),
        ("192.168.0.0/16", "a private address", _PRIVATE),
        ("198.18.0.0/15", "a benchmarking address", _PRIVATE),
        ("198.51.100.0/24", "a documentation address", _PRIVATE),
        ("203.0.113.0/24", "a documentation address", _PRIVATE),
        ("224.0.0.0/4", "a multicast address", _NEVER),
        ("240.0.0.0/4", "a reserved or broadcast address", _NEVER),
    )
)
_V6_RANGES: tuple[tuple[ipaddress.IPv6Network, str, bool], ...] = tuple(
    (ipaddress.IPv6Network(net), what, ok)
    for net, what, ok in (
        ("::/128", "the unspecified address", _NEVER),
        ("::1/128", "the loopback address", _PRIVATE),
        ("::ffff:0:0/96", "an IPv4-mapped address", _PRIVATE),
        ("::/96", "an IPv4-compatible address", _PRIVATE),
        ("64:ff9b:1::/48", "a local-use NAT64 address", _PRIVATE),
        ("100::/64", "a discard-only address", _NEVER),
        ("2001::/23", "an IETF protocol or Teredo address", _PRIVATE),
        ("2001:db8::/32", "a documentation address", _PRIVATE),
        ("3fff::/20", "a documentation address", _PRIVATE),
        ("fc00::/7", "a unique-local (private) address", _PRIVATE),
        ("fe80::/10", "a link-local address", _PRIVATE),
        ("fec0::/10", "a site-local address", _PRIVATE),
        ("ff00::/8", "a multicast address", _NEVER),
    )
)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # the well-known prefix: v4 in the low 32 bits
_6TO4 = ipaddress.IPv6Network("2002::/16")  # v4 in bits 16-47
_GLOBAL_UNICAST_V6 = ipaddress.IPv6Network("2000::/3")


def address_class(address: IPAddress) -> tuple[str, bool] | None:
    """None for a public unicast address; else (what it is, whether private callbacks allow
    it). An IPv6 address that wraps an IPv4 one (NAT64, 6to4) is judged by the IPv4 one."""
    if isinstance(address, ipaddress.IPv4Address):
        for net4, what, private_ok in _V4_RANGES:
            if address in net4:
                return what, private_ok
        return None
    if address in _NAT64 or address in _6TO4:
        shift = 0 if address in _NAT64 else 80
        wrapped = ipaddress.IPv4Address((int(address) >> shift) & 0xFFFFFFFF)
        found = address_class(wrapped)
        return None if found is None else (f"an IPv6 address wrapping {found[0]}", found[1])
    for net6, what, private_ok in _V6_RANGES:
        if address in net6:
            return what, private_ok
    if address not in _GLOBAL_UNICAST_V6:
        return "a reserved IPv6 address", _NEVER
    return None


def refusal(address: IPAddress, *, allow_private: bool) -> str | None:
    """What `address` is, if it may not be called; None if it may."""
    found = address_class(address)
    if found is None:
        return None
    what, private_ok = found
    return None if private_ok and allow_private else what


def check_address(address: IPAddress, *, allow_private: bool) -> None:
    what = refusal(address, allow_private=allow_private)
    if what is not None:
        raise AddressRefused(f"{address} is {what}")


def parse_address(text: str) -> IPAddress:
    """An address as a resolver returns it; an IPv6 zone (`%eth0`) does not change its
    class, so it is dropped for the check (the connection still uses the text as given)."""
    return ipaddress.ip_address(text.split("%", 1)[0])


def check_addresses(host: str, addresses: Sequence[str], *, allow_private: bool) -> list[str]:
    """`addresses` if every one may be called; refused if any may not. All of them, not just
    the first: a name answering with one public and one private address would otherwise
    reach the private one whenever the connection falls back to it."""
    if not addresses:
        raise AddressRefused(f"{host} resolves to no address")
    for text in addresses:
        try:
            address = parse_address(text)
        except ValueError as exc:
            raise AddressRefused(f"{host} resolves to something that is not an address") from exc
        what = refusal(address, allow_private=allow_private)
        if what is not None:
            raise AddressRefused(f"{host} resolves to {address}, {what}")
    return list(addresses)


# --- URL shape ------------------------------------------------------------------------------


def _host_literal(host: str) -> IPAddress | None:
    """The address a host spells, if it spells one; refused if it spells one non-canonically."""
    if host.startswith("["):
        if not host.endswith("]") or "%" in host:
            raise AddressRefused("a bracketed host must be a plain IPv6 address")
        try:
            return ipaddress.IPv6Address(host[1:-1])
        except ValueError as exc:
            raise AddressRefused("a bracketed host must be a plain IPv6 address") from exc
    labels = host.split(".")
    # WHATWG URL parsing (browsers, many libraries) and inet_aton treat a host whose last
    # label is numeric as an IPv4 address in any of several spellings; only the dotted quad
    # of four canonical decimal octets is accepted, so what is checked is what is called.
    if not _NUMERIC_LABEL.fullmatch(labels[-1]):
        return None
    canonical = len(labels) == 4 and all(
        _CANONICAL_OCTET.fullmatch(label) and int(label) <= 255 for label in labels
    )
    if not canonical:
        raise AddressRefused(
            f"{host} is not a canonical IPv4 address: write it as four decimal numbers "
            "0-255 without leading zeros, a.b.c.d, or use a host name"
        )
    return ipaddress.IPv4Address(host)


def _check_name(host: str) -> None:
    if host.endswith("."):
        raise AddressRefused("the host must not end with a dot")
    if len(host) > HOST_MAX_CHARS or not all(_LABEL.fullmatch(lb) for lb in host.split(".")):
        raise AddressRefused(
            "the host must be a DNS name of letters, digits and hyphens (an international "
            "name in its xn-- form), an IPv4 address or a bracketed IPv6 address"
        )


def parse_callback_url(url: str) -> CallbackTarget:
    """The URL's scheme, host and port if its shape is acceptable (addresses not yet checked:
    see check_target)."""
    if len(url) > CALLBACK_URL_MAX_CHARS:
        raise AddressRefused(f"the callback URL is longer than {CALLBACK_URL_MAX_CHARS} chars")
    # Characters URL parsers disagree about (a backslash is a slash to a browser, part of the
    # path to urllib) are refused, so the host checked here is the host httpx connects to.
    if not url.isascii() or any(c.isspace() or not c.isprintable() or c == "\\" for c in url):
        raise AddressRefused(
            "the callback URL must be ASCII without spaces, backslashes or control codes"
        )
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # an unbalanced [ or ]
        raise AddressRefused("the callback URL is not a URL") from exc
    if parts.scheme not in SCHEMES or not parts.netloc:
        raise AddressRefused("the callback URL must be an http:// or https:// URL with a host")
    if "@" in parts.netloc:
        raise AddressRefused("the callback URL must not carry a user name or password")
    host_text, _, port_text = parts.netloc.rpartition(":")
    if not host_text or (host_text.startswith("[") and not host_text.endswith("]")):
        host_text, port_text = parts.netloc, ""
    host = host_text.lower()
    if not host:
        raise AddressRefused("the callback URL must name a host")
    if port_text or parts.netloc.endswith(":"):
        if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
            raise AddressRefused("the callback URL's port must be a number from 1 to 65535")
        port = int(port_text)
    else:
        port = SCHEMES[parts.scheme]
    literal = _host_literal(host)
    if literal is None:
        _check_name(host)
        return CallbackTarget(parts.scheme, host, port, None)
    return CallbackTarget(parts.scheme, str(literal), port, literal)


def is_local_name(host: str) -> bool:
    """RFC 6761: `localhost` and every name under it are loopback, whatever DNS says."""
    return host == "localhost" or host.endswith(".localhost")


def check_target(
    target: CallbackTarget, resolve: Resolver, *, allow_private: bool, timeout_s: float
) -> list[str]:
    """Every address `target` stands for, each checked; refused if any may not be called.
    Names are resolved with `resolve`, bounded by `timeout_s`."""
    if target.literal is not None:
        check_address(target.literal, allow_private=allow_private)
        return [str(target.literal)]
    if is_local_name(target.host) and not allow_private:
        raise AddressRefused(f"{target.host} is a loopback name")
    try:
        addresses = resolve(target.host, target.port, timeout_s)
    except OSError as exc:
        raise AddressRefused(f"{target.host} does not resolve: {exc}") from exc
    return check_addresses(target.host, addresses, allow_private=allow_private)

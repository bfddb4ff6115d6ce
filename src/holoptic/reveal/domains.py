"""Host names: normalising them, their parent domains, their registrable domain.

Holoptic ships no Public Suffix List, so the registrable domain is an approximation: the
last two labels, or three when the last two form a well-known second-level suffix
(``co.uk``, ``com.au``…). Tracker lookups do not depend on it: they try the host and each
parent domain in turn, and a public suffix never appears in the tracker list.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

# scheme://[userinfo@]host — the host stops at a port, path, query or fragment.
_AUTHORITY = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#\\]*@)?([A-Za-z0-9._~-]+)(?=[:/?#]|$)")

# Second-level suffixes under which names are registered (a common subset of the PSL).
# fmt: off
_SECOND_LEVEL = frozenset((
    "co.uk", "org.uk", "ac.uk", "gov.uk", "me.uk", "ltd.uk", "plc.uk", "net.uk", "sch.uk",
    "nhs.uk", "com.au", "net.au", "org.au", "edu.au", "gov.au", "asn.au", "id.au", "co.nz",
    "org.nz", "net.nz", "govt.nz", "ac.nz", "co.jp", "ne.jp", "or.jp", "ac.jp", "go.jp", "co.kr",
    "or.kr", "com.br", "net.br", "org.br", "gov.br", "com.cn", "net.cn", "org.cn", "gov.cn",
    "com.tw", "org.tw", "com.hk", "org.hk", "com.sg", "org.sg", "com.my", "com.mx", "org.mx",
    "com.ar", "co.in", "net.in", "org.in", "gov.in", "co.za", "org.za", "gov.za", "com.tr",
    "org.tr", "gov.tr", "co.il", "org.il", "com.pl", "net.pl", "org.pl", "com.ua", "co.id",
    "or.id", "co.th", "in.th", "com.vn", "com.ph", "com.pk", "com.eg", "com.sa", "com.ng", "co.ke",
    "com.co", "com.pe", "com.ve", "com.uy", "gouv.fr", "asso.fr", "com.es", "org.es", "com.pt",
    "com.gr", "co.at", "or.at", "gv.at",
))
# fmt: on


def normalise_host(host: str) -> str:
    """Lower case, without a trailing dot, a port, or IPv6 brackets."""
    host = host.strip().lower().rstrip(".")
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    if host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host


def host_of(url: str) -> str | None:
    """The network host of a URL, or None (``data:``, ``about:``, broken URLs).

    A regular expression does the common case (a history holds 100,000s of URLs and
    ``urlsplit`` costs ten times more); anything unusual goes through ``urlsplit``.
    """
    found = _AUTHORITY.match(url)
    if found is not None:
        host = found.group(1)
        return normalise_host(host) if host else None
    if "//" not in url:
        return None
    try:
        parsed = urlsplit(url).hostname
    except ValueError:
        return None
    return normalise_host(parsed) if parsed else None


def is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def parent_domains(host: str) -> list[str]:
    """The host then each parent with at least two labels: a.b.example.com → … example.com."""
    host = normalise_host(host)
    if not host or is_ip(host):
        return [host] if host else []
    labels = host.split(".")
    return [".".join(labels[i:]) for i in range(max(1, len(labels) - 1))]


def registrable_domain(host: str) -> str:
    """``www.bbc.co.uk`` → ``bbc.co.uk``, ``ads.google.com`` → ``google.com`` (approximate)."""
    host = normalise_host(host)
    if is_ip(host):
        return host
    labels = host.split(".")
    keep = 3 if ".".join(labels[-2:]) in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


def same_site(host: str, other: str) -> bool:
    """Whether two hosts share their registrable domain (``a.x.fr`` and ``x.fr`` do)."""
    return registrable_domain(host) == registrable_domain(other)


def domain_of(value: str | None) -> str | None:
    """The registrable domain of a URL or bare host name (``https://www.x.fr/`` → ``x.fr``)."""
    if not value or not value.strip():
        return None
    text = value.strip()
    host = host_of(text if "://" in text else "http://" + text)
    if not host or "." not in host:
        return None
    return registrable_domain(host)


def looks_like_domain(name: str) -> bool:
    """``lemonde.fr``, ``Booking.com``: a name that is a host name."""
    text = name.strip().lower()
    if " " in text or "." not in text:
        return False
    labels = text.split(".")
    return all(labels) and labels[-1].isalpha() and 2 <= len(labels[-1]) <= 24

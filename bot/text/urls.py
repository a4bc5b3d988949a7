"""URL helpers shared by every stage: the canonical form of a story link, a feed address as we store
it, a link fit to follow or hand on, and an address safe to show (no credentials, no query string)."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urljoin, urlsplit, urlunsplit

from bot.errors import SourceError
from bot.texts import N_

_MAX_URL = 2048
# Query parameters that say who sent the reader, never which story it is.
_TRACKING = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "msclkid", "yclid", "twclid", "igshid", "mc_cid", "mc_eid",
        "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "ref", "ref_src", "ref_url", "referrer", "ocid",
        "cmpid", "ncid", "spm", "sr_share", "soc_src", "soc_trk", "at_medium", "at_campaign",
        "guccounter", "guce_referrer", "guce_referrer_sig", "wt.mc_id", "cmp", "smid", "taid",
        "__twitter_impression", "rss", "feedtype", "feedname",
    }
)  # fmt: skip
_TRACKING_PREFIXES = ("utm_", "at_custom", "pk_", "mtm_", "hmb_")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _is_tracking(name: str) -> bool:
    name = name.lower()
    return name in _TRACKING or name.startswith(_TRACKING_PREFIXES)


@lru_cache(maxsize=8192)  # a story's link is made canonical three times while it is parsed
def canonical_url(url: str) -> str:
    """The URL without what varies between copies of one link: case, default port, fragment,
    trailing slash, tracking parameters, parameter order. Non-http(s) input comes back stripped."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError:
        return url
    if scheme not in _DEFAULT_PORTS or not host:
        return url
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"  # userinfo dropped
    path = parts.path.rstrip("/")
    pairs = [p for p in parts.query.split("&") if p and not _is_tracking(p.split("=", 1)[0])]
    pairs.sort(key=lambda pair: pair.split("=", 1)[0])  # stable: repeated keys keep their order
    return urlunsplit((scheme, netloc, path, "&".join(pairs), ""))


def normalize_url(url: str) -> str:
    """A feed address as we store it: trimmed, http(s), with a host; scheme and host lower-cased.

    A bare "example.com/rss" gets https://, since that is what people paste.
    """
    url = url.strip().strip("<>").strip()
    if not url:
        raise SourceError(N_("Give the feed's address, e.g. https://example.com/rss.xml"))
    if len(url) > _MAX_URL or any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise SourceError(N_("That does not look like a web address (too long, or it contains spaces)."))
    if "://" not in url and not url.lower().startswith(("http:", "https:")):
        url = "https://" + url
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        raise SourceError(N_("That does not look like a web address.")) from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise SourceError(N_("Only http:// and https:// feed addresses are supported."))
    if not parts.hostname:
        raise SourceError(N_("That address has no host name."))
    netloc = parts.netloc.rsplit("@", 1)
    netloc[-1] = netloc[-1].lower()
    return urlunsplit((scheme, "@".join(netloc), parts.path or "/", parts.query, ""))


def public_link(href: object, base: str | None = None) -> str | None:
    """`href` resolved against `base`, when it is a link fit to follow or hand to a chat platform:
    printable, at most 2,048 characters, absolute http(s) with a host and a sane port, and no
    credentials (a page or feed is third-party text). None otherwise."""
    if not isinstance(href, str):
        return None
    href = href.strip()
    if not href or len(href) > _MAX_URL or any(ch.isspace() or not ch.isprintable() for ch in href):
        return None
    try:
        url = urljoin(base, href) if base else href
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return None
    return url if len(url) <= _MAX_URL else None


def display_url(url: str) -> str:
    """The URL without credentials or query string (they may carry keys), for messages and lists."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, (parts.hostname or "") + (f":{parts.port}" if parts.port else ""),
                       parts.path, "", ""))  # fmt: skip

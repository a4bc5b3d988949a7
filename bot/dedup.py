"""Article identity: one key per story, whatever feed, tracking tag or syndicated copy it comes in."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit, urlunsplit

from bot.tokens import fold

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
_NON_WORD = re.compile(r"[\W_]+")
_MIN_TITLE_WORDS = 4  # shorter titles ("Live updates", "Morning briefing") are too generic to merge on


def _is_tracking(name: str) -> bool:
    name = name.lower()
    return name in _TRACKING or name.startswith(_TRACKING_PREFIXES)


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


def title_key(title: str) -> str:
    """Folded title with punctuation and spacing collapsed: equal for syndicated copies of a story.

    Empty for titles under four words, which are too generic to identify a story.
    """
    words = _NON_WORD.sub(" ", fold(title)).split()
    return " ".join(words) if len(words) >= _MIN_TITLE_WORDS else ""


def article_key(guid: str | None, link: str | None, title: str, summary: str) -> str:
    """The story's identity: its canonical link, else its guid, else a hash of its words."""
    if link and link.strip():
        canonical = canonical_url(link)
        if canonical.startswith(("http://", "https://")):
            return canonical
    if guid and guid.strip():
        return guid.strip()
    if link and link.strip():
        return link.strip()
    digest = hashlib.sha256(f"{fold(title).strip()}\n{summary.strip()}".encode()).hexdigest()
    return f"sha256:{digest[:32]}"

"""The bundled sample feeds, served to the real fetcher without a network, for `newsbot demo`."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

import httpx

SAMPLE_HOST = "samples.newsbot.invalid"
DEFAULT_QUERIES = ("SOCAR", '"Caspian Sea"', "Gazprom OR Rosneft", "Armenia -peace")


def samples_dir() -> Path:
    return Path(str(resources.files("bot") / "data" / "samples"))


def sample_sources_path() -> Path:
    return samples_dir() / "sources.toml"


def sample_transport() -> httpx.MockTransport:
    """Answers https://samples.newsbot.invalid/<file> from the package's sample folder."""
    folder = samples_dir()

    def handler(request: httpx.Request) -> httpx.Response:
        parts = urlsplit(str(request.url))
        path = folder / Path(parts.path).name
        if parts.hostname != SAMPLE_HOST or not path.is_file() or path.suffix != ".xml":
            return httpx.Response(404, text="not a bundled sample")
        return httpx.Response(200, content=path.read_bytes(), headers={"Content-Type": "application/rss+xml"})

    return httpx.MockTransport(handler)

"""Response bodies as they stream in: decompressed by us, capped in bytes (gzip bombs stop at the cap)."""

from __future__ import annotations

import zlib

import httpx


class BodyTooLarge(Exception):
    pass


class UnsupportedEncoding(Exception):
    pass


class Inflater:
    """Decompresses a body as it streams in, never producing more than `limit` bytes in all.

    httpx's own decoder inflates a whole network chunk at once: 64 KB of gzip can become 64 MB
    before any cap sees it. zlib's max_length stops a gzip bomb at the cap.
    """

    def __init__(self, encoding: str, limit: int) -> None:
        self._encoding = encoding.strip().lower()
        if self._encoding not in ("", "identity", "gzip", "x-gzip", "deflate"):
            raise UnsupportedEncoding
        self._limit = limit
        self._produced = 0
        self._raw_deflate_tried = False
        self._zlib = self._new()

    def _new(self) -> zlib._Decompress | None:
        if self._encoding in ("gzip", "x-gzip"):
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        if self._encoding == "deflate":
            return zlib.decompressobj()
        return None

    def feed(self, data: bytes) -> bytes:
        if self._zlib is None:
            return self._count(data)
        try:
            out = self._zlib.decompress(data, self._limit - self._produced + 1)
        except zlib.error:
            if self._encoding != "deflate" or self._produced or self._raw_deflate_tried:
                raise httpx.DecodingError("corrupt compressed body") from None
            # Some servers send raw deflate without the zlib header.
            self._raw_deflate_tried = True
            self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
            return self.feed(data)
        out = self._count(out)
        if self._zlib.eof and self._zlib.unused_data:  # concatenated gzip members
            rest = self._zlib.unused_data
            self._zlib = self._new()
            out += self.feed(rest)
        return out

    def flush(self) -> bytes:
        return self._count(self._zlib.flush()) if self._zlib is not None else b""

    def _count(self, data: bytes) -> bytes:
        self._produced += len(data)
        if self._produced > self._limit:
            raise BodyTooLarge
        return data

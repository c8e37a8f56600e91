"""Content-Encoding undone in bounded pieces, so the size cap holds on decoded bytes.

httpx inflates each network chunk in one call: 3.5 KB of ``Content-Encoding: gzip, gzip``
becomes 2 GiB in memory before any cap can look at it. Here every coding layer is a
generator that hands on at most ``PIECE`` decoded bytes at a time and asks the layer below
for more input only when its own output is drained. A reader that stops after ``max_bytes``
has therefore decoded at most ``max_bytes + PIECE`` bytes, whatever the compression ratio
or the number of layers.

Only the codings the fetcher asks for (``ACCEPT_ENCODING``) are decoded; a server that
answers with another one (``br``, ``zstd``, ``compress``) is refused, because its bytes
would reach the parsers undecoded.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator

from newsdesk.errors import FetchError

PIECE = 64 * 1024
"""The most decoded bytes one layer hands on at a time."""

ACCEPT_ENCODING = "gzip, deflate"
"""What the fetcher sends as ``Accept-Encoding``: exactly the codings decoded here."""

_WBITS = {"gzip": zlib.MAX_WBITS | 16, "x-gzip": zlib.MAX_WBITS | 16}


def content_codings(url: str, header_values: Iterable[str]) -> list[str]:
    """The codings of a ``Content-Encoding`` header, in the order they were applied.

    ``identity`` is dropped; an unsupported coding is a FetchError naming it and the URL.
    """
    codings: list[str] = []
    for value in header_values:
        for token in value.split(","):
            coding = token.strip().lower()
            if coding in ("", "identity"):
                continue
            if coding not in ("gzip", "x-gzip", "deflate"):
                raise FetchError(
                    f"{url}: Content-Encoding {coding!r} is not supported "
                    f"(we ask for {ACCEPT_ENCODING})"
                )
            codings.append(coding)
    return codings


def decoded_pieces(url: str, raw: Iterable[bytes], codings: list[str]) -> Iterator[bytes]:
    """The decoded body, as pieces of at most ``PIECE`` bytes, produced only on demand."""
    stream: Iterator[bytes] = iter(raw)
    for coding in reversed(codings):  # the last coding applied is the first undone
        stream = _inflate(url, coding, stream)
    return stream


def _inflate(url: str, coding: str, chunks: Iterator[bytes]) -> Iterator[bytes]:
    decompressor: zlib._Decompress | None = None
    pending = b""  # deflate's first bytes, until there are two to tell zlib from raw
    try:
        for chunk in chunks:
            data = pending + chunk
            if decompressor is None:
                if len(data) < 2:
                    pending = data
                    continue
                decompressor = zlib.decompressobj(_wbits(coding, data))
                pending = b""
            while data and not decompressor.eof:
                piece = decompressor.decompress(data, PIECE)
                if piece:
                    yield piece
                data = decompressor.unconsumed_tail
        if decompressor is None and pending:
            decompressor = zlib.decompressobj(_wbits(coding, pending))
            yield decompressor.decompress(pending, PIECE)
        if decompressor is not None and not decompressor.eof:
            tail = decompressor.flush()
            if tail:
                yield tail
    except zlib.error as exc:
        raise FetchError(f"{url}: body is not valid {coding} data ({exc})") from exc


def _wbits(coding: str, first_bytes: bytes) -> int:
    """``deflate`` is meant to be zlib-wrapped, but some servers send raw deflate (as
    browsers and httpx accept): a zlib header (RFC 1950 check bits, method 8) decides."""
    if coding in _WBITS:
        return _WBITS[coding]
    if len(first_bytes) >= 2:
        cmf, flg = first_bytes[0], first_bytes[1]
        if cmf & 0x0F == 8 and (cmf * 256 + flg) % 31 == 0:
            return zlib.MAX_WBITS
    return -zlib.MAX_WBITS

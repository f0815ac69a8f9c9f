"""Reading a response body while decompressing it, with the size counted AFTER decompression.

Every decoder yields bounded pieces (`PIECE_BYTES` at most; brotli's bound is soft, about twice that), so
a compression bomb is refused after inflating the limit plus one piece: it is never inflated in memory.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterable, Iterator
from typing import Protocol

import brotli

PIECE_BYTES = 256 * 1024


class BodyTooLarge(Exception):
    """The decompressed body went over the limit."""


class BadEncoding(Exception):
    """The body's Content-Encoding is unsupported, or its compressed data is corrupt or truncated."""


class Decoder(Protocol):
    def decode(self, data: bytes) -> Iterator[bytes]:
        """Consume `data`, yielding the output in pieces of at most PIECE_BYTES."""

    def finish(self) -> Iterator[bytes]:
        """Yield what is left once the input has ended; raise BadEncoding if the stream is incomplete."""


class IdentityDecoder:
    def decode(self, data: bytes) -> Iterator[bytes]:
        for start in range(0, len(data), PIECE_BYTES):
            yield data[start : start + PIECE_BYTES]

    def finish(self) -> Iterator[bytes]:
        yield from ()


class ZlibDecoder:
    """gzip (also accepting zlib-wrapped data) or deflate (zlib-wrapped as the RFC says, or raw)."""

    def __init__(self, *, gzip: bool) -> None:
        self._gzip = gzip
        self._head: bytes | None = b""  # the first bytes, kept until the zlib header can be checked
        self._obj = zlib.decompressobj(32 + zlib.MAX_WBITS if gzip else zlib.MAX_WBITS)

    def decode(self, data: bytes) -> Iterator[bytes]:
        out = self._first(data) if self._head is not None else self._inflate(data)
        while out:
            yield out
            out = self._inflate(self._obj.unconsumed_tail)

    def finish(self) -> Iterator[bytes]:
        if self._head == b"":
            return  # an empty body labelled as compressed (a 204, a lazy server): nothing to decode
        yield from self.decode(b"")
        if self._head is not None or not self._obj.eof:
            raise BadEncoding("the compressed body is truncated")

    def _first(self, data: bytes) -> bytes:
        assert self._head is not None
        data = self._head + data
        if len(data) < 2:
            self._head = data
            return b""
        self._head = None
        try:
            return self._inflate(data)
        except BadEncoding:
            if self._gzip:
                raise
            self._obj = zlib.decompressobj(-zlib.MAX_WBITS)  # "deflate" sent raw, as many servers do
            return self._inflate(data)

    def _inflate(self, data: bytes) -> bytes:
        try:
            return self._obj.decompress(data, PIECE_BYTES)
        except zlib.error as exc:
            raise BadEncoding(f"the compressed body is corrupt ({exc})") from exc


class BrotliDecoder:
    def __init__(self) -> None:
        self._obj = brotli.Decompressor()
        self._empty = True

    def decode(self, data: bytes) -> Iterator[bytes]:
        self._empty = self._empty and not data
        out = self._process(data)
        while True:
            if out:
                yield out
            if self._obj.can_accept_more_data() and not out:
                return
            out = self._process(b"")

    def finish(self) -> Iterator[bytes]:
        if self._empty:
            return  # an empty body labelled as compressed: nothing to decode
        yield from self.decode(b"")
        if not self._obj.is_finished():
            raise BadEncoding("the compressed body is truncated")

    def _process(self, data: bytes) -> bytes:
        try:
            return bytes(self._obj.process(data, output_buffer_limit=PIECE_BYTES))
        except brotli.error as exc:
            raise BadEncoding(f"the compressed body is corrupt ({exc})") from exc


def make_decoder(content_encoding: str | None) -> Decoder:
    """The decoder for a Content-Encoding header value (one coding: gzip, deflate, br or identity)."""
    coding = (content_encoding or "").strip().lower()
    if coding in ("", "identity"):
        return IdentityDecoder()
    if coding in ("gzip", "x-gzip"):
        return ZlibDecoder(gzip=True)
    if coding == "deflate":
        return ZlibDecoder(gzip=False)
    if coding == "br":
        return BrotliDecoder()
    raise BadEncoding(f"the server used an unsupported content encoding ({coding})")


async def read_body(
    chunks: AsyncIterable[bytes], content_encoding: str | None, *, max_bytes: int, truncate: bool = False
) -> bytes:
    """The decompressed body, read chunk by chunk.

    Raises BodyTooLarge as soon as the decompressed size exceeds `max_bytes` (with `truncate`, returns
    the first `max_bytes` instead), and BadEncoding for an unknown coding or corrupt data.
    """
    decoder = make_decoder(content_encoding)
    parts: list[bytes] = []
    size = 0

    def keep(pieces: Iterator[bytes]) -> bool:
        nonlocal size
        for piece in pieces:
            size += len(piece)
            parts.append(piece)
            if size > max_bytes:
                if truncate:
                    return False
                raise BodyTooLarge(f"more than {max_bytes} bytes")
        return True

    async for chunk in chunks:
        if not keep(decoder.decode(chunk)):
            return b"".join(parts)[:max_bytes]
    if not keep(decoder.finish()):
        return b"".join(parts)[:max_bytes]
    return b"".join(parts)

"""Streaming decompression with the size counted after decompression."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import AsyncIterator, Callable

import brotli
import pytest

from legadilo.fetching.decoding import PIECE_BYTES, BadEncoding, BodyTooLarge, make_decoder, read_body
from tests.fetching.server import MIB, brotli_zeros, gzip_zeros

TEXT = b"".join(b"line %d of a feed body\n" % i for i in range(20000))  # ~500 KiB, compressible


async def chunks(data: bytes, size: int) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


COMPRESSORS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": gzip.compress,
    "x-gzip": gzip.compress,
    "deflate": zlib.compress,
    "br": lambda data: brotli.compress(data, quality=5),
    "identity": lambda data: data,
    "": lambda data: data,
}


@pytest.mark.parametrize("coding", list(COMPRESSORS))
@pytest.mark.parametrize("chunk_size", [1, 7, 65536])
async def test_round_trip(coding: str, chunk_size: int) -> None:
    data = TEXT if chunk_size > 1 else TEXT[:5000]
    body = await read_body(chunks(COMPRESSORS[coding](data), chunk_size), coding, max_bytes=10 * MIB)
    assert body == data


async def test_raw_deflate_is_accepted_as_deflate() -> None:
    raw = zlib.compress(TEXT, wbits=-zlib.MAX_WBITS)
    assert await read_body(chunks(raw, 1000), "deflate", max_bytes=10 * MIB) == TEXT
    assert await read_body(chunks(raw, 1), "Deflate", max_bytes=10 * MIB) == TEXT[: len(TEXT)]


async def test_gzip_labelled_zlib_data_is_accepted() -> None:
    assert await read_body(chunks(zlib.compress(TEXT), 4096), "gzip", max_bytes=10 * MIB) == TEXT


@pytest.mark.parametrize("limit", [len(TEXT) - 1, 1000])
@pytest.mark.parametrize("coding", ["gzip", "br", "identity"])
async def test_over_the_limit_raises(coding: str, limit: int) -> None:
    with pytest.raises(BodyTooLarge):
        await read_body(chunks(COMPRESSORS[coding](TEXT), 65536), coding, max_bytes=limit)


async def test_exactly_the_limit_is_accepted() -> None:
    assert await read_body(chunks(gzip.compress(TEXT), 65536), "gzip", max_bytes=len(TEXT)) == TEXT


async def test_truncate_returns_the_start() -> None:
    body = await read_body(chunks(gzip.compress(TEXT), 65536), "gzip", max_bytes=100, truncate=True)
    assert body == TEXT[:100]


@pytest.mark.parametrize(
    ("coding", "bomb", "bound"),
    [("gzip", gzip_zeros(64), PIECE_BYTES), ("br", brotli_zeros(64), 2 * PIECE_BYTES)],  # brotli's limit is soft
)
def test_bomb_pieces_are_bounded(coding: str, bomb: bytes, bound: int) -> None:
    """One small input chunk must not inflate to more than a piece at a time."""
    decoder = make_decoder(coding)
    total = 0
    for piece in decoder.decode(bomb[:32768]):
        assert 0 < len(piece) <= bound
        total += len(piece)
        if total > 8 * MIB:
            break
    assert total > 8 * MIB


def test_gzip_zeros_is_a_valid_gzip_file() -> None:
    assert gzip.decompress(gzip_zeros(3)) == bytes(3 * MIB)
    assert brotli.decompress(brotli_zeros(2)) == bytes(2 * MIB)


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br"])
async def test_truncated_stream_is_refused(coding: str) -> None:
    compressed = COMPRESSORS[coding](TEXT)
    with pytest.raises(BadEncoding, match="truncated"):
        await read_body(chunks(compressed[: len(compressed) // 2], 4096), coding, max_bytes=10 * MIB)


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br"])
async def test_corrupt_stream_is_refused(coding: str) -> None:
    with pytest.raises(BadEncoding, match="corrupt"):
        await read_body(chunks(b"this is not compressed at all, not even a little", 4096), coding, max_bytes=MIB)


async def test_one_byte_stream_is_truncated() -> None:
    with pytest.raises(BadEncoding, match="truncated"):
        await read_body(chunks(b"\x1f", 1), "gzip", max_bytes=MIB)


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br"])
async def test_empty_compressed_body_is_empty(coding: str) -> None:
    assert await read_body(chunks(b"", 1), coding, max_bytes=MIB) == b""


async def test_unknown_coding_is_refused() -> None:
    with pytest.raises(BadEncoding, match="unsupported content encoding \\(zstd\\)"):
        await read_body(chunks(b"abc", 1), "zstd", max_bytes=MIB)

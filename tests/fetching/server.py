"""A real local HTTP server (aiohttp.web) with the well-behaved and the hostile answers the fetcher meets."""

from __future__ import annotations

import asyncio
import gzip
import struct
import zlib
from dataclasses import dataclass, field

import brotli
from aiohttp import web
from aiohttp.typedefs import Handler
from multidict import CIMultiDict

FEED_BODY = (
    '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Café ☕</title>'
    + "<item><title>entry</title></item>" * 200
    + "</channel></rss>\n"
).encode()
ETAG = '"v1"'
LAST_MODIFIED = "Wed, 21 Oct 2015 07:28:00 GMT"
FIXED_DATE = "Wed, 21 Oct 2015 07:28:00 GMT"
MIB = 1024 * 1024
HUGE_BODY_BYTES = 50 * MIB


@dataclass
class ServerState:
    """What the server saw and did, for the tests to assert on."""

    received: dict[str, CIMultiDict[str]] = field(default_factory=dict)  # path -> headers of its last request
    bytes_sent: dict[str, int] = field(default_factory=dict)
    completed: set[str] = field(default_factory=set)  # streaming handlers that wrote everything


STATE = web.AppKey("state", ServerState)
GZIP_BOMB = web.AppKey("gzip_bomb", bytes)
BROTLI_BOMB = web.AppKey("brotli_bomb", bytes)


def gzip_zeros(mib: int) -> bytes:
    """A valid gzip member inflating to `mib` MiB of zeros, built without compressing them all: the deflate
    blocks of 1 MiB of zeros after a full flush are identical, so one is computed and repeated."""
    zeros = bytes(MIB)
    deflater = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = deflater.compress(zeros) + deflater.flush(zlib.Z_FULL_FLUSH)
    end = deflater.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(mib):
        crc = zlib.crc32(zeros, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", crc, (mib * MIB) & 0xFFFFFFFF)
    return header + block * mib + end + trailer


def brotli_zeros(mib: int) -> bytes:
    """`mib` MiB of zeros compressed with brotli (a few hundred bytes)."""
    compressor = brotli.Compressor(quality=5)
    zeros = bytes(MIB)
    parts = [compressor.process(zeros) for _ in range(mib)]
    return b"".join([*parts, compressor.finish()])


def _headers_from_query(request: web.Request) -> dict[str, str]:
    headers = {name: value for name, value in request.query.items() if name not in ("body", "status", "cookie")}
    if "cookie" in request.query:
        headers["Set-Cookie"] = "session=s3cret"
    return headers


@web.middleware
async def record_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    request.app[STATE].received[request.path] = CIMultiDict(request.headers)
    return await handler(request)


async def feed(request: web.Request) -> web.Response:
    headers = {
        "Content-Type": "application/RSS+xml; charset=UTF-8",
        "ETag": ETAG,
        "Last-Modified": LAST_MODIFIED,
        "Cache-Control": "public, max-age=600",
        "Set-Cookie": "session=secret",
    }
    return web.Response(body=FEED_BODY, headers=headers)


async def answer(request: web.Request) -> web.Response:
    """Any status, with the headers and body given in the query string (`/answer?status=429&Retry-After=1`);
    `cookie` adds a secret Set-Cookie."""
    status = int(request.query.get("status", "200"))
    body = request.query.get("body", "").encode()
    return web.Response(status=status, body=body, headers=_headers_from_query(request))


async def echo(request: web.Request) -> web.Response:
    return web.json_response({name.lower(): value for name, value in request.headers.items()})


async def conditional(request: web.Request) -> web.Response:
    """304 when the validators match; the 304 carries an ETag only when `?bare` is absent."""
    matches = request.headers.get("If-None-Match") == ETAG or request.headers.get("If-Modified-Since") == LAST_MODIFIED
    if not matches:
        return await feed(request)
    headers = {} if "bare" in request.query else {"ETag": ETAG, "Cache-Control": "max-age=300"}
    return web.Response(status=304, headers=headers)


async def encoded(request: web.Request) -> web.Response:
    coding = request.match_info["coding"]
    compress = {
        "gzip": gzip.compress,
        "deflate": zlib.compress,
        "deflate-raw": lambda data: zlib.compress(data, wbits=-zlib.MAX_WBITS),
        "br": brotli.compress,
    }[coding]
    content_encoding = "deflate" if coding == "deflate-raw" else coding
    headers = {"Content-Encoding": content_encoding, "Content-Type": "application/rss+xml"}
    return web.Response(body=compress(FEED_BODY), headers=headers)


async def _stream(request: web.Request, response: web.StreamResponse, data: bytes, chunk: int) -> None:
    """Write `data` in chunks, counting what went out, until done or the client is gone."""
    state, name = request.app[STATE], request.path
    state.bytes_sent[name] = 0
    await response.prepare(request)
    view = memoryview(data)
    try:
        for start in range(0, len(data), chunk):
            await response.write(view[start : start + chunk])
            state.bytes_sent[name] += len(view[start : start + chunk])
        await response.write_eof()
    except (ConnectionError, asyncio.CancelledError):
        return
    state.completed.add(name)


async def bomb(request: web.Request) -> web.StreamResponse:
    key = GZIP_BOMB if request.match_info["coding"] == "gzip" else BROTLI_BOMB
    response = web.StreamResponse(headers={"Content-Encoding": request.match_info["coding"]})
    await _stream(request, response, request.app[key], 16 * 1024)
    return response


async def huge(request: web.Request) -> web.StreamResponse:
    """50 MiB of plain text, chunked (no Content-Length), one reused 64 KiB buffer."""
    chunk = b"x" * (64 * 1024)
    state, name = request.app[STATE], request.path
    state.bytes_sent[name] = 0
    response = web.StreamResponse(headers={"Content-Type": "text/plain"})
    await response.prepare(request)
    try:
        for _ in range(HUGE_BODY_BYTES // len(chunk)):
            await response.write(chunk)
            state.bytes_sent[name] += len(chunk)
        await response.write_eof()
    except (ConnectionError, asyncio.CancelledError):
        return response
    state.completed.add(name)
    return response


async def lying_length(request: web.Request) -> web.StreamResponse:
    """Announces 100 MiB, sends 10 bytes, then stalls."""
    response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
    response.content_length = 100 * MIB
    await response.prepare(request)
    try:
        await response.write(b"<rss></rss")
        await asyncio.sleep(5)
    except (ConnectionError, asyncio.CancelledError):
        pass
    return response


async def trickle(request: web.Request) -> web.StreamResponse:
    """One byte every 0.5 s, for 10 s."""
    response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
    await response.prepare(request)
    try:
        for _ in range(20):
            await response.write(b"<")
            await asyncio.sleep(0.5)
    except (ConnectionError, asyncio.CancelledError):
        pass
    return response


async def redirect_chain(request: web.Request) -> web.Response:
    hops = int(request.match_info["hops"])
    if hops == 0:
        return web.Response(text="arrived", content_type="text/plain")
    raise web.HTTPFound(f"/redirect/{hops - 1}")


async def loop(request: web.Request) -> web.Response:
    other = "b" if request.match_info["side"] == "a" else "a"
    raise web.HTTPFound(f"/loop/{other}")


async def redirect_to(request: web.Request) -> web.Response:
    """A redirect to `?location=` with `?status=` (302 by default)."""
    status = int(request.query.get("status", "302"))
    return web.Response(status=status, headers={"Location": request.query["location"]})


def build_app(state: ServerState, *, gzip_bomb: bytes, brotli_bomb: bytes) -> web.Application:
    app = web.Application(middlewares=[record_middleware])
    app[STATE] = state
    app[GZIP_BOMB] = gzip_bomb
    app[BROTLI_BOMB] = brotli_bomb
    app.router.add_get("/feed", feed)
    app.router.add_get("/answer", answer)
    app.router.add_get("/echo", echo)
    app.router.add_get("/conditional", conditional)
    app.router.add_get("/encoded/{coding}", encoded)
    app.router.add_get("/bomb/{coding}", bomb)
    app.router.add_get("/huge", huge)
    app.router.add_get("/lying-length", lying_length)
    app.router.add_get("/trickle", trickle)
    app.router.add_get("/redirect/{hops}", redirect_chain)
    app.router.add_get("/loop/{side}", loop)
    app.router.add_get("/to", redirect_to)
    return app

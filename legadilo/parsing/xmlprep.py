"""Make an XML body safe and predictable for feedparser: ASCII-compatible bytes, no internal DTD, a sane
XML declaration, and only character references to real characters.

feedparser keeps the DTD entities it finds "safe" and hands the rest to expat; a crafted DTD (markup in an
entity value hides the declarations from its filter) still reaches expat, which expands entities up to its
amplification limit (many MB per document). Feeds have no use for DTD entities: the internal subset is
removed before parsing, so any custom entity stays as the literal `&name;` text (feedparser's loose parser
then takes over) and nothing is ever expanded or loaded (no external entity, no DTD download).

feedparser also crashes on a few malformed inputs (a non-ASCII encoding name, a character reference to a
surrogate or beyond U+10FFFF): those are repaired here, surrogate pairs written as two references (as
UTF-16 producers do) becoming the character they encode.
"""

from __future__ import annotations

import codecs
import re

from legadilo.parsing import normalize

# Byte order marks and the "<?" of an XML declaration in encodings that are not ASCII-compatible.
_WIDE_ENCODINGS = (
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
)
_XML_DECLARATION = re.compile(rb"\A\s*<\?xml[^>]*\?>")
_DECLARED_ENCODING = re.compile(rb"""encoding\s*=\s*["'][^"']*["']""")
# The prolog up to a DOCTYPE with an internal subset, the subset itself (quoted strings, comments and
# processing instructions may hold "]" or ">"), and the end of the declaration.
# Possessive quantifiers: no backtracking, linear on hostile input.
_DOCTYPE_WITH_SUBSET = re.compile(
    rb"""\A((?:\xef\xbb\xbf)?(?:\s++|<\?.*?\?>|<!--.*?-->)*+<!DOCTYPE\s[^\[>]*+)"""
    rb"""\[(?:[^\]"'<]++|"[^"]*+"|'[^']*+'|<!--.*?-->|<\?.*?\?>|<(?!!--|\?))*+\]\s*+>""",
    re.DOTALL,
)
_ENTITY_DECLARATION = b"<!ENTITY"
# What feedparser reads the declared encoding with, and what an encoding name may be made of.
_DECLARED_ENCODING_VALUE = re.compile(rb"""<\?.*encoding=['"](.*?)['"].*\?>""")
_ENCODING_NAME = re.compile(rb"[A-Za-z0-9._:-]{1,40}")
# feedparser's loose parser also takes character references without their semicolon.
_CHARACTER_REFERENCE = re.compile(rb"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));?")
_REPLACEMENT = b"&#xFFFD;"
_MAX_CODE_POINT = 0x10FFFF


def prepare(body: bytes, charset: str | None) -> tuple[bytes, str | None]:
    """The body as ASCII-compatible bytes without a DTD internal subset, and the charset to decode it with.

    A byte order mark (or a UTF-16/32 XML declaration) wins over the HTTP charset, like in browsers.
    """
    body, charset = _ascii_compatible(body, charset)
    body = _without_internal_subset(_with_sane_declaration(body))
    if b"&#" in body:
        body = _repair_references(body)
    return body, charset


def _ascii_compatible(body: bytes, charset: str | None) -> tuple[bytes, str | None]:
    for marker, encoding in _WIDE_ENCODINGS:
        if body.startswith(marker):
            text = body.decode(encoding, errors="replace").lstrip("\ufeff")
            utf8 = text.encode("utf-8", errors="replace")
            return _XML_DECLARATION.sub(_utf8_declaration, utf8, count=1), "utf-8"
    return body, normalize.known_charset(charset)


def _utf8_declaration(match: re.Match[bytes]) -> bytes:
    return _DECLARED_ENCODING.sub(b'encoding="utf-8"', match.group(0))


def _without_internal_subset(body: bytes) -> bytes:
    if b"<!DOCTYPE" not in body and _ENTITY_DECLARATION not in body:
        return body
    match = _DOCTYPE_WITH_SUBSET.match(body)
    if match:
        return match.group(1).rstrip() + b">" + body[match.end() :]
    # A DOCTYPE too odd for the pattern: break every entity declaration so that none is ever defined.
    return body.replace(_ENTITY_DECLARATION, b"<!-ENTITY-REMOVED")


def _with_sane_declaration(body: bytes) -> bytes:
    """An XML declaration whose encoding name is not a plain name is replaced (the body is then sniffed)."""
    start = 3 if body.startswith(codecs.BOM_UTF8) else 0
    match = _DECLARED_ENCODING_VALUE.match(body, start)
    if match is None or _ENCODING_NAME.fullmatch(match.group(1)):
        return body
    return body[:start] + b'<?xml version="1.0"?>' + body[match.end() :]


def _repair_references(body: bytes) -> bytes:
    """Character references to nothing (surrogates, 0, beyond U+10FFFF) become U+FFFD; a surrogate pair
    written as two references becomes one reference to the character it encodes."""
    matches = list(_CHARACTER_REFERENCE.finditer(body))
    pieces: list[bytes] = []
    position, index = 0, 0
    while index < len(matches):
        match, code_point = matches[index], _code_point(matches[index])
        following = matches[index + 1] if index + 1 < len(matches) else None
        if 0xD800 <= code_point <= 0xDBFF and following is not None and following.start() == match.end():
            low = _code_point(following)
            if 0xDC00 <= low <= 0xDFFF:
                pieces += [body[position : match.start()], b"&#x%X;" % _combine(code_point, low)]
                position, index = following.end(), index + 2
                continue
        if not _is_character(code_point):
            pieces += [body[position : match.start()], _REPLACEMENT]
            position = match.end()
        index += 1
    pieces.append(body[position:])
    return b"".join(pieces)


def _combine(high: int, low: int) -> int:
    return 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)


def _is_character(code_point: int) -> bool:
    return 0 < code_point <= _MAX_CODE_POINT and not 0xD800 <= code_point <= 0xDFFF


def _code_point(match: re.Match[bytes]) -> int:
    hexadecimal, decimal = match[1], match[2]
    digits = hexadecimal if hexadecimal is not None else decimal
    if len(digits.lstrip(b"0")) > 8:  # far beyond U+10FFFF (and int() refuses thousands of digits)
        return _MAX_CODE_POINT + 1
    return int(digits, 16 if hexadecimal is not None else 10)

"""Bytes of an imported file to text (CSV and Wallabag imports), guessing the encoding and never stopping.

Encodings (the byte order mark and UTF-16 are decided on the first 64 KiB):
- a UTF-8 byte order mark: UTF-8; a UTF-16 one (LE or BE): UTF-16;
- no mark but a NUL in most even (odd) positions of the first block: UTF-16-BE (LE) without a mark (noted);
- otherwise UTF-8. At the first byte sequence that is not UTF-8: when everything before it was ASCII, the
  file is read as Windows-1252 (Latin-1 with the Windows characters; ASCII reads the same in both), noted in the
  report; when valid non-ASCII UTF-8 came before, the file is UTF-8 with some corrupt bytes: they become U+FFFD,
  noted in the report. Decoding never stops an import.
"""

from __future__ import annotations

import codecs

SNIFF_BYTES = 64 * 1024


class SniffingDecoder:
    """Bytes to text under the module's encoding rule; `notes` says what was guessed or repaired. Give it the
    first block of the file (at least 64 KiB when there is that much)."""

    def __init__(self, head: bytes) -> None:
        self.notes: list[str] = []
        self.fallback = False  # UTF-8 without a mark: may still turn into Windows-1252 or repaired UTF-8
        self.seen_non_ascii = False
        if head.startswith(codecs.BOM_UTF8):
            encoding, self.seen_non_ascii = "utf-8-sig", True
        elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            encoding = "utf-16"
        elif (guess := _utf16_without_mark(head)) is not None:
            encoding = guess
            self.notes.append(f"no byte order mark but NUL bytes every other byte: read as {guess.upper()}")
        else:
            encoding, self.fallback = "utf-8", True
        errors = "strict" if self.fallback else "replace"
        self.decoder = codecs.getincrementaldecoder(encoding)(errors)

    def decode(self, data: bytes, final: bool) -> str:
        if not self.fallback:
            return self.decoder.decode(data, final)
        pending = self.decoder.getstate()[0]
        try:
            text = self.decoder.decode(data, final)
        except UnicodeDecodeError:
            return self._switch(pending + data, final)
        self.seen_non_ascii = self.seen_non_ascii or not text.isascii()
        return text

    def _switch(self, data: bytes, final: bool) -> str:
        """The first byte sequence that is not UTF-8: Windows-1252 from now on, or UTF-8 with repairs."""
        self.fallback = False
        before_is_ascii = True
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            before_is_ascii = data[: error.start].isascii()
        if before_is_ascii and not self.seen_non_ascii:
            self.notes.append("the file is not UTF-8: read as Windows-1252 (Latin-1)")
            self.decoder = codecs.getincrementaldecoder("cp1252")("replace")
        else:
            self.notes.append("bytes that are not UTF-8 were replaced by U+FFFD (the file is partly corrupt)")
            self.decoder = codecs.getincrementaldecoder("utf-8")("replace")
        return self.decoder.decode(data, final)


def _utf16_without_mark(head: bytes) -> str | None:
    sample = head[: len(head) // 2 * 2]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd > half * 0.7 and even < half * 0.1:
        return "utf-16-le"
    if even > half * 0.7 and odd < half * 0.1:
        return "utf-16-be"
    return None

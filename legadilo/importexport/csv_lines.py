"""A CSV file as physical lines of text (universal line endings, kept), decoded incrementally by
`SniffingDecoder`: the csv module reads records from them. NUL characters (which PostgreSQL text cannot hold)
are removed, noted once in the report."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass

from legadilo.importexport.reports import CountingReader
from legadilo.importexport.text_decoding import SNIFF_BYTES, SniffingDecoder

CELL_LIMIT = 64 * 1024 * 1024  # characters: a 10 MB article fits, a runaway quote does not eat the memory
LINE_LIMIT = CELL_LIMIT  # characters on one physical line
_CHUNK_BYTES = 256 * 1024
_NEWLINE = re.compile(r"\r\n|\r|\n")


@dataclass
class CsvLines:
    """Physical lines (universal line endings, kept) of a binary stream, decoded incrementally."""

    reader: CountingReader
    decoder: SniffingDecoder | None = None
    exhausted: bool = False  # the last line was read: a record still open then was cut by the end of the file
    nul_lines: int = 0
    first_nul_line: int = 0
    count: int = 0

    def __iter__(self) -> Iterator[str]:
        head = self.reader.read(SNIFF_BYTES)
        self.decoder = SniffingDecoder(head)
        parts: list[str] = []
        pending = 0  # characters in parts
        carry = ""
        data = head
        while True:
            final = not data
            text = carry + self.decoder.decode(data, final)
            carry = ""
            if text.endswith("\r") and not final:  # maybe the first half of "\r\n"
                text, carry = text[:-1], "\r"
            start = 0
            for match in _NEWLINE.finditer(text):
                parts.append(text[start : match.end()])
                start = match.end()
                yield self._line("".join(parts))
                parts, pending = [], 0
            if start < len(text):
                parts.append(text[start:])
                pending += len(text) - start
                if pending > LINE_LIMIT:
                    raise csv.Error(f"line {self.count + 1} is longer than {LINE_LIMIT} characters")
            if final:
                break
            data = self.reader.read(_CHUNK_BYTES)
        if parts:
            yield self._line("".join(parts))
        self.exhausted = True

    def _line(self, line: str) -> str:
        self.count += 1
        if "\x00" in line:
            self.nul_lines += 1
            self.first_nul_line = self.first_nul_line or self.count
            return line.replace("\x00", "")
        return line

    def notes(self) -> list[str]:
        """What the decoding guessed or repaired so far (the report keeps each note once)."""
        notes = list(self.decoder.notes) if self.decoder is not None else []
        if self.nul_lines:
            notes.append("NUL characters were removed from the cells (PostgreSQL text cannot hold them)")
        return notes

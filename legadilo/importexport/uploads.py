"""Uploaded files on disk: streamed into `<data_dir>/imports/` as they arrive, never held in memory.

An upload is written to a hidden `.upload-….part` file in the imports folder (so keeping it is a rename on the
same filesystem, never a copy), counted against the upload limit while it is written, and either kept under
its final name (the import job then owns it) or deleted with the request. Files nobody owns any more (a web
process killed mid-upload, a job whose user was deleted) are swept by `sweep_orphan_files`.
"""

from __future__ import annotations

import contextlib
import io
import os
import secrets
import time
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from legadilo.core.errors import InvalidInput
from legadilo.settings import Settings

PART_PREFIX = ".upload-"
PART_SUFFIX = ".part"


class UploadTooLarge(InvalidInput):
    """The uploaded file is larger than `LEGADILO_MAX_UPLOAD_BYTES`."""


def imports_folder(settings: Settings) -> Path:
    """`<data_dir>/imports/`, created on first use (private to the service account)."""
    folder = settings.data_dir / "imports"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


class _CountedFile(io.BufferedRandom):
    """A spool file whose writes count against the request's byte budget."""

    spool: UploadSpool

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.spool.charge(len(data))
        return super().write(data)


class UploadSpool:
    """The files of one upload request. `open_file` is the multipart parser's stream factory; the total written
    to all files of the request may not exceed `limit` bytes (UploadTooLarge, then nothing is kept)."""

    def __init__(self, folder: Path, limit: int) -> None:
        self.folder = folder
        self.limit = limit
        self.written = 0
        self._open: dict[int, tuple[Path, IO[bytes]]] = {}

    def charge(self, size: int) -> None:
        """Raises:
        UploadTooLarge: the files of this request would exceed the limit."""
        self.written += size
        if self.written > self.limit:
            raise UploadTooLarge(f"the file is larger than the upload limit of {self.limit:,} bytes")

    def open_file(self, *_: object) -> IO[bytes]:
        """A new hidden file in the imports folder, readable and writable, created exclusively (0600)."""
        path = self.folder / f"{PART_PREFIX}{secrets.token_hex(12)}{PART_SUFFIX}"
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            raw = io.FileIO(fd, "r+", closefd=True)
        except BaseException:
            os.close(fd)
            path.unlink(missing_ok=True)
            raise
        stream = _CountedFile(raw, buffer_size=256 * 1024)
        stream.spool = self
        self._open[id(stream)] = (path, stream)
        return stream

    def keep(self, stream: IO[bytes], suffix: str) -> tuple[Path, int]:
        """Close a complete file of this spool and give it its final name (`<random>.<suffix>`): the path and
        size. The file is no longer deleted with the request: the caller owns it.

        Raises:
            InvalidInput: the file is empty (it is deleted).
            KeyError: not a file of this spool (or already kept).
        """
        path, opened = self._open[id(stream)]
        opened.flush()
        size = opened.seek(0, os.SEEK_END)
        if size == 0:
            raise InvalidInput("the file is empty")
        del self._open[id(stream)]
        opened.close()
        final = self.folder / f"{secrets.token_hex(16)}.{suffix}"
        path.rename(final)
        return final, size

    def discard(self) -> None:
        """Close and delete every file not kept (the request failed, was cut off, or the file was refused)."""
        while self._open:
            _, (path, stream) = self._open.popitem()
            with contextlib.suppress(OSError, ValueError):  # a failed flush of a file deleted anyway
                stream.close()
            path.unlink(missing_ok=True)


def orphan_files(
    folder: Path, owned: Iterable[str], *, older_than_seconds: float, now: float | None = None
) -> list[Path]:
    """Files of the imports folder that no unfinished job owns and that nobody wrote to for a while (an upload
    still being received keeps its mtime fresh)."""
    keep = {Path(path).name for path in owned}
    limit = (time.time() if now is None else now) - older_than_seconds
    found = []
    for path in folder.iterdir():
        if path.name in keep or not path.is_file():
            continue
        try:
            if path.stat().st_mtime < limit:
                found.append(path)
        except FileNotFoundError:  # deleted meanwhile
            continue
    return found

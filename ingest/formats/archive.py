"""ZIP archives of forms, unpacked in memory and never onto the disk, within limits.

An archive is refused whole (a ``failed`` row for the archive) when it is damaged, holds more than
``MAX_MEMBERS`` entries, or would unpack to more than ``MAX_TOTAL_BYTES`` or at a ratio no document
compresses to (a zip bomb); sizes are checked as declared and again while reading, since a
declared size can lie. A member whose path could leave a folder (absolute, ``..``, a drive, a
symbolic link) is never read: it gets a ``failed`` row of its own and the rest is ingested. Hidden
entries (``__MACOSX/``, ``.DS_Store``) are skipped like hidden files in a folder.

The same size checks guard XLSX and DOCX, which are ZIP files too.
"""

from __future__ import annotations

import contextlib
import io
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

MAX_MEMBERS = 1_000
MAX_TOTAL_BYTES = 256 * 2**20  # unpacked, the whole archive
MAX_RATIO = 100  # unpacked / packed, for a member over RATIO_FLOOR: documents compress 2–20 times
RATIO_FLOOR = 2**20
READ_CHUNK = 2**20


class ArchiveRefused(ValueError):
    """The archive is not unpacked: ``code`` and a message that says why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Member:
    path: str  # the member's path inside the archive, as its name decodes
    data: bytes | None = None  # None when not read
    refused: str | None = None  # why the member was not read (an unsafe path, encrypted)
    hidden: bool = False


def open_zip(data: bytes, what: str = "the ZIP file") -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ArchiveRefused(
            "unreadable_file", f"{what} is damaged or cut short (its ZIP structure cannot be read: {exc})"
        ) from exc


def check_sizes(archive: zipfile.ZipFile, what: str = "the archive") -> None:
    entries = archive.infolist()
    if len(entries) > MAX_MEMBERS:
        raise ArchiveRefused(
            "archive_refused", f"{what} holds {len(entries):,} entries, over the limit of {MAX_MEMBERS:,}"
        )
    total = sum(entry.file_size for entry in entries)
    if total > MAX_TOTAL_BYTES:
        raise ArchiveRefused(
            "archive_refused",
            f"{what} would unpack to {total / 2**20:,.0f} MiB, over the {MAX_TOTAL_BYTES // 2**20} MiB "
            "limit (a zip bomb, or too much for one file: split it)",
        )
    for entry in entries:
        if entry.file_size > RATIO_FLOOR and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            raise ArchiveRefused(
                "archive_refused",
                f"{what}: {_name(entry)} unpacks {entry.file_size / max(entry.compress_size, 1):,.0f} times "
                f"its packed size, past the {MAX_RATIO}× no document reaches (a zip bomb)",
            )


def members(data: bytes, max_member_bytes: int) -> Iterator[Member]:
    """The archive's files in its own order, one at a time (only one member's bytes in memory)."""
    archive = open_zip(data)
    with archive:
        check_sizes(archive)
        unpacked = 0
        for entry in archive.infolist():
            name = _name(entry)
            if entry.is_dir():
                continue
            if problem := _unsafe(entry, name):
                yield Member(name, refused=problem)
                continue
            if any(part.startswith(".") or part == "__MACOSX" for part in name.split("/")):
                yield Member(name, hidden=True)
                continue
            if entry.flag_bits & 0x1:
                yield Member(
                    name, refused="the member is encrypted (password-protected ZIP): unpack it first"
                )
                continue
            if entry.file_size > max_member_bytes:
                yield Member(
                    name,
                    refused=f"the member unpacks to {entry.file_size / 2**20:.1f} MiB, over the "
                    f"{max_member_bytes / 2**20:.0f} MiB file limit (--max-file-mb)",
                )
                continue
            content = _read(archive, entry, min(max_member_bytes, MAX_TOTAL_BYTES - unpacked))
            unpacked += len(content)
            yield Member(name, content)


def _read(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, limit: int) -> bytes:
    """Read a member, stopping past its declared size or the limit: a declared size can lie."""
    buffer = bytearray()
    try:
        with archive.open(entry) as stream:
            while chunk := stream.read(READ_CHUNK):
                buffer += chunk
                if len(buffer) > min(entry.file_size, limit):
                    raise ArchiveRefused(
                        "archive_refused",
                        f"{_name(entry)} unpacks to more than it declares or than the limit allows "
                        "(a zip bomb)",
                    )
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        if isinstance(exc, ArchiveRefused):
            raise
        raise ArchiveRefused("unreadable_file", f"{_name(entry)} cannot be unpacked: {exc}") from exc
    return bytes(buffer)


def _name(entry: zipfile.ZipInfo) -> str:
    """The member's name: ZIP files made on Chinese Windows store names in GBK without saying so."""
    name = entry.filename
    if not entry.flag_bits & 0x800:
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            name = name.encode("cp437").decode("gb18030")
    return name.replace("\\", "/")


def _unsafe(entry: zipfile.ZipInfo, name: str) -> str | None:
    parts = name.split("/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return f"unsafe path {name!r} in the archive (absolute): not unpacked"
    if ".." in parts:
        return f"unsafe path {name!r} in the archive (it leads out of the folder with ..): not unpacked"
    if stat.S_ISLNK(entry.external_attr >> 16):
        return f"{name!r} in the archive is a symbolic link: not followed"
    if "\x00" in name:
        return f"unsafe path {name!r} in the archive (a NUL byte): not unpacked"
    return None

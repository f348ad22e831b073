"""Which files an ingest run looks at: files and folders given, folders walked recursively."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Discovery:
    files: list[Path] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)


def discover(paths: list[str]) -> Discovery:
    """Regular files under the given paths, sorted within each folder; everything else is skipped with a reason.

    Nothing is dropped silently: a file listed twice (the same path given twice, or reached again
    through a link) is listed twice, and the ingest counts the second one as duplicate content.
    """
    found = Discovery()
    for given in paths:
        path = Path(given)
        if not os.path.lexists(path):
            found.skipped.append((given, "does not exist"))
        elif path.is_dir():
            _walk(path, found)
        else:
            _add(path, found)
    return found


def _walk(folder: Path, found: Discovery) -> None:
    visited: set[tuple[int, int]] = set()
    for root, dirs, files in os.walk(
        folder,
        followlinks=True,
        onerror=lambda e: found.skipped.append((str(e.filename), f"unreadable folder: {e.strerror}")),
    ):
        try:
            stat = os.stat(root)
        except OSError as exc:
            found.skipped.append((root, f"unreadable folder: {exc.strerror}"))
            dirs[:] = []
            continue
        if (stat.st_dev, stat.st_ino) in visited:  # a symlink loop: do not walk it again
            found.skipped.append((root, "symlink loop (folder already walked)"))
            dirs[:] = []
            continue
        visited.add((stat.st_dev, stat.st_ino))
        for name in sorted(d for d in dirs if d.startswith(".")):
            found.skipped.append((str(Path(root, name)), "hidden folder"))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(root, name)
            if name.startswith("."):
                found.skipped.append((str(path), "hidden file"))
            else:
                _add(path, found)


def _add(path: Path, found: Discovery) -> None:
    # One stat, following links; resolving the path (an lstat per folder of it, for every file: most
    # of a re-ingest's discovery at N = 2,000) only to say why a path cannot be followed.
    try:
        is_file = stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        try:
            path.resolve(strict=True)
        except (OSError, RuntimeError) as exc:
            why = f"cannot resolve ({exc.__class__.__name__}: broken link or loop)"
            found.skipped.append((str(path), why))
            return
        is_file = False
    if not is_file:
        found.skipped.append((str(path), "not a regular file"))
        return
    if not os.access(path, os.R_OK):
        found.skipped.append((str(path), "permission denied"))
        return
    found.files.append(path)

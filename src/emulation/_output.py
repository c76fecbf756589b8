"""Output files written whole or not at all, and what crashed runs left behind cleaned up.

:func:`write_atomically` writes into a temporary file in the target's folder, forces it to disk,
renames it over the target and forces the folder to disk, so the target is at every moment
either the old file or the whole new one — also when the process is killed (``kill -9``) or the
machine stops. A temporary file is named ``.<target>.emulation-tmp-<pid>-<8 hex digits>``: hidden,
named after the target and the process, and plainly ours.

A run killed before its rename leaves its temporary file. Every write first removes those of
earlier runs in the same folder: only files whose name has exactly that form, that are regular
files, and whose writer is gone. A writer holds an exclusive ``flock`` on its temporary file
from creation to rename, and the system releases it when the process ends, however it ends; a
file that can be locked has no live writer. Where there is no ``flock`` (Windows), a file still
open by its writer cannot be deleted, so removal is simply tried. No age bound is needed, and a
reused process id cannot keep a leftover alive.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

if sys.platform != "win32":
    import fcntl

#: The mark in the name of every temporary output file.
TEMPORARY_MARK = ".emulation-tmp-"

#: A temporary file of ours: ``.<target>.emulation-tmp-<pid>-<token>``.
TEMPORARY_NAME = re.compile(r"\.(?P<target>.+)\.emulation-tmp-(?P<pid>[0-9]+)-[0-9a-f]{8}")

#: How much of the target's name a temporary name keeps: with the mark, the pid and the token
#: it stays well under the 255 bytes a file name may have on common file systems.
NAME_KEPT = 120

#: Characters encoded and written at a time, so a large output is not held twice in memory.
CHUNK = 1 << 20

#: Errors meaning "a folder cannot be forced to disk here" (some platforms and file systems),
#: not that the data is at risk.
_NO_FOLDER_SYNC = frozenset(
    {errno.EINVAL, errno.EBADF, errno.EACCES, errno.EPERM, errno.ENOTSUP, errno.EISDIR}
)


def write_atomically(path: Path, text: str | bytes) -> None:
    """Write ``text`` (UTF-8, newlines as given; bytes as they are) to ``path``: the whole new
    file or, on any failure, the old one left as it was and no temporary file left behind.

    An :class:`OSError` names ``path``, not the temporary file.
    """

    def fill(stream: BinaryIO, temporary: Path) -> None:
        for start in range(0, len(text), CHUNK):
            chunk = text[start : start + CHUNK]
            stream.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)

    write_stream_atomically(path, fill)


def write_stream_atomically(path: Path, fill: Callable[[BinaryIO, Path], None]) -> None:
    """Like :func:`write_atomically`, for an output written piece by piece: ``fill(stream,
    temporary)`` writes the new file into ``stream`` (or by the name ``temporary``, which the
    same open file bears); it is forced to disk and renamed over ``path`` only when ``fill``
    returns. Whatever ``fill`` raises leaves ``path`` as it was and no temporary file behind.
    """
    folder = path.parent
    remove_leftovers(folder)
    try:
        with temporary_for(path) as (stream, temporary):
            fill(stream, temporary)
            stream.flush()
            os.fsync(stream.fileno())
            os.replace(temporary, path)
    except OSError as error:
        if error.filename == str(path):
            raise
        raise OSError(error.errno, error.strerror, str(path)) from error
    _sync_folder(folder)


@contextlib.contextmanager
def temporary_for(path: Path) -> Iterator[tuple[BinaryIO, Path]]:
    """A new temporary file beside ``path``, open for writing and locked for as long as the
    block runs; removed at the end unless the block renamed it."""
    while True:
        name = f".{path.name[:NAME_KEPT]}{TEMPORARY_MARK}{os.getpid()}-{secrets.token_hex(4)}"
        temporary = path.parent / name
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
        handle = os.open(temporary, flags, 0o666)
        stream = os.fdopen(handle, "wb")
        try:
            _lock(handle, wait=True)
            # a cleaner may have taken the file between its creation and the lock
            if _same_file(handle, temporary):
                break
        except BaseException:
            stream.close()
            raise
        stream.close()
    try:
        with stream:
            yield stream, temporary
    finally:
        with contextlib.suppress(FileNotFoundError):
            # removing by name is safe: the name holds our pid and a fresh token
            temporary.unlink()


def remove_leftovers(folder: Path) -> list[Path]:
    """Remove the temporary files of runs that are gone from ``folder``; returns them.

    Never fails: what cannot be examined or removed is left alone.
    """
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        if not TEMPORARY_NAME.fullmatch(entry.name):
            continue
        try:
            if entry.is_file(follow_symlinks=False) and _remove_if_abandoned(Path(entry.path)):
                removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def _remove_if_abandoned(path: Path) -> bool:
    if sys.platform == "win32":  # pragma: no cover - a file open by its writer cannot be deleted
        path.unlink()
        return True
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC
    handle = os.open(path, flags)
    try:
        if not _lock(handle, wait=False) or not _same_file(handle, path):
            return False
        path.unlink()
        return True
    finally:
        os.close(handle)


def _lock(handle: int, *, wait: bool) -> bool:
    """Take an exclusive lock on an open file; False when another process holds it."""
    if sys.platform == "win32":  # pragma: no cover
        return True
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


def _same_file(handle: int, path: Path) -> bool:
    """Whether ``path`` still names the open file ``handle``."""
    try:
        named = os.lstat(path)
    except FileNotFoundError:
        return False
    opened = os.fstat(handle)
    return (named.st_dev, named.st_ino) == (opened.st_dev, opened.st_ino)


def _sync_folder(folder: Path) -> None:
    """Force the rename to disk, where the platform can sync a folder."""
    try:
        handle = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError as error:
        if error.errno not in _NO_FOLDER_SYNC:
            raise
    finally:
        os.close(handle)

"""Output files written whole or not at all: a temporary file beside the target, then a rename.

A report, workbook, table or score file cut short (the disk filled up, a quota, the folder turned
read-only) must not be left behind looking like a finished one, nor replace a good earlier copy.
Every output file is written to a temporary file in the same folder (``.NAME.PID.part``), flushed
to the disk, and renamed over the target (:func:`os.replace`, atomic on one file system). When
anything fails the temporary file is removed and :class:`~cop_eval.errors.CopEvalError` says what
could not be written and why; an earlier file of the same name is unchanged.
"""

from __future__ import annotations

import errno
import io
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, cast

from cop_eval.errors import CopEvalError

__all__ = ["atomic_output", "output_error", "write_atomic"]

_FULL = (errno.ENOSPC, errno.EDQUOT)
_DENIED = (errno.EACCES, errno.EPERM, errno.EROFS)


def output_error(target: Path, what: str, exc: OSError) -> CopEvalError:
    """The message for ``what`` (e.g. "the PDF report") that could not be written to ``target``.

    Examples
    --------
    >>> full = OSError(errno.ENOSPC, "No space left on device")
    >>> print(output_error(Path("r.pdf"), "the PDF report", full))  # doctest: +NORMALIZE_WHITESPACE
    r.pdf: cannot write the PDF report: the disk is full. Nothing was written (an earlier file
    of that name is unchanged); free some space or write to another disk.
    """
    kept = "Nothing was written (an earlier file of that name is unchanged)"
    if exc.errno in _FULL:
        why = f"the disk is full. {kept}; free some space or write to another disk."
    elif exc.errno == errno.EFBIG:
        why = f"the file would be larger than this system allows. {kept}."
    elif exc.errno in _DENIED:
        why = (
            f"the folder {target.parent} cannot be written (read-only, or not yours). {kept}; "
            "write to another folder."
        )
    elif exc.errno in (errno.ENOENT, errno.ENOTDIR):
        why = f"the folder {target.parent} does not exist. Create it first or write elsewhere."
    else:
        why = f"{exc.strerror or exc}. {kept}."
    return CopEvalError(f"{target}: cannot write {what}: {why}")


class _FileOut(io.RawIOBase):
    """A write-only file on a descriptor; every byte goes through :func:`os.write`."""

    def __init__(self, fd: int) -> None:
        super().__init__()
        self._fd = fd

    def writable(self) -> bool:
        return True

    def write(self, data: object) -> int:
        view = memoryview(cast(bytes, data)).cast("B")
        done = 0
        while done < len(view):
            done += os.write(self._fd, view[done:])
        return done


@contextmanager
def atomic_output(target: str | Path, what: str) -> Iterator[BinaryIO]:
    """A binary file to write ``target`` through: it appears only when the block ends without
    an error, complete; otherwise nothing of it is left.

    Raises
    ------
    CopEvalError
        The file could not be written (full disk, read-only folder, ...), said with ``what``.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> with atomic_output(folder / "t.csv", "the table") as out:
    ...     _ = out.write(b"a,b\\n")
    >>> sorted(p.name for p in folder.iterdir()), (folder / "t.csv").read_bytes()
    (['t.csv'], b'a,b\\n')
    """
    target = Path(target)
    part = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(3)}.part")
    try:
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise output_error(target, what, exc) from exc
    try:
        try:
            yield cast(BinaryIO, _FileOut(fd))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(part, target)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise output_error(target, what, exc) from exc
    except BaseException:
        part.unlink(missing_ok=True)
        raise


def write_atomic(target: str | Path, data: bytes, what: str) -> None:
    """Write ``data`` to ``target`` whole or not at all (:func:`atomic_output`)."""
    with atomic_output(target, what) as out:
        out.write(data)

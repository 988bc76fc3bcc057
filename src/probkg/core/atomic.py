"""Atomic, durable file replacement, shared by every command that writes a file.

A write either completes or leaves the previous file exactly as it was: the
content goes to a temporary file in the target's own folder (so the final
`os.replace` is a rename within one file system) and only then replaces the
target. On any failure, including an interrupt, the temporary file is removed.

The temporary file is fsynced before the rename and the folder after it, so a
power cut cannot leave a renamed but empty file. It gets the mode any new file
would get under the umask (0644 under the usual 022): `mkstemp` makes it 0600,
and a web server or a colleague could then not read a build, export or draft.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

TEMPORARY_PREFIX = "."
"""A temporary file is named `.<target name>.<random>`: hidden, and findable by `stale_temporaries`."""


def umask_mode() -> int:
    """The mode `open()` gives a new file under the process's umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def replace_atomically(target: Path, write: Callable[[Path], object], keep: int = 0) -> None:
    """Call `write(tmp)` to fill a temporary file, then fsync it and rename it over `target`.

    With `keep`, the files it replaces are kept as `target.1` (the last) to
    `target.<keep>`. They are shifted only once the new file is complete, and the
    current one is hard-linked, not moved, so `target` is never missing.
    """
    fd, tmp = tempfile.mkstemp(prefix=f"{TEMPORARY_PREFIX}{target.name}.", dir=target.parent)
    try:
        try:
            os.fchmod(fd, umask_mode())
        finally:
            os.close(fd)
        write(Path(tmp))
        _fsync(tmp, os.O_RDONLY)
        if keep and target.exists():
            _shift_generations(target, keep)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync(target.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))


def stale_temporaries(target: Path) -> list[Path]:
    """Temporary files `replace_atomically` left beside `target` when a process was killed mid-write."""
    return sorted(target.parent.glob(f"{TEMPORARY_PREFIX}{target.name}.*"))


def generation(target: Path, n: int) -> Path:
    """The n-th earlier version of `target` that `replace_atomically(keep=...)` keeps."""
    return target.with_name(f"{target.name}.{n}")


def _shift_generations(target: Path, keep: int) -> None:
    for n in range(keep, 1, -1):
        if generation(target, n - 1).exists():
            os.replace(generation(target, n - 1), generation(target, n))
    generation(target, 1).unlink(missing_ok=True)
    os.link(target, generation(target, 1))


def _fsync(path: str | Path, flags: int) -> None:
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

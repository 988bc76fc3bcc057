"""Atomic file replacement, shared by every command that writes a file.

A write either completes or leaves the previous file exactly as it was: the
content goes to a temporary file in the target's own folder (so the final
`os.replace` is a rename within one file system) and only then replaces the
target. On any failure, including an interrupt, the temporary file is removed.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def replace_atomically(target: Path, write: Callable[[Path], object]) -> None:
    """Call `write(tmp)` to fill a temporary file, then rename it over `target`."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

"""Run the `probkg` command line in a child process, as curators and CI do."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CliRun:
    code: int
    stdout: str
    stderr: str

    def report(self) -> dict:
        """The parsed output of a `--format json` run."""
        return json.loads(self.stdout)


def probkg(root: Path, *args: str, timeout: float = 600) -> CliRun:
    """`probkg --root ROOT ARGS...` in a fresh interpreter; the timeout only guards against a hang."""
    done = subprocess.run(
        [sys.executable, "-c", "from probkg.cli import main; main()", "--root", str(root), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return CliRun(done.returncode, done.stdout, done.stderr)

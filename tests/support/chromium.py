"""Debian's Chromium for the browser tests: where it is and how it must be started here.

The flags keep a headless Chromium from reaching out on a closed network
(background updates, sync, QUIC); every launch also gets a fresh profile.
"""

from __future__ import annotations

from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def executable() -> str:
    """The browser's path; fails the test with the fix if setup has not installed it."""
    assert Path(CHROMIUM).exists(), "Debian's chromium is missing: scripts/setup.sh installs it (apt-packages.txt)"
    return CHROMIUM

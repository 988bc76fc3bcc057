"""What `probkg serve` was asked to do: every option of the command, in one place, with its default.

The command line (`cli.serve`) takes its defaults from here, so a default is written once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class ServeConfig:
    trig: Path
    queries: Path
    host: str = "127.0.0.1"
    port: int = 8000
    timeout: float = 15.0
    max_rows: int = 10_000
    max_bytes: int = 64 * 1024 * 1024
    workers: int = 2
    queue: int = 16
    max_body: int = 256 * 1024
    max_url: int = 16 * 1024
    memory_mb: int = 2048
    recycle_memory_mb: int = 256
    client_timeout: float = 10.0
    send_timeout: float = 30.0
    max_connections: int = 1024
    forwarded_allow_ips: str = "127.0.0.1,::1"
    isolate: bool = True
    access_log: bool = False

    @property
    def max_head(self) -> int:
        """The largest request head (request line and headers) accepted: the longest target plus 64 KiB."""
        return self.max_url + 64 * 1024

"""Helpers for the tests of `probkg serve`: a real server in a subprocess, and a canary.

Every server binds 127.0.0.1 on a free port, is started as `probkg serve ...`
(the real command, in its own process group), serves a private copy of the
dataset written once per test session (so a concurrent `probkg build` cannot
change it under a test), and is stopped when its fixture ends.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import http.server
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import pyoxigraph as ox

import probkg
from probkg.rdf.vocab import PREFIXES

ROOT = Path(__file__).resolve().parents[2]
PROBKG = [str(Path(sys.executable).parent / "probkg")]  # the installed console script
START_TIMEOUT = 90.0


@functools.lru_cache(maxsize=1)
def dataset_copy() -> Path:
    """The project's dataset as TriG, written once per test session by the loader the build uses."""
    directory = Path(tempfile.mkdtemp(prefix="probkg-serve-"))
    atexit.register(shutil.rmtree, directory, True)
    path = directory / "probation.trig"
    kg = probkg.load()
    kg.store.dump(str(path), format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
    return path


def start_server(tmp_path_factory, name: str, *options: str) -> Server:
    return Server(dataset_copy(), tmp_path_factory.mktemp(name) / "serve.log", *options).start()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`probkg serve` in a subprocess; `url` is its base address."""

    def __init__(self, trig: Path, log: Path, *options: str) -> None:
        self.trig, self.log_path, self.options = trig, log, options
        self.proc: subprocess.Popen | None = None
        self.url = ""

    def start(self) -> Server:
        for _attempt in range(3):  # a free port can be taken between the probe and the bind
            port = free_port()
            self.url = f"http://127.0.0.1:{port}"
            log = open(self.log_path, "ab")
            self.proc = subprocess.Popen(
                [*PROBKG, "serve", "--host", "127.0.0.1", "--port", str(port), "--trig", str(self.trig), *self.options],
                cwd=ROOT,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
            log.close()
            deadline = time.monotonic() + START_TIMEOUT
            while time.monotonic() < deadline and self.proc.poll() is None:
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(self.url + "/health", timeout=2).status_code == 200:
                        return self
                time.sleep(0.2)
            self.stop()
        raise RuntimeError(f"probkg serve did not start; log:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)  # its own group: the server and its workers
                self.proc.wait(5)
        self.proc = None

    def health(self) -> dict:
        return httpx.get(self.url + "/health", timeout=10).json()


class Canary:
    """An HTTP server on 127.0.0.1 that counts every request it gets."""

    def __init__(self) -> None:
        hits = self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def _hit(self) -> None:
                hits.append(f"{self.command} {self.path}")
                body = b"<> <http://example.org/p> 1 ."
                self.send_response(200)
                self.send_header("Content-Type", "text/turtle")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_HEAD = _hit

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Canary:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

"""Query workers: one loaded process (the zygote) and the workers it forks, each answering one request at a time.

`probkg serve` runs a pool of these (`serve/pool.py`). pyoxigraph's `Store.query`
has no timeout and ignores signals, so a query that runs too long can only be
stopped by ending the process that runs it: the pool kills the worker at the
deadline and asks for a fresh one.

The dataset is loaded once, by the zygote, and every worker is forked from it,
so the workers share the zygote's pages instead of each holding a copy (at
5,000 inspections a copy is about a gigabyte), and a replacement is ready in
milliseconds rather than after a reload. Before it loads anything the zygote:

* leaves the network where the OS allows it (a new, empty network namespace:
  no interface but a loopback that is down), so even a query that got past
  `sparql_guard` could not reach anything; its workers inherit that namespace;
* caps its address space (`--memory-mb`), a cap each worker inherits, so a
  query that builds huge values ends its worker, not the machine;
* asks the kernel to kill it if the server dies (and each worker asks the same
  of the zygote).

Messages are those of `serve/protocol.py`. The zygote says it is ready
(`ZygoteReady`, with the dataset's graphs and size) on a private
copy of stdout (the real fd 1 is pointed at stderr, so nothing a library prints
can corrupt the stream), then waits on its control socket: each message there
carries one end of a fresh socket pair (SCM_RIGHTS), and a worker is forked to
serve requests on it, saying first that it is ready and its pid (`WorkerReady`).
"""

from __future__ import annotations

import argparse
import ctypes
import os
import resource
import signal
import socket
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from probkg.serve import protocol

if TYPE_CHECKING:  # the module itself is imported only after the isolation
    from probkg.serve.handler import Handler

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
PR_SET_PDEATHSIG = 1


def isolate_network() -> str:
    """Move this process into a new network namespace; say how (or why not)."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWNET) == 0:
        return "netns"
    first = os.strerror(ctypes.get_errno())
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0:
        return "userns+netns"
    return f"unavailable ({first}; {os.strerror(ctypes.get_errno())})"


def die_with_parent() -> None:
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError:
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def serve_channel(handler: Handler, fd: int) -> None:
    """A forked worker's life: answer requests on the socket `fd` until the server closes it."""
    with socket.socket(fileno=fd) as channel, channel.makefile("rb") as inp, channel.makefile("wb") as out:
        protocol.write(out, protocol.WorkerReady(os.getpid()))
        while (data := protocol.read_frame(inp)) is not None:
            protocol.write(out, handler.handle(protocol.decode(data, protocol.JOBS)))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="probkg-worker")
    parser.add_argument("--trig", required=True)
    parser.add_argument("--control-fd", type=int, required=True)
    parser.add_argument("--max-rows", type=int, required=True)
    parser.add_argument("--max-bytes", type=int, required=True)
    parser.add_argument("--queries", help="the saved queries' folder: their checks are made here, before any fork")
    parser.add_argument("--memory-mb", type=int, default=0)
    parser.add_argument("--no-isolation", action="store_true")
    args = parser.parse_args(argv)

    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    die_with_parent()
    isolation = "off" if args.no_isolation else isolate_network()
    if args.memory_mb:
        limit = args.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    from probkg.serve.handler import Handler  # imports pyoxigraph and rdflib: after the isolation

    handler = Handler(args.trig, args.max_rows, args.max_bytes, Path(args.queries) if args.queries else None)
    protocol.write(out, protocol.ZygoteReady(os.getpid(), isolation, *handler.info()))
    control = socket.socket(fileno=args.control_fd)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the workers; the server watches their sockets
    while True:
        try:
            _, fds, _, _ = socket.recv_fds(control, 16, 1)
        except OSError:
            return
        if not fds:  # the server closed the control socket
            return
        if os.fork() == 0:
            try:
                control.close()
                out.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                die_with_parent()
                # In a thread of its own, because glibc gives a new thread its own malloc arena:
                # in the main thread, each request's allocations land in the free chunks scattered
                # through the zygote's heap, and every page written that way stops being shared
                # (at 5,000 inspections, 440 MB per worker after 20,000 lookups; 2 MB in a thread).
                thread = threading.Thread(target=serve_channel, args=(handler, fds[0]), name="requests")
                thread.start()
                thread.join()
            finally:
                os._exit(0)
        os.close(fds[0])


if __name__ == "__main__":
    main(sys.argv[1:])

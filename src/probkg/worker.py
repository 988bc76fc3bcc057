"""A query worker: one process holding the dataset, answering one request at a time.

`probkg serve` runs a pool of these (`workers.py`). pyoxigraph's `Store.query`
has no timeout and ignores signals, so a query that runs too long can only be
stopped by ending the process that runs it: the pool kills the worker at the
deadline and starts a fresh one. Each worker, before it loads anything:

* leaves the network where the OS allows it (a new, empty network namespace:
  no interface but a loopback that is down), so even a query that got past
  `sparql_guard` could not reach anything;
* caps its address space (`--memory-mb`), so a query that builds huge values
  ends this process, not the machine;
* asks the kernel to kill it if the server dies.

Protocol: requests and replies are pickled dicts, each framed by a 4-byte
big-endian length, on stdin and on a private copy of stdout (the real fd 1 is
pointed at stderr, so nothing a library prints can corrupt the stream).
"""

from __future__ import annotations

import argparse
import ctypes
import os
import pickle
import resource
import signal
import struct
import sys

HEADER = struct.Struct(">I")
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
PR_SET_PDEATHSIG = 1


def read_message(stream) -> dict | None:
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        return None
    (size,) = HEADER.unpack(header)
    data = stream.read(size)
    if len(data) < size:
        return None
    return pickle.loads(data)


def write_message(stream, message: dict) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(HEADER.pack(len(data)) + data)
    stream.flush()


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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="probkg-worker")
    parser.add_argument("--trig", required=True)
    parser.add_argument("--max-rows", type=int, required=True)
    parser.add_argument("--max-bytes", type=int, required=True)
    parser.add_argument("--memory-mb", type=int, default=0)
    parser.add_argument("--no-isolation", action="store_true")
    args = parser.parse_args(argv)

    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    inp = os.fdopen(os.dup(0), "rb")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    die_with_parent()
    isolation = "off" if args.no_isolation else isolate_network()
    if args.memory_mb:
        limit = args.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    from .worker_ops import Handler  # imports pyoxigraph and rdflib: after the isolation

    handler = Handler(args.trig, args.max_rows, args.max_bytes)
    write_message(out, {"ready": True, "pid": os.getpid(), "isolation": isolation, **handler.info()})
    while True:
        request = read_message(inp)
        if request is None:
            return
        write_message(out, handler.handle(request))


if __name__ == "__main__":
    main(sys.argv[1:])

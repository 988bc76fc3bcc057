"""The pool of query worker processes behind `probkg serve`, with deadlines and bounded queueing.

The pool starts one zygote (`serve/zygote.py`), which loads the dataset, and asks it
to fork each worker; a worker talks to the pool over its own socket pair.

A request takes an idle worker (waiting in a bounded FIFO queue if all are
busy; beyond the queue it is refused with `Overloaded`, which the server
answers 429), sends it the job and waits for the reply until the deadline. At
the deadline the worker is killed (SIGKILL: pyoxigraph ignores gentler signals)
and a fresh one is forked in the background; the other workers go on serving.
A worker that dies mid-request (say, at its memory cap) is replaced the same way,
and so is one that dies while idle: the pool watches every worker's process
through a pidfd, so `/health` never counts a dead worker and no request is sent
to one. If the zygote itself has gone, the next replacement starts (and loads) a
new one.

Recycling is decided by what a worker holds, not by how long a request took: a
worker whose private memory (pages it copied from the zygote, measured by the
worker now and then, see `handler.MEASURE_SHARE`) passes `recycle_memory_mb` is replaced by a fresh
fork once it has answered. A fresh fork loses nothing: the checks of the saved
queries were made in the zygote, before any fork.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import select
import signal
import socket
import sys
from dataclasses import dataclass
from typing import TypeVar, cast

from probkg.serve.protocol import HEADER, REPLIES, Job, Outcome, Reply, WorkerReady, ZygoteReady, decode, frame

log = logging.getLogger("probkg.serve")


class Overloaded(Exception):
    """Every worker is busy and the queue is full."""


class Deadline(Exception):
    """The request did not finish in time; its worker (if it had one) was killed."""


class WorkerDied(Exception):
    """The worker ended while running the request (for example at its memory cap)."""


@dataclass
class PoolConfig:
    trig: str
    queries: str | None = None
    size: int = 2
    queue: int = 16
    max_rows: int = 10_000
    max_bytes: int = 64 * 1024 * 1024
    memory_mb: int = 2048
    recycle_memory_mb: int = 256
    """A worker holding more private memory is replaced by a fresh fork (0: after every request):
    a long query walks much of the store, and Oxigraph's reads write to (so unshare) the pages
    they walk."""
    isolate: bool = True
    start_timeout: float = 120.0


T = TypeVar("T")


async def read_message(reader: asyncio.StreamReader, expected: type[T] | tuple[type, ...]) -> T:
    """One framed message (see `serve/protocol.py`) of the expected type(s)."""
    (size,) = HEADER.unpack(await reader.readexactly(HEADER.size))
    return decode(await reader.readexactly(size), expected)


class Channel(asyncio.Protocol):
    """This process's end of one worker's socket: framed messages (`serve/protocol.py`) in and out.

    A worker has at most one job in flight, so a reply needs one future and nothing else;
    asyncio's streams, used before, cost two reads (length, then payload) with a coroutine
    and a future each, and a drain after every job sent, on every request of the server.
    """

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future[bytes] | None = None
        self.ended = False  # the worker's end closed: it exited, or was killed

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is one, though not a subclass

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if self.waiter is not None:
            self._deliver()

    def connection_lost(self, exc: Exception | None) -> None:
        self.ended = True
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(asyncio.IncompleteReadError(bytes(self.buffer), None))

    def _deliver(self) -> None:
        """Hand the awaited message to its reader if the buffer holds all of it."""
        buffer = self.buffer
        if len(buffer) < HEADER.size:
            return
        (size,) = HEADER.unpack_from(buffer)
        end = HEADER.size + size
        if len(buffer) < end:
            return
        payload = bytes(memoryview(buffer)[HEADER.size : end])
        del buffer[:end]
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(payload)

    async def read(self, expected: type[T] | tuple[type, ...]) -> T:
        """The next message, of the expected type(s); `IncompleteReadError` if the worker's end closes first."""
        waiter = self.waiter = asyncio.get_running_loop().create_future()
        self._deliver()
        if self.ended and not waiter.done():
            waiter.set_exception(asyncio.IncompleteReadError(bytes(self.buffer), None))
        try:
            payload = await waiter
        finally:
            if self.waiter is waiter:  # cancelled (at the deadline): nobody waits any more
                self.waiter = None
        return decode(payload, expected)

    def send(self, message: Job) -> None:
        if self.ended or self.transport is None:
            raise ConnectionResetError("the worker's socket is closed")
        self.transport.write(frame(message))

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


@dataclass(eq=False)
class Worker:
    channel: Channel
    pid: int | None = None
    pidfd: int | None = None  # readable once the process has ended
    busy: bool = False

    def exited(self) -> bool:
        """Whether the worker's process has ended (or its socket closed), checked without waiting."""
        if self.channel.ended:
            return True
        return self.pidfd is not None and bool(select.select([self.pidfd], [], [], 0)[0])

    def kill(self) -> None:
        """SIGKILL the worker (its parent, the zygote, reaps it) and drop our end of its socket."""
        if self.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
        if self.pidfd is not None:
            asyncio.get_running_loop().remove_reader(self.pidfd)
            os.close(self.pidfd)
            self.pidfd = None
        self.channel.close()


class WorkerPool:
    def __init__(self, config: PoolConfig) -> None:
        self.config = config
        self.idle: asyncio.Queue[Worker] = asyncio.Queue()
        self.workers: set[Worker] = set()
        self.waiting = 0
        self.info: ZygoteReady | None = None
        self.stats = {
            "served": 0,
            "deadlines": 0,
            "deaths": 0,  # workers that died while answering (at their memory cap, say)
            "idle_deaths": 0,  # workers that died while waiting for a job
            "refused_busy": 0,
            "restarts": 0,
            "start_failures": 0,  # forks that failed to start (each is retried until one starts)
            "recycled": 0,
            "parsed": 0,  # requests that needed rdflib's full parse (no cached check served them)
        }
        self._tasks: set[asyncio.Task] = set()
        self._closing = False
        self.zygote: asyncio.subprocess.Process | None = None
        self.control: socket.socket | None = None
        self._forking = asyncio.Lock()  # one fork request (or zygote start) at a time

    async def start(self) -> None:
        """Start the zygote (it loads the dataset) and fork every worker from it."""
        async with self._forking:
            await self._start_zygote()
        for worker in await asyncio.gather(*(self._spawn() for _ in range(self.config.size))):
            self.idle.put_nowait(worker)

    async def _start_zygote(self) -> None:
        c = self.config
        ours, theirs = socket.socketpair()
        args = [
            sys.executable,
            "-m",
            "probkg.serve.zygote",
            "--trig",
            c.trig,
            "--control-fd",
            str(theirs.fileno()),
            "--max-rows",
            str(c.max_rows),
            "--max-bytes",
            str(c.max_bytes),
            "--memory-mb",
            str(c.memory_mb),
        ]
        if c.queries:
            args += ["--queries", c.queries]
        if not c.isolate:
            args.append("--no-isolation")
        try:
            proc = await asyncio.create_subprocess_exec(
                *args,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                pass_fds=(theirs.fileno(),),
                limit=2**20,
                env={**os.environ, "RUST_BACKTRACE": "0"},
            )
        finally:
            theirs.close()
        try:
            assert proc.stdout is not None
            info = await asyncio.wait_for(read_message(proc.stdout, ZygoteReady), c.start_timeout)
        except BaseException:
            ours.close()
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            raise
        if not info.isolation.startswith(("netns", "userns", "off")):
            log.warning("workers have network access: %s", info.isolation)
        self._stop_zygote()
        self.zygote, self.control, self.info = proc, ours, info

    def _stop_zygote(self) -> None:
        if self.zygote is not None:
            with contextlib.suppress(ProcessLookupError):
                self.zygote.kill()
            if self.control is not None:
                self.control.close()
            self.zygote = self.control = None

    async def _spawn(self) -> Worker:
        ours, theirs = socket.socketpair()
        async with self._forking:
            try:
                if self.zygote is None or self.zygote.returncode is not None:
                    await self._start_zygote()
                assert self.control is not None
                socket.send_fds(self.control, [b"f"], [theirs.fileno()])
            except OSError:
                ours.close()
                self._stop_zygote()  # the next attempt starts a new one
                raise
            finally:
                theirs.close()
        _, channel = await asyncio.get_running_loop().create_unix_connection(Channel, sock=ours)
        worker = Worker(channel)
        self.workers.add(worker)
        try:
            ready = await asyncio.wait_for(channel.read(WorkerReady), self.config.start_timeout)
        except BaseException:
            worker.kill()
            self.workers.discard(worker)
            raise
        worker.pid = ready.pid
        self._watch(worker)
        return worker

    def _watch(self, worker: Worker) -> None:
        """Learn at once when the worker's process ends, even while it is idle (Linux 5.3+ pidfd)."""
        assert worker.pid is not None
        try:
            worker.pidfd = os.pidfd_open(worker.pid)
        except (OSError, AttributeError):  # no pidfd: a dead worker is still found when it is next taken
            return
        asyncio.get_running_loop().add_reader(worker.pidfd, self._exited, worker)

    def _exited(self, worker: Worker) -> None:
        """A worker's process ended: if it was idle, take it out of the pool and fork another.

        A busy one is left to `run`, which sees its socket close and answers the request 503.
        """
        if worker.pidfd is not None:
            asyncio.get_running_loop().remove_reader(worker.pidfd)
        if worker.busy or worker not in self.workers:
            return
        self._drop_idle(worker)
        self.stats["idle_deaths"] += 1
        self._replace(worker)

    def _drop_idle(self, worker: Worker) -> None:
        kept = [w for w in (self.idle.get_nowait() for _ in range(self.idle.qsize())) if w is not worker]
        for w in kept:
            self.idle.put_nowait(w)

    def _replace(self, worker: Worker) -> None:
        worker.kill()
        self.workers.discard(worker)
        self._tasks.add(task := asyncio.ensure_future(self._respawn()))
        task.add_done_callback(self._tasks.discard)

    def closing(self) -> bool:
        """Whether `close` has begun: no worker is started or handed out after that."""
        return self._closing

    async def _respawn(self) -> None:
        delay = 0.5
        while not self._closing:
            try:
                worker = await self._spawn()
            except Exception as exc:  # keep trying: the pool must return to full strength
                self.stats["start_failures"] += 1
                log.error("could not start a worker: %s", exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10)
                continue
            self.stats["restarts"] += 1
            if self.closing():  # asked again: the pool may have closed while _spawn awaited
                worker.kill()
            else:
                self.idle.put_nowait(worker)
            return

    async def run(self, job: Job, timeout: float) -> Reply:
        """Run one job within `timeout` seconds, counted from now (queueing included).

        The deadline is an `asyncio.timeout_at` scope rather than `wait_for`, which on
        Python 3.11 wraps each await in a task of its own; with an idle worker at hand
        (and nobody waiting ahead) the worker is taken at once. Together that took this
        process's CPU time on a benchmark lookup from 0.37 to 0.33 ms.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        if self.idle.empty() and self.waiting >= self.config.queue:
            self.stats["refused_busy"] += 1
            raise Overloaded
        worker = await self._take(deadline)
        try:
            async with asyncio.timeout_at(deadline):
                worker.channel.send(job)
                reply: Reply = await worker.channel.read(REPLIES)
        except TimeoutError:
            self.stats["deadlines"] += 1
            self._replace(worker)
            raise Deadline from None
        except (asyncio.IncompleteReadError, ConnectionError, BrokenPipeError):
            self.stats["deaths"] += 1
            self._replace(worker)
            raise WorkerDied from None
        except BaseException:  # cancelled while the worker was busy: its reply would come out of step
            self._replace(worker)
            raise
        worker.busy = False
        self.stats["served"] += 1
        self.stats["parsed"] += reply.outcome.parsed
        if self._holds_too_much(reply.outcome):
            self.stats["recycled"] += 1
            self._replace(worker)
        elif worker.pidfd is not None and worker.exited():  # died as it answered
            self._exited(worker)
        else:
            self.idle.put_nowait(worker)
        return reply

    async def _take(self, deadline: float) -> Worker:
        """An idle, live worker, waiting for one (in turn, until the deadline) if none is free."""
        while True:
            if self.waiting or self.idle.empty():
                self.waiting += 1
                try:
                    async with asyncio.timeout_at(deadline):
                        worker = await self.idle.get()
                except TimeoutError:
                    self.stats["deadlines"] += 1
                    raise Deadline from None
                finally:
                    self.waiting -= 1
            else:
                worker = self.idle.get_nowait()
            if not worker.exited():
                worker.busy = True
                return worker
            self.stats["idle_deaths"] += 1  # ended before its pidfd was read
            self._replace(worker)

    def _holds_too_much(self, outcome: Outcome) -> bool:
        limit = self.config.recycle_memory_mb
        return limit == 0 or (outcome.private is not None and outcome.private > limit * 1024 * 1024)

    def status(self) -> dict:
        return {
            "workers": self.config.size,
            "alive": len(self.workers),
            "idle": self.idle.qsize(),
            "waiting": self.waiting,
            "queue": self.config.queue,
            **self.stats,
        }

    async def close(self) -> None:
        self._closing = True
        for task in list(self._tasks):
            task.cancel()
        for worker in list(self.workers):
            worker.kill()
        self.workers.clear()
        if self.zygote is not None:
            zygote = self.zygote
            self._stop_zygote()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(zygote.wait(), 5)

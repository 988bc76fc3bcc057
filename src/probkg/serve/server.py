"""Running `probkg serve`: bind the address, start the workers, announce the server, serve until stopped.

The listening socket is bound before anything else, so a taken or forbidden
address is a one-line error and exit code 6 at once, not a traceback after the
dataset has loaded, and the line saying the server is ready names the port
really bound (`--port 0` asks the OS for a free one). The socket listens from
then on: a connection made while the workers start waits in its backlog.

Behind a reverse proxy (docs/serving.md, "Behind a reverse proxy") the server
believes `X-Forwarded-Proto` and `X-Forwarded-For` from the addresses in
`--forwarded-allow-ips` only (the proxy on this machine by default), so the
endpoint names itself `https://...` when the proxy says the client used TLS.
The list is given to uvicorn explicitly, so its `FORWARDED_ALLOW_IPS`
environment variable cannot widen it unseen, and an entry that is neither an
address nor a network is an error here rather than a literal uvicorn would
match against nothing.
"""

from __future__ import annotations

import functools
import ipaddress
import logging
import socket
import sys
from pathlib import Path

from probkg.core.errors import EXIT_CANNOT_LISTEN, ProbkgError
from probkg.serve import protocol as msg
from probkg.serve.config import ServeConfig
from probkg.serve.connection import GuardedConnection
from probkg.serve.routes import App


class CannotListen(ProbkgError):
    """The address to listen on is taken or not allowed (exit 6)."""

    exit_code = EXIT_CANNOT_LISTEN


def artefact_is_stale(trig: Path, sources: list[Path]) -> bool:
    if not trig.is_file():
        return True
    built = trig.stat().st_mtime
    return any(p.stat().st_mtime > built for p in sources if p.is_file())


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to the address and listening, or `CannotListen` saying why not."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        sock = socket.socket(family, socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise CannotListen(f"cannot listen on {host}:{port}: {exc}") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise CannotListen(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.set_inheritable(False)
    return sock


def address(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def trusted_proxies(value: str) -> list[str]:
    """The addresses and networks of `--forwarded-allow-ips` (["*"] for any), each one checked."""
    entries = [e.strip() for e in value.split(",") if e.strip()]
    if entries == ["*"]:
        return entries
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ProbkgError(  # bad input: exit 2
                f"--forwarded-allow-ips: {entry!r} is not an IP address or network (or '*' alone)"
            ) from None
    return entries


def run(config: ServeConfig) -> None:
    """Serve until interrupted (SIGINT or SIGTERM stop the server and its workers)."""
    import uvicorn

    proxies = trusted_proxies(config.forwarded_allow_ips)
    sock = listen(config.host, config.port)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    app = App(config)

    def ready(info: msg.ZygoteReady) -> None:
        print(
            f"probkg serve: {info.triples} triples in {len(info.graphs)} named graphs; "
            f"{config.workers} workers (network: {info.isolation}); {address(sock)}",
            file=sys.stderr,
            flush=True,
        )

    server = uvicorn.Server(
        uvicorn.Config(
            app.asgi(ready),
            lifespan="on",
            loop="uvloop",
            http=functools.partial(  # type: ignore[arg-type]  # uvicorn calls it as the class
                GuardedConnection,
                max_head=config.max_head,
                client_timeout=config.client_timeout,
                send_timeout=config.send_timeout,
                max_connections=config.max_connections,
                stats=app.connections,
            ),
            proxy_headers=bool(proxies),
            forwarded_allow_ips=proxies or None,
            access_log=config.access_log,
            log_level="info" if config.access_log else "warning",
            timeout_keep_alive=5,
            limit_concurrency=None,  # connections are capped by GuardedConnection, requests by the pool
            server_header=False,
        )
    )
    server.run(sockets=[sock])
    if not server.started:
        raise SystemExit(1)

"""Progress of long work: shown by the CLI on stderr, silent everywhere else.

Library code wraps its longest loop (files loaded, files uploaded) in `steps`;
that is a plain iteration unless a command has installed a reporter with
`reporting`, so nothing below the CLI knows about terminals or click.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")
Reporter = Callable[[Iterable, str, int | None], AbstractContextManager[Iterable]]
"""Given the items, a label and their number, a context that yields the items while showing progress."""

_reporter: ContextVar[Reporter | None] = ContextVar("probkg_progress", default=None)


def steps(items: Iterable[T], label: str, length: int | None = None) -> Iterator[T]:
    """The items, one by one, shown under `label` if a reporter is installed."""
    reporter = _reporter.get()
    if reporter is None:
        yield from items
        return
    with reporter(items, label, length) as shown:
        yield from shown


@contextmanager
def reporting(reporter: Reporter) -> Iterator[None]:
    """Show the progress of every `steps` loop run inside this context with `reporter`."""
    token = _reporter.set(reporter)
    try:
        yield
    finally:
        _reporter.reset(token)

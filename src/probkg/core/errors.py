"""Exceptions and the exit codes the CLI maps them to.

Every command exits with one of these codes, so scripts and CI can tell a
defect in the data (1) from input that could not be read at all (2) and from a
run that hit a time or resource limit (3). The README documents the same table.
`probkg ingest` adds codes of its own (docs/ingest.md): 4, the text is in no
report layout it knows; 5, it refused to overwrite an existing file; 7, a PDF
has no text layer (it needs OCR); 8, in folder mode, some files failed; `probkg serve`
adds 6 (docs/serving.md): it cannot listen on the address asked for.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

EXIT_OK = 0
EXIT_FAILED_CHECK = 1
EXIT_BAD_INPUT = 2
EXIT_LIMIT = 3
EXIT_UNKNOWN_LAYOUT = 4
EXIT_OUTPUT_EXISTS = 5
EXIT_CANNOT_LISTEN = 6
EXIT_NO_TEXT = 7
EXIT_SOME_FAILED = 8


class ProbkgError(Exception):
    """Base class; `exit_code` says how the CLI should end."""

    exit_code = EXIT_BAD_INPUT


@dataclass
class InputError(ProbkgError):
    """A file could not be read or parsed; names the file and, where known, the place."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class LimitError(ProbkgError):
    """A time, size or memory limit was reached before the work finished."""

    exit_code = EXIT_LIMIT


class LayoutError(InputError):
    """A readable report text in none of the layouts `probkg ingest` can parse.

    Distinct from other bad input (exit 4, not 2): the file is a plain text that
    may well be a real report, but of a layout that needs a new parser, so a
    script can tell "write a parser" from "wrong file".
    """

    exit_code = EXIT_UNKNOWN_LAYOUT


class NoTextLayerError(InputError):
    """A PDF whose pages carry no text (a scan): it needs OCR, not a parser (exit 7)."""

    exit_code = EXIT_NO_TEXT


@dataclass
class OutputExistsError(ProbkgError):
    """The output file already exists and overwriting was not asked for (exit 5).

    Nothing is written: a curator's edited draft is never replaced by accident.
    """

    path: str

    exit_code = EXIT_OUTPUT_EXISTS

    def __str__(self) -> str:
        return f"{self.path}: already exists; give --force to replace it"


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """ " (did you mean 'x'?)" for the nearest of `choices`, or "": one rule for every name a user can mistype."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""

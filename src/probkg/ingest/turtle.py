"""A small Turtle writer that follows the project's file style (docs/curation.md).

Prefixes at the top (only those used, sorted), one subject block per
resource with `a` first and the other predicates sorted, a blank line between
blocks, and evidence quotes written with their selector as a nested blank node
exactly as curators write them. Terms are passed in already in Turtle form;
`string`, `lang_string`, `typed` and `integer` make literals with the escaping
Turtle needs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from probkg.rdf.vocab import PREFIXES

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def string(text: str) -> str:
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F or 0xD800 <= ord(ch) <= 0xDFFF:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def lang_string(text: str, lang: str = "en") -> str:
    return f"{string(text)}@{lang}"


def typed(text: str, datatype: str) -> str:
    return f"{string(text)}^^{datatype}"


def integer(value: int) -> str:
    return str(int(value))


@dataclass
class Block:
    """One subject: its types and its predicate-object lists (terms in Turtle form)."""

    subject: str
    types: list[str]
    props: dict[str, list[str]] = field(default_factory=dict)

    def add(self, predicate: str, *objects: str) -> Block:
        values = self.props.setdefault(predicate, [])
        for obj in objects:
            if obj not in values:
                values.append(obj)
        return self

    def render(self) -> str:
        lines = [f"    a {', '.join(self.types)}"]
        for predicate in sorted(self.props):
            if self.props[predicate]:
                lines.append(f"    {predicate} {', '.join(self.props[predicate])}")
        return self.subject + "\n" + " ;\n".join(lines) + " ."


@dataclass
class QuoteBlock:
    """An evidence quote: `quote:...` with an oa:TextQuoteSelector and its source document."""

    subject: str
    exact: str
    source: str

    def render(self) -> str:
        return (
            f"{self.subject}\n    a pko:EvidenceQuote ;\n    oa:hasSelector [\n"
            f"        a oa:TextQuoteSelector ;\n        oa:exact {string(self.exact)}\n    ] ;\n"
            f"    oa:hasSource {self.source} ."
        )


def document(header: str, blocks: list[Block | QuoteBlock]) -> str:
    """The whole file: header comment, prefixes used, then the blocks."""
    body = "\n\n".join(block.render() for block in blocks) + "\n"
    bare = _without_strings(body)
    used = sorted(p for p in PREFIXES if _uses(bare, p))
    prefix_lines = [f"@prefix {p}: <{PREFIXES[p]}> ." for p in used]
    comment = "\n".join(f"# {line}".rstrip() for line in header.splitlines())
    return "\n".join(prefix_lines) + "\n\n" + comment + "\n\n" + body


def _uses(body: str, prefix: str) -> bool:
    """Whether `prefix:` is used as a prefixed name (not just inside a string or another name)."""
    return re.search(rf"(?<![\w\"-]){re.escape(prefix)}:[A-Za-z0-9_]", body) is not None


def _without_strings(body: str) -> str:
    return re.sub(r'"(?:[^"\\]|\\.)*"', '""', body)

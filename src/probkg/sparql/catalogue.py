"""The saved-query catalogue (`queries/*.rq`) and typed parameter binding.

Headers follow grlc's decorators (`#+ summary:`, `#+ description:`, `#+ tags:`,
`#+ method:`, `#+ defaults:`, `#+ enumerate:`), written as YAML after `#+ `,
and parameters follow grlc's variable names: `?_name` (required) or `?__name`
(optional), with an optional type suffix: `_iri`, `_integer`, a language tag
such as `_en`, or `_prefix_datatype` such as `_xsd_decimal`. So a grlc server
can publish `queries/` unchanged.

A parameter's value always becomes an RDF term (an IRI, or a literal with the
right datatype or language) before it reaches an engine: never a fragment of
query text. A value that is not a valid term of its type is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import yaml

from probkg.core.errors import InputError, did_you_mean
from probkg.rdf.vocab import PREFIXES, compact

XSD = "http://www.w3.org/2001/XMLSchema#"
PARAM = re.compile(r"\?(__?)([A-Za-z][A-Za-z0-9]*)((?:_[A-Za-z0-9]+)*)\b")
LANG = re.compile(r"^[a-z]{2,3}$")
TOKEN = re.compile(
    r"""\#[^\n]*|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|<[^<>"{}|^`\\\s]*>|[{}()]|[?$][\w]+|[A-Za-z_][\w-]*(?::[\w.-]*)?|:[\w.-]*|[.;,]"""
)
"""SPARQL tokens that matter for finding groups: comments, strings and IRIs are
skipped whole so that braces and keywords inside them are not mistaken for syntax."""
NUMERIC = {"integer", "decimal", "double", "float", "positiveInteger", "nonNegativeInteger"}


@dataclass(frozen=True)
class Param:
    """One parameter of a saved query, read off its variable name."""

    name: str
    variable: str  # without the '?'
    optional: bool
    kind: str  # "literal", "iri", "lang" or "typed"
    lang: str | None = None
    datatype: str | None = None

    @classmethod
    def from_variable(cls, underscores: str, name: str, suffix: str) -> Param:
        parts = [p for p in suffix.split("_") if p]
        variable = f"{underscores}{name}{suffix}"
        optional = underscores == "__"
        if not parts:
            return cls(name, variable, optional, "literal")
        if parts == ["iri"]:
            return cls(name, variable, optional, "iri")
        if len(parts) == 1 and parts[0] == "integer":
            return cls(name, variable, optional, "typed", datatype=XSD + "integer")
        if len(parts) == 1 and LANG.match(parts[0]):
            return cls(name, variable, optional, "lang", lang=parts[0])
        if len(parts) == 2 and parts[0] in PREFIXES:
            return cls(name, variable, optional, "typed", datatype=PREFIXES[parts[0]] + parts[1])
        raise ValueError(f"unknown parameter type suffix {suffix!r} on ?{variable}")

    def describe(self) -> str:
        kind = {"literal": "text", "iri": "IRI", "lang": f"text@{self.lang}"}.get(self.kind) or compact_datatype(
            self.datatype
        )
        return f"{self.name} ({kind}{', optional' if self.optional else ''})"

    def term(self, value: str) -> ox.NamedNode | ox.Literal:
        """The RDF term for a user's value, or InputError if it is not a valid one."""
        try:
            if self.kind == "iri":
                return ox.NamedNode(expand(value))
            if self.kind == "lang":
                return ox.Literal(value, language=self.lang)
            if self.kind == "typed":
                assert self.datatype
                local = self.datatype.removeprefix(XSD)
                if local in NUMERIC:
                    float(value) if local in {"decimal", "double", "float"} else int(value)
                return ox.Literal(value, datatype=ox.NamedNode(self.datatype))
            return ox.Literal(value)
        except (ValueError, AssertionError) as exc:
            raise InputError(f"--param {self.name}", f"{value!r} is not a valid {self.describe()}: {exc}") from None


def compact_datatype(iri: str | None) -> str:
    """A parameter's datatype as the API describes it (`xsd:integer`)."""
    return compact(iri) if iri else str(iri)


def expand(value: str) -> str:
    """A prefixed name such as `organisation:nps-in-wales` as a full IRI; other values unchanged."""
    prefix, sep, local = value.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return value


@dataclass
class SavedQuery:
    """A `.rq` file: its decorators, its parameters and its text."""

    name: str
    path: Path
    text: str
    summary: str = ""
    description: str = ""
    tags: list[str] = field(default_factory=list)
    method: str = "GET"
    defaults: dict[str, str] = field(default_factory=dict)
    enumerate: dict[str, list[str]] = field(default_factory=dict)
    params: list[Param] = field(default_factory=list)

    @classmethod
    def read(cls, path: Path) -> SavedQuery:
        return cls.parse(path.stem, path.read_text(encoding="utf-8"), path)

    @classmethod
    def parse(cls, name: str, text: str, path: Path) -> SavedQuery:
        """A query from its text; `name` and `path` say where it came from."""
        header = "\n".join(
            line[3:] if line.startswith("#+ ") else line[2:] for line in text.splitlines() if line.startswith("#+")
        )
        try:
            meta = yaml.safe_load(header) or {} if header else {}
        except yaml.YAMLError as exc:
            raise InputError(str(path), f"bad #+ header: {exc}") from None
        params: dict[str, Param] = {}
        body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
        for match in PARAM.finditer(body):
            try:
                param = Param.from_variable(*match.groups())
            except ValueError as exc:
                raise InputError(str(path), str(exc)) from None
            params.setdefault(param.name, param)
        _refuse_params_in_subselects(path, text)
        return cls(
            name=name,
            path=path,
            text=text,
            summary=str(meta.get("summary", "")),
            description=str(meta.get("description", "")),
            tags=list(meta.get("tags", []) or []),
            method=str(meta.get("method", "GET")),
            defaults=_merge(meta.get("defaults")),
            enumerate={k: [str(x) for x in v] for k, v in _merge(meta.get("enumerate"), keep=True).items()},
            params=list(params.values()),
        )

    def bind(self, given: dict[str, str]) -> dict[str, ox.NamedNode | ox.Literal]:
        """Variables to RDF terms, from the user's values and the query's defaults.

        Unknown names, missing required values, values outside an enumeration and
        values that are not valid terms of their type are InputErrors.
        """
        known = {p.name: p for p in self.params}
        unknown = sorted(set(given) - set(known))
        if unknown:
            names = ", ".join(known) or "none"
            hint = did_you_mean(unknown[0], known) if len(unknown) == 1 else ""
            raise InputError(self.name, f"unknown parameter {', '.join(unknown)}{hint} (parameters: {names})")
        bound: dict[str, ox.NamedNode | ox.Literal] = {}
        for param in self.params:
            value = given.get(param.name, self.defaults.get(param.name))
            if value is None:
                if not param.optional:
                    raise InputError(self.name, f"missing required parameter {param.describe()}")
                continue
            allowed = self.enumerate.get(param.name)
            if allowed and value not in allowed:
                raise InputError(self.name, f"{param.name} must be one of: {', '.join(allowed)}")
            bound[param.variable] = param.term(value)
        return bound


def _refuse_params_in_subselects(path: Path, text: str) -> None:
    """A parameter inside a sub-select would be bound by some engines and not others.

    Engines that bind through a VALUES block at the top of the WHERE group cannot
    reach into a sub-select (SPARQL evaluates it first, on its own), while rdflib's
    initBindings do: the same query would answer differently. So it is refused.
    """
    depth, select_depths = 0, list[int]()
    previous = ""
    for match in TOKEN.finditer(text):
        token = match.group()
        if token == "{":
            depth += 1
        elif token == "}":
            if select_depths and select_depths[-1] == depth:
                select_depths.pop()
            depth -= 1
        elif token.upper() == "SELECT" and previous == "{":
            select_depths.append(depth)
        elif select_depths and PARAM.fullmatch(token):
            raise InputError(str(path), f"parameter {token} is used inside a sub-select; use it in the outer query")
        if not token.startswith("#"):
            previous = token


def _merge(items: dict[object, object] | list[dict[object, object]] | None, keep: bool = False) -> dict:
    """grlc writes defaults and enumerate as a YAML list of one-key maps; accept a map too."""
    if not items:
        return {}
    pairs = list(items.items()) if isinstance(items, dict) else [kv for item in items for kv in item.items()]
    return {str(k): (v if keep else str(v)) for k, v in pairs}


def catalogue(folder: Path) -> dict[str, SavedQuery]:
    """Every saved query in `folder`, by name."""
    return {q.name: q for q in (SavedQuery.read(p) for p in sorted(folder.glob("*.rq")))}


def parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    """`name=value` strings from the command line as a dict."""
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise InputError("--param", f"expected name=value, got {pair!r}")
        out[name.strip()] = value
    return out

"""Which known layout a text is in: the parser modules, and the rule that picks one.

A text is in the report layout with the most markers, at least `MIN_MARKERS`;
two layouts with as many markers each are an error rather than a guess. A text
in no report layout may still be an article about an inspection (a press
release, blog post or news story), which needs more of its weaker marks
(`layout_article.MIN_ARTICLE_MARKERS`); otherwise it is in no known layout.
"""

from __future__ import annotations

from probkg.core.errors import LayoutError
from probkg.ingest import layout_2019, layout_2025, layout_article
from probkg.ingest.layouts import Parser
from probkg.ingest.source import ReportText

MIN_MARKERS = 2
PARSERS = (layout_2019.PARSER, layout_2025.PARSER)
"""Every report layout `probkg ingest` knows."""
ARTICLE = layout_article.PARSER


def detect(report: ReportText) -> Parser:
    """The layout the text is in, or LayoutError naming the layouts known."""
    lines = [line.strip() for line in report.lines]
    scored = sorted(((p.recognise(lines), p.name, p) for p in PARSERS), key=lambda t: (-t[0], t[1]))
    best, _, parser = scored[0]
    if best < MIN_MARKERS and ARTICLE.recognise(lines) >= layout_article.MIN_ARTICLE_MARKERS:
        return ARTICLE
    if best < MIN_MARKERS:
        known = "; ".join(f"{p.name} ({p.description})" for p in [*PARSERS, ARTICLE])
        hint = f"; it shows {best} of the {len(parser.markers)} marks of {parser.name}: cut short?" if best else ""
        raise LayoutError(str(report.path), f"not a report in a layout probkg ingest knows (known: {known}){hint}")
    if len(scored) > 1 and scored[1][0] == best:
        raise LayoutError(
            str(report.path),
            f"the text shows the markers of two layouts ({scored[0][1]}, "
            f"{scored[1][1]}) equally; cannot tell which it is in",
        )
    return parser

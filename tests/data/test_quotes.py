"""The curated graph keeps the evidence rule: every quote is verbatim in its document.

The rule and its checker are tested on a small project of their own in
tests/code/test_evidence.py; this runs the checker over the real graph and
the corpus in ../shared/sources/.
"""

from __future__ import annotations

from probkg.checks import evidence
from probkg.core.paths import Layout


def test_every_quote_in_the_real_graph_is_verbatim(kg, lay: Layout) -> None:
    failures = evidence.check(kg, lay.sources)
    assert failures == [], "\n".join(map(str, failures[:30]))

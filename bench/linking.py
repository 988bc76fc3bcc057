"""Entity-linking precision and recall on the corpus and on the two linking fixtures.

    .venv/bin/python bench/linking.py            # prints the Markdown table of docs/ingest.md

Each text is linked whole by the gazetteer (`Gazetteer.link`), once with the
document's date and once without, and compared with a gold list of the named
entities (organisations, people, places, programmes, systems, ...) it names:

* corpus documents: the entities the curators gave an evidence quote from that
  document, a list made by hand and never by the gazetteer. It is a lower bound
  for precision: an entity a document names but whose quotes the curators took
  from another document counts against the gazetteer (the extra names are
  printed with `--extras`, for a reader to judge);
* fixtures (tests/fixtures/linking/): written for the purpose, with every
  name they contain listed in gold.json by hand.

precision = correct / linked, recall = correct / gold.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import probkg
from probkg.core.paths import Layout, layout
from probkg.ingest.gazetteer import Gazetteer
from probkg.rdf.vocab import ENTITY_KINDS, ID_BASE

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "linking"
CORPUS_DATES = {
    # the date each corpus text was published, or the closest its text gives
    "000_566a97b06d88bcad.txt": date(2019, 4, 17),  # "report published today (17 April 2019)"
    "001_7c520cd12679e250.txt": date(2019, 4, 17),  # undated; reports the 2019 report on its day
    "002_96b587899a4ca5e3.txt": date(2017, 4, 19),  # "published earlier today (19 April 2017)"
    "003_696e1b8b1646501d.txt": date(2019, 4, 17),  # published 17 April 2019 (documents.ttl)
    "004_7a4ad4ab751c8ea9.txt": date(2025, 7, 28),  # fieldwork began 28 July 2025
}


@dataclass(frozen=True)
class Score:
    name: str
    when: date
    gold: frozenset[str]
    dated: frozenset[str]
    undated: frozenset[str]

    def row(self) -> str:
        def pr(linked: frozenset[str]) -> str:
            right = len(linked & self.gold)
            return f"{len(linked)} | {right} | {right / len(linked):.2f} | {right / len(self.gold):.2f}"

        return f"| {self.name} | {self.when} | {len(self.gold)} | {pr(self.dated)} | {pr(self.undated)} |"


def corpus_gold(kg: probkg.KnowledgeGraph) -> dict[str, set[str]]:
    """Per corpus file, the named entities the curators quoted from it."""
    kinds = " ".join(f"<{ID_BASE}{k}/>" for k in ENTITY_KINDS)
    gold: dict[str, set[str]] = {}
    for r in kg.select(f"""
        SELECT DISTINCT ?file ?s WHERE {{
          VALUES ?base {{ {kinds} }}
          ?s pko:hasEvidence/oa:hasSource/pko:corpusFile ?file .
          FILTER(STRSTARTS(STR(?s), STR(?base)))
        }}"""):
        gold.setdefault(r["file"], set()).add(r["s"])
    return gold


def linked(gaz: Gazetteer, text: str, when: date | None) -> frozenset[str]:
    return frozenset(gaz.link(text, when)[0])


def scores(lay: Layout) -> list[Score]:
    kg = probkg.load(lay=lay)
    gaz = Gazetteer.from_graph(kg)
    out = []
    for file, gold in sorted(corpus_gold(kg).items()):
        text = (lay.sources / file).read_text(encoding="utf-8")
        when = CORPUS_DATES[file]
        out.append(Score(file, when, frozenset(gold), linked(gaz, text, when), linked(gaz, text, None)))
    for file, spec in json.loads((FIXTURES / "gold.json").read_text()).items():
        text = (FIXTURES / file).read_text(encoding="utf-8")
        when = date.fromisoformat(spec["date"])
        names = frozenset(ID_BASE + name for name in spec["names"])
        out.append(Score(f"fixture {file}", when, names, linked(gaz, text, when), linked(gaz, text, None)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--extras", action="store_true", help="also list what each text links beyond its gold list")
    args = parser.parse_args()
    rows = scores(layout())
    print(
        "| text | date | gold | linked | correct | precision | recall | linked undated | correct | precision | recall |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for score in rows:
        print(score.row())
    if args.extras:
        for score in rows:
            short = sorted(i.removeprefix(ID_BASE) for i in score.dated - score.gold)
            missed = sorted(i.removeprefix(ID_BASE) for i in score.gold - score.dated)
            print(f"\n{score.name}\n  extra: {', '.join(short)}\n  missed: {', '.join(missed)}")


if __name__ == "__main__":
    main()

"""Output for programs and shells: `--format json` (build, stats, check-evidence), progress, completion.

The expected figures come from the fixtures written here and in test_evidence.py
(eight quotes, six of them with a selector, eight findings, one statistic), or from counting the artefact's
quads with pyoxigraph, never from a run of the command under test.
"""

from __future__ import annotations

import json
import os
import subprocess

import pyoxigraph as ox
from click.testing import CliRunner

from probkg.cli import main
from probkg.core.errors import EXIT_FAILED_CHECK
from probkg.core.paths import Layout
from support.serving import PROBKG
from test_build import copy  # noqa: F401  (fixture: a copy of the project)
from test_evidence import tiny_project  # noqa: F401  (fixture: a project with good and bad facts)
from test_validate import INVALID


def run(root, *args: str):
    return CliRunner().invoke(main, ["--root", str(root), *args])


def test_check_evidence_json_lists_each_failure(tiny_project) -> None:  # noqa: F811
    tiny, sources = tiny_project
    result = run(tiny.root, "check-evidence", "--sources", str(sources), "--format", "json")
    assert result.exit_code == EXIT_FAILED_CHECK
    report = json.loads(result.stdout)
    assert report["quotes"] == 6  # with a selector: quote:ok, altered, anchored, misplaced, num, copied
    assert report["cited"] == 2  # finding:read-on-a-page and finding:copied cite document:page's address
    assert report["sources"] == str(sources)
    failures = {(f["node"], f["file"]) for f in report["failures"]}
    assert ("quote/altered", "graph/facts.ttl") in failures and ("finding/bare", "graph/facts.ttl") in failures
    assert all(set(f) == {"node", "problem", "file"} for f in report["failures"])


def test_stats_json_counts_classes_and_inspections(tiny_project) -> None:  # noqa: F811
    tiny, _ = tiny_project
    result = run(tiny.root, "stats", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    counts = {c["class"]: c["instances"] for c in report["classes"]}
    # quote:ok, altered, anchored, misplaced, num, cite, copied, nowhere; a finding for each but num, plus bare
    assert counts["EvidenceQuote"] == 8 and counts["Finding"] == 8 and counts["Statistic"] == 1
    assert report["inspections"] == []  # the fixture has no inspection
    assert {"bodies", "count"} <= set(report["bodies"][0]) and report["regions"] == []
    assert run(tiny.root, "stats", "--network", "--format", "json").exit_code == 2


def test_build_json_names_the_artefact_and_its_size(copy: Layout) -> None:  # noqa: F811
    result = run(copy.root, "build", "--no-validate", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["built"] is True
    assert (report["artefact"], report["void"]) == ("build/probation.trig", "build/void.ttl")
    dataset = ox.Dataset(ox.parse(path=str(copy.root / report["artefact"]), format=ox.RdfFormat.TRIG))
    assert report["triples"] == len(dataset)
    assert report["graphs"] == len({q.graph_name for q in dataset})
    (copy.graph / "inspections" / "2030-example.ttl").write_text(INVALID, encoding="utf-8")
    refused = run(copy.root, "build", "--format", "json")
    assert refused.exit_code == EXIT_FAILED_CHECK
    failed = json.loads(refused.stdout)
    assert failed["built"] is False and "2030-example" in json.dumps(failed["report"])


def test_progress_only_when_asked_or_on_a_terminal(tiny_project) -> None:  # noqa: F811
    tiny, _ = tiny_project
    shown = run(tiny.root, "--progress", "stats")
    assert shown.exit_code == 0 and "loading" in shown.stderr
    assert "loading" not in shown.stdout  # stdout stays the report alone
    quiet = run(tiny.root, "stats")  # CliRunner's stderr is no terminal
    assert quiet.exit_code == 0 and "loading" not in quiet.stderr


def complete(words: str) -> list[str]:
    """What click's completion answers bash for the command line `words` (its last word being typed)."""
    env = {**os.environ, "_PROBKG_COMPLETE": "bash_complete", "COMP_WORDS": words}
    env["COMP_CWORD"] = str(len(words.split()) - (0 if words.endswith(" ") else 1))
    done = subprocess.run(PROBKG, env=env, capture_output=True, text=True, timeout=60, check=True)
    return [line.split(",", 1)[1] for line in done.stdout.splitlines()]


def test_shell_completion_of_commands_and_saved_queries() -> None:
    assert "check-evidence" in complete("probkg check")
    assert complete("probkg query ratings-t") == ["ratings-timeline"]
    script = subprocess.run(
        PROBKG, env={**os.environ, "_PROBKG_COMPLETE": "bash_source"}, capture_output=True, text=True, timeout=60
    )
    assert "_probkg_completion" in script.stdout

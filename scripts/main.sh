#!/usr/bin/env bash
# The main job: set up, build the graph, report what it holds, prove its evidence
# and validate it. Exits non-zero if any step fails.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/probkg build
.venv/bin/probkg stats
.venv/bin/probkg check-evidence
.venv/bin/probkg validate

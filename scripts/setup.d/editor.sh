#!/usr/bin/env bash
# Install the web page's SPARQL editor (CodeMirror 6 and its SPARQL mode) from npm,
# as pinned by src/probkg/serve/web/editor/package-lock.json, and bundle it with
# esbuild into src/probkg/serve/web/static/vendor/editor.js. Both node_modules/ and
# the bundle are gitignored: third-party code is installed, never committed.
# Without node and npm (or offline) it warns and stops: the page then keeps its
# plain textarea. Safe to run again; rebuilds only when the lock or entry changed.
set -euo pipefail
cd "$(dirname "$0")/../../src/probkg/serve/web/editor"

BUNDLE=../static/vendor/editor.js
if ! command -v npm >/dev/null 2>&1; then
  echo "editor.sh: npm is not installed; the web page keeps its plain SPARQL textarea" >&2
  exit 0
fi
if [ -e "$BUNDLE" ] && [ "$BUNDLE" -nt package-lock.json ] && [ "$BUNDLE" -nt editor.mjs ]; then
  exit 0
fi
if ! npm ci --no-audit --no-fund --loglevel=error >/dev/null; then
  echo "editor.sh: npm ci failed; the web page keeps its plain SPARQL textarea" >&2
  exit 0
fi
npm run --silent build >/dev/null

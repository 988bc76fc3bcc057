#!/usr/bin/env bash
# Set up everything probation-kg needs on a fresh Debian machine with Python 3.11:
# a virtual environment with the package and its test tools, and the Debian
# packages listed in scripts/apt-packages.txt. Safe to run again: it installs
# only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
# The editable install (a path entry for src/) sees new modules without reinstalling, so pip
# runs only when what it reads changed: pyproject.toml (dependencies, console scripts), the
# interpreter, or the checkout's place. The stamp records the three; a tree already set up
# skips the seconds pip takes to find nothing to do.
STAMP=.venv/.probkg-installed
want="$(sha256sum pyproject.toml | cut -d' ' -f1) $(readlink -f .venv/bin/python) $PWD"
if [ "$(cat "$STAMP" 2>/dev/null)" != "$want" ] || [ ! -x .venv/bin/probkg ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
  printf '%s\n' "$want" > "$STAMP"
fi

# Debian packages (a JRE and Apache Jena for the second SHACL opinion, a browser
# for the web page test, Graphviz for pictures). Only what is missing is installed.
missing=()
while read -r pkg; do
  case "$pkg" in ''|\#*) continue ;; esac
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done < scripts/apt-packages.txt
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
for hook in scripts/setup.d/*.sh; do
  [ -e "$hook" ] && bash "$hook"
done
exit 0

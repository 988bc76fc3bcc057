#!/usr/bin/env bash
# Make Debian's OWL API runnable for the OWL 2 DL profile check
# (tests/data/test_ontology.py). Writes .cache/owlapi/classpath (one line, ready
# for `java -cp`) and .cache/owlapi/check/ (tests/support/OwlProfile.java
# compiled). Safe to run again; does nothing when the OWL API is not installed.
set -euo pipefail
cd "$(dirname "$0")/../.."

OUT=.cache/owlapi
if ! dpkg -s libowlapi-java >/dev/null 2>&1; then
  echo "owlapi.sh: libowlapi-java is not installed; skipping" >&2
  exit 0
fi
source scripts/lib/debian-jars.sh
mkdir -p "$OUT"
classpath="$( (debian_jars libowlapi-java; echo /usr/share/java/slf4j-api.jar; echo /usr/share/java/slf4j-nop.jar) | paste -sd:)"
printf '%s\n' "$classpath" > "$OUT/classpath"

src=tests/support/OwlProfile.java
if [ ! -e "$OUT/check/OwlProfile.class" ] || [ "$src" -nt "$OUT/check/OwlProfile.class" ]; then
  mkdir -p "$OUT/check"
  javac -nowarn -d "$OUT/check" -cp "$classpath" "$src"
fi

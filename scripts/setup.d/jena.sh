#!/usr/bin/env bash
# Make Debian's Apache Jena jars runnable for the second SHACL opinion
# (tests/code/test_jena.py). Writes .cache/jena/classpath (one line, ready for
# `java -cp`), .cache/jena/bundles/ (the xerces message bundles Debian's
# jena-core leaves under their old package; see docs/tool-traps.md) and
# .cache/jena/batch/ (tests/support/JenaBatch.java compiled: the test suite
# validates every fixture in one JVM). Safe to run again; does nothing when
# Jena is not installed.
set -euo pipefail
cd "$(dirname "$0")/../.."

OUT=.cache/jena
if ! dpkg -s libapache-jena-java >/dev/null 2>&1; then
  echo "jena.sh: libapache-jena-java is not installed; skipping" >&2
  exit 0
fi

# Jena's jars and those of every package it depends on; slf4j-api plus slf4j-nop keep Jena quiet.
source scripts/lib/debian-jars.sh
mapfile -t jars < <(debian_jars libapache-jena-java)
jars+=(/usr/share/java/slf4j-api.jar /usr/share/java/slf4j-nop.jar)

# The xerces message bundles, copied to where the relocated classes look for them.
rm -rf "$OUT/bundles"
mkdir -p "$OUT/bundles/xerces/impl/msg" "$OUT/bundles/xerces/impl/xpath/regex"
unzip -q -j -o /usr/share/java/jena-core.jar 'org/apache/jena/ext/xerces/impl/msg/*.properties' \
  -d "$OUT/bundles/xerces/impl/msg"
unzip -q -j -o /usr/share/java/jena-core.jar 'org/apache/jena/ext/xerces/impl/xpath/regex/message*.properties' \
  -d "$OUT/bundles/xerces/impl/xpath/regex"

classpath="$PWD/$OUT/bundles:$(printf '%s\n' "${jars[@]}" | sort -u | paste -sd:)"
printf '%s\n' "$classpath" > "$OUT/classpath"

# The batch validator, compiled again only when its source changed.
src=tests/support/JenaBatch.java
if [ ! -e "$OUT/batch/JenaBatch.class" ] || [ "$src" -nt "$OUT/batch/JenaBatch.class" ]; then
  mkdir -p "$OUT/batch"
  javac -nowarn -d "$OUT/batch" -cp "$classpath" "$src"
fi

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

# Jena's package and every package it depends on, transitively.
declare -A seen=()
queue=(libapache-jena-java)
while [ "${#queue[@]}" -gt 0 ]; do
  pkg="${queue[0]}"
  queue=("${queue[@]:1}")
  [ -n "${seen[$pkg]:-}" ] && continue
  seen[$pkg]=1
  deps=$(dpkg-query -W -f='${Depends}' "$pkg" 2>/dev/null || true)
  for dep in $(echo "$deps" | tr ',' '\n' | sed -e 's/|.*//' -e 's/(.*)//' -e 's/:.*//' | tr -d ' '); do
    dpkg -s "$dep" >/dev/null 2>&1 && queue+=("$dep")
  done
done

# Their unversioned jars, without the SLF4J bindings and bridges (two of them on
# one path make a delegation loop); slf4j-api plus slf4j-nop keep Jena quiet.
jars=()
for pkg in "${!seen[@]}"; do
  while read -r jar; do
    case "$jar" in
      /usr/share/java/*-[0-9]*.jar) continue ;;  # versioned duplicate of an unversioned name
      /usr/share/java/*slf4j*|/usr/share/java/*log4j*) continue ;;
      /usr/share/java/*.jar) jars+=("$jar") ;;
    esac
  done < <(dpkg -L "$pkg")
done
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

# Sourced by the setup hooks that run a Java library Debian packages (jena.sh, owlapi.sh).
# debian_jars PKG: the unversioned jars of PKG and of every installed package it
# depends on, transitively, one a line, without the SLF4J bindings and bridges (two
# of them on one path make a delegation loop); callers add slf4j-api and slf4j-nop.
# The walk over dpkg takes seconds (over five for the OWL API) and runs in every test
# run, so its answer is kept in .cache/debian-jars/PKG until dpkg's status file (which
# every install or removal rewrites) or this file is newer.
debian_jars() {
  local cache=".cache/debian-jars/$1"
  if [ ! -s "$cache" ] || [ /var/lib/dpkg/status -nt "$cache" ] || [ "${BASH_SOURCE[0]}" -nt "$cache" ]; then
    mkdir -p "${cache%/*}"
    _debian_jars_walk "$1" > "$cache.tmp"
    mv "$cache.tmp" "$cache"
  fi
  cat "$cache"
}

_debian_jars_walk() {
  local -A seen=()
  local queue=("$1") pkg dep deps jar
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
  for pkg in "${!seen[@]}"; do
    while read -r jar; do
      case "$jar" in
        /usr/share/java/*-[0-9]*.jar) continue ;;  # versioned duplicate of an unversioned name
        /usr/share/java/*slf4j*|/usr/share/java/*log4j*) continue ;;
        /usr/share/java/*.jar) echo "$jar" ;;
      esac
    done < <(dpkg -L "$pkg")
  done | sort -u
}

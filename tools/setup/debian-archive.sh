#!/usr/bin/env bash
# Sourced by scripts that read Debian packages from the machine's own archive.

# Prints the URI of the machine's main Debian archive (not security, not a
# third-party repo), from one-line and deb822 sources.
debian_archive_uri() {
  if [ -n "${LYCHD_DEBIAN_MIRROR:-}" ]; then
    printf '%s\n' "$LYCHD_DEBIAN_MIRROR"
    return
  fi
  local files=()
  [ -f /etc/apt/sources.list ] && files+=(/etc/apt/sources.list)
  local f
  for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && files+=("$f")
  done
  local uri
  for f in "${files[@]}"; do
    uri=$(archive_uri_in "$f") && [ -n "$uri" ] && { printf '%s\n' "$uri"; return; }
  done
  return 1
}

# One file at a time: mawk (Debian's default awk) has no ENDFILE.
archive_uri_in() {
  awk '
    function consider(uri) {
      sub(/\/+$/, "", uri)
      if (uri ~ /security/) return
      # The main archive is served from a path ending in /debian (also on
      # snapshot mirrors: .../archive/debian/<date>).
      if (uri ~ /\/debian$/ || uri ~ /\/archive\/debian\/[0-9TZ]+$/) { if (!found) { found = uri } }
    }
    function flush(  n, i, u) {
      if (uris != "" && !disabled && types ~ /(^|[[:space:]])deb([[:space:]]|$)/) {
        n = split(uris, u, /[[:space:]]+/); for (i = 1; i <= n; i++) if (u[i] != "") consider(u[i])
      }
      uris = ""; types = ""; disabled = 0
    }
    /^[[:space:]]*#/ { next }
    # one-line format: deb [options] URI suite components
    /^[[:space:]]*deb[[:space:]]/ {
      line = $0; sub(/^[[:space:]]*deb[[:space:]]+/, "", line)
      if (line ~ /^\[/) sub(/^\[[^]]*\][[:space:]]*/, "", line)
      split(line, w, /[[:space:]]+/); consider(w[1]); next
    }
    # deb822: Types/URIs fields inside a stanza; a blank line ends it
    /^Types:/ { types = $0 }
    /^Enabled:[[:space:]]*[Nn]o/ { disabled = 1 }
    /^URIs:/ { uris = $0; sub(/^URIs:[[:space:]]*/, "", uris) }
    /^[[:space:]]*$/ { flush() }
    END { flush(); if (found) print found; else exit 1 }
  ' "$1"
}

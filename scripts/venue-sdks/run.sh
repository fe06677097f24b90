#!/usr/bin/env bash
# The venues' own clients against the loopback simulator: creates a virtual environment with
# the pinned SDKs (requirements.txt) and runs check.py against a `quantlab sim` it starts.
#   scripts/venue-sdks/run.sh [PATH_TO_QUANTLAB]   (default: target/debug/quantlab)
# VENUE_SDKS_VENV picks the environment's folder (default: target/venue-sdks-venv); it is
# created once and reused while requirements.txt is unchanged. Exit 0 only if every check
# passed; a library that cannot be installed or imported fails the run, it is never skipped.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${1:-${QUANTLAB_BIN:-$root/target/debug/quantlab}}"
venv="${VENUE_SDKS_VENV:-$root/target/venue-sdks-venv}"
if [ ! -x "$bin" ]; then
  echo "venue-sdks: no quantlab binary at $bin; build it first (cargo build) or pass its path" >&2
  exit 2
fi
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)"
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"
  echo "$want" >"$stamp"
fi
exec "$venv/bin/python" "$here/check.py" --quantlab "$bin"

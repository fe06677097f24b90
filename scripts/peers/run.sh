#!/usr/bin/env bash
# QuantLab's sma_cross (fast=20, slow=100, fee 10 bps) next to backtesting.py 0.6.6 and
# vectorbt 1.2.0 (its Rust engine) on the same 1M synthetic 1m bars, plus the 1,000-combination
# sweep in QuantLab and vectorbt. Not part of CI: it installs the peers from the Python package
# index into a virtual environment and takes about 15 minutes. docs/performance.md, "Peers".
#   scripts/peers/run.sh PATH_TO_QUANTLAB      (e.g. target/release/quantlab)
# PEERS_VENV   the virtual environment's folder (default: a new temporary folder); created once
#              and reused while requirements.txt is unchanged. Never inside the repository.
# PEERS_WORK   where the bars, QuantLab's workspace and the measurements go (default: a new
#              temporary folder; kept, its path printed at the end).
# PEERS_RUNS   measured runs of each command (default 3), after one unmeasured warm-up run of
#              each Python tool (imports, Numba's cache, the page cache).
# Each command runs in a process of its own under GNU time (/usr/bin/time -v): wall seconds
# and peak RSS are the whole process's; each also reports the seconds of its own call.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

usage() {
  echo "usage: $0 PATH_TO_QUANTLAB   (a release build: cargo build --release)" >&2
  exit 2
}
[ $# -eq 1 ] || usage
bin="$1"
if [ ! -x "$bin" ] || [ -d "$bin" ]; then
  echo "peers: no quantlab binary at $bin" >&2
  usage
fi
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
if [ ! -x /usr/bin/time ]; then
  echo "peers: GNU time (/usr/bin/time) is needed for wall time and peak memory (apt-get install time)" >&2
  exit 2
fi
runs="${PEERS_RUNS:-3}"
case "$runs" in '' | *[!0-9]* | 0) echo "peers: PEERS_RUNS must be a whole number above 0" >&2; exit 2 ;; esac

# Refuses a folder inside the repository: the environment is a gigabyte of packages and the
# measurements are this machine's, neither belongs in the tree.
outside_repo() {
  local dir
  dir="$(realpath -m "$1")"
  case "$dir/" in
    "$(realpath "$root")/"*) echo "peers: $2 ($1) must be outside the repository" >&2; exit 2 ;;
  esac
  mkdir -p "$dir"
  echo "$dir"
}
venv="$(outside_repo "${PEERS_VENV:-$(mktemp -d -t quantlab-peers-venv.XXXXXX)}" PEERS_VENV)"
work="$(outside_repo "${PEERS_WORK:-$(mktemp -d -t quantlab-peers.XXXXXX)}" PEERS_WORK)"

stamp="$venv/.requirements.sha256"
want="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)"
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  # --clear empties the folder: only one that is empty or already a virtual environment.
  if [ -n "$(ls -A "$venv")" ] && [ ! -f "$venv/pyvenv.cfg" ]; then
    echo "peers: PEERS_VENV ($venv) is neither empty nor a virtual environment" >&2
    exit 2
  fi
  echo "peers: installing requirements.txt into $venv" >&2
  python3 -m venv --clear "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"
  echo "$want" >"$stamp"
fi
py="$venv/bin/python"
"$py" -m pip freeze --disable-pip-version-check | grep -Ei '^(backtesting|vectorbt|vectorbt-rust|numpy|pandas|pyarrow|numba)==' \
  >"$work/versions.txt"
"$py" --version >>"$work/versions.txt"

bars="$work/bars_1m.parquet"
"$bin" data synth --out "$bars" --bars 1000000 --timeframe 1m >/dev/null
ws="$work/workspace"
mkdir -p "$ws"

# measure NAME N COMMAND...: run N under GNU time; stdout to NAME.N.json, GNU time's report to
# NAME.N.time, the load just before to NAME.N.load.
measure() {
  local name="$1" n="$2"
  shift 2
  uptime >"$work/$name.$n.load"
  if ! /usr/bin/time -v -o "$work/$name.$n.time" "$@" >"$work/$name.$n.json" 2>"$work/$name.$n.err"; then
    echo "peers: $name (run $n) failed; its output is in $work/$name.$n.err" >&2
    tail -n 20 "$work/$name.$n.err" >&2
    exit 1
  fi
  echo "peers: $name run $n done ($(grep -o 'Elapsed.*: .*' "$work/$name.$n.time" | sed 's/.*: //') wall)" >&2
}

ql_run=("$bin" --workspace "$ws" --json run --data "$bars" --strategy sma_cross
  --param fast=20 --param slow=100 --fee-bps 10)
ql_sweep=("$bin" --workspace "$ws" --json sweep --data "$bars" --strategy sma_cross
  --grid fast=1:50:1 --grid slow=60:250:10 --fee-bps 10 --progress none)
export TQDM_DISABLE=1 # backtesting.py draws a progress bar when tqdm is installed

echo "peers: warm-up runs (not measured)" >&2
"${ql_run[@]}" >/dev/null
"$py" "$here/peers.py" backtesting "$bars" >/dev/null
"$py" "$here/peers.py" vectorbt "$bars" >/dev/null

for n in $(seq "$runs"); do
  measure ql_run "$n" "${ql_run[@]}"
  measure backtesting "$n" "$py" "$here/peers.py" backtesting "$bars"
  measure vectorbt "$n" "$py" "$here/peers.py" vectorbt "$bars"
  measure ql_sweep "$n" "${ql_sweep[@]}"
  measure vectorbt_sweep "$n" "$py" "$here/peers.py" vectorbt-sweep "$bars" "$work/vectorbt_sweep.combinations.csv"
done

echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores; $("$bin" --version); $(tr '\n' ' ' <"$work/versions.txt")"
echo
"$py" "$here/peers.py" report "$work"
echo
echo "measurements kept in $work" >&2

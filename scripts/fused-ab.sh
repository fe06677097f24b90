#!/usr/bin/env bash
# The fused backtest at two builds, timed in alternating rounds: the working tree against a
# base revision. On a shared machine a benchmark's figures move with the load by as much as a
# change is worth; rounds that alternate put both builds under the same load, so each round's
# pair of medians compares like with like.
#
#   scripts/fused-ab.sh BASE [ROUNDS] [RUNS]
#
# BASE is any revision whose engine has `fused::simulate_into` and `fused::Spec::of`;
# examples/fused_timing.rs is copied into it. ROUNDS (default 6) alternations of RUNS
# (default 40) timed runs per strategy. SPEC (all, sma_cross, ema_cross, donchian_breakout)
# and BARS (default 1000000) in the environment narrow it. Prints, per strategy and build,
# the fastest run and each round's median in ms, and whether the two builds' equity curves
# and trade counts agree to the last bit (exit 1 where they do not).
set -euo pipefail

base=${1:?usage: scripts/fused-ab.sh BASE [ROUNDS] [RUNS]}
rounds=${2:-6}
runs=${3:-40}
spec=${SPEC:-all}
bars=${BARS:-1000000}
root=$(git rev-parse --show-toplevel)
target=${CARGO_TARGET_DIR:-$root/target}
work=$(mktemp -d)
cleanup() {
    git -C "$root" worktree remove --force "$work/tree" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

git -C "$root" worktree add --detach "$work/tree" "$base" >/dev/null
cp "$root/examples/fused_timing.rs" "$work/tree/examples/fused_timing.rs"
# Each build's binary is copied out as soon as it is built: both write the same path.
(cd "$work/tree" && CARGO_TARGET_DIR=$target cargo build --release --quiet --example fused_timing)
cp "$target/release/examples/fused_timing" "$work/base"
(cd "$root" && CARGO_TARGET_DIR=$target cargo build --release --quiet --example fused_timing)
cp "$target/release/examples/fused_timing" "$work/head"

for round in $(seq "$rounds"); do
    for build in base head; do
        "$work/$build" "$spec" "$runs" "$bars" | sed "s/^/$build\t$round\t/"
    done
done >"$work/rounds"

echo "base $(git -C "$root" rev-parse --short "$base"), head the working tree; $bars bars, $rounds rounds of $runs runs"
awk -F'\t' '
    { key = $3 "\t" $1; if (!(key in min) || $4 < min[key]) min[key] = $4; med[key] = med[key] " " $5
      run[$1 "\t" $3] = $6 "\t" $7; names[$3] = 1 }
    END {
        bad = 0
        for (name in names) {
            for (b = 0; b < 2; b++) { build = b ? "head" : "base"; key = name "\t" build
                printf "%-18s %-4s fastest %s ms  medians%s\n", name, build, min[key], med[key] }
            same = (run["base\t" name] == run["head\t" name]) ? "the same" : "DIFFERENT"
            bad += same != "the same"
            printf "%-18s equity and trades: %s\n", name, same
        }
        exit bad > 0
    }' "$work/rounds"

"""QuantLab's sma_cross backtest run by two Python peers on the same bars.

One measurement per process, so that GNU time around it sees that tool alone:

  peers.py backtesting BARS.parquet         backtesting.py, one run, fast=20 slow=100
  peers.py vectorbt BARS.parquet            vectorbt (Rust engine), the same run
  peers.py vectorbt-sweep BARS.parquet OUT  vectorbt, the 1,000-combination grid; OUT gets
                                            one line per combination (fast, slow, trades,
                                            final equity)
  peers.py report DIR                       the table and the sanity checks from what run.sh
                                            left in DIR

A measuring command prints one JSON line on stdout: the figures of the run and `call_s`,
the seconds of the library calls alone (after the imports and the Parquet read).

The semantics follow docs/backtest-semantics.md as far as each peer allows: a target decided
on a bar's close, filled at the next bar's open; long-only; all the equity in on entry, the
fee on both fills and charged to cash; a trade still open after the last bar marked at the
last close with no exit fee. docs/performance.md ("Peers") says where a peer differs.
"""

import json
import os
import re
import sys
import time
import warnings

FAST, SLOW = 20, 100
FEE = 10 / 10_000  # --fee-bps 10
CASH = 10_000.0  # quantlab run's default --cash
SWEEP_FAST = range(1, 51)  # --grid fast=1:50:1
SWEEP_SLOW = range(60, 251, 10)  # --grid slow=60:250:10
# backtesting.py trades whole units only; FractionalBacktest scales prices so that one unit is
# this fraction of the asset. The bars' prices run from about 0.67 to 423,000 while equity ends
# near 50, so whole units would not buy anything; 1e-8 units leave a rounding of at most about
# 0.004 of cash per entry.
FRACTION = 1e-8


def load(path):
    import pandas as pd

    bars = pd.read_parquet(path)
    bars.index = pd.DatetimeIndex(bars.pop("timestamp"))
    return bars


def emit(**fields):
    print(json.dumps(fields), flush=True)


def run_backtesting(path):
    import pandas as pd
    from backtesting import Strategy
    from backtesting.lib import FractionalBacktest, crossover

    bars = load(path).rename(columns=str.capitalize)

    def sma(values, n):
        return pd.Series(values).rolling(n).mean()

    class SmaCross(Strategy):
        fast, slow = FAST, SLOW

        def init(self):
            self.fast_ma = self.I(sma, self.data.Close, self.fast)
            self.slow_ma = self.I(sma, self.data.Close, self.slow)

        def next(self):
            # crossover() is "strictly below on the previous bar, strictly above on this one",
            # the same test as QuantLab's cross_targets.
            if crossover(self.fast_ma, self.slow_ma):
                if not self.position:
                    self.buy()
            elif crossover(self.slow_ma, self.fast_ma):
                self.position.close()

    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bt = FractionalBacktest(
            bars,
            SmaCross,
            cash=CASH,
            commission=FEE,
            trade_on_close=False,  # fill at the next bar's open
            exclusive_orders=False,
            finalize_trades=False,  # leave the last trade open, no exit fee
            fractional_unit=FRACTION,
        )
        stats = bt.run()
    call_s = time.perf_counter() - started
    final = float(stats["Equity Final [$]"])
    emit(
        tool="backtesting.py",
        call_s=call_s,
        trades=int(stats["# Trades"]),
        open_trades=len(bt._results._strategy.trades),
        final_equity=final,
        total_return=final / CASH - 1,
    )


def vectorbt_rust():
    """vectorbt with every kernel forced onto the Rust engine: a call the engine cannot take
    raises instead of quietly falling back to Numba."""
    import vectorbt as vbt
    from vectorbt._engine import is_rust_available

    if not is_rust_available():
        sys.exit("peers: vectorbt's Rust engine (vectorbt-rust) is not installed or does not match vectorbt")
    vbt.settings["engine"] = "rust"
    return vbt


def vectorbt_portfolio(vbt, bars, fast_ma, slow_ma):
    # crossed_above/below decide on a bar's close; the shift moves each signal to the next
    # bar, where it fills at that bar's open (price=open). pandas shifts: vectorbt's own
    # fshift has no Rust kernel for booleans.
    entries = fast_ma.vbt.crossed_above(slow_ma).shift(1, fill_value=False)
    exits = fast_ma.vbt.crossed_below(slow_ma).shift(1, fill_value=False)
    return vbt.Portfolio.from_signals(
        bars["close"],
        entries,
        exits,
        price=bars["open"],
        fees=FEE,
        init_cash=CASH,
        direction="longonly",
        freq="1min",
    )


def run_vectorbt(path):
    vbt = vectorbt_rust()
    bars = load(path)
    started = time.perf_counter()
    fast = vbt.MA.run(bars["close"], FAST).ma
    slow = vbt.MA.run(bars["close"], SLOW).ma
    pf = vectorbt_portfolio(vbt, bars, fast.rename(None), slow.rename(None))
    final = float(pf.final_value())
    trades = pf.trades
    closed, still_open = int(trades.closed.count()), int(trades.open.count())
    call_s = time.perf_counter() - started
    emit(
        tool="vectorbt",
        call_s=call_s,
        trades=closed,
        open_trades=still_open,
        final_equity=final,
        total_return=final / CASH - 1,
    )


def run_vectorbt_sweep(path, out):
    """The grid in chunks of one fast window against all twenty slow ones (20 columns of 1M
    bars at a time): the whole grid at once would hold each of its 1M x 1,000 float arrays
    (8 GB apiece) several times over."""
    import gc

    import numpy as np

    vbt = vectorbt_rust()
    bars = load(path)
    started = time.perf_counter()
    fast_all = vbt.MA.run(bars["close"], list(SWEEP_FAST)).ma
    slow_all = vbt.MA.run(bars["close"], list(SWEEP_SLOW)).ma
    slow_all.columns = list(SWEEP_SLOW)
    rows = []
    for fast in SWEEP_FAST:
        fast_ma = fast_all[fast].rename(None)
        pf = vectorbt_portfolio(vbt, bars, fast_ma, slow_all)
        finals = np.asarray(pf.final_value())
        closed = np.asarray(pf.trades.closed.count())
        rows.extend(zip([fast] * len(SWEEP_SLOW), SWEEP_SLOW, closed, finals))
        # A portfolio's arrays sit in reference cycles, which the collector's object-count
        # thresholds leave for many chunks: without this the peak grew to 8.5 GB, with it
        # it stays under 2 GB.
        del pf
        gc.collect()
    call_s = time.perf_counter() - started
    with open(out, "w") as f:
        f.write("fast,slow,trades,final_equity\n")
        for fast, slow, trades, final in rows:
            f.write(f"{fast},{slow},{int(trades)},{float(final)!r}\n")
    emit(tool="vectorbt sweep", call_s=call_s, combinations=len(rows))


# ---------------------------------------------------------------- report


def gnu_time(path):
    """Wall seconds, peak RSS in MB and CPU percent from a `/usr/bin/time -v` log."""
    text = open(path).read()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1)
    seconds = 0.0
    for part in wall.split(":"):
        seconds = seconds * 60 + float(part)
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
    cpu = re.search(r"Percent of CPU this job got: (\d+)%", text).group(1)
    return seconds, rss_kb / 1000, int(cpu)


def span(values, fmt):
    lo, hi = min(values), max(values)
    return fmt.format(lo) if fmt.format(lo) == fmt.format(hi) else f"{fmt.format(lo)}-{fmt.format(hi)}"


def quantlab_result(path):
    doc = json.load(open(path))["result"]
    return doc


def report(d):
    rows = [
        ("quantlab run", "ql_run"),
        ("backtesting.py 0.6.6", "backtesting"),
        ("vectorbt 1.2.0 (Rust engine)", "vectorbt"),
        ("quantlab sweep, 1,000 combinations", "ql_sweep"),
        ("vectorbt sweep, 1,000 combinations (Rust engine)", "vectorbt_sweep"),
    ]
    print("| what | runs | wall s (whole process) | in-call s | peak RSS MB | CPU % | load (1 min) |")
    print("|---|---|---|---|---|---|---|")
    for label, key in rows:
        runs = sorted(f for f in os.listdir(d) if re.fullmatch(rf"{key}\.\d+\.time", f))
        if not runs:
            print(f"| {label} | 0 | not measured | | | | |")
            continue
        timed = [gnu_time(os.path.join(d, f)) for f in runs]
        calls, loads = [], []
        for f in runs:
            stem = f[: -len(".time")]
            out = os.path.join(d, stem + ".json")
            if key.startswith("ql_"):
                calls.append(quantlab_result(out)["duration_ms"] / 1000)
            else:
                calls.append(json.loads(open(out).read().strip().splitlines()[-1])["call_s"])
            loads.append(float(open(os.path.join(d, stem + ".load")).read().split("load average:")[1].split(",")[0]))
        print(
            f"| {label} | {len(runs)} | {span([t[0] for t in timed], '{:.2f}')} | {span(calls, '{:.2f}')} "
            f"| {span([t[1] for t in timed], '{:.0f}')} | {span([t[2] for t in timed], '{}')} "
            f"| {span(loads, '{:.2f}')} |"
        )
    print()
    print("in-call s: quantlab's own duration_ms (from the Parquet read to the last artifact but")
    print("report.json/sweep.json and the runs index); the peers' library calls after their imports")
    print("and the Parquet read.")
    print()
    sanity(d)


def sanity(d):
    ql = quantlab_result(os.path.join(d, "ql_run.1.json"))
    m = ql["metrics"]
    results = [("quantlab", m["trade_count"], m.get("open_trades"), m["final_equity"], m["total_return"])]
    for key in ("backtesting", "vectorbt"):
        path = os.path.join(d, f"{key}.1.json")
        if os.path.exists(path):
            r = json.loads(open(path).read().strip().splitlines()[-1])
            results.append((r["tool"], r["trades"], r["open_trades"], r["final_equity"], r["total_return"]))
    print("| tool | closed trades | open at the end | final equity | total return | equity vs quantlab |")
    print("|---|---|---|---|---|---|")
    base = results[0][3]
    for tool, trades, still_open, final, ret in results:
        print(f"| {tool} | {trades} | {still_open} | {final:.6f} | {ret:.6%} | {final / base - 1:+.3e} |")
    print()
    sweep_sanity(d)


def sweep_sanity(d):
    vb_path = os.path.join(d, "vectorbt_sweep.combinations.csv")
    ql_path = os.path.join(d, "ql_sweep.1.json")
    if not (os.path.exists(vb_path) and os.path.exists(ql_path)):
        return
    ql = {}
    for c in quantlab_result(ql_path)["combinations"]:
        key = (int(c["params"]["fast"]), int(c["params"]["slow"]))
        ql[key] = (c["metrics"]["trade_count"], c["metrics"]["final_equity"])
    # Split at a millionth of the starting cash: below it vectorbt's size tolerances (orders
    # under min_size=1e-8 units are refused; amounts within 1e-12 of zero are zero) stop it
    # trading while QuantLab goes on with ever smaller fractions.
    floor = CASH * 1e-6
    groups = {True: [], False: []}
    for line in open(vb_path).read().strip().splitlines()[1:]:
        fast, slow, trades, final = line.split(",")
        q_trades, q_final = ql[(int(fast), int(slow))]
        rel = abs(float(final) / q_final - 1) if q_final else float("inf")
        groups[q_final >= floor].append((int(trades) == q_trades, rel))
    print("sweep, vectorbt against quantlab, per combination:")
    for kept, label in ((True, f"quantlab final equity >= {floor:g}"), (False, f"quantlab final equity < {floor:g}")):
        rows = groups[kept]
        if not rows:
            continue
        rels = sorted(r for _, r in rows)
        print(
            f"  {label}: {len(rows)} combinations, closed trade counts equal in {sum(s for s, _ in rows)}, "
            f"final equity relative difference median {rels[len(rels) // 2]:.1e}, max {rels[-1]:.1e}"
        )


def main(argv):
    def usage():
        print("usage: peers.py backtesting|vectorbt BARS | vectorbt-sweep BARS OUT | report DIR", file=sys.stderr)
        sys.exit(2)

    if len(argv) < 2:
        usage()
    cmd, args = argv[1], argv[2:]
    if cmd == "backtesting" and len(args) == 1:
        run_backtesting(*args)
    elif cmd == "vectorbt" and len(args) == 1:
        run_vectorbt(*args)
    elif cmd == "vectorbt-sweep" and len(args) == 2:
        run_vectorbt_sweep(*args)
    elif cmd == "report" and len(args) == 1:
        report(*args)
    else:
        usage()


if __name__ == "__main__":
    main(sys.argv)

"""The venues' own clients, unmodified, against `quantlab sim` on 127.0.0.1.

Each library is configured only through its documented options (a base URL, ccxt's
`urls['api']`), never patched. For each: instruments, mids or a ticker, a resting limit order
placed, listed among the open orders and cancelled, then the dead-man timer (Hyperliquid
scheduleCancel, Kraken CancelAllOrdersAfter) armed over a resting order and seen to cancel it.
Hyperliquid's SDK, at a URL that is not mainnet's, signs for testnet: the simulator verifies
testnet by default, so it must accept those signatures.

Run it through run.sh (which builds the virtual environment). Prints one line per check and
`N passed, M failed`; exits 1 when any check failed, 2 when a library cannot be imported.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import traceback

try:
    import ccxt
    import eth_account
    from hyperliquid.exchange import Exchange
    from hyperliquid.info import Info
    from hyperliquid.utils import constants as hl_constants
    from hyperliquid.utils import signing as hl_signing
    from kraken.spot import Market, Trade, User
except ImportError as e:  # a missing library fails the run: nothing is skipped
    print(f"venue-sdks: cannot import a library: {e}; install requirements.txt", file=sys.stderr)
    sys.exit(2)

# Throwaway credentials for this simulator only; never real keys.
KRAKEN_KEY = "sdk-check-key"
KRAKEN_SECRET = "c2RrLWNoZWNrLXNlY3JldC1ub3QtYS1yZWFsLWtyYWtlbi1rZXktMDEyMzQ1Njc4OWFiY2RlZg=="
# ccxt has a key of its own: Kraken wants each key's nonces increasing, and python-kraken-sdk
# draws them at 1e8 per second while ccxt draws milliseconds (the real venue refuses the same).
KRAKEN_CCXT_KEY = "sdk-check-ccxt-key"
HL_AGENT_KEY = "0x" + "42" * 32
HL_ACCOUNT = "0x00000000000000000000000000000000000000c1"

results = []


def check(name, fn):
    """Run one check; a failure is recorded with its reason and the run goes on."""
    try:
        detail = fn()
        results.append((name, True, detail or ""))
        print(f"PASS  {name}  {detail or ''}".rstrip(), flush=True)
    except Exception as e:  # noqa: BLE001 - every failure is reported, none is fatal here
        results.append((name, False, repr(e)))
        print(f"FAIL  {name}  {e!r}", flush=True)
        traceback.print_exc(limit=3, file=sys.stdout)


def wait_until(what, cond, secs):
    deadline = time.time() + secs
    while time.time() < deadline:
        if cond():
            return
        time.sleep(0.25)
    raise AssertionError(f"{what}: not within {secs} s")


def start_sim(quantlab, workdir):
    agent = eth_account.Account.from_key(HL_AGENT_KEY).address
    config = os.path.join(workdir, "sim.toml")
    with open(config, "w", encoding="utf-8") as f:
        f.write(
            f"""
[market]
seed = 11
tick_ms = 100

[[kraken.accounts]]
api_key = "{KRAKEN_KEY}"
api_secret = "{KRAKEN_SECRET}"
balances = {{ ZUSD = "100000" }}

[[kraken.accounts]]
api_key = "{KRAKEN_CCXT_KEY}"
api_secret = "{KRAKEN_SECRET}"
balances = {{ ZUSD = "100000" }}

[[hyperliquid.accounts]]
address = "{HL_ACCOUNT}"
agents = ["{agent}"]
usdc = "100000"
"""
        )
    proc = subprocess.Popen(
        [quantlab, "--workspace", workdir, "--json", "sim", "--config", config, "--listen", "127.0.0.1:0"],
        stdout=subprocess.PIPE,
        stderr=open(os.path.join(workdir, "sim.stderr"), "w", encoding="utf-8"),
        text=True,
    )
    line = proc.stdout.readline()
    if not line:
        proc.wait(timeout=10)
        raise SystemExit(f"venue-sdks: quantlab sim did not start (exit {proc.returncode})")
    return proc, json.loads(line)["url"]


def below(mid, frac, decimals):
    """A price well under the mid, rounded to `decimals` and at most 5 significant figures."""
    px = float(f"{mid * frac:.5g}")
    return round(px, decimals)


def hyperliquid_sdk(url):
    wallet = eth_account.Account.from_key(HL_AGENT_KEY)
    assert url != hl_constants.MAINNET_API_URL
    info = Info(url, skip_ws=True)
    ex = Exchange(wallet, url, account_address=HL_ACCOUNT)
    state = {}

    def meta():
        universe = info.meta()["universe"]
        btc = next(a for a in universe if a["name"] == "BTC")
        assert info.name_to_asset("BTC") == 0
        return f"{len(universe)} perps, BTC szDecimals {btc['szDecimals']}"

    def mids():
        m = info.all_mids()
        state["mid"] = float(m["BTC"])
        assert state["mid"] > 0
        return f"BTC {m['BTC']}"

    def resting(frac):
        px = below(state["mid"], frac, 0)
        r = ex.order("BTC", True, 0.001, px, {"limit": {"tif": "Gtc"}})
        assert r["status"] == "ok", r
        status = r["response"]["data"]["statuses"][0]
        assert "resting" in status, r
        return status["resting"]["oid"], px

    def open_oids():
        return {o["oid"] for o in info.open_orders(HL_ACCOUNT)}

    def place():
        state["oid"], px = resting(0.9)
        return f"oid {state['oid']} at {px} (signed for testnet)"

    def listed():
        orders = info.open_orders(HL_ACCOUNT)
        mine = [o for o in orders if o["oid"] == state["oid"]]
        assert mine and mine[0]["coin"] == "BTC" and mine[0]["side"] == "B", orders
        return f"{len(orders)} open"

    def cancel():
        r = ex.cancel("BTC", state["oid"])
        assert r["status"] == "ok" and r["response"]["data"]["statuses"] == ["success"], r
        assert state["oid"] not in open_oids()
        return "success"

    def mainnet_refused():
        # The SDK's own signing function, for mainnet, posted as the SDK posts: the simulator
        # verifies testnet, recovers another signer and refuses in the venue's words.
        px = below(state["mid"], 0.9, 0)
        wire = hl_signing.order_request_to_order_wire(
            {"coin": "BTC", "is_buy": True, "sz": 0.001, "limit_px": px,
             "order_type": {"limit": {"tif": "Gtc"}}, "reduce_only": False}, 0)
        action = hl_signing.order_wires_to_order_action([wire])
        nonce = hl_signing.get_timestamp_ms()
        sig = hl_signing.sign_l1_action(wallet, action, None, nonce, None, True)
        r = ex._post_action(action, sig, nonce)  # the SDK's own POST, body and headers
        assert r["status"] == "err", r
        assert r["response"].startswith("User or API Wallet 0x") and r["response"].endswith(" does not exist."), r
        assert wallet.address.lower() not in r["response"].lower(), r
        return r["response"]

    def dead_man():
        oid, _ = resting(0.85)
        at = int(time.time() * 1000) + 6_000
        r = ex.schedule_cancel(at)
        assert r["status"] == "ok", r
        wait_until("scheduleCancel cancelling the resting order", lambda: oid not in open_oids(), 20)
        return f"oid {oid} cancelled by scheduleCancel"

    for name, fn in [
        ("meta", meta),
        ("allMids", mids),
        ("order (resting limit)", place),
        ("openOrders", listed),
        ("cancel", cancel),
        ("a mainnet signature is refused", mainnet_refused),
        ("scheduleCancel", dead_man),
    ]:
        check(f"hyperliquid-python-sdk: {name}", fn)


def kraken_sdk(url):
    market = Market(url=url)
    trade = Trade(key=KRAKEN_KEY, secret=KRAKEN_SECRET, url=url)
    user = User(key=KRAKEN_KEY, secret=KRAKEN_SECRET, url=url)
    state = {}

    def pairs():
        p = market.get_asset_pairs(pair="XBTUSD")
        xbt = p["XXBTZUSD"]
        return f"XXBTZUSD tick {xbt['tick_size']} ordermin {xbt['ordermin']}"

    def ticker():
        t = market.get_ticker(pair="XBTUSD")
        state["mid"] = float(t["XXBTZUSD"]["c"][0])
        return f"XBTUSD last {t['XXBTZUSD']['c'][0]}"

    def resting(frac):
        px = below(state["mid"], frac, 1)
        r = trade.create_order(ordertype="limit", side="buy", pair="XBTUSD", volume="0.001", price=str(px))
        (txid,) = r["txid"]
        return txid, px

    def open_ids():
        return set(user.get_open_orders()["open"])

    def place():
        state["txid"], px = resting(0.9)
        return f"txid {state['txid']} at {px}"

    def listed():
        ids = open_ids()
        assert state["txid"] in ids, ids
        return f"{len(ids)} open"

    def cancel():
        r = trade.cancel_order(txid=state["txid"])
        assert r["count"] == 1, r
        assert state["txid"] not in open_ids()
        return "count 1"

    def dead_man():
        txid, _ = resting(0.85)
        r = trade.cancel_all_orders_after_x(timeout=5)
        assert r["triggerTime"] != "0", r
        wait_until("CancelAllOrdersAfter cancelling the resting order", lambda: txid not in open_ids(), 20)
        return f"txid {txid} cancelled at {r['triggerTime']}"

    for name, fn in [
        ("AssetPairs", pairs),
        ("Ticker", ticker),
        ("AddOrder (resting limit)", place),
        ("OpenOrders", listed),
        ("CancelOrder", cancel),
        ("CancelAllOrdersAfter", dead_man),
    ]:
        check(f"python-kraken-sdk: {name}", fn)


def ccxt_kraken(url):
    ex = ccxt.kraken({"apiKey": KRAKEN_CCXT_KEY, "secret": KRAKEN_SECRET, "enableRateLimit": False})
    ex.urls["api"]["public"] = url
    ex.urls["api"]["private"] = url
    state = {}

    def markets():
        m = ex.load_markets()
        assert "BTC/USD" in m, sorted(m)[:10]
        return f"{len(m)} markets, BTC/USD id {m['BTC/USD']['id']}"

    def ticker():
        t = ex.fetch_ticker("BTC/USD")
        state["mid"] = t["last"]
        return f"BTC/USD last {t['last']}"

    def resting(frac):
        px = below(state["mid"], frac, 1)
        o = ex.create_order("BTC/USD", "limit", "buy", 0.001, px)
        return o["id"], px

    def open_ids():
        return {o["id"] for o in ex.fetch_open_orders("BTC/USD")}

    def place():
        state["id"], px = resting(0.9)
        return f"id {state['id']} at {px}"

    def listed():
        ids = open_ids()
        assert state["id"] in ids, ids
        return f"{len(ids)} open"

    def cancel():
        ex.cancel_order(state["id"], "BTC/USD")
        assert state["id"] not in open_ids()
        return "cancelled"

    def dead_man():
        oid, _ = resting(0.85)
        ex.cancel_all_orders_after(5_000)
        wait_until("cancel_all_orders_after cancelling the resting order", lambda: oid not in open_ids(), 20)
        return f"id {oid} cancelled"

    for name, fn in [
        ("load_markets", markets),
        ("fetch_ticker", ticker),
        ("create_order (resting limit)", place),
        ("fetch_open_orders", listed),
        ("cancel_order", cancel),
        ("cancel_all_orders_after", dead_man),
    ]:
        check(f"ccxt.kraken: {name}", fn)


def ccxt_hyperliquid(url):
    wallet = eth_account.Account.from_key(HL_AGENT_KEY)
    ex = ccxt.hyperliquid(
        {
            # The agent (API wallet) signs; the account it trades for is the `user` of reads.
            "walletAddress": HL_ACCOUNT,
            "privateKey": wallet.key.hex(),
            "enableRateLimit": False,
            # Perps only (the simulator lists no spot or HIP-3 markets); no builder fee to
            # approve (ccxt's own option; the simulator knows no builders).
            "options": {"fetchMarkets": {"types": ["swap"]}, "builderFee": False},
        }
    )
    ex.set_sandbox_mode(True)  # sign for testnet, as the simulator verifies
    ex.urls["api"]["public"] = url
    ex.urls["api"]["private"] = url
    state = {}

    def markets():
        m = ex.load_markets()
        assert "BTC/USDC:USDC" in m, sorted(m)[:10]
        return f"{len(m)} markets"

    def ticker():
        t = ex.fetch_ticker("BTC/USDC:USDC")
        state["mid"] = t["last"] or t["close"] or float(t["info"]["midPx"])
        return f"BTC/USDC:USDC {state['mid']}"

    def resting(frac):
        px = below(state["mid"], frac, 0)
        o = ex.create_order("BTC/USDC:USDC", "limit", "buy", 0.001, px)
        return o["id"], px

    def open_ids():
        return {o["id"] for o in ex.fetch_open_orders("BTC/USDC:USDC")}

    def place():
        state["id"], px = resting(0.9)
        return f"id {state['id']} at {px}"

    def listed():
        ids = open_ids()
        assert state["id"] in ids, ids
        return f"{len(ids)} open"

    def cancel():
        ex.cancel_order(state["id"], "BTC/USDC:USDC")
        assert state["id"] not in open_ids()
        return "cancelled"

    def dead_man():
        oid, _ = resting(0.85)
        ex.cancel_all_orders_after(6_000)
        wait_until("cancel_all_orders_after cancelling the resting order", lambda: oid not in open_ids(), 20)
        return f"id {oid} cancelled"

    for name, fn in [
        ("load_markets", markets),
        ("fetch_ticker", ticker),
        ("create_order (resting limit)", place),
        ("fetch_open_orders", listed),
        ("cancel_order", cancel),
        ("cancel_all_orders_after", dead_man),
    ]:
        check(f"ccxt.hyperliquid: {name}", fn)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quantlab", required=True, help="the quantlab binary")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="venue-sdks-") as workdir:
        proc, url = start_sim(args.quantlab, workdir)
        print(f"quantlab sim at {url}", flush=True)
        try:
            for suite in (hyperliquid_sdk, kraken_sdk, ccxt_kraken, ccxt_hyperliquid):
                try:
                    suite(url)
                except Exception as e:  # noqa: BLE001 - a client that cannot even start
                    results.append((suite.__name__, False, repr(e)))
                    print(f"FAIL  {suite.__name__}  {e!r}", flush=True)
                    traceback.print_exc(limit=3, file=sys.stdout)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
        failed = [r for r in results if not r[1]]
        if failed:
            log = os.path.join(workdir, "sim.requests.jsonl")
            if os.path.exists(log):
                print("simulator request log (last 20 lines):")
                with open(log, encoding="utf-8") as f:
                    for line in f.readlines()[-20:]:
                        print("  " + line.rstrip())
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

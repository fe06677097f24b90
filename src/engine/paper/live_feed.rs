//! The live feed: a venue's public market-data websocket (Kraken v2 ticker, Hyperliquid
//! allMids) folded into bars of a fixed interval. A bar closes when a mark of the next
//! interval arrives or when the interval has passed on the wall clock, whichever is first; an
//! interval without a single mark produces no bar (the runner's gap check then speaks).
//! Market data is public: no credential is read.
//!
//! Spec: `live:VENUE[/ACCOUNT]:SYMBOL@TIMEFRAME`, e.g. `live:kraken:XBTUSD@1m` or
//! `live:hyperliquid/main:BTC@5m`; ACCOUNT (default `main`) picks the endpoints in
//! venues.toml, so a simulated feed is one line of config away.

use std::sync::mpsc;

use serde_json::{json, Value};

use super::feed::{Feed, FeedEvent};
use crate::engine::data::Bars;
use crate::engine::error::{Error, ErrorKind, Result};
use crate::engine::execution::model::MarketEvent;
use crate::engine::execution::{CorridorId, Venue};
use crate::engine::runtime::VenueRuntime;
use crate::engine::time::parse_timeframe;
use crate::engine::venues::endpoints;
use crate::engine::venues::http::Http;
use crate::engine::venues::hyperliquid::adapter::parse_all_mids;
use crate::engine::venues::kraken::{pairs::parse_asset_pairs, ws as kraken_ws};
use crate::engine::venues::ws_stream;
use crate::engine::workspace::Workspace;

#[derive(Debug, Clone, PartialEq)]
pub struct LiveSpec {
    pub venue: Venue,
    pub account: String,
    pub symbol: String,
    pub interval_ms: i64,
}

impl LiveSpec {
    pub fn is_live(feed: &str) -> bool {
        feed.starts_with("live:")
    }

    pub fn parse(s: &str) -> Result<LiveSpec> {
        let usage = || {
            Error::bad_input(format!("--feed: '{s}' is not a live feed; use live:VENUE[/ACCOUNT]:SYMBOL@TIMEFRAME, e.g. live:kraken:XBTUSD@1m"))
        };
        let rest = s.strip_prefix("live:").ok_or_else(usage)?;
        let (head, tf) = rest.rsplit_once('@').ok_or_else(usage)?;
        let (who, symbol) = head.split_once(':').ok_or_else(usage)?;
        let (venue, account) = who.split_once('/').unwrap_or((who, "main"));
        let venue = Venue::parse(venue).map_err(|e| {
            Error::bad_input(format!("--feed: {}", e.message.trim_start_matches("--venue: ")))
        })?;
        if !venue.is_live() {
            return Err(Error::bad_input("--feed: the fake venue has no market feed; use replay:DATA"));
        }
        if symbol.is_empty() {
            return Err(usage());
        }
        let interval_ms =
            parse_timeframe(tf).map_err(|e| Error::bad_input(format!("--feed: {}", e.message)))?;
        CorridorId::new(venue, account)?;
        Ok(LiveSpec { venue, account: account.to_string(), symbol: symbol.to_string(), interval_ms })
    }
}

/// Look the symbol up in the venue's public instrument list; returns the websocket name.
/// The symbol's websocket name and its REST name (Kraken's pair key; Hyperliquid's coin).
fn resolve_symbol(
    rt: &VenueRuntime,
    spec: &LiveSpec,
    base_url: &str,
    http: &Http,
) -> Result<(String, String)> {
    let venue_err = |m: String| Error::new(ErrorKind::Venue, m);
    rt.block_on(async {
        match spec.venue {
            Venue::Kraken => {
                let url = format!("{base_url}/0/public/AssetPairs");
                let r =
                    http.send(http.get(&url), "AssetPairs").await.map_err(|e| venue_err(e.to_string()))?;
                let v = crate::engine::venues::kraken::errors::parse_response(r.status, &r.body)
                    .map_err(Error::from)?;
                let pairs = parse_asset_pairs(&v).map_err(Error::from)?;
                let p = pairs.get(&spec.symbol).ok_or_else(|| {
                    Error::bad_input(format!(
                        "--feed: '{}' is not a Kraken pair (use its altname, e.g. XBTUSD)",
                        spec.symbol
                    ))
                })?;
                Ok((
                    p.wsname.clone().unwrap_or_else(|| p.altname.clone()).replace("XBT/", "BTC/"),
                    p.name.clone(),
                ))
            }
            _ => {
                let url = format!("{base_url}/info");
                let r = http
                    .send(http.post(&url).json(&json!({"type": "meta"})), "meta")
                    .await
                    .map_err(|e| venue_err(e.to_string()))?;
                let meta: Value = serde_json::from_slice(&r.body)
                    .map_err(|_| venue_err("meta: reply is not JSON".into()))?;
                let assets =
                    crate::engine::venues::hyperliquid::info::parse_meta(&meta).map_err(Error::from)?;
                if !assets.iter().any(|a| a.name == spec.symbol) {
                    return Err(Error::bad_input(format!(
                        "--feed: '{}' is not a Hyperliquid perp (e.g. BTC)",
                        spec.symbol
                    )));
                }
                Ok((spec.symbol.clone(), spec.symbol.clone()))
            }
        }
    })?
}

/// How many closed bars of history a live session starts with (when the venue serves its
/// interval): enough for the built-in strategies' longest default windows.
pub const WARM_UP_BARS: i64 = 500;

/// The venue's recent candles of the session's interval, oldest first, only those already
/// closed at `now_ms`; empty when the venue has no candles of that interval.
fn history(
    rt: &VenueRuntime,
    spec: &LiveSpec,
    base_url: &str,
    http: &Http,
    rest_name: &str,
    now_ms: i64,
) -> Result<Bars> {
    let iv = spec.interval_ms;
    let venue_err = |m: String| Error::new(ErrorKind::Venue, m);
    let rows: Vec<(i64, [f64; 5])> = rt.block_on(async {
        let none: Result<Vec<(i64, [f64; 5])>> = Ok(vec![]);
        let num = |v: Option<&Value>| {
            crate::engine::venues::events::dec(v).and_then(|d| rust_decimal::prelude::ToPrimitive::to_f64(&d))
        };
        match spec.venue {
            Venue::Kraken => {
                let minutes = iv / 60_000;
                if iv % 60_000 != 0 || ![1, 5, 15, 30, 60, 240, 1440, 10080, 21600].contains(&minutes) {
                    return none;
                }
                let since = ((now_ms - WARM_UP_BARS * iv) / 1000).to_string();
                let q =
                    [("pair", rest_name.to_string()), ("interval", minutes.to_string()), ("since", since)];
                let url = format!("{base_url}/0/public/OHLC");
                let r = http
                    .send(http.get(&url).query(&q), "OHLC")
                    .await
                    .map_err(|e| venue_err(e.to_string()))?;
                let v = crate::engine::venues::kraken::errors::parse_response(r.status, &r.body)
                    .map_err(Error::from)?;
                let list = v.get(rest_name).and_then(Value::as_array).cloned().unwrap_or_default();
                Ok(list
                    .iter()
                    .filter_map(|c| {
                        let t = c.get(0)?.as_i64()? * 1000;
                        Some((
                            t,
                            [
                                num(c.get(1))?,
                                num(c.get(2))?,
                                num(c.get(3))?,
                                num(c.get(4))?,
                                num(c.get(6)).unwrap_or(0.0),
                            ],
                        ))
                    })
                    .collect())
            }
            _ => {
                let Some(name) = [
                    (60_000, "1m"),
                    (300_000, "5m"),
                    (900_000, "15m"),
                    (3_600_000, "1h"),
                    (14_400_000, "4h"),
                    (86_400_000, "1d"),
                ]
                .iter()
                .find(|(ms, _)| *ms == iv)
                .map(|(_, n)| *n) else {
                    return none;
                };
                let body = json!({"type": "candleSnapshot", "req": {"coin": spec.symbol, "interval": name,
                    "startTime": now_ms - WARM_UP_BARS * iv, "endTime": now_ms}});
                let url = format!("{base_url}/info");
                let r = http
                    .send(http.post(&url).json(&body), "candleSnapshot")
                    .await
                    .map_err(|e| venue_err(e.to_string()))?;
                let v: Value = serde_json::from_slice(&r.body)
                    .map_err(|_| venue_err("candleSnapshot: reply is not JSON".into()))?;
                Ok(v.as_array()
                    .cloned()
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|c| {
                        let t = c.get("t")?.as_i64()?;
                        Some((
                            t,
                            [
                                num(c.get("o"))?,
                                num(c.get("h"))?,
                                num(c.get("l"))?,
                                num(c.get("c"))?,
                                num(c.get("v")).unwrap_or(0.0),
                            ],
                        ))
                    })
                    .collect())
            }
        }
    })??;
    Ok(closed_bars(rows, iv, now_ms))
}

/// Only closed, aligned, increasing candles become bars: the forming one is the feed's to build.
fn closed_bars(rows: Vec<(i64, [f64; 5])>, iv: i64, now_ms: i64) -> Bars {
    let mut bars = Bars::default();
    for (t, [o, h, l, c, v]) in rows {
        if t.rem_euclid(iv) == 0 && t + iv <= now_ms && bars.ts.last().is_none_or(|&p| t > p) {
            bars.push(t, o, h, l, c, v);
        }
    }
    bars
}

/// Check a live spec can be served (endpoints, symbol), without subscribing.
pub fn check(ws: &Workspace, rt: &VenueRuntime, spec: &LiveSpec) -> Result<()> {
    let ep = endpoints::resolve_public(ws, &CorridorId::new(spec.venue, &spec.account)?)?;
    let http = Http::new(ep.timeout_ms).map_err(|e| Error::new(ErrorKind::Venue, e.to_string()))?;
    resolve_symbol(rt, spec, &ep.base_url, &http).map(|_| ())
}

pub struct LiveFeed {
    bars: Bars,
    /// The bar being built: (open time, open, high, low, close).
    current: Option<(i64, f64, f64, f64, f64)>,
    rx: mpsc::Receiver<MarketEvent>,
    interval_ms: i64,
    symbol: String,
    /// The task folding the venue's marks into `rx`, on the engine's venue runtime; stopped
    /// when the feed goes.
    stream: tokio::task::JoinHandle<()>,
    /// Keeps the runtime up while the feed lives, whatever happens to the engine that opened it.
    _rt: VenueRuntime,
}

impl Drop for LiveFeed {
    fn drop(&mut self) {
        self.stream.abort();
    }
}

impl LiveFeed {
    /// Open the feed; its venue calls and its stream run on `rt` (the engine's venue runtime).
    pub fn open(ws: &Workspace, rt: &VenueRuntime, spec: &LiveSpec) -> Result<LiveFeed> {
        let ep = endpoints::resolve_public(ws, &CorridorId::new(spec.venue, &spec.account)?)?;
        let http = Http::new(ep.timeout_ms).map_err(|e| Error::new(ErrorKind::Venue, e.to_string()))?;
        let (ws_name, rest_name) = resolve_symbol(rt, spec, &ep.base_url, &http)?;
        // History first, so the strategy starts warm instead of waiting out its windows.
        let bars = history(rt, spec, &ep.base_url, &http, &rest_name, crate::engine::time::now_ms())?;
        let (tx, rx) = mpsc::channel();
        let symbol = spec.symbol.clone();
        let venue = spec.venue;
        let url = ep.ws_url.clone();
        let alerts_ws = ws.clone();
        let source = format!("paper-feed:{}:{}", spec.venue, spec.symbol);
        let notify: ws_stream::Notifier = std::sync::Arc::new(move |m: &str| {
            let _ = crate::engine::alerts::raise(
                &alerts_ws,
                crate::engine::alerts::codes::STALE_STREAM,
                &source,
                m,
            );
        });
        let stream = rt.spawn(async move {
            let mut stream = match venue {
                Venue::Kraken => kraken_ws::ticker_stream(url, vec![(ws_name, symbol.clone())], Some(notify)),
                _ => {
                    let wanted = vec![symbol.clone()];
                    let sub = json!({"method": "subscribe", "subscription": {"type": "allMids"}});
                    ws_stream::spawn(
                        url,
                        vec![sub],
                        Box::new(move |v| parse_all_mids(v, &wanted)),
                        Some(notify),
                    )
                }
            };
            while let Some(e) = stream.recv().await {
                if tx.send(e).is_err() {
                    return;
                }
            }
        });
        let stream = stream?;
        Ok(LiveFeed {
            bars,
            current: None,
            rx,
            interval_ms: spec.interval_ms,
            symbol: spec.symbol.clone(),
            stream,
            _rt: rt.clone(),
        })
    }

    /// Fold one mark in; returns true when it closed the bar before it.
    fn fold(&mut self, at_ms: i64, px: f64) -> bool {
        let start = at_ms - at_ms.rem_euclid(self.interval_ms);
        match &mut self.current {
            Some(c) if c.0 == start => {
                c.2 = c.2.max(px);
                c.3 = c.3.min(px);
                c.4 = px;
                false
            }
            Some(c) if c.0 > start => false, // a late mark of a closed bar is dropped
            _ => {
                let closed = self.close_current();
                self.current = Some((start, px, px, px, px));
                closed
            }
        }
    }

    fn close_current(&mut self) -> bool {
        match self.current.take() {
            Some((t, o, h, l, c)) => {
                self.bars.push(t, o, h, l, c, 0.0);
                true
            }
            None => false,
        }
    }
}

impl Feed for LiveFeed {
    fn bars(&self) -> &Bars {
        &self.bars
    }

    fn poll(&mut self, now_ms: i64) -> Result<FeedEvent> {
        let before = self.bars.len();
        while let Ok(e) = self.rx.try_recv() {
            let px = rust_decimal::prelude::ToPrimitive::to_f64(&e.mark.price).unwrap_or(f64::NAN);
            if px.is_finite() && px > 0.0 && self.fold(e.mark.at_ms, px) {
                // One bar per poll: hand it over before folding further marks.
                break;
            }
        }
        if self.bars.len() == before && self.current.is_some_and(|c| now_ms >= c.0 + self.interval_ms) {
            self.close_current();
        }
        if self.bars.len() > before {
            return Ok(FeedEvent::Bar { index: self.bars.len() - 1, last: false });
        }
        Ok(FeedEvent::Idle)
    }

    fn interval_ms(&self) -> i64 {
        self.interval_ms
    }

    fn cadence_ms(&self) -> i64 {
        self.interval_ms
    }

    /// Both venues trade around the clock.
    fn weekend_bars(&self) -> bool {
        true
    }

    fn symbol(&self) -> &str {
        &self.symbol
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_keeps_only_closed_aligned_increasing_candles() {
        let c = [1.0, 2.0, 0.5, 1.5, 10.0];
        let rows = vec![(0, c), (60_000, c), (60_000, c), (90_000, c), (120_000, c), (180_000, c)];
        let b = closed_bars(rows, 60_000, 200_000);
        // 180 000 is still forming at 200 000; 90 000 is off the grid; the repeat is dropped.
        assert_eq!(b.ts, vec![0, 60_000, 120_000]);
    }

    #[test]
    fn specs_parse_and_refuse_clearly() {
        let s = LiveSpec::parse("live:kraken:XBTUSD@1m").unwrap();
        assert_eq!(
            (s.venue, s.account.as_str(), s.symbol.as_str(), s.interval_ms),
            (Venue::Kraken, "main", "XBTUSD", 60_000)
        );
        assert_eq!(LiveSpec::parse("live:hyperliquid/desk:BTC@5m").unwrap().account, "desk");
        for bad in [
            "live:kraken:XBTUSD",
            "live:fake:X@1m",
            "live:nasdaq:X@1m",
            "live:kraken:@1m",
            "live:kraken:X@soon",
        ] {
            assert!(LiveSpec::parse(bad).unwrap_err().message.starts_with("--feed"), "{bad}");
        }
    }
}

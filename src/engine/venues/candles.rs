//! Candles from the venues' REST history: Kraken `OHLC` (minutes 1, 5, 15, 30, 60, 240, 1440,
//! 10080, 21600) and Hyperliquid `candleSnapshot` (1m ... 1d), read into one shape.

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{json, Value};

use super::events::dec;
use super::hyperliquid::adapter::HlAdapter;
use super::kraken::adapter::KrakenAdapter;
use crate::engine::execution::model::{VenueError, VenueResult};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candle {
    pub open_ms: i64,
    pub open: Decimal,
    pub high: Decimal,
    pub low: Decimal,
    pub close: Decimal,
    pub volume: Decimal,
}

fn bad(what: &str) -> VenueError {
    VenueError::Unavailable { message: format!("{what}: a candle row is malformed") }
}

impl KrakenAdapter {
    /// Candles of `minutes` since `since_ms` (Kraken returns at most 720 rows).
    pub async fn candles(&self, symbol: &str, minutes: u32, since_ms: i64) -> VenueResult<Vec<Candle>> {
        let pair = self.pairs().await?.get(symbol).cloned();
        let pair =
            pair.ok_or_else(|| VenueError::Rejected { reason: format!("unknown Kraken pair '{symbol}'") })?;
        let q = [
            ("pair", pair.altname.clone()),
            ("interval", minutes.to_string()),
            ("since", (since_ms / 1000).to_string()),
        ];
        let v = self.client.public("OHLC", &q).await?;
        parse_kraken_ohlc(&v, &pair.name, &pair.altname)
    }
}

/// The rows of a Kraken `OHLC` result (under the pair's key or altname): `[time, open, high,
/// low, close, vwap, volume, count]`, time in epoch seconds.
pub fn parse_kraken_ohlc(v: &Value, name: &str, altname: &str) -> VenueResult<Vec<Candle>> {
    let rows = v.get(name).or_else(|| v.get(altname)).and_then(Value::as_array).ok_or_else(|| bad("OHLC"))?;
    rows.iter()
        .map(|r| {
            let at = |i: usize| dec(r.get(i));
            Ok(Candle {
                open_ms: r
                    .get(0)
                    .and_then(Value::as_i64)
                    .and_then(|s| s.checked_mul(1000))
                    .ok_or_else(|| bad("OHLC"))?,
                open: at(1).ok_or_else(|| bad("OHLC"))?,
                high: at(2).ok_or_else(|| bad("OHLC"))?,
                low: at(3).ok_or_else(|| bad("OHLC"))?,
                close: at(4).ok_or_else(|| bad("OHLC"))?,
                volume: at(6).unwrap_or_default(),
            })
        })
        .collect()
}

impl HlAdapter {
    /// Candles of `interval` (`1m`, `5m`, `1h`, `1d`, ...) between two times.
    pub async fn candles(
        &self,
        coin: &str,
        interval: &str,
        start_ms: i64,
        end_ms: i64,
    ) -> VenueResult<Vec<Candle>> {
        self.universe()
            .await?
            .get(coin)
            .ok_or_else(|| VenueError::Rejected { reason: format!("unknown Hyperliquid coin '{coin}'") })?;
        let req = json!({"type": "candleSnapshot", "req": {"coin": coin, "interval": interval, "startTime": start_ms, "endTime": end_ms}});
        let v = self.client.info(req).await?;
        parse_hl_candles(&v)
    }
}

/// A Hyperliquid `candleSnapshot` reply: `{t, o, h, l, c, v}` objects, `t` in epoch ms.
pub fn parse_hl_candles(v: &Value) -> VenueResult<Vec<Candle>> {
    v.as_array()
        .ok_or_else(|| bad("candleSnapshot"))?
        .iter()
        .map(|c| {
            Ok(Candle {
                open_ms: c.get("t").and_then(Value::as_i64).ok_or_else(|| bad("candleSnapshot"))?,
                open: dec(c.get("o")).ok_or_else(|| bad("candleSnapshot"))?,
                high: dec(c.get("h")).ok_or_else(|| bad("candleSnapshot"))?,
                low: dec(c.get("l")).ok_or_else(|| bad("candleSnapshot"))?,
                close: dec(c.get("c")).ok_or_else(|| bad("candleSnapshot"))?,
                volume: dec(c.get("v")).unwrap_or_default(),
            })
        })
        .collect()
}

//! Hyperliquid perps behind the BrokerAdapter trait. Symbols are the venue's coin names (BTC);
//! the client order id goes out as the cloid (its 16 bytes); prices and sizes are checked
//! against the venue's rules and refused, never silently changed, except a market order's
//! protective limit, which is rounded to a valid price by design.

use std::collections::BTreeMap;

use async_trait::async_trait;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use tokio::sync::OnceCell;

use super::action::{
    Action, CancelAction, CancelByCloidAction, CancelByCloidWire, CancelWire, Cloid, Grouping, OrderAction,
    OrderType as HlType, OrderWire, ScheduleCancelAction, Tif, Tpsl,
};
use super::client::{HlClient, PreparedAction};
use super::exchange_reply::ActionStatus;
use super::info::{parse_meta, parse_spot_meta, HlAsset, HlUniverse};
use crate::engine::execution::broker::BrokerAdapter;
use crate::engine::execution::model::*;
use crate::engine::execution::{OrderType, Side, TimeInForce, Venue};
use crate::engine::venues::events::{bad_reply, dec};
use crate::engine::venues::ws_stream::{self, Notifier};

/// How far through the mid a market order may fill (the SDK's default slippage).
pub const MARKET_SLIPPAGE: f64 = 0.05;

pub struct HlAdapter {
    pub client: HlClient,
    ws_url: String,
    universe: OnceCell<HlUniverse>,
    notify: Option<Notifier>,
}

/// Our client order id (a UUID of 16 bytes) as a cloid.
pub fn cloid_of(client_order_id: &str) -> VenueResult<Cloid> {
    let hex: String = client_order_id.chars().filter(|c| *c != '-').collect();
    Cloid::from_hex(&format!("0x{hex}")).map_err(|_| VenueError::Rejected {
        reason: format!("client order id '{client_order_id}' is not 16 bytes of hex"),
    })
}

fn reject(reason: String) -> VenueError {
    VenueError::Rejected { reason }
}

/// The wire order for `o` on `asset`; `mid` prices a market order's protective limit.
pub fn order_wire(asset: &HlAsset, o: &OrderRequest, mid: Option<Decimal>) -> VenueResult<OrderWire> {
    let f = |d: Decimal| d.to_f64().unwrap_or(f64::NAN);
    let price = |d: Decimal, what: &str| {
        asset.check_price(f(d)).map_err(|e| reject(format!("{what} {d}: {e} (refused, not rounded)")))
    };
    let size = asset
        .check_size(f(o.quantity))
        .map_err(|e| reject(format!("quantity {}: {e} (refused, not rounded)", o.quantity)))?;
    let buy = o.side == Side::Buy;
    let tif = match o.time_in_force {
        TimeInForce::Gtc => Tif::Gtc,
        TimeInForce::Ioc => Tif::Ioc,
        TimeInForce::Fok => {
            return Err(reject("Hyperliquid has no fill-or-kill; use gtc, ioc or post-only".into()))
        }
        // Add liquidity only: the venue refuses it rather than let it take.
        TimeInForce::PostOnly if o.order_type == OrderType::Limit => Tif::Alo,
        TimeInForce::PostOnly => {
            return Err(reject("Hyperliquid takes post-only (Alo) on limit orders only".into()))
        }
    };
    let need = |p: Option<Decimal>, what: &str| {
        p.ok_or_else(|| reject(format!("a {} order needs a {what} price", o.order_type.name())))
    };
    let (p, t) = match o.order_type {
        OrderType::Limit => (price(need(o.limit_price, "limit")?, "limit price")?, HlType::Limit { tif }),
        OrderType::Market => {
            let mid = mid.ok_or_else(|| VenueError::Unavailable {
                message: format!("no mid price for {}", asset.name),
            })?;
            let edge = f(mid) * if buy { 1.0 + MARKET_SLIPPAGE } else { 1.0 - MARKET_SLIPPAGE };
            let r = asset.round_price(edge).map_err(|e| reject(format!("market order limit: {e}")))?;
            (r.wire, HlType::Limit { tif: Tif::Ioc })
        }
        OrderType::StopMarket
        | OrderType::StopLimit
        | OrderType::TakeProfitMarket
        | OrderType::TakeProfitLimit => {
            let trigger = price(need(o.trigger_price, "trigger")?, "trigger price")?;
            let is_market = matches!(o.order_type, OrderType::StopMarket | OrderType::TakeProfitMarket);
            let tpsl = if o.order_type.is_take_profit() { Tpsl::Tp } else { Tpsl::Sl };
            let p = if is_market {
                trigger.clone()
            } else {
                price(need(o.limit_price, "limit")?, "limit price")?
            };
            (p, HlType::Trigger { is_market, trigger_px: trigger, tpsl })
        }
    };
    Ok(OrderWire {
        a: asset.asset,
        b: buy,
        p,
        s: size,
        r: o.reduce_only,
        t,
        c: Some(cloid_of(&o.client_order_id)?),
    })
}

impl HlAdapter {
    pub fn new(client: HlClient, ws_url: &str) -> HlAdapter {
        HlAdapter { client, ws_url: ws_url.into(), universe: OnceCell::new(), notify: None }
    }

    /// Whether the signing key may act for the account: it is the account, or one of the
    /// agents the venue lists for it (`extraAgents`).
    pub async fn agent_approved(&self) -> VenueResult<bool> {
        let signer = self.client.signer_address().to_lower_hex();
        let account = self.client.account.to_lower_hex();
        if signer == account {
            return Ok(true);
        }
        let v = self.client.info(json!({"type": "extraAgents", "user": account})).await?;
        let list = v.as_array().ok_or_else(|| bad_reply("extraAgents", "(list)"))?;
        Ok(list.iter().any(|a| {
            a.get("address").and_then(Value::as_str).is_some_and(|x| x.eq_ignore_ascii_case(&signer))
        }))
    }

    pub fn notifier(&self) -> Option<Notifier> {
        self.notify.clone()
    }

    pub fn ws_url(&self) -> &str {
        &self.ws_url
    }

    pub fn with_notifier(mut self, n: Notifier) -> Self {
        self.notify = Some(n);
        self
    }

    pub async fn universe(&self) -> VenueResult<&HlUniverse> {
        self.universe
            .get_or_try_init(|| async {
                let meta = self.client.info(json!({"type": "meta"})).await?;
                let mut assets =
                    parse_meta(&meta).map_err(|e| VenueError::Unavailable { message: e.to_string() })?;
                // Spot pairs too (asset 10000 + index), so a spot symbol is found, not unknown.
                let spot = self.client.info(json!({"type": "spotMeta"})).await?;
                assets.extend(
                    parse_spot_meta(&spot).map_err(|e| VenueError::Unavailable { message: e.to_string() })?,
                );
                HlUniverse::new(assets).map_err(|e| VenueError::Unavailable { message: e.to_string() })
            })
            .await
    }

    async fn asset(&self, symbol: &str) -> VenueResult<&HlAsset> {
        self.universe()
            .await?
            .get(symbol)
            .ok_or_else(|| reject(format!("unknown Hyperliquid coin '{symbol}'")))
    }

    async fn mid(&self, symbol: &str) -> VenueResult<Option<Decimal>> {
        Ok(self.marks(&[symbol.to_string()]).await?.get(symbol).map(|m| m.price))
    }

    async fn action_for(&self, o: &OrderRequest) -> VenueResult<Action> {
        let asset = self.asset(&o.symbol).await?.clone();
        let mid = if o.order_type == OrderType::Market { self.mid(&o.symbol).await? } else { None };
        let mut orders = vec![order_wire(&asset, o, mid)?];
        // Exits go in the same action as their entry, grouped `normalTpsl`: the venue holds
        // them until the entry fills, then sizes them to it.
        for child in crate::engine::execution::exits::attached_requests(o) {
            orders.push(order_wire(&asset, &child, None)?);
        }
        let grouping = if orders.len() > 1 { Grouping::NormalTpsl } else { Grouping::Na };
        Ok(Action::Order(OrderAction { orders, grouping }))
    }

    /// The order action with its nonce, never signed nor sent (`order preview`).
    pub async fn preview(&self, o: &OrderRequest) -> VenueResult<PreparedAction> {
        let action = self.action_for(o).await?;
        self.client.prepare(&action)
    }

    /// Fees and average price of an order, from the account's fills.
    async fn fill_totals(&self, oid: u64) -> VenueResult<(Decimal, Option<Decimal>)> {
        let fills = self.client.info(json!({"type": "userFills", "user": self.client.user()})).await?;
        fill_totals_of(&fills, oid)
    }

    async fn report(&self, o: &Value, status: &str) -> VenueResult<OrderReport> {
        let progress = order_progress(o, status)?;
        let (fees, avg) = if progress.filled.is_zero() && progress.state != OrderState::Filled {
            (Decimal::ZERO, None)
        } else {
            self.fill_totals(progress.oid).await?
        };
        Ok(progress.report(o, fees, avg))
    }
}

/// What an `orderStatus` entry says about an order's fills.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderProgress {
    pub oid: u64,
    pub orig: Decimal,
    pub filled: Decimal,
    pub state: OrderState,
}

/// Reads the `order` of an `orderStatus` reply and its `status`.
pub fn order_progress(o: &Value, status: &str) -> VenueResult<OrderProgress> {
    let oid = o.get("oid").and_then(Value::as_u64).ok_or_else(|| bad_reply("order", "oid"))?;
    let orig = dec(o.get("origSz")).ok_or_else(|| bad_reply("order", "origSz"))?;
    let left = dec(o.get("sz")).ok_or_else(|| bad_reply("order", "sz"))?;
    // Sizes past the decimal range are the venue's data gone wrong: refused, never wrapped.
    let filled = orig.checked_sub(left).ok_or_else(|| bad_reply("order", "sz"))?;
    let state = match status {
        "open" | "triggered" if filled.is_zero() => OrderState::Open,
        "open" | "triggered" => OrderState::PartiallyFilled,
        "filled" => OrderState::Filled,
        // `rejected`, `tickRejected`, `minTradeNtlRejected`, ...
        s if s.ends_with("ejected") => OrderState::Rejected,
        // `canceled`, `siblingFilledCanceled`, `scheduledCancel`, `marginCanceled`, ...
        _ => OrderState::Cancelled,
    };
    Ok(OrderProgress { oid, orig, filled, state })
}

impl OrderProgress {
    /// The boundary's report, with the fees and average price read from the fills.
    pub fn report(&self, o: &Value, fees: Decimal, average_price: Option<Decimal>) -> OrderReport {
        OrderReport {
            venue_order_id: self.oid.to_string(),
            client_order_id: o.get("cloid").and_then(Value::as_str).map(uuid_of).unwrap_or_default(),
            symbol: o.get("coin").and_then(Value::as_str).unwrap_or("").to_string(),
            side: if o.get("side").and_then(Value::as_str) == Some("B") { Side::Buy } else { Side::Sell },
            quantity: self.orig,
            filled_quantity: if self.state == OrderState::Filled { self.orig } else { self.filled },
            average_price,
            fees,
            state: self.state,
        }
    }
}

/// Fees and average price of order `oid` from a `userFills` reply. Totals past the decimal
/// range are refused as a malformed reply.
pub fn fill_totals_of(fills: &Value, oid: u64) -> VenueResult<(Decimal, Option<Decimal>)> {
    let (mut fee, mut qty, mut cost) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    for f in
        fills.as_array().into_iter().flatten().filter(|f| f.get("oid").and_then(Value::as_u64) == Some(oid))
    {
        let (px, sz) = (dec(f.get("px")).unwrap_or_default(), dec(f.get("sz")).unwrap_or_default());
        let sums = (|| {
            Some((
                fee.checked_add(dec(f.get("fee")).unwrap_or_default())?,
                qty.checked_add(sz)?,
                cost.checked_add(px.checked_mul(sz)?)?,
            ))
        })();
        (fee, qty, cost) = sums.ok_or_else(|| bad_reply("userFills", "px/sz/fee"))?;
    }
    if qty.is_zero() {
        return Ok((fee, None));
    }
    let avg = cost.checked_div(qty).ok_or_else(|| bad_reply("userFills", "px/sz"))?;
    Ok((fee, Some(avg.round_dp(10).normalize())))
}

/// A cloid back in our UUID form.
pub fn uuid_of(cloid: &str) -> String {
    let x = cloid.trim_start_matches("0x");
    // Only 32 hex digits are a cloid of ours; anything else (wider characters too) stays as sent.
    if x.len() != 32 || !x.bytes().all(|b| b.is_ascii_hexdigit()) {
        return cloid.to_string();
    }
    format!("{}-{}-{}-{}-{}", &x[..8], &x[8..12], &x[12..16], &x[16..20], &x[20..])
}

#[async_trait]
impl BrokerAdapter for HlAdapter {
    fn venue(&self) -> Venue {
        Venue::Hyperliquid
    }

    fn loopback_only(&self) -> std::result::Result<(), String> {
        crate::engine::venues::endpoints::urls_loopback(&[
            ("base_url", self.client.base_url()),
            ("ws_url", &self.ws_url),
        ])
    }

    async fn status(&self) -> VenueResult<VenueStatus> {
        self.universe().await.map(|_| VenueStatus::Online)
    }

    /// Hyperliquid has no time endpoint: the Date header of an info reply (1 s resolution).
    async fn server_time(&self) -> VenueResult<i64> {
        let (_, r) = self.client.info_reply(&json!({"type": "allMids"})).await?;
        r.date_ms.ok_or_else(|| VenueError::Unavailable { message: "info reply has no Date header".into() })
    }

    async fn instruments(&self) -> VenueResult<Vec<InstrumentRules>> {
        Ok(self.universe().await?.rules())
    }

    async fn balances(&self) -> VenueResult<Vec<Balance>> {
        let v = self.client.info(json!({"type": "clearinghouseState", "user": self.client.user()})).await?;
        let total = dec(v.get("marginSummary").and_then(|m| m.get("accountValue")))
            .ok_or_else(|| bad_reply("clearinghouseState", "marginSummary.accountValue"))?;
        let available =
            dec(v.get("withdrawable")).ok_or_else(|| bad_reply("clearinghouseState", "withdrawable"))?;
        Ok(vec![Balance { asset: "USDC".into(), total, available }])
    }

    async fn positions(&self) -> VenueResult<Vec<Position>> {
        let v = self.client.info(json!({"type": "clearinghouseState", "user": self.client.user()})).await?;
        let list = v
            .get("assetPositions")
            .and_then(Value::as_array)
            .ok_or_else(|| bad_reply("clearinghouseState", "assetPositions"))?;
        list.iter()
            .map(|p| {
                let pos = p.get("position").ok_or_else(|| bad_reply("clearinghouseState", "position"))?;
                Ok(Position {
                    symbol: pos.get("coin").and_then(Value::as_str).unwrap_or("").to_string(),
                    quantity: dec(pos.get("szi")).ok_or_else(|| bad_reply("clearinghouseState", "szi"))?,
                })
            })
            .collect()
    }

    async fn open_orders(&self) -> VenueResult<Vec<OrderReport>> {
        let v = self.client.info(json!({"type": "frontendOpenOrders", "user": self.client.user()})).await?;
        let mut out = Vec::new();
        for o in v.as_array().ok_or_else(|| bad_reply("frontendOpenOrders", "(list)"))? {
            out.push(self.report(o, "open").await?);
        }
        Ok(out)
    }

    async fn order_status(&self, order: &OrderRef) -> VenueResult<Option<OrderReport>> {
        let oid = match order {
            OrderRef::Venue(v) => {
                json!(v.parse::<u64>().map_err(|_| reject(format!("'{v}' is not a Hyperliquid order id")))?)
            }
            OrderRef::Client(c) => json!(cloid_of(c)?.to_raw()),
        };
        let v =
            self.client.info(json!({"type": "orderStatus", "user": self.client.user(), "oid": oid})).await?;
        match v.get("status").and_then(Value::as_str) {
            Some("order") => {
                let o = v.get("order").ok_or_else(|| bad_reply("orderStatus", "order"))?;
                let status = o.get("status").and_then(Value::as_str).unwrap_or("");
                let inner = o.get("order").ok_or_else(|| bad_reply("orderStatus", "order.order"))?;
                self.report(inner, status).await.map(Some)
            }
            Some("unknownOid") => Ok(None),
            _ => Err(bad_reply("orderStatus", "status")),
        }
    }

    async fn submit(&self, order: &OrderRequest) -> VenueResult<OrderReport> {
        let action = self.action_for(order).await?;
        let reply = self.client.exchange(&action).await?;
        let oid = match reply.statuses.first() {
            Some(ActionStatus::Resting { oid, .. }) | Some(ActionStatus::Filled { oid, .. }) => *oid,
            // Idempotent on the cloid: a repeat returns the order already placed.
            Some(ActionStatus::Error(t)) if t.starts_with("Duplicate cloid") => {
                return self
                    .order_status(&OrderRef::Client(order.client_order_id.clone()))
                    .await?
                    .ok_or_else(|| reject(t.clone()));
            }
            Some(ActionStatus::Error(t)) => return Err(reject(t.clone())),
            _ => return Err(bad_reply("order", "statuses[0]")),
        };
        self.order_status(&OrderRef::Venue(oid.to_string()))
            .await?
            .ok_or_else(|| VenueError::Unavailable { message: format!("order {oid} accepted but not found") })
    }

    /// Hyperliquid has no validate-only order: the checks this adapter can make locally.
    async fn validate(&self, order: &OrderRequest) -> VenueResult<()> {
        self.action_for(order).await.map(|_| ())
    }

    async fn cancel(&self, order: &OrderRef) -> VenueResult<OrderReport> {
        let current = self
            .order_status(order)
            .await?
            .ok_or_else(|| VenueError::NotFound { message: "cancel: unknown order".into() })?;
        let asset = self.asset(&current.symbol).await?.asset;
        let action = match order {
            OrderRef::Venue(v) => Action::Cancel(CancelAction {
                cancels: vec![CancelWire { a: asset, o: v.parse().unwrap_or(0) }],
            }),
            OrderRef::Client(c) => Action::CancelByCloid(CancelByCloidAction {
                cancels: vec![CancelByCloidWire { asset, cloid: cloid_of(c)? }],
            }),
        };
        let reply = self.client.exchange(&action).await?;
        if let Some(ActionStatus::Error(t)) = reply.statuses.first() {
            return Err(VenueError::NotFound { message: t.clone() });
        }
        self.order_status(&OrderRef::Venue(current.venue_order_id.clone()))
            .await?
            .ok_or_else(|| VenueError::NotFound { message: "cancel: order vanished".into() })
    }

    async fn cancel_all(&self) -> VenueResult<usize> {
        let open = self.open_orders().await?;
        if open.is_empty() {
            return Ok(0);
        }
        let mut cancels = Vec::new();
        for o in &open {
            cancels.push(CancelWire {
                a: self.asset(&o.symbol).await?.asset,
                o: o.venue_order_id.parse().unwrap_or(0),
            });
        }
        let reply = self.client.exchange(&Action::Cancel(CancelAction { cancels })).await?;
        Ok(reply.statuses.iter().filter(|s| matches!(s, ActionStatus::Success)).count())
    }

    async fn dead_man_switch(&self, seconds: u32) -> VenueResult<()> {
        // The venue wants the time at least 5 s after its own clock when the action arrives:
        // exactly 5 s from ours is always late by the trip, so the least that can work is 6 s.
        if (1..6).contains(&seconds) {
            return Err(reject(format!(
                "Hyperliquid's scheduleCancel must arrive at least 5 s ahead: ask for 6 s or more, not {seconds} s"
            )));
        }
        let time = (seconds > 0).then(|| (crate::engine::time::now_ms() + i64::from(seconds) * 1000) as u64);
        self.client.exchange(&Action::ScheduleCancel(ScheduleCancelAction { time })).await.map(|_| ())
    }

    async fn marks(&self, symbols: &[String]) -> VenueResult<BTreeMap<String, Mark>> {
        let v = self.client.info(json!({"type": "allMids"})).await?;
        let now = crate::engine::time::now_ms();
        Ok(symbols
            .iter()
            .filter_map(|s| Some((s.clone(), Mark { price: dec(v.get(s))?, at_ms: now })))
            .collect())
    }

    async fn subscribe(&self, symbols: &[String]) -> VenueResult<tokio::sync::mpsc::Receiver<MarketEvent>> {
        for s in symbols {
            self.asset(s).await?;
        }
        let wanted: Vec<String> = symbols.to_vec();
        let sub = json!({"method": "subscribe", "subscription": {"type": "allMids"}});
        let parse = Box::new(move |v: &Value| parse_all_mids(v, &wanted));
        Ok(ws_stream::spawn(self.ws_url.clone(), vec![sub], parse, self.notify.clone()))
    }
}

/// Mark events from an `allMids` push for the coins wanted.
pub fn parse_all_mids(v: &Value, wanted: &[String]) -> Vec<MarketEvent> {
    if v.get("channel").and_then(Value::as_str) != Some("allMids") {
        return vec![];
    }
    let now = crate::engine::time::now_ms();
    let mids = v.get("data").and_then(|d| d.get("mids"));
    wanted
        .iter()
        .filter_map(|s| {
            Some(MarketEvent { symbol: s.clone(), mark: Mark { price: dec(mids?.get(s))?, at_ms: now } })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn btc() -> HlAsset {
        let meta = json!({"universe": [{"name": "BTC", "szDecimals": 5, "maxLeverage": 40}]});
        parse_meta(&meta).unwrap().remove(0)
    }

    fn order(t: OrderType, limit: Option<i64>, trigger: Option<i64>, tif: TimeInForce) -> OrderRequest {
        OrderRequest {
            client_order_id: "0123456789abcdef0123456789abcdef".into(),
            symbol: "BTC".into(),
            side: Side::Sell,
            quantity: Decimal::new(1, 2),
            order_type: t,
            limit_price: limit.map(Decimal::from),
            trigger_price: trigger.map(Decimal::from),
            time_in_force: tif,
            reduce_only: true,
            exits: Default::default(),
        }
    }

    #[test]
    fn take_profits_are_tp_triggers() {
        let w = order_wire(
            &btc(),
            &order(OrderType::TakeProfitMarket, None, Some(60_000), TimeInForce::Gtc),
            None,
        )
        .unwrap();
        assert_eq!(w.t, HlType::Trigger { is_market: true, trigger_px: "60000".into(), tpsl: Tpsl::Tp });
        assert_eq!((w.p.as_str(), w.b, w.r), ("60000", false, true));
        let w = order_wire(
            &btc(),
            &order(OrderType::TakeProfitLimit, Some(59_900), Some(60_000), TimeInForce::Gtc),
            None,
        )
        .unwrap();
        assert_eq!(w.t, HlType::Trigger { is_market: false, trigger_px: "60000".into(), tpsl: Tpsl::Tp });
        assert_eq!(w.p, "59900");
        let stop =
            order_wire(&btc(), &order(OrderType::StopMarket, None, Some(40_000), TimeInForce::Gtc), None)
                .unwrap();
        assert!(matches!(stop.t, HlType::Trigger { tpsl: Tpsl::Sl, .. }), "stops stay sl");
    }

    #[test]
    fn post_only_is_alo_on_limits_only() {
        let w = order_wire(&btc(), &order(OrderType::Limit, Some(60_000), None, TimeInForce::PostOnly), None)
            .unwrap();
        assert_eq!(w.t, HlType::Limit { tif: Tif::Alo });
        let trig = order_wire(
            &btc(),
            &order(OrderType::TakeProfitMarket, None, Some(60_000), TimeInForce::PostOnly),
            None,
        );
        assert!(matches!(trig, Err(VenueError::Rejected { .. })));
    }
}

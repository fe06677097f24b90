//! Kraken spot behind the BrokerAdapter trait. Symbols are Kraken altnames (XBTUSD); the
//! client order id goes out as `cl_ord_id`, so a submit whose reply was lost is found again by
//! it; a spot position is the base asset's balance.

use std::collections::BTreeMap;

use async_trait::async_trait;
use rust_decimal::Decimal;
use serde_json::Value;
use tokio::sync::OnceCell;

use super::client::{KrakenClient, PreparedRequest, PrivateTurn};
use super::pairs::{parse_asset_pairs, KrakenPairs};
use crate::engine::execution::broker::BrokerAdapter;
use crate::engine::execution::exits::attached_client_id;
use crate::engine::execution::model::ExitLeg;
use crate::engine::execution::model::*;
use crate::engine::execution::{OrderType, Side, TimeInForce, Venue};
use crate::engine::venues::events::{bad_reply, dec};
use crate::engine::venues::ws_stream::Notifier;

pub struct KrakenAdapter {
    /// Shared with streams that fetch a fresh websocket token on every reconnect.
    pub client: std::sync::Arc<KrakenClient>,
    ws_url: String,
    ws_auth_url: String,
    pairs: OnceCell<KrakenPairs>,
    notify: Option<Notifier>,
}

/// One entry of OpenOrders/ClosedOrders/QueryOrders as the boundary's report.
pub fn order_report(txid: &str, o: &Value) -> VenueResult<OrderReport> {
    let w = "order";
    let descr = o.get("descr").ok_or_else(|| bad_reply(w, "descr"))?;
    let qty = dec(o.get("vol")).ok_or_else(|| bad_reply(w, "vol"))?;
    let filled = dec(o.get("vol_exec")).ok_or_else(|| bad_reply(w, "vol_exec"))?;
    let side = match descr.get("type").and_then(Value::as_str) {
        Some("buy") => Side::Buy,
        Some("sell") => Side::Sell,
        _ => return Err(bad_reply(w, "descr.type")),
    };
    let state = match o.get("status").and_then(Value::as_str) {
        Some("pending") | Some("open") if filled.is_zero() => OrderState::Open,
        Some("pending") | Some("open") => OrderState::PartiallyFilled,
        Some("closed") => OrderState::Filled,
        Some("canceled") => OrderState::Cancelled,
        Some("expired") => OrderState::Expired,
        _ => return Err(bad_reply(w, "status")),
    };
    Ok(OrderReport {
        venue_order_id: txid.to_string(),
        client_order_id: o.get("cl_ord_id").and_then(Value::as_str).unwrap_or("").to_string(),
        symbol: descr.get("pair").and_then(Value::as_str).unwrap_or("").to_string(),
        side,
        quantity: qty,
        filled_quantity: filled,
        average_price: dec(o.get("price")).filter(|_| !filled.is_zero()),
        fees: dec(o.get("fee")).unwrap_or_default(),
        state,
    })
}

/// The AddOrder form fields for one order (without nonce), as Kraken spells them.
/// How many pages of closed orders a lookup of a conditional close reads (50 orders each).
const CLOSED_PAGES: usize = 4;

/// Which exit a conditional close is, from its order type.
fn close_leg(o: &Value) -> Option<ExitLeg> {
    let t = o.get("descr")?.get("ordertype")?.as_str()?;
    if t.starts_with("take-profit") {
        Some(ExitLeg::TakeProfit)
    } else if t.starts_with("stop-loss") {
        Some(ExitLeg::StopLoss)
    } else {
        None
    }
}

pub fn add_order_params(order: &OrderRequest, validate: bool) -> VenueResult<Vec<(&'static str, String)>> {
    let reject = |r: &str| VenueError::Rejected { reason: r.to_string() };
    let ordertype = match order.order_type {
        OrderType::Market => "market",
        OrderType::Limit => "limit",
        OrderType::StopMarket => "stop-loss",
        OrderType::StopLimit => "stop-loss-limit",
        OrderType::TakeProfitMarket => "take-profit",
        OrderType::TakeProfitLimit => "take-profit-limit",
    };
    let mut p = vec![
        ("ordertype", ordertype.to_string()),
        ("type", order.side.name().to_string()),
        ("volume", order.quantity.normalize().to_string()),
        ("pair", order.symbol.clone()),
        ("cl_ord_id", order.client_order_id.clone()),
    ];
    match order.order_type {
        OrderType::Limit => p.push((
            "price",
            order
                .limit_price
                .ok_or_else(|| reject("a limit order needs a limit price"))?
                .normalize()
                .to_string(),
        )),
        // Kraken's price is the trigger for stops and take-profits; price2 their limit.
        OrderType::StopMarket | OrderType::TakeProfitMarket => p.push((
            "price",
            order
                .trigger_price
                .ok_or_else(|| reject(&format!("a {} order needs a trigger price", order.order_type.name())))?
                .normalize()
                .to_string(),
        )),
        OrderType::StopLimit | OrderType::TakeProfitLimit => {
            p.push((
                "price",
                order
                    .trigger_price
                    .ok_or_else(|| {
                        reject(&format!("a {} order needs a trigger price", order.order_type.name()))
                    })?
                    .normalize()
                    .to_string(),
            ));
            p.push((
                "price2",
                order
                    .limit_price
                    .ok_or_else(|| {
                        reject(&format!("a {} order needs a limit price", order.order_type.name()))
                    })?
                    .normalize()
                    .to_string(),
            ));
        }
        OrderType::Market => {}
    }
    match order.time_in_force {
        TimeInForce::Gtc => {}
        TimeInForce::Ioc => p.push(("timeinforce", "IOC".into())),
        TimeInForce::Fok => return Err(reject("Kraken spot has no fill-or-kill; use gtc, ioc or post-only")),
        // Post-only is a GTC limit order with the post flag (Kraken takes it on limits only).
        TimeInForce::PostOnly if order.order_type == OrderType::Limit => p.push(("oflags", "post".into())),
        TimeInForce::PostOnly => return Err(reject("Kraken takes post-only on limit orders only")),
    }
    if order.reduce_only {
        return Err(reject("reduce-only is for margin orders; this adapter trades Kraken spot"));
    }
    // Kraken attaches one conditional close, placed by the venue when this order fills.
    let mut legs = order.exits.legs();
    if let Some((leg, trigger)) = legs.next() {
        if legs.next().is_some() {
            return Err(reject("Kraken attaches one conditional close; give a take-profit or a stop-loss"));
        }
        let close = match leg {
            ExitLeg::TakeProfit => "take-profit",
            ExitLeg::StopLoss => "stop-loss",
        };
        p.push(("close[ordertype]", close.into()));
        p.push(("close[price]", trigger.normalize().to_string()));
    }
    if validate {
        p.push(("validate", "true".into()));
    }
    Ok(p)
}

impl KrakenAdapter {
    pub fn new(client: KrakenClient, ws_url: &str, ws_auth_url: &str) -> KrakenAdapter {
        KrakenAdapter {
            client: std::sync::Arc::new(client),
            ws_url: ws_url.into(),
            ws_auth_url: ws_auth_url.into(),
            pairs: OnceCell::new(),
            notify: None,
        }
    }

    pub fn notifier(&self) -> Option<Notifier> {
        self.notify.clone()
    }

    /// Where websocket disconnects and gaps are reported.
    pub fn with_notifier(mut self, n: Notifier) -> Self {
        self.notify = Some(n);
        self
    }

    pub fn ws_url(&self) -> &str {
        &self.ws_url
    }

    pub fn ws_auth_url(&self) -> &str {
        &self.ws_auth_url
    }

    pub async fn pairs(&self) -> VenueResult<&KrakenPairs> {
        self.pairs
            .get_or_try_init(|| async {
                let v = self.client.public("AssetPairs", &[]).await?;
                parse_asset_pairs(&v).map_err(|e| VenueError::Unavailable { message: e.to_string() })
            })
            .await
    }

    /// The AddOrder for `order` with its nonce drawn in `turn`, neither signed nor sent
    /// (`order preview`; with `validate`, the caller sends it in the same turn).
    pub fn preview(
        &self,
        turn: &mut PrivateTurn<'_>,
        order: &OrderRequest,
        validate: bool,
    ) -> VenueResult<PreparedRequest> {
        turn.prepare("AddOrder", &add_order_params(order, validate)?)
    }

    async fn find(&self, order: &OrderRef) -> VenueResult<Option<OrderReport>> {
        match order {
            OrderRef::Venue(txid) => {
                match self.client.private("QueryOrders", &[("txid", txid.clone())]).await {
                    Ok(v) => match v.get(txid) {
                        Some(o) => self.named(txid, o).await.map(Some),
                        None => Ok(None),
                    },
                    Err(VenueError::Rejected { reason }) if reason.contains("Invalid order") => Ok(None),
                    Err(e) => Err(e),
                }
            }
            OrderRef::Client(id) => {
                for (method, key) in [("OpenOrders", "open"), ("ClosedOrders", "closed")] {
                    let v = self.client.private(method, &[("cl_ord_id", id.clone())]).await?;
                    let m = v.get(key).and_then(Value::as_object).ok_or_else(|| bad_reply(method, key))?;
                    if let Some((txid, o)) = m.iter().next() {
                        return order_report(txid, o).map(Some);
                    }
                }
                // Not ours by cl_ord_id: it may be a conditional close, named by its parent.
                // Closed orders come 50 a page, newest first: a few pages reach back far enough
                // for an exit of an entry this corridor still tracks.
                let mut pages = vec![("OpenOrders", "open", 0)];
                pages.extend((0..CLOSED_PAGES).map(|n| ("ClosedOrders", "closed", n * 50)));
                for (method, key, ofs) in pages {
                    let params = if ofs > 0 { vec![("ofs", ofs.to_string())] } else { vec![] };
                    let v = self.client.private(method, &params).await?;
                    let m = v.get(key).and_then(Value::as_object).ok_or_else(|| bad_reply(method, key))?;
                    for (txid, o) in m.iter().filter(|(_, o)| o.get("refid").is_some_and(Value::is_string)) {
                        let r = self.named(txid, o).await?;
                        if &r.client_order_id == id {
                            return Ok(Some(r));
                        }
                    }
                    let total = v.get("count").and_then(Value::as_u64).unwrap_or(0) as usize;
                    if key == "closed" && (m.len() < 50 || ofs + m.len() >= total) {
                        break;
                    }
                }
                Ok(None)
            }
        }
    }

    /// A conditional close carries no client id of ours, only its parent's txid (`refid`): it
    /// is named by the id derived from its parent's ([`attached_client_id`]).
    async fn named(&self, txid: &str, o: &Value) -> VenueResult<OrderReport> {
        let mut r = order_report(txid, o)?;
        let parent = o.get("refid").and_then(Value::as_str);
        if let (true, Some(parent), Some(leg)) = (r.client_order_id.is_empty(), parent, close_leg(o)) {
            let q = self.client.private("QueryOrders", &[("txid", parent.to_string())]).await?;
            if let Some(pc) = q.get(parent).and_then(|p| p.get("cl_ord_id")).and_then(Value::as_str) {
                r.client_order_id = attached_client_id(pc, leg);
            }
        }
        Ok(r)
    }
}

#[async_trait]
impl BrokerAdapter for KrakenAdapter {
    fn venue(&self) -> Venue {
        Venue::Kraken
    }

    fn loopback_only(&self) -> std::result::Result<(), crate::engine::loopback::NotLoopback> {
        crate::engine::venues::endpoints::urls_loopback(&[
            ("base_url", self.client.base_url()),
            ("ws_url", &self.ws_url),
            ("ws_auth_url", &self.ws_auth_url),
        ])
    }

    async fn status(&self) -> VenueResult<VenueStatus> {
        let v = self.client.public("SystemStatus", &[]).await?;
        Ok(match v.get("status").and_then(Value::as_str) {
            Some("online") => VenueStatus::Online,
            Some("cancel_only") | Some("post_only") | Some("limit_only") => VenueStatus::CancelOnly,
            Some(_) => VenueStatus::Offline,
            None => return Err(bad_reply("SystemStatus", "status")),
        })
    }

    async fn server_time(&self) -> VenueResult<i64> {
        self.client.server_time_ms().await
    }

    async fn instruments(&self) -> VenueResult<Vec<InstrumentRules>> {
        Ok(self.pairs().await?.rules())
    }

    async fn balances(&self) -> VenueResult<Vec<Balance>> {
        let v = self.client.private("BalanceEx", &[]).await?;
        let m = v.as_object().ok_or_else(|| bad_reply("BalanceEx", "result"))?;
        m.iter()
            .map(|(asset, b)| {
                let total = dec(b.get("balance")).ok_or_else(|| bad_reply("BalanceEx", "balance"))?;
                let hold = dec(b.get("hold_trade")).unwrap_or_default();
                Ok(Balance { asset: asset.clone(), total, available: total - hold })
            })
            .collect()
    }

    async fn positions(&self) -> VenueResult<Vec<Position>> {
        let balances = self.balances().await?;
        let pairs = self.pairs().await?;
        Ok(super::holdings::positions(&balances, pairs))
    }

    async fn open_orders(&self) -> VenueResult<Vec<OrderReport>> {
        let v = self.client.private("OpenOrders", &[]).await?;
        let m = v.get("open").and_then(Value::as_object).ok_or_else(|| bad_reply("OpenOrders", "open"))?;
        let mut out = Vec::with_capacity(m.len());
        for (t, o) in m {
            out.push(self.named(t, o).await?);
        }
        Ok(out)
    }

    async fn order_status(&self, order: &OrderRef) -> VenueResult<Option<OrderReport>> {
        self.find(order).await
    }

    async fn submit(&self, order: &OrderRequest) -> VenueResult<OrderReport> {
        let params = add_order_params(order, false)?;
        match self.client.private("AddOrder", &params).await {
            Ok(v) => {
                let txid = v
                    .get("txid")
                    .and_then(Value::as_array)
                    .and_then(|a| a.first())
                    .and_then(Value::as_str)
                    .ok_or_else(|| bad_reply("AddOrder", "txid"))?
                    .to_string();
                // The order's state right after placement (a market order may have filled).
                match self.find(&OrderRef::Venue(txid.clone())).await? {
                    Some(r) => Ok(r),
                    None => Err(VenueError::Unavailable {
                        message: format!("AddOrder: {txid} accepted but not found"),
                    }),
                }
            }
            // Idempotent on the client id: a repeat returns the order already placed.
            Err(VenueError::Rejected { reason }) if reason.contains("Duplicate cl_ord_id") => self
                .find(&OrderRef::Client(order.client_order_id.clone()))
                .await?
                .ok_or(VenueError::Rejected { reason }),
            Err(e) => Err(e),
        }
    }

    async fn validate(&self, order: &OrderRequest) -> VenueResult<()> {
        self.client.private("AddOrder", &add_order_params(order, true)?).await.map(|_| ())
    }

    async fn cancel(&self, order: &OrderRef) -> VenueResult<OrderReport> {
        let param = match order {
            OrderRef::Venue(t) => ("txid", t.clone()),
            OrderRef::Client(c) => ("cl_ord_id", c.clone()),
        };
        self.client.private("CancelOrder", &[param]).await?;
        self.find(order)
            .await?
            .ok_or_else(|| VenueError::NotFound { message: "CancelOrder: order not found".into() })
    }

    async fn cancel_all(&self) -> VenueResult<usize> {
        let v = self.client.private("CancelAll", &[]).await?;
        Ok(v.get("count").and_then(Value::as_u64).unwrap_or(0) as usize)
    }

    async fn dead_man_switch(&self, seconds: u32) -> VenueResult<()> {
        self.client.private("CancelAllOrdersAfter", &[("timeout", seconds.to_string())]).await.map(|_| ())
    }

    async fn marks(&self, symbols: &[String]) -> VenueResult<BTreeMap<String, Mark>> {
        if symbols.is_empty() {
            return Ok(BTreeMap::new());
        }
        let pairs = self.pairs().await?;
        let v = self.client.public("Ticker", &[("pair", symbols.join(","))]).await?;
        let now = crate::engine::time::now_ms();
        let mut out = BTreeMap::new();
        for s in symbols {
            let Some(p) = pairs.get(s) else { continue };
            let Some(t) = v.get(&p.name).or_else(|| v.get(&p.altname)) else { continue };
            let side = |k: &str| dec(t.get(k).and_then(|a| a.get(0)));
            if let (Some(a), Some(b)) = (side("a"), side("b")) {
                out.insert(s.clone(), Mark { price: (a + b) / Decimal::TWO, at_ms: now });
            }
        }
        Ok(out)
    }

    async fn subscribe(&self, symbols: &[String]) -> VenueResult<tokio::sync::mpsc::Receiver<MarketEvent>> {
        let pairs = self.pairs().await?;
        let mut ws_names = Vec::new();
        for s in symbols {
            let p = pairs
                .get(s)
                .ok_or_else(|| VenueError::Rejected { reason: format!("unknown Kraken pair '{s}'") })?;
            let ws = p.wsname.clone().unwrap_or_else(|| p.altname.clone()).replace("XBT/", "BTC/");
            ws_names.push((ws, s.clone()));
        }
        Ok(super::ws::ticker_stream(self.ws_url.clone(), ws_names, self.notify.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(t: OrderType, limit: Option<i64>, trigger: Option<i64>, tif: TimeInForce) -> OrderRequest {
        OrderRequest {
            client_order_id: "c1".into(),
            symbol: "XBTUSD".into(),
            side: Side::Sell,
            quantity: Decimal::new(1, 2),
            order_type: t,
            limit_price: limit.map(Decimal::from),
            trigger_price: trigger.map(Decimal::from),
            time_in_force: tif,
            reduce_only: false,
            exits: Default::default(),
        }
    }

    fn field(p: &[(&'static str, String)], k: &str) -> Option<String> {
        p.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone())
    }

    #[test]
    fn take_profits_send_the_trigger_as_price_and_the_limit_as_price2() {
        let p = add_order_params(
            &order(OrderType::TakeProfitMarket, None, Some(60_000), TimeInForce::Gtc),
            false,
        )
        .unwrap();
        assert_eq!(field(&p, "ordertype").as_deref(), Some("take-profit"));
        assert_eq!(field(&p, "price").as_deref(), Some("60000"));
        assert_eq!(field(&p, "price2"), None);
        let p = add_order_params(
            &order(OrderType::TakeProfitLimit, Some(59_900), Some(60_000), TimeInForce::Gtc),
            false,
        )
        .unwrap();
        assert_eq!(field(&p, "ordertype").as_deref(), Some("take-profit-limit"));
        assert_eq!(field(&p, "price").as_deref(), Some("60000"));
        assert_eq!(field(&p, "price2").as_deref(), Some("59900"));
        let missing =
            add_order_params(&order(OrderType::TakeProfitLimit, None, Some(60_000), TimeInForce::Gtc), false);
        assert!(matches!(missing, Err(VenueError::Rejected { .. })));
    }

    #[test]
    fn post_only_is_a_gtc_limit_with_the_post_flag() {
        let p = add_order_params(&order(OrderType::Limit, Some(60_000), None, TimeInForce::PostOnly), true)
            .unwrap();
        assert_eq!(field(&p, "ordertype").as_deref(), Some("limit"));
        assert_eq!(field(&p, "oflags").as_deref(), Some("post"));
        assert_eq!(field(&p, "timeinforce"), None, "GTC is Kraken's default");
        let gtc =
            add_order_params(&order(OrderType::Limit, Some(60_000), None, TimeInForce::Gtc), false).unwrap();
        assert_eq!(field(&gtc, "oflags"), None);
        let market = add_order_params(&order(OrderType::Market, None, None, TimeInForce::PostOnly), false);
        assert!(matches!(market, Err(VenueError::Rejected { .. })));
    }
}

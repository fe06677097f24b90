//! `order preview`: the exact request an order would go out as, built by the same adapter code
//! that submits, and journaled as a dry run before anything is sent. It never shows a usable
//! request: the API key is redacted and the signature withheld (on Hyperliquid the signature
//! alone authorizes an order, so a signed body would be an order anyone could place, past every
//! policy, arming, halt and kill-switch check). In its place: the nonce, the digest that would
//! be signed and, on Hyperliquid, the signer's address. `--validate` signs and sends Kraken's
//! validate-only AddOrder internally, printing none of its signature; Hyperliquid has no
//! validate-only order, so there the adapter's own checks are all that run, and it says so.

use rust_decimal::Decimal;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::connect::{self, Live};
use super::error::VenuesError;
use crate::engine::error::{Error, Result};
use crate::engine::execution::broker::BrokerAdapter;
use crate::engine::execution::journal::Journal;
use crate::engine::execution::model::Event;
use crate::engine::execution::model::{InstrumentRules, OrderRequest, VenueError};
use crate::engine::execution::{intent, paths, CorridorId, Venue};
use crate::engine::runtime::VenueRuntime;
use crate::engine::secrets::CredentialStore;
use crate::engine::workspace::Workspace;

pub const REDACTED: &str = "<redacted>";
/// Where a signature would be: a preview never shows one.
pub const WITHHELD: &str = "<withheld>";

#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    pub venue: String,
    pub account: String,
    pub method: &'static str,
    pub url: String,
    /// Headers as they would be sent; the API key is redacted, Kraken's API-Sign withheld.
    pub headers: Vec<(String, String)>,
    /// The body as it would be sent, but for Hyperliquid's `signature`, withheld.
    pub body: String,
    pub body_sha256: String,
    /// The request's nonce (in the body too).
    pub nonce: u64,
    /// What the signature would be over: Hyperliquid, the EIP-712 digest (0x hex) the agent
    /// key would sign; Kraken, `SHA256(nonce ++ body)` (hex), the part of API-Sign's HMAC
    /// input after the URL path.
    pub signing_digest: String,
    /// Who would sign: the Hyperliquid agent's address; none on Kraken (the API key is
    /// redacted).
    pub signer: Option<String>,
    /// Always true: no preview carries a signature a venue would accept.
    pub signature_withheld: bool,
    pub request: OrderRequest,
    /// Whether the venue was asked to validate it (Kraken only).
    pub validated: bool,
    /// The venue's (or, on Hyperliquid, the adapter's) verdict with --validate.
    pub validation: Option<Validation>,
    /// The loopback credential warning, when the environment supplied the credential.
    pub warning: Option<String>,
    pub journal: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Validation {
    pub ok: bool,
    pub message: String,
}

/// What the operator asked for; the client order id is made here.
pub struct Ask {
    pub symbol: String,
    pub side: crate::engine::execution::Side,
    pub quantity: Decimal,
    pub order_type: crate::engine::execution::OrderType,
    pub limit_price: Option<Decimal>,
    pub trigger_price: Option<Decimal>,
    pub time_in_force: crate::engine::execution::TimeInForce,
    pub reduce_only: bool,
    pub exits: Option<crate::engine::execution::model::AttachedExits>,
}

/// The venue's listed rules, checked here so a preview of an order the venue would refuse for
/// its shape is the caller's mistake (exit 2), named by its flag, not a venue error later.
fn within_rules(r: &InstrumentRules, o: &OrderRequest, venue: Venue) -> Result<()> {
    if o.quantity < r.min_quantity || !(o.quantity % r.lot_size).is_zero() {
        let (quantity, symbol, lot, min) = (o.quantity, o.symbol.clone(), r.lot_size, r.min_quantity);
        return Err(VenuesError::OffLot { quantity, symbol, lot, min }.into());
    }
    let prices = [("--limit", o.limit_price), ("--trigger", o.trigger_price)];
    let exits = [("--take-profit", o.exits.take_profit), ("--stop-loss", o.exits.stop_loss)];
    // Hyperliquid's price rule is significant figures, which its adapter checks itself.
    if venue == Venue::Kraken {
        for (flag, p) in prices.iter().chain(exits.iter()) {
            if let Some(price) = p.filter(|p| !(p % r.tick_size).is_zero()) {
                return Err(VenuesError::OffTick { flag, price, tick: r.tick_size }.into());
            }
        }
    }
    if let Some(p) = o.limit_price.or(o.trigger_price) {
        if o.quantity * p < r.min_notional {
            let value = (o.quantity * p).round_dp(8);
            let (quantity, min) = (o.quantity, r.min_notional);
            return Err(VenuesError::BelowMinimum { quantity, price: p, value, min }.into());
        }
    }
    Ok(())
}

fn venue_error(e: VenueError) -> Error {
    VenuesError::Venue(e).into()
}

pub fn preview(
    ws: &Workspace,
    store: &dyn CredentialStore,
    rt: &VenueRuntime,
    id: &CorridorId,
    ask: Ask,
    validate: bool,
) -> Result<Preview> {
    if ask.quantity <= Decimal::ZERO {
        return Err(VenuesError::QtyNotPositive(ask.quantity).into());
    }
    for (flag, p) in [("--limit", ask.limit_price), ("--trigger", ask.trigger_price)] {
        if p.is_some_and(|p| p <= Decimal::ZERO) {
            return Err(VenuesError::PriceNotPositive(flag).into());
        }
    }
    if ask.order_type.needs_limit_price() && ask.limit_price.is_none() {
        return Err(VenuesError::NeedsLimitPrice(ask.order_type.name()).into());
    }
    if ask.order_type.needs_trigger_price() && ask.trigger_price.is_none() {
        return Err(VenuesError::NeedsTriggerPrice(ask.order_type.name()).into());
    }
    if let Some(x) = &ask.exits {
        x.check(ask.side, ask.limit_price.or(ask.trigger_price), ask.reduce_only)?;
        crate::engine::execution::model::exits::venue_takes(id.venue, x)?;
    }
    let (live, _ep, warning) = connect::open(ws, id, store)?;
    let request = OrderRequest {
        client_order_id: intent::client_order_id(&format!(
            "preview-{}-{}",
            id,
            crate::engine::time::now_ms()
        )),
        symbol: ask.symbol,
        side: ask.side,
        quantity: ask.quantity,
        order_type: ask.order_type,
        limit_price: ask.limit_price,
        trigger_price: ask.trigger_price,
        time_in_force: ask.time_in_force,
        reduce_only: ask.reduce_only,
        exits: ask.exits.unwrap_or_default(),
    };
    let mut journal = Journal::open(&paths::journal(ws, id))?;
    rt.block_on(async {
        // Unknown symbols are the caller's mistake (exit 2), found from the venue's own list.
        let rules = match &live {
            Live::Kraken(a) => a.instruments().await,
            Live::Hyperliquid(a) => a.instruments().await,
        }
        .map_err(venue_error)?;
        if !rules.iter().any(|r| r.symbol == request.symbol) {
            let listed = rules.iter().take(12).map(|r| r.symbol.clone()).collect();
            return Err(VenuesError::NotListed { symbol: request.symbol.clone(), venue: id.venue, listed }.into());
        }
        if let Some(r) = rules.iter().find(|r| r.symbol == request.symbol) {
            within_rules(r, &request, id.venue)?;
        }
        let mut kraken_turn = None;
        let (url, headers, body, nonce, signing_digest, signer) = match &live {
            Live::Kraken(a) => {
                // The key's turn is held until the validate-only request (if any) is answered,
                // so its nonce reaches Kraken in order with every other process's.
                let mut turn = a.client.turn().await.map_err(venue_error)?;
                let prepared = a
                    .preview(&mut turn, &request, validate)
                    .map_err(VenuesError::Unpreviewable)?;
                let headers = vec![
                    ("API-Key".to_string(), REDACTED.to_string()),
                    ("API-Sign".to_string(), WITHHELD.to_string()),
                    (
                        "Content-Type".to_string(),
                        "application/x-www-form-urlencoded; charset=utf-8".to_string(),
                    ),
                ];
                let shown = (
                    prepared.url.clone(),
                    headers,
                    prepared.body.clone(),
                    prepared.nonce,
                    prepared.signing_digest(),
                    None,
                );
                kraken_turn = Some((turn, prepared));
                shown
            }
            Live::Hyperliquid(a) => {
                let p =
                    a.preview(&request).await.map_err(VenuesError::Unpreviewable)?;
                let headers = vec![("Content-Type".to_string(), "application/json".to_string())];
                (p.url, headers, p.body, p.nonce, p.signing_digest, Some(p.signer))
            }
        };
        let body_sha256 = hex::encode(Sha256::digest(body.as_bytes()));
        journal.append(
            Event::OrderPreview { request: request.clone(), validate, body_sha256: body_sha256.clone() },
            true,
        )?;
        let validation = match (validate, &live, kraken_turn) {
            (false, ..) => None,
            (true, Live::Kraken(_), Some((turn, prepared))) => {
                // The very body printed is the one sent, signed here and nowhere shown.
                let r = turn.send(&prepared).await;
                drop(turn);
                Some(match r {
                    Ok(_) => Validation { ok: true, message: "Kraken validated the order; nothing was placed".into() },
                    Err(e) => Validation { ok: false, message: e.to_string() },
                })
            }
            (true, ..) => Some(Validation {
                ok: true,
                message: "Hyperliquid has no validate-only order: the adapter's price, size and asset checks passed; nothing was sent"
                    .into(),
            }),
        };
        if let Some(v) = &validation {
            journal.append(
                Event::PreviewResult {
                    client_order_id: request.client_order_id.clone(),
                    ok: v.ok,
                    message: v.message.clone(),
                },
                true,
            )?;
        }
        Ok(Preview {
            venue: id.venue.to_string(),
            account: id.account.clone(),
            method: "POST",
            url,
            headers,
            body,
            body_sha256,
            nonce,
            signing_digest,
            signer,
            signature_withheld: true,
            request,
            validated: validate,
            validation,
            warning,
            journal: journal.path().display().to_string(),
        })
    })?
}

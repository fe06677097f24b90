//! Exits attached to an entry: a take-profit and a stop-loss that the venue holds off the book
//! until the entry fills (Hyperliquid's `normalTpsl` group, Kraken's conditional close). Each
//! exit is also an intent of its own in the journal, a child of the entry, so its fills move
//! the position and reconciliation knows its client order id; it is approved with its parent
//! and sent in the same venue request, never on its own. The exits themselves are data
//! ([`super::model::exits`]); here they become child intents and venue requests.

use super::intent::client_order_id;
use super::model::exits::leg_name;
use super::model::{AttachedExits, ExecutionIntent, ExitLeg, OrderRequest, Side, TimeInForce};

/// The client order id of an exit, derived from its parent's so a venue adapter that only
/// knows the parent (Kraken names a conditional close by its parent's txid) can name it too.
pub fn attached_client_id(parent_client_id: &str, leg: ExitLeg) -> String {
    client_order_id(&format!("{parent_client_id}/{}", leg.tag()))
}

/// The exits of an order as venue orders of their own, in leg order: the other side, the same
/// size (a venue sizes them to the fill), market once triggered, reduce-only, each with the
/// client id derived from the entry's.
pub fn attached_requests(o: &OrderRequest) -> Vec<OrderRequest> {
    o.exits
        .legs()
        .map(|(leg, trigger)| OrderRequest {
            client_order_id: attached_client_id(&o.client_order_id, leg),
            side: opposite(o.side),
            order_type: leg.order_type(),
            limit_price: None,
            trigger_price: Some(trigger),
            time_in_force: TimeInForce::Gtc,
            reduce_only: true,
            exits: AttachedExits::default(),
            ..o.clone()
        })
        .collect()
}

fn opposite(side: Side) -> Side {
    match side {
        Side::Buy => Side::Sell,
        Side::Sell => Side::Buy,
    }
}

/// The child intents of an entry with exits, in leg order. Each closes what the entry opens:
/// the other side, the entry's quantity, market once triggered, reduce-only, expiring with it.
pub fn children(parent: &ExecutionIntent) -> Vec<ExecutionIntent> {
    let Some(exits) = parent.exits else { return Vec::new() };
    exits
        .legs()
        .map(|(leg, price)| ExecutionIntent {
            id: format!("{}.{}", parent.id, leg.tag()),
            side: opposite(parent.side),
            order_type: leg.order_type(),
            limit_price: None,
            trigger_price: Some(price),
            time_in_force: TimeInForce::Gtc,
            reduce_only: true,
            client_order_id: attached_client_id(&parent.client_order_id, leg),
            exits: None,
            parent: Some(parent.id.clone()),
            note: Some(format!("{} of {}", leg_name(leg), parent.id)),
            ..parent.clone()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn child_ids_are_derived_and_distinct() {
        let p = "6f1c0c8e-5c4e-4b53-9d1e-1f2a3b4c5d6e";
        let tp = attached_client_id(p, ExitLeg::TakeProfit);
        let sl = attached_client_id(p, ExitLeg::StopLoss);
        assert_ne!(tp, sl);
        assert_eq!(tp, attached_client_id(p, ExitLeg::TakeProfit));
        assert_eq!(tp.len(), 36);
    }
}

//! Attached exits on the fake venue, held as Hyperliquid holds a `normalTpsl` group: off the
//! book until the entry is done, then resting for the quantity it filled; an entry that ends
//! unfilled drops them, and an exit that fills cancels its sibling. So brackets can be
//! rehearsed where no money moves.

use rust_decimal::Decimal;

use super::exits::attached_requests;
use super::fake::{FakeOrder, FakeState};
use super::model::{OrderReport, OrderState};

impl FakeState {
    /// After order `i` changed: release a done entry's exits, or cancel a filled exit's sibling.
    pub(super) fn settle_exits(&mut self, i: usize) {
        let o = &self.orders[i];
        if o.report.state.is_open() {
            return;
        }
        if let Some(parent) = o.parent.clone() {
            if !o.report.filled_quantity.is_zero() {
                for s in self.orders.iter_mut().filter(|s| s.parent.as_ref() == Some(&parent)) {
                    if s.report.state.is_open() {
                        s.report.state = OrderState::Cancelled;
                    }
                }
            }
            return;
        }
        if o.exits_released || o.request.exits.is_empty() {
            return;
        }
        let (entry, filled) = (o.report.venue_order_id.clone(), o.report.filled_quantity);
        self.orders[i].exits_released = true;
        if filled.is_zero() {
            return;
        }
        for mut x in attached_requests(&self.orders[i].request) {
            x.quantity = filled;
            let id = format!("F{:06}", self.next_id);
            self.next_id += 1;
            // An exit the venue cannot rest (nothing left to reduce) is kept, cancelled, so its
            // client id still answers.
            let state = if self.check(&x).is_ok() { OrderState::Open } else { OrderState::Cancelled };
            self.orders.push(FakeOrder {
                report: OrderReport {
                    venue_order_id: id,
                    client_order_id: x.client_order_id.clone(),
                    symbol: x.symbol.clone(),
                    side: x.side,
                    quantity: filled,
                    filled_quantity: Decimal::ZERO,
                    average_price: None,
                    fees: Decimal::ZERO,
                    state,
                },
                armed_stop: true,
                parent: Some(entry.clone()),
                exits_released: false,
                request: x,
            });
        }
    }
}

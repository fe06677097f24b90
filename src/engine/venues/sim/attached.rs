//! Exits attached to an entry, as both venues hold them: off the book until the entry is done
//! (Hyperliquid's `normalTpsl` children, Kraken's conditional close), then resting as trigger
//! orders for the quantity the entry filled. An entry that ends unfilled takes its exits with
//! it; when one exit fills, its siblings are cancelled (Hyperliquid: `siblingFilledCanceled`).

use super::exchange::{Event, Exchange, NewOrder, Order, Reject, SimVenue, Status};

impl Exchange {
    /// Place an entry with its exits waiting on it. Only the entry is checked now; an exit is
    /// checked when it is released, as the venue does.
    pub fn place_with_exits(
        &mut self,
        venue: SimVenue,
        req: NewOrder,
        exits: Vec<NewOrder>,
        now_ms: i64,
    ) -> Result<(Order, Vec<Event>), Reject> {
        let (order, mut events) = self.place(venue, req, now_ms)?;
        if exits.is_empty() {
            return Ok((order, events));
        }
        if let Some(o) = self.orders.get_mut(&order.id) {
            o.attached = exits;
        }
        self.release_attached(order.id, now_ms, &mut events);
        Ok((self.orders[&order.id].clone(), events))
    }

    /// The exits of `id` still waiting, if it has any.
    pub fn waiting_exits(&self, id: u64) -> &[NewOrder] {
        self.orders.get(&id).map_or(&[], |o| o.attached.as_slice())
    }

    /// The exits of a done entry rest now, sized to its fill; an unfilled one drops them.
    pub(super) fn release_attached(&mut self, id: u64, now_ms: i64, events: &mut Vec<Event>) {
        let Some(entry) = self.orders.get_mut(&id) else { return };
        if entry.status == Status::Open || entry.attached.is_empty() {
            return;
        }
        let exits = std::mem::take(&mut entry.attached);
        let (venue, filled) = (entry.venue, entry.filled);
        if filled.is_zero() {
            return;
        }
        for mut x in exits {
            x.qty = filled;
            let child = match self.place(venue, x.clone(), now_ms) {
                Ok((o, ev)) => {
                    events.extend(ev);
                    o.id
                }
                Err(_) => self.refused(venue, x, now_ms),
            };
            if let Some(o) = self.orders.get_mut(&child) {
                o.parent = Some(id);
                events.push(Event::Order(o.clone()));
            }
        }
    }

    /// An exit the venue could not rest (the position is gone, funds are short): kept as a
    /// cancelled order, so a status query by its client id finds its fate.
    fn refused(&mut self, venue: SimVenue, req: NewOrder, now_ms: i64) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        let o = Order { status: Status::Canceled, ..Order::new(id, venue, req, now_ms) };
        self.orders.insert(id, o);
        id
    }

    /// An exit that filled cancels the other exits of its entry.
    pub(super) fn cancel_siblings(&mut self, id: u64, now_ms: i64, events: &mut Vec<Event>) {
        let Some(o) = self.orders.get(&id) else { return };
        let Some(parent) = o.parent.filter(|_| !o.filled.is_zero()) else { return };
        let siblings: Vec<u64> = self
            .orders
            .values()
            .filter(|s| s.parent == Some(parent) && s.id != id && s.status == Status::Open)
            .map(|s| s.id)
            .collect();
        for s in siblings {
            if let Some(c) = self.cancel(s, now_ms) {
                events.push(Event::Order(c));
            }
        }
    }
}

//! A Hyperliquid-style perp margin account in the simulator: its value at the mids, the margin
//! its positions use at each asset's maximum leverage, and what is left to trade with.

use rust_decimal::Decimal;

use super::exchange::{Account, Exchange, Market, PerpPosition, SimVenue};

impl Exchange {
    /// Perp account value: cash plus unrealized PnL at the mids.
    pub fn account_value(&self, acct: &Account) -> Decimal {
        let cash = acct.balances.get("USDC").copied().unwrap_or_default();
        cash + acct.positions.iter().map(|(s, p)| self.unrealized(acct.venue, s, p)).sum::<Decimal>()
    }

    pub fn unrealized(&self, venue: SimVenue, symbol: &str, p: &PerpPosition) -> Decimal {
        let mid = self.instrument(venue, symbol).and_then(|i| self.mid(i)).unwrap_or(p.entry_price);
        (mid - p.entry_price) * p.qty
    }

    pub fn margin_used(&self, acct: &Account) -> Decimal {
        acct.positions
            .iter()
            .filter_map(|(s, p)| {
                let i = self.instrument(acct.venue, s)?;
                let Market::Perp { max_leverage } = i.market else { return None };
                Some(p.qty.abs() * self.mid(i).unwrap_or(p.entry_price) / Decimal::from(max_leverage.max(1)))
            })
            .sum()
    }

    pub fn withdrawable(&self, acct: &Account) -> Decimal {
        let open: Decimal = self
            .open_orders(acct.venue, &acct.id)
            .iter()
            .filter(|o| !o.req.reduce_only)
            .filter_map(|o| {
                let i = self.instrument(acct.venue, &o.req.symbol)?;
                let Market::Perp { max_leverage } = i.market else { return None };
                let px = o.req.limit.or(o.req.trigger)?;
                Some(o.remaining() * px / Decimal::from(max_leverage.max(1)))
            })
            .sum();
        (self.account_value(acct) - self.margin_used(acct) - open).max(Decimal::ZERO)
    }
}

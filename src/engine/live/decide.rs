//! The session's decision on a bar, as a pure function: from the position the strategy wants
//! and the position the venue holds, the one order (if any) that closes the gap. The session
//! never assumes a fill: a missed, partial or rejected order leaves a gap the next bar sees.

use rust_decimal::Decimal;

use super::sizing::floor_to;
use crate::engine::execution::model::InstrumentRules;
use crate::engine::execution::Side;

#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// The venue holds what the strategy wants (or the gap is below the venue's minimums).
    AtTarget,
    /// An intent of this session is still alive (pending, approved, at the venue): one at a time.
    Wait(String),
    Order { side: Side, quantity: Decimal, reduce_only: bool },
}

/// `desired` and `held` are the session's own positions (signed base units, the venue's
/// position less what the account held when the session started); `alive` is this session's
/// intent still waiting for approval or for the venue, if any.
pub fn decide(desired: Decimal, held: Decimal, mark: Decimal, rules: &InstrumentRules, alive: Option<&str>) -> Decision {
    if let Some(id) = alive {
        return Decision::Wait(id.to_string());
    }
    let gap = desired - held;
    let quantity = floor_to(gap.abs(), rules.lot_size);
    if quantity.is_zero() || quantity < rules.min_quantity || quantity * mark < rules.min_notional {
        return Decision::AtTarget;
    }
    let side = if gap > Decimal::ZERO { Side::Buy } else { Side::Sell };
    // Only toward flat, never through it: the venue can hold the order to that.
    let reduce_only = !held.is_zero() && desired.abs() < held.abs() && (desired.is_zero() || desired.is_sign_negative() == held.is_sign_negative());
    Decision::Order { side, quantity, reduce_only }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> InstrumentRules {
        InstrumentRules {
            symbol: "BTC/USD".into(),
            tick_size: Decimal::new(1, 1),
            lot_size: Decimal::new(1, 3),
            min_quantity: Decimal::new(1, 3),
            min_notional: Decimal::from(5),
            max_price_sig_figs: None,
        }
    }
    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn closes_the_gap_the_venue_shows() {
        let m = d("100");
        assert_eq!(
            decide(d("1"), d("0"), m, &rules(), None),
            Decision::Order { side: Side::Buy, quantity: d("1"), reduce_only: false }
        );
        // A partial fill left 0.4: the next bar buys the rest, not the whole again.
        assert_eq!(
            decide(d("1"), d("0.4"), m, &rules(), None),
            Decision::Order { side: Side::Buy, quantity: d("0.6"), reduce_only: false }
        );
        assert_eq!(
            decide(d("0"), d("1"), m, &rules(), None),
            Decision::Order { side: Side::Sell, quantity: d("1"), reduce_only: true }
        );
        // Long to short crosses flat: not reduce-only.
        assert_eq!(
            decide(d("-1"), d("1"), m, &rules(), None),
            Decision::Order { side: Side::Sell, quantity: d("2"), reduce_only: false }
        );
        assert_eq!(decide(d("1"), d("1"), m, &rules(), None), Decision::AtTarget);
        // Below the minimum value: nothing the venue would take.
        assert_eq!(decide(d("1.01"), d("1"), m, &rules(), None), Decision::AtTarget);
    }

    #[test]
    fn one_intent_at_a_time() {
        assert_eq!(decide(d("1"), d("0"), d("100"), &rules(), Some("int_1")), Decision::Wait("int_1".into()));
    }
}
